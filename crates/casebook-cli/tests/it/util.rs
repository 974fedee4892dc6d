use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub const PASS: &str = "copper lantern drift oyster";
pub const NEW_PASS: &str = "violet harbour mosaic tundra";

/// A scratch area: a vault folder path and a private TMPDIR for the binary.
pub struct Env {
    pub root: tempfile::TempDir,
    pub vault: PathBuf,
    pub tmpdir: PathBuf,
}

impl Env {
    pub fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        let vault = root.path().join("vault");
        let tmpdir = root.path().join("tmp");
        std::fs::create_dir(&tmpdir).unwrap();
        Self { root, vault, tmpdir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    /// The binary, pointed at this vault with the standard passphrase and a private TMPDIR.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_casebook"));
        c.env("CASEBOOK_VAULT", &self.vault)
            .env("CASEBOOK_PASSPHRASE", PASS)
            .env_remove("CASEBOOK_NEW_PASSPHRASE")
            .env("TMPDIR", &self.tmpdir)
            .env("HOME", self.root.path());
        c
    }

    pub fn init(&self, name: &str, org: &str) {
        self.cmd().args(["init", "--name", name, "--org", org]).assert().success();
    }

    pub fn card(&self) -> String {
        stdout(self.cmd().arg("card").output().unwrap())
    }

    pub fn db(&self) -> PathBuf {
        self.vault.join("vault.db")
    }
}

pub fn stdout(o: Output) -> String {
    assert!(o.status.success(), "command failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// Runs the command, expecting exit code `code` and a stderr containing `needle`.
pub fn fails(cmd: &mut Command, code: i32, needle: &str) -> String {
    let o = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(needle), "expected {needle:?} in stderr: {err}");
    err
}

/// A stock tool on PATH; missing tools fail the test with a hint rather than skip it.
pub fn tool(name: &str) -> PathBuf {
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        let p = dir.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!("stock tool `{name}` is not installed; run `make test`, which installs it");
}

/// The Python with PyPI `sqlcipher3` that `make test` prepares.
pub fn python() -> PathBuf {
    let p = std::env::var_os("CASEBOOK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/py/bin/python"));
    assert!(p.is_file(), "{} missing; run `make test`, which creates the Python venv", p.display());
    p
}

/// Every regular file under `dir`.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Asserts no file under `dirs` contains any of `needles`.
pub fn assert_absent(dirs: &[&Path], needles: &[&str]) {
    for dir in dirs {
        for f in files_under(dir) {
            let bytes = std::fs::read(&f).unwrap();
            for n in needles {
                assert!(!n.is_empty());
                assert!(
                    !bytes.windows(n.len()).any(|w| w == n.as_bytes()),
                    "{} contains {n:?} in plaintext",
                    f.display()
                );
            }
        }
    }
}

impl Env {
    /// Runs with `--json` and parses the output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let o = self.cmd().args(args).arg("--json").output().unwrap();
        serde_json::from_str(&stdout(o)).unwrap()
    }

    /// Creates a case and returns its id.
    pub fn new_case(&self, title: &str, extra: &[&str]) -> String {
        let mut args = vec!["case", "new", title];
        args.extend_from_slice(extra);
        self.json(&args)["id"].as_str().unwrap().to_string()
    }

    /// The stock-SQLCipher tamper helper, run on this vault.
    pub fn tamper(&self, args: &[&str]) -> String {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/tamper.py");
        let o = std::process::Command::new(python())
            .arg(script)
            .arg(self.db())
            .arg(PASS)
            .args(args)
            .output()
            .unwrap();
        stdout(o)
    }
}
