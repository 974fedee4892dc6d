use casebook_store::{OpenError, Store};

use crate::util::{PASS, TempVault, snapshot};

#[test]
fn create_then_open_reads_identity_back() {
    let v = TempVault::new();
    let s = Store::open(&v.dir, PASS).unwrap();
    assert_eq!(s.identity().unwrap().name, "Marker-Name-7f3a");
}

#[test]
fn the_page_cache_starts_at_64_mib_and_can_be_lowered() {
    let v = TempVault::new();
    let s = Store::open(&v.dir, PASS).unwrap();
    assert_eq!(s.page_cache_mib().unwrap(), 64);
    s.set_page_cache_mib(16).unwrap();
    assert_eq!(s.page_cache_mib().unwrap(), 16);
    // The connection still works under the lower cap.
    assert_eq!(s.identity().unwrap().name, "Marker-Name-7f3a");
}

#[test]
fn create_refuses_an_existing_vault() {
    let v = TempVault::new();
    let before = snapshot(&v.dir);
    let e = Store::create(&v.dir, PASS).unwrap_err();
    assert!(matches!(e, OpenError::AlreadyExists(_)), "{e:?}");
    assert_eq!(snapshot(&v.dir), before);
}

#[test]
fn wrong_passphrase_is_named_and_writes_nothing() {
    let v = TempVault::new();
    let before = snapshot(&v.dir);
    let e = Store::open(&v.dir, "not the passphrase at all").unwrap_err();
    assert!(matches!(e, OpenError::WrongPassphrase(_)), "{e:?}");
    assert!(e.to_string().starts_with("wrong passphrase, or this file is not a Casebook vault"), "{e}");
    assert_eq!(snapshot(&v.dir), before, "a failed open changed the vault folder");
}

#[test]
fn missing_vault_is_not_created_by_open() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("nowhere");
    let e = Store::open(&dir, PASS).unwrap_err();
    assert!(matches!(e, OpenError::NotFound(_)), "{e:?}");
    assert!(e.to_string().contains("casebook init"), "{e}");
    assert!(!dir.exists());
}

#[test]
fn a_file_that_is_not_a_vault_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join(casebook_store::DB_FILE);
    std::fs::write(&db, vec![0x5a; 8192]).unwrap();
    let e = Store::open(&dir, PASS).unwrap_err();
    assert!(matches!(e, OpenError::WrongPassphrase(_)), "{e:?}");
    assert_eq!(std::fs::read(&db).unwrap(), vec![0x5a; 8192]);

    // A plain SQLite database is not a vault either.
    std::fs::write(&db, b"SQLite format 3\0 and the rest of a plaintext database").unwrap();
    let e = Store::open(&dir, PASS).unwrap_err();
    assert!(matches!(e, OpenError::WrongPassphrase(_)), "{e:?}");
}

#[test]
fn vault_path_that_is_a_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("file");
    std::fs::write(&f, b"hello").unwrap();
    let e = Store::open(&f, PASS).unwrap_err();
    assert!(matches!(e, OpenError::NotAFolder(_)), "{e:?}");
    let e = Store::create(&f, PASS).unwrap_err();
    assert!(matches!(e, OpenError::NotAFolder(_)), "{e:?}");
    assert_eq!(std::fs::read(&f).unwrap(), b"hello");
}

#[test]
fn db_that_is_a_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("v");
    std::fs::create_dir_all(dir.join(casebook_store::DB_FILE)).unwrap();
    let e = Store::open(&dir, PASS).unwrap_err();
    assert!(matches!(e, OpenError::NotAFile(_)), "{e:?}");
}

#[test]
fn truncated_vault_is_named_damaged_and_left_alone() {
    let v = TempVault::new();
    let db = v.db();
    let full = std::fs::read(&db).unwrap();
    assert!(full.len() >= 3 * 4096, "fixture vault too small: {}", full.len());

    // Cut mid-page: the size alone shows the damage.
    std::fs::write(&db, &full[..full.len() - 1000]).unwrap();
    let before = snapshot(&v.dir);
    let e = Store::open(&v.dir, PASS).unwrap_err();
    assert!(matches!(e, OpenError::Damaged { .. }), "{e:?}");
    assert!(e.to_string().contains("truncated or damaged"), "{e}");
    assert_eq!(snapshot(&v.dir), before);

    // Cut on a page boundary: the header's page count shows it.
    std::fs::write(&db, &full[..full.len() - 4096]).unwrap();
    let e = Store::open(&v.dir, PASS).unwrap_err();
    assert!(matches!(e, OpenError::Damaged { .. }), "{e:?}");

    // Empty.
    std::fs::write(&db, b"").unwrap();
    let e = Store::open(&v.dir, PASS).unwrap_err();
    assert!(matches!(e, OpenError::Damaged { .. }), "{e:?}");
}

#[test]
fn newer_schema_is_refused_clearly_and_left_alone() {
    let v = TempVault::new();
    crate::util::raw(&v.db(), PASS).pragma_update(None, "user_version", 99).unwrap();
    let before = snapshot(&v.dir);
    let e = Store::open(&v.dir, PASS).unwrap_err();
    match &e {
        OpenError::TooNew { found, known } => {
            assert_eq!(*found, 99);
            assert_eq!(*known, casebook_store::migrate::latest());
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert!(e.to_string().contains("newer Casebook"), "{e}");
    assert_eq!(snapshot(&v.dir), before);
}

#[test]
fn rekey_switches_passphrase_and_keeps_data() {
    let v = TempVault::new();
    let new = "violet harbour mosaic tundra";
    {
        let mut s = Store::open(&v.dir, PASS).unwrap();
        s.audit(5, "test", "before rekey").unwrap();
        s.rekey(new).unwrap();
        // The open connection keeps working.
        s.audit(6, "test", "after rekey").unwrap();
    }
    let e = Store::open(&v.dir, PASS).unwrap_err();
    assert!(matches!(e, OpenError::WrongPassphrase(_)), "old passphrase still works: {e:?}");
    let s = Store::open(&v.dir, new).unwrap();
    assert_eq!(s.identity().unwrap().name, "Marker-Name-7f3a");
    let (log, problem) = s.audit_log().unwrap();
    assert!(problem.is_none());
    assert_eq!(log.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>(), ["before rekey", "after rekey"]);
}

#[test]
fn no_plaintext_in_the_vault_folder() {
    let v = TempVault::new();
    {
        let s = Store::open(&v.dir, PASS).unwrap();
        s.audit(1, "test", "Marker-Detail-91bc").unwrap();
    }
    for f in crate::util::walk(&v.dir) {
        let bytes = std::fs::read(&f).unwrap();
        for marker in [&b"Marker-Name-7f3a"[..], b"Marker-Detail-91bc", b"AGE-SECRET-KEY", b"SQLite format"] {
            assert!(
                !bytes.windows(marker.len()).any(|w| w == marker),
                "{} holds plaintext {:?}",
                f.display(),
                String::from_utf8_lossy(marker)
            );
        }
    }
}
