use casebook_store::Store;

use crate::util::{PASS, TempVault};

#[test]
fn chain_verifies_and_a_tampered_row_is_found() {
    let v = TempVault::new();
    let s = Store::open(&v.dir, PASS).unwrap();
    for i in 0..5 {
        s.audit(i, "export", &format!("bundle {i}")).unwrap();
    }
    let (log, problem) = s.audit_log().unwrap();
    assert_eq!(log.len(), 5);
    assert!(problem.is_none());
    crate::util::raw(&v.db(), PASS)
        .execute("UPDATE audit SET detail = 'bundle 2, edited' WHERE seq = 3", [])
        .unwrap();
    let (_, problem) = s.audit_log().unwrap();
    assert_eq!(problem.map(|p| p.seq), Some(3));
}
