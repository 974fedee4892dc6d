use std::path::Path;
use std::process::Command;

use crate::util::{Env, PASS, fails, stdout, tool};

/// A partner who runs no Casebook: keys from Debian `age-keygen` and `minisign -G`.
struct StockPartner {
    dir: tempfile::TempDir,
    recipient: String,
}

impl StockPartner {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("age.txt");
        assert!(Command::new(tool("age-keygen")).arg("-o").arg(&key).output().unwrap().status.success());
        let recipient =
            stdout(Command::new(tool("age-keygen")).arg("-y").arg(&key).output().unwrap()).trim().to_string();
        let o = Command::new(tool("minisign"))
            .args(["-G", "-W", "-p"])
            .arg(dir.path().join("m.pub"))
            .arg("-s")
            .arg(dir.path().join("m.key"))
            .output()
            .unwrap();
        assert!(o.status.success());
        Self { dir, recipient }
    }

    fn key(&self) -> std::path::PathBuf {
        self.dir.path().join("age.txt")
    }

    /// Decrypts with `age`, unpacks with `tar --zstd`, checks with `minisign` and `sha256sum`.
    fn check(&self, bundle_bytes_from: &str, sender_pub: &Path) -> String {
        let out = self.dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let script = format!(
            "set -euo pipefail; {bundle_bytes_from} | age -d -i '{key}' | tar --zstd -xf - -C '{out}'; \
             cd '{out}/casebundle'; minisign -V -p '{pubkey}' -m SHA256SUMS; sha256sum -c --strict SHA256SUMS",
            key = self.key().display(),
            out = out.display(),
            pubkey = sender_pub.display()
        );
        let o = Command::new("bash").arg("-c").arg(&script).output().unwrap();
        assert!(
            o.status.success(),
            "stock check failed: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        assert!(text.contains("Signature and comment signature verified"), "{text}");
        assert!(!text.contains("FAILED"), "{text}");
        let summary = std::fs::read_to_string(out.join("casebundle/summary.md")).unwrap();
        std::fs::remove_dir_all(&out).unwrap();
        summary
    }
}

fn alice_with_case() -> (Env, String, std::path::PathBuf) {
    let a = Env::new();
    a.init("Alice Martin", "CERT-Lyon");
    let case = a.new_case("Ransomware at the water utility", &["--template", "ransomware"]);
    a.json(&[
        "event",
        "add",
        &case,
        "Historian encrypted",
        "--at",
        "2026-11-21T03:12:00+01:00",
        "--host",
        "hist-01",
        "--key",
    ]);
    let pubkey = a.path("alice.pub");
    a.cmd().arg("card").arg("--minisign-pub").arg(&pubkey).assert().success();
    (a, case, pubkey)
}

#[test]
fn a_partner_with_only_stock_tools_reads_binary_armored_and_split_bundles() {
    let (a, case, alice_pub) = alice_with_case();
    let p = StockPartner::new();
    a.cmd()
        .args([
            "partner",
            "add",
            "--name",
            "Stock Sam",
            "--org",
            "Small CERT",
            "--age",
            &p.recipient,
            "--verified",
        ])
        .arg("--minisign-pub")
        .arg(p.dir.path().join("m.pub"))
        .assert()
        .success();

    let bin = a.path("case.casebundle");
    a.cmd().args(["export", &case, "--to", "Stock Sam", "-o"]).arg(&bin).assert().success();
    let summary = p.check(&format!("cat '{}'", bin.display()), &alice_pub);
    assert!(summary.contains("# Ransomware at the water utility"), "{summary}");
    assert!(summary.contains("Historian encrypted") && summary.contains("★"), "{summary}");
    assert!(summary.contains("Identify patient zero"), "{summary}");

    let asc = a.path("case.casebundle.asc");
    a.cmd().args(["export", &case, "--to", "Stock Sam", "--armor", "-o"]).arg(&asc).assert().success();
    assert!(std::fs::read_to_string(&asc).unwrap().starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    p.check(&format!("cat '{}'", asc.display()), &alice_pub);

    let split = a.path("split.casebundle");
    let j = a.json(&["export", &case, "--to", "Stock Sam", "--split", "2K", "-o", split.to_str().unwrap()]);
    let parts = j["files"].as_array().unwrap();
    assert!(parts.len() >= 2, "{j}");
    p.check(&format!("cat '{}'.0*", split.display()), &alice_pub);
}

#[test]
fn import_exit_codes_preview_accept_held_and_refused() {
    let (a, case, _) = alice_with_case();
    let b = Env::new();
    b.init("Bob Huber", "CSIRT-Wien");
    let (ac, bc) = (a.path("a.card"), a.path("b.card"));
    std::fs::write(&ac, a.card()).unwrap();
    std::fs::write(&bc, b.card()).unwrap();
    a.cmd().args(["partner", "add", "--verified"]).arg(&bc).assert().success();
    let bundle = a.path("to-bob.casebundle");
    a.cmd().args(["export", &case, "--to", "Bob Huber", "-o"]).arg(&bundle).assert().success();

    // Bob does not know Alice yet: verified, but held.
    let o = b.cmd().arg("import").arg(&bundle).arg("--accept").output().unwrap();
    assert_eq!(o.status.code(), Some(14), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("HELD"));
    assert!(b.json(&["case", "list"]).as_array().unwrap().is_empty());

    b.cmd().args(["partner", "add", "--verified"]).arg(&ac).assert().success();
    let prev = b.json(&["import", bundle.to_str().unwrap()]);
    assert_eq!(prev["outcome"], "previewed");
    assert_eq!(prev["sender"]["trust"], "verified partner");
    assert_eq!(prev["addressed_to_me"], true);
    assert!(b.json(&["case", "list"]).as_array().unwrap().is_empty());
    let acc = b.json(&["import", bundle.to_str().unwrap(), "--accept"]);
    assert_eq!(acc["outcome"], "accepted");
    assert_eq!(b.json(&["case", "show", &case])["title"], "Ransomware at the water utility");
    let again = b.json(&["import", bundle.to_str().unwrap(), "--accept"]);
    assert_eq!(again["outcome"], "already had");

    // A damaged copy: refused, exit 13, in quarantine.
    let mut bytes = std::fs::read(&bundle).unwrap();
    let n = bytes.len() / 2;
    bytes[n] ^= 1;
    let bad = a.path("bad.casebundle");
    std::fs::write(&bad, bytes).unwrap();
    fails(b.cmd().arg("import").arg(&bad).arg("--accept"), 13, "kept in quarantine");
    let q = b.json(&["quarantine"]);
    assert_eq!(q.as_array().unwrap().len(), 1);
    assert!(q[0]["reason"].as_str().unwrap().contains("altered"));
    let audit = stdout(b.cmd().arg("audit").output().unwrap());
    for action in ["import-held", "import-accepted", "import-rejected"] {
        assert!(audit.contains(action), "{audit}");
    }
    let audit_a = stdout(a.cmd().arg("audit").output().unwrap());
    assert!(audit_a.contains("export") && audit_a.contains("TLP:AMBER"), "{audit_a}");
}

#[test]
fn inbox_commands_take_in_a_dropped_bundle() {
    let (a, case, _) = alice_with_case();
    let b = Env::new();
    b.init("Bob Huber", "CSIRT-Wien");
    let (ac, bc) = (a.path("a.card"), a.path("b.card"));
    std::fs::write(&ac, a.card()).unwrap();
    std::fs::write(&bc, b.card()).unwrap();
    a.cmd().args(["partner", "add", "--verified"]).arg(&bc).assert().success();
    b.cmd().args(["partner", "add", "--verified"]).arg(&ac).assert().success();
    let usb = b.path("usb");
    std::fs::create_dir(&usb).unwrap();
    b.cmd().args(["inbox", "add-dir"]).arg(&usb).assert().success();
    let dirs = b.json(&["inbox", "dirs"]);
    assert_eq!(dirs.as_array().unwrap().len(), 2, "{dirs}");
    let first = usb.join("first.casebundle");
    let second = usb.join("second.casebundle");
    a.cmd().args(["export", &case, "--to", "Bob Huber", "-o"]).arg(&first).assert().success();
    a.json(&["event", "add", &case, "more", "--at", "2026-11-21T05:00:00Z"]);
    a.cmd().args(["export", &case, "--to", "Bob Huber", "-o"]).arg(&second).assert().success();
    std::fs::write(usb.join("readme.txt"), "not a bundle").unwrap();
    let out = stdout(b.cmd().args(["inbox", "watch", "--once"]).output().unwrap());
    assert!(out.contains("skip") && out.contains("readme.txt"), "{out}");
    let items = b.json(&["inbox", "list"]);
    assert_eq!(items.as_array().unwrap().len(), 2, "{items}");
    assert!(items.as_array().unwrap().iter().all(|i| i["state"] == "pending"));
    let id_of = |name: &str| {
        items.as_array().unwrap().iter().find(|i| i["paths"][0].as_str().unwrap().ends_with(name)).unwrap()["id"]
            .as_i64()
            .unwrap()
            .to_string()
    };
    let shown = b.json(&["inbox", "show", &id_of("second.casebundle")]);
    assert_eq!(shown["preview"]["sender"]["name"], "Alice Martin");
    b.cmd().args(["inbox", "reject", &id_of("first.casebundle")]).assert().success();
    let acc = b.json(&["inbox", "accept", &id_of("second.casebundle")]);
    assert_eq!(acc["outcome"], "accepted");
    assert_eq!(b.json(&["event", "list", &case])["events"].as_array().unwrap().len(), 2);
    fails(b.cmd().args(["inbox", "accept", &id_of("first.casebundle")]), 8, "only pending or held");
    fails(b.cmd().args(["inbox", "show", "999"]), 10, "not found");
    // Originals untouched, watch --once again finds nothing new.
    assert!(first.exists() && second.exists());
    let again = stdout(b.cmd().args(["inbox", "watch", "--once"]).output().unwrap());
    assert!(!again.contains("new "), "{again}");
}

/// A bundle the watcher may not read is retried a bounded number of times, then recorded as failed
/// with the OS error; the watcher carries on. Root reads anything, so the watcher runs as `nobody`
/// (via util-linux `setpriv`) from a copy of the binary in a scratch folder that user can reach.
#[test]
fn an_unreadable_bundle_is_retried_then_recorded_as_failed_with_the_os_error() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = tempfile::Builder::new().prefix("casebook-unreadable").tempdir_in("/tmp").unwrap();
    let b = Env::new();
    b.init("Bob Huber", "CSIRT-Wien");
    let usb = scratch.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let locked = usb.join("locked.casebundle");
    std::fs::write(&locked, b"age-encryption.org/v1 and more").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // The vault moves into the scratch folder, with the binary, owned by the user who will run them.
    let vault = scratch.path().join("vault");
    let st = Command::new("cp").arg("-a").arg(&b.vault).arg(&vault).status().unwrap();
    assert!(st.success());
    let bin = scratch.path().join("casebook");
    std::fs::copy(env!("CARGO_BIN_EXE_casebook"), &bin).unwrap();
    std::fs::set_permissions(scratch.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let root = stdout(Command::new("id").arg("-u").output().unwrap()).trim() == "0";
    let mut cmd = if root {
        let st = Command::new("chown").args(["-R", "65534:65534"]).arg(&vault).arg(&usb).status().unwrap();
        assert!(st.success());
        let mut c = Command::new(tool("setpriv"));
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]).arg(&bin);
        c
    } else {
        Command::new(&bin)
    };
    let o = cmd
        .env("CASEBOOK_VAULT", &vault)
        .env("CASEBOOK_PASSPHRASE", PASS)
        .env("HOME", scratch.path())
        .env("TMPDIR", scratch.path())
        .args(["inbox", "watch", "--once", "--json"])
        .arg(&usb)
        .output()
        .unwrap();
    let out = stdout(o);
    let events: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let retries: Vec<&serde_json::Value> = events.iter().filter(|e| e["event"] == "retrying").collect();
    assert_eq!(retries.len(), 4, "retried four times, failed on the fifth attempt: {out}");
    assert!(retries.iter().all(|e| e["error"].as_str().unwrap().contains("ermission denied")), "{out}");
    let recorded: Vec<&serde_json::Value> = events.iter().filter(|e| e["event"] == "recorded").collect();
    assert_eq!(recorded.len(), 1, "{out}");
    assert_eq!(recorded[0]["item"]["state"], "failed", "{out}");
    assert!(recorded[0]["item"]["reason"].as_str().unwrap().contains("ermission denied"), "{out}");
    // The original is untouched.
    assert_eq!(std::fs::read(&locked).unwrap(), b"age-encryption.org/v1 and more");
}
