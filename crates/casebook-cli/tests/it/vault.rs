use predicates::str::contains;

use crate::util::{Env, NEW_PASS, PASS, fails, python, stdout};

#[test]
fn init_prints_the_card_and_help_lists_exit_codes() {
    let env = Env::new();
    env.cmd()
        .args(["init", "--name", "Alice Martin", "--org", "CERT-Lyon"])
        .assert()
        .success()
        .stdout(contains("-----BEGIN CASEBOOK CONTACT CARD-----"))
        .stdout(contains("name: Alice Martin"));
    env.cmd()
        .arg("--help")
        .assert()
        .success()
        .stdout(contains("Exit codes:"))
        .stdout(contains("3   wrong passphrase"));
}

#[test]
fn card_json_has_the_fields_and_a_readable_fingerprint() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let v: serde_json::Value =
        serde_json::from_str(&stdout(env.cmd().args(["card", "--json"]).output().unwrap())).unwrap();
    assert_eq!(v["name"], "Alice");
    assert!(v["age"].as_str().unwrap().starts_with("age1"));
    let fp = v["fingerprint"].as_str().unwrap();
    assert_eq!(fp.len(), 19, "{fp}");
    assert!(fp.chars().all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase()));
}

#[test]
fn wrong_passphrase_has_its_own_exit_code() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let before = std::fs::read(env.db()).unwrap();
    fails(
        env.cmd().arg("card").env("CASEBOOK_PASSPHRASE", "totally the wrong words"),
        3,
        "wrong passphrase, or this file is not a Casebook vault",
    );
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
}

#[test]
fn passphrase_file_is_read_and_its_newline_ignored() {
    let env = Env::new();
    let pf = env.path("pass.txt");
    std::fs::write(&pf, format!("{PASS}\n")).unwrap();
    env.cmd()
        .env_remove("CASEBOOK_PASSPHRASE")
        .arg("--passphrase-file")
        .arg(&pf)
        .args(["init", "--name", "A", "--org", "B"])
        .assert()
        .success();
    env.cmd().arg("card").assert().success();
}

#[test]
fn no_passphrase_and_no_terminal_is_a_clear_error() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    fails(env.cmd().arg("card").env_remove("CASEBOOK_PASSPHRASE"), 1, "--passphrase-file");
}

#[test]
fn weak_passphrase_is_refused_with_a_reason() {
    let env = Env::new();
    fails(
        env.cmd().env("CASEBOOK_PASSPHRASE", "hunter2").args(["init", "--name", "A", "--org", "B"]),
        7,
        "use at least 12",
    );
    fails(
        env.cmd().env("CASEBOOK_PASSPHRASE", "passwordpassword").args(["init", "--name", "A", "--org", "B"]),
        7,
        "need 3",
    );
    assert!(!env.vault.exists(), "a refused init must not create the vault");
}

#[test]
fn init_refuses_an_existing_vault() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let before = std::fs::read(env.db()).unwrap();
    fails(env.cmd().args(["init", "--name", "X", "--org", "Y"]), 9, "already exists");
    assert_eq!(std::fs::read(env.db()).unwrap(), before);
}

#[test]
fn missing_vault_says_how_to_create_one() {
    let env = Env::new();
    fails(env.cmd().arg("card"), 4, "casebook init");
}

#[test]
fn corrupt_file_is_refused_and_left_alone() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let mut bytes = std::fs::read(env.db()).unwrap();
    // Flip bytes in the first page: its HMAC no longer checks.
    for b in &mut bytes[100..140] {
        *b ^= 0xff;
    }
    std::fs::write(env.db(), &bytes).unwrap();
    fails(env.cmd().arg("card"), 3, "not a Casebook vault");
    assert_eq!(std::fs::read(env.db()).unwrap(), bytes);
}

#[test]
fn truncated_file_is_named_damaged() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let bytes = std::fs::read(env.db()).unwrap();
    std::fs::write(env.db(), &bytes[..bytes.len() - 4096]).unwrap();
    fails(env.cmd().arg("card"), 5, "truncated or damaged");
    std::fs::write(env.db(), &bytes[..bytes.len() - 100]).unwrap();
    fails(env.cmd().arg("card"), 5, "truncated or damaged");
}

#[test]
fn vault_db_that_is_a_directory_is_refused() {
    let env = Env::new();
    std::fs::create_dir_all(env.vault.join("vault.db")).unwrap();
    fails(env.cmd().arg("card"), 4, "not a regular file");
}

#[test]
fn read_only_location_is_a_clear_error() {
    let env = Env::new();
    // sysfs refuses new entries even to root, unlike chmod'ed folders.
    fails(
        env.cmd()
            .env("CASEBOOK_VAULT", "/sys/casebook-test-vault")
            .args(["init", "--name", "A", "--org", "B"]),
        11,
        "cannot create the vault folder",
    );
}

#[test]
fn newer_schema_is_refused_clearly() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    // Bump the schema version with a stock SQLCipher 4 binding, as a future Casebook would.
    let script = format!(
        "import sqlcipher3,sys\nc=sqlcipher3.connect(sys.argv[1])\nc.execute(\"pragma key='{PASS}'\")\n\
         c.execute('pragma user_version=999')\nc.commit()\nc.close()\n"
    );
    let st = std::process::Command::new(python()).args(["-c", &script]).arg(env.db()).status().unwrap();
    assert!(st.success());
    fails(env.cmd().arg("card"), 6, "newer Casebook (schema 999");
}

#[test]
fn passwd_rekeys_in_place() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let card = env.card();
    env.cmd()
        .env("CASEBOOK_NEW_PASSPHRASE", NEW_PASS)
        .arg("passwd")
        .assert()
        .success()
        .stdout(contains("old passphrase no longer opens"));
    fails(env.cmd().arg("card"), 3, "wrong passphrase");
    let after = stdout(env.cmd().env("CASEBOOK_PASSPHRASE", NEW_PASS).arg("card").output().unwrap());
    assert_eq!(after, card, "identity changed across rekey");
    let audit = stdout(env.cmd().env("CASEBOOK_PASSPHRASE", NEW_PASS).arg("audit").output().unwrap());
    assert!(audit.contains("passwd") && audit.contains("audit chain intact"), "{audit}");
}

#[test]
fn passwd_refuses_a_weak_new_passphrase_and_keeps_the_old() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    fails(env.cmd().env("CASEBOOK_NEW_PASSPHRASE", "alice alice").arg("passwd"), 7, "weak passphrase");
    env.cmd().arg("card").assert().success();
}
