use casebook_store::Store;
use casebook_store::migrate::{MIGRATIONS, latest};

use crate::util::{PASS, TempVault};

#[test]
fn migrations_are_numbered_contiguously_and_match_their_files() {
    for (i, m) in MIGRATIONS.iter().enumerate() {
        assert_eq!(m.version, i as i64 + 1, "{} is out of sequence", m.name);
        assert!(m.name.starts_with(&format!("{:04}_", m.version)), "{} misnamed", m.name);
        assert!(m.name.ends_with(".sql"));
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = MIGRATIONS.iter().map(|m| m.name).collect();
    assert_eq!(on_disk, listed, "every file in migrations/ must be listed in MIGRATIONS, in order");
}

#[test]
fn a_new_vault_is_at_the_latest_version() {
    let v = TempVault::new();
    let s = Store::open(&v.dir, PASS).unwrap();
    assert_eq!(s.schema_version().unwrap(), latest());
}

/// The schema snapshot: a change to it must come from a new migration, reviewed with this file.
/// Regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p casebook-store`.
#[test]
fn schema_matches_snapshot() {
    let v = TempVault::new();
    let s = Store::open(&v.dir, PASS).unwrap();
    let dump = s.schema_dump().unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema.sql");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &dump).unwrap();
    }
    let expected = std::fs::read_to_string(&path).expect("tests/fixtures/schema.sql missing");
    assert_eq!(dump, expected, "schema drifted from tests/fixtures/schema.sql");
}
