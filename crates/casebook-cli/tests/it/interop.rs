use std::process::Command;

use crate::util::{Env, NEW_PASS, PASS, assert_absent, python, stdout, tool};

const SQLCIPHER_LIST: &str = "
import sqlcipher3, sys
c = sqlcipher3.connect(sys.argv[1])
c.execute(\"pragma key='%s'\" % sys.argv[2].replace(\"'\", \"''\"))
print('\\n'.join(r[0] for r in c.execute(\"select name from sqlite_master where type='table' order by name\")))
";

#[test]
fn stock_sqlcipher4_opens_the_vault_with_the_passphrase_only() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let out = Command::new(python()).args(["-c", SQLCIPHER_LIST]).arg(env.db()).arg(PASS).output().unwrap();
    let tables = stdout(out);
    for t in ["audit", "identity", "meta", "partners"] {
        assert!(tables.lines().any(|l| l == t), "table {t} not listed by sqlcipher3: {tables}");
    }
    let out = Command::new(python())
        .args(["-c", SQLCIPHER_LIST])
        .arg(env.db())
        .arg("wrong words here")
        .output()
        .unwrap();
    assert!(!out.status.success(), "sqlcipher3 opened the vault with a wrong passphrase");
    assert!(String::from_utf8_lossy(&out.stderr).contains("file is not a database"));
}

#[test]
fn stock_minisign_verifies_a_vault_signature() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let pubkey = env.path("alice.pub");
    env.cmd().arg("card").arg("--minisign-pub").arg(&pubkey).assert().success();
    let doc = env.path("report.txt");
    std::fs::write(&doc, "incident report: all hosts reimaged\n").unwrap();
    env.cmd().args(["identity", "sign"]).arg(&doc).assert().success();
    let out =
        Command::new(tool("minisign")).arg("-V").arg("-p").arg(&pubkey).arg("-m").arg(&doc).output().unwrap();
    assert!(out.status.success(), "minisign -V failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("signed by Alice (CERT-Lyon)"));

    // And a changed file fails.
    std::fs::write(&doc, "incident report: nothing happened\n").unwrap();
    let out =
        Command::new(tool("minisign")).arg("-V").arg("-p").arg(&pubkey).arg("-m").arg(&doc).output().unwrap();
    assert!(!out.status.success());
}

#[test]
fn stock_age_decrypts_with_the_exported_identity() {
    use std::io::Write;
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let card: serde_json::Value =
        serde_json::from_str(&stdout(env.cmd().args(["card", "--json"]).output().unwrap())).unwrap();
    let recipient: age::x25519::Recipient = card["age"].as_str().unwrap().parse().unwrap();
    let enc = env.path("msg.age");
    let mut w = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .unwrap()
        .wrap_output(std::fs::File::create(&enc).unwrap())
        .unwrap();
    w.write_all(b"for alice only").unwrap();
    w.finish().unwrap();

    let key = env.path("alice-age.txt");
    env.cmd()
        .args(["identity", "export-age"])
        .arg(&key)
        .assert()
        .success()
        .stderr(predicates::str::contains("SECRET key in plaintext"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let out = Command::new(tool("age")).arg("-d").arg("-i").arg(&key).arg(&enc).output().unwrap();
    assert_eq!(stdout(out), "for alice only");
    // Never overwrite an existing file.
    crate::util::fails(env.cmd().args(["identity", "export-age"]).arg(&key), 1, "must not exist");
}

#[test]
fn no_marker_or_private_key_in_vault_folder_or_temp_dir() {
    let marker_name = "Zq7Marker Name";
    let marker_org = "Xk9Marker Org";
    let a = Env::new();
    a.init(marker_name, marker_org);
    let b = Env::new();
    b.init("Bob Huber", "CSIRT-Wien");
    let card = a.path("bob.card");
    std::fs::write(&card, b.card()).unwrap();
    a.cmd().args(["partner", "add"]).arg(&card).assert().success();
    a.cmd().env("CASEBOOK_NEW_PASSPHRASE", NEW_PASS).arg("passwd").assert().success();

    // Learn the secret key text only now, into a file outside the scanned folders.
    let outside = tempfile::tempdir().unwrap();
    let key = outside.path().join("k.txt");
    a.cmd()
        .env("CASEBOOK_PASSPHRASE", NEW_PASS)
        .args(["identity", "export-age"])
        .arg(&key)
        .assert()
        .success();
    let key_text = std::fs::read_to_string(&key).unwrap();
    let secret = key_text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-1")).unwrap();

    let scanned = [a.vault.as_path(), a.tmpdir.as_path()];
    assert_absent(
        &scanned,
        &[
            "Zq7Marker",
            "Xk9Marker",
            "Bob Huber",
            "CSIRT-Wien",
            secret,
            &secret.to_lowercase(),
            "AGE-SECRET-KEY",
            "secret key",
            PASS,
            NEW_PASS,
        ],
    );
    assert!(!crate::util::files_under(&a.vault).is_empty());
}

/// docs/ledger-format.md says stock minisign verifies a commit signature over the header bytes.
#[test]
fn stock_minisign_verifies_the_golden_commit_signature() {
    let dir = tempfile::tempdir().unwrap();
    let golden: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures/ledger/golden-commit.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let header = dir.path().join("header.json");
    std::fs::write(&header, golden["commit"].as_str().unwrap()).unwrap();
    let sig = dir.path().join("header.json.minisig");
    std::fs::write(&sig, golden["signature"].as_str().unwrap()).unwrap();
    let pubkey = dir.path().join("author.pub");
    std::fs::write(
        &pubkey,
        format!("untrusted comment: golden\n{}\n", golden["public_key"].as_str().unwrap()),
    )
    .unwrap();
    let out = Command::new(tool("minisign"))
        .arg("-V")
        .arg("-p")
        .arg(&pubkey)
        .arg("-m")
        .arg(&header)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("casebook-commit/1 {}", golden["commit_id"].as_str().unwrap())), "{text}");
}
