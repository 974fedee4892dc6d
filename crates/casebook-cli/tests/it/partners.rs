use predicates::str::contains;

use crate::util::{Env, fails, stdout, tool};

fn two_vaults() -> (Env, Env) {
    let a = Env::new();
    a.init("Alice Martin", "CERT-Lyon");
    let b = Env::new();
    b.init("Bob Huber", "CSIRT-Wien");
    (a, b)
}

fn partner_list(env: &Env) -> serde_json::Value {
    serde_json::from_str(&stdout(env.cmd().args(["partner", "list", "--json"]).output().unwrap())).unwrap()
}

#[test]
fn cards_exchanged_both_ways_show_each_other_as_partners() {
    let (a, b) = two_vaults();
    let a_card = a.path("alice.card");
    std::fs::write(&a_card, a.card()).unwrap();
    let b_card = a.path("bob.card");
    std::fs::write(&b_card, b.card()).unwrap();
    a.cmd().args(["partner", "add"]).arg(&b_card).assert().success().stdout(contains("NOT VERIFIED"));
    b.cmd().args(["partner", "add", "--verified", "--max-tlp", "red"]).arg(&a_card).assert().success();

    let la = partner_list(&a);
    assert_eq!(la[0]["name"], "Bob Huber");
    assert_eq!(la[0]["verified"], false);
    assert_eq!(la[0]["max_tlp"], "amber");
    let lb = partner_list(&b);
    assert_eq!(lb[0]["name"], "Alice Martin");
    assert_eq!(lb[0]["verified"], true);
    assert_eq!(lb[0]["max_tlp"], "red");

    // Verify with the fingerprint read aloud, typed loosely (lower case, spaces).
    let fp = la[0]["fingerprint"].as_str().unwrap().to_lowercase().replace('-', " ");
    a.cmd().args(["partner", "verify", "bob huber", "--fingerprint", &fp]).assert().success();
    assert_eq!(partner_list(&a)[0]["verified"], true);
}

#[test]
fn card_pasted_inside_a_quoted_email_is_accepted() {
    let (a, b) = two_vaults();
    let quoted: String = b.card().lines().map(|l| format!("> {l}\n")).collect();
    let mail = format!("Hi Alice,\n\nhere is my card:\n\n{quoted}\nBest,\nBob\n");
    let f = a.path("mail.txt");
    std::fs::write(&f, mail).unwrap();
    a.cmd().args(["partner", "add"]).arg(&f).assert().success();
}

#[test]
fn verify_with_a_wrong_fingerprint_is_refused() {
    let (a, b) = two_vaults();
    let f = a.path("bob.card");
    std::fs::write(&f, b.card()).unwrap();
    a.cmd().args(["partner", "add"]).arg(&f).assert().success();
    fails(
        a.cmd().args(["partner", "verify", "Bob Huber", "--fingerprint", "AAAA-BBBB-CCCC-DDDD"]),
        8,
        "does not match",
    );
    assert_eq!(partner_list(&a)[0]["verified"], false);
}

#[test]
fn duplicate_partner_is_refused_and_nothing_changes() {
    let (a, b) = two_vaults();
    let f = a.path("bob.card");
    std::fs::write(&f, b.card()).unwrap();
    a.cmd().args(["partner", "add"]).arg(&f).assert().success();
    fails(a.cmd().args(["partner", "add"]).arg(&f), 9, "already exists");

    // Same name, different keys: also a duplicate.
    let c = Env::new();
    c.init("Bob Huber", "Elsewhere");
    let g = a.path("other-bob.card");
    std::fs::write(&g, c.card()).unwrap();
    fails(a.cmd().args(["partner", "add"]).arg(&g), 9, "a partner named \"Bob Huber\" already exists");
    assert_eq!(partner_list(&a).as_array().unwrap().len(), 1);
}

#[test]
fn own_card_is_not_a_partner() {
    let a = Env::new();
    a.init("Alice", "CERT-Lyon");
    let f = a.path("me.card");
    std::fs::write(&f, a.card()).unwrap();
    fails(a.cmd().args(["partner", "add"]).arg(&f), 8, "your own contact card");
}

#[test]
fn malformed_cards_are_refused_with_a_reason_and_nothing_stored() {
    let (a, b) = two_vaults();
    let good = b.card();
    let age_line = good.lines().find(|l| l.starts_with("age: ")).unwrap().to_string();
    let ms_line = good.lines().find(|l| l.starts_with("minisign: ")).unwrap().to_string();
    let fp_line = good.lines().find(|l| l.starts_with("fingerprint: ")).unwrap().to_string();
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty", String::new(), "no contact card found"),
        ("no end marker", good.replace("-----END CASEBOOK CONTACT CARD-----", ""), "no contact card found"),
        ("missing age", good.replace(&format!("{age_line}\n"), ""), "no \"age:\" line"),
        ("bad age", good.replace(&age_line, "age: age1notarealkey"), "invalid age recipient"),
        ("bad minisign", good.replace(&ms_line, "minisign: RWQnotbase64!!"), "invalid minisign public key"),
        (
            "fingerprint mismatch",
            good.replace(&fp_line, "fingerprint: 0000-0000-0000-0000"),
            "does not match its keys",
        ),
        ("duplicate field", good.replace(&fp_line, &format!("name: Eve\n{fp_line}")), "two \"name:\" lines"),
        ("unknown line", good.replace(&fp_line, &format!("{fp_line}\nrole: admin")), "unexpected line"),
        (
            "control chars in name",
            good.replace("name: Bob Huber", "name: Bob\u{1b}[31m"),
            "control characters",
        ),
        (
            "binary junk",
            String::from_utf8_lossy(&[0xff, 0x00, 0x13, 0x37]).into_owned(),
            "no contact card found",
        ),
    ];
    for (label, text, needle) in cases {
        let f = a.path("bad.card");
        std::fs::write(&f, &text).unwrap();
        let err = fails(a.cmd().args(["partner", "add"]).arg(&f), 8, needle);
        assert!(!err.is_empty(), "{label}");
    }
    let huge = a.path("huge.card");
    std::fs::write(&huge, vec![b'x'; 200_000]).unwrap();
    fails(a.cmd().args(["partner", "add"]).arg(&huge), 8, "far larger than a card");
    assert!(partner_list(&a).as_array().unwrap().is_empty(), "a malformed card left a partner behind");
}

#[test]
fn partner_from_stock_age_and_minisign_keys() {
    let a = Env::new();
    a.init("Alice", "CERT-Lyon");
    let keys = a.path("keys");
    std::fs::create_dir(&keys).unwrap();
    let age_key = keys.join("age.txt");
    let st = std::process::Command::new(tool("age-keygen")).arg("-o").arg(&age_key).output().unwrap();
    assert!(st.status.success());
    let recipient = String::from_utf8(
        std::process::Command::new(tool("age-keygen")).arg("-y").arg(&age_key).output().unwrap().stdout,
    )
    .unwrap();
    let pk = keys.join("m.pub");
    let st = std::process::Command::new(tool("minisign"))
        .args(["-G", "-W", "-p"])
        .arg(&pk)
        .arg("-s")
        .arg(keys.join("m.key"))
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    a.cmd()
        .args(["partner", "add", "--name", "Carol", "--org", "Stock CERT", "--age", recipient.trim()])
        .arg("--minisign-pub")
        .arg(&pk)
        .assert()
        .success();
    let l = partner_list(&a);
    assert_eq!(l[0]["name"], "Carol");
    assert_eq!(l[0]["age"], recipient.trim());

    // Invalid stock keys are refused.
    fails(
        a.cmd()
            .args(["partner", "add", "--name", "Dan", "--org", "X", "--age", "age1zzzz"])
            .arg("--minisign-pub")
            .arg(&pk),
        8,
        "invalid age recipient",
    );
    let bad_pub = keys.join("bad.pub");
    std::fs::write(&bad_pub, "untrusted comment: x\nnot a key\n").unwrap();
    fails(
        a.cmd()
            .args(["partner", "add", "--name", "Dan", "--org", "X", "--age", recipient.trim()])
            .arg("--minisign-pub")
            .arg(&bad_pub),
        8,
        "invalid minisign public key",
    );
    assert_eq!(partner_list(&a).as_array().unwrap().len(), 1);
}

#[test]
fn remove_and_unknown_partner() {
    let (a, b) = two_vaults();
    let f = a.path("bob.card");
    std::fs::write(&f, b.card()).unwrap();
    a.cmd().args(["partner", "add"]).arg(&f).assert().success();
    a.cmd().args(["partner", "remove", "Bob Huber"]).assert().success();
    assert!(partner_list(&a).as_array().unwrap().is_empty());
    fails(a.cmd().args(["partner", "remove", "Bob Huber"]), 10, "not found");
    fails(a.cmd().args(["partner", "verify", "Nobody"]), 10, "not found");
}

#[test]
fn bad_tlp_is_refused_before_anything_is_stored() {
    let (a, b) = two_vaults();
    let f = a.path("bob.card");
    std::fs::write(&f, b.card()).unwrap();
    fails(a.cmd().args(["partner", "add", "--max-tlp", "purple"]).arg(&f), 8, "not a valid TLP label");
    assert!(partner_list(&a).as_array().unwrap().is_empty());
}
