use predicates::str::contains;
use serde_json::Value;

use crate::util::{Env, fails, stdout};

fn env_with_case(template: Option<&str>) -> (Env, String) {
    let env = Env::new();
    env.init("Alice Martin", "CERT-Lyon");
    let mut extra = vec!["--severity", "critical", "--tlp", "amber"];
    if let Some(t) = template {
        extra.extend(["--template", t]);
    }
    let case = env.new_case("Ransomware at the water utility", &extra);
    (env, case)
}

#[test]
fn a_case_from_each_playbook_has_tasks_in_every_phase() {
    let env = Env::new();
    env.init("Alice", "CERT-Lyon");
    let books = env.json(&["playbooks"]);
    let names: Vec<&str> = books.as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap()).collect();
    for n in ["ransomware", "phishing", "web-compromise", "ddos"] {
        assert!(names.contains(&n), "{names:?}");
        let case = env.new_case(&format!("{n} case"), &["--template", n]);
        let tasks = env.json(&["task", "list", &case]);
        for phase in ["detect", "respond", "remediate"] {
            assert!(tasks.as_array().unwrap().iter().any(|t| t["phase"] == phase), "{n}: no {phase} task");
        }
        assert!(tasks.as_array().unwrap().iter().all(|t| t["status"] == "todo"));
    }
    fails(env.cmd().args(["case", "new", "x", "--template", "volcano"]), 8, "no playbook \"volcano\"");
    assert_eq!(env.json(&["case", "list"]).as_array().unwrap().len(), 4);
}

#[test]
fn case_show_edit_phase_close() {
    let (env, case) = env_with_case(None);
    let short = &case[..8];
    let shown = env.json(&["case", "show", short]);
    assert_eq!(shown["title"], "Ransomware at the water utility");
    assert_eq!(shown["phase"], "detect");
    assert_eq!(shown["severity"], "critical");
    assert_eq!(shown["created_by"], "Alice Martin");
    env.cmd()
        .args(["case", "edit", short, "--summary", "Historian encrypted", "--tag", "ics", "--tag", "water"])
        .assert()
        .success();
    env.cmd().args(["case", "phase", short, "respond"]).assert().success();
    let shown = env.json(&["case", "show", short]);
    assert_eq!(shown["summary"], "Historian encrypted");
    assert_eq!(shown["tags"], serde_json::json!(["ics", "water"]));
    assert_eq!(shown["phase"], "respond");
    env.cmd().args(["case", "close", short, "--lessons", "Segment the OT network"]).assert().success();
    let shown = env.json(&["case", "show", short]);
    assert_eq!(shown["phase"], "closed");
    assert_eq!(shown["lessons"], "Segment the OT network");
    assert!(shown["closed_at"].as_i64().is_some());
    assert_eq!(env.json(&["case", "list", "--phase", "closed"]).as_array().unwrap().len(), 1);
    assert!(env.json(&["case", "list", "--phase", "detect"]).as_array().unwrap().is_empty());
    fails(env.cmd().args(["case", "phase", short, "contained"]), 2, "invalid value");
    fails(env.cmd().args(["case", "show", "ffffffff"]), 10, "not found");
    fails(env.cmd().args(["case", "edit", short]), 8, "nothing to change");
}

#[test]
fn events_keep_their_original_time_text_and_come_back_in_time_order() {
    let (env, case) = env_with_case(None);
    env.json(&[
        "event",
        "add",
        &case,
        "Historian encrypted",
        "--at",
        "2026-11-21T03:12:00+01:00",
        "--host",
        "hist-01",
        "--technique",
        "T1486",
    ]);
    env.json(&[
        "event",
        "add",
        &case,
        "VPN login from 185.220.101.4",
        "--at",
        "2026-11-20 23:50",
        "--tz",
        "Europe/Vienna",
        "--host",
        "vpn-gw",
        "--phase",
        "detect",
    ]);
    env.json(&["event", "add", &case, "Ransom note found", "--at", "2026-11-21T02:30:00.250Z"]);
    let page = env.json(&["event", "list", &case]);
    let evs = page["events"].as_array().unwrap();
    let descs: Vec<&str> = evs.iter().map(|e| e["description"].as_str().unwrap()).collect();
    assert_eq!(descs, ["VPN login from 185.220.101.4", "Historian encrypted", "Ransom note found"]);
    assert_eq!(evs[0]["occurred_at_text"], "2026-11-20 23:50 [Europe/Vienna]");
    assert_eq!(evs[0]["occurred_at"], 1_795_215_000_000_000i64);
    assert_eq!(evs[1]["occurred_at_text"], "2026-11-21T03:12:00+01:00");
    assert_eq!(evs[2]["occurred_at"], 1_795_228_200_250_000i64);

    // Naive time without a zone, a bad zone, a bad technique: refused, nothing added.
    fails(env.cmd().args(["event", "add", &case, "x", "--at", "2026-11-21 03:00"]), 8, "--tz");
    fails(
        env.cmd().args(["event", "add", &case, "x", "--at", "2026-11-21 03:00", "--tz", "Mars/Base"]),
        8,
        "unknown time zone",
    );
    fails(env.cmd().args(["event", "add", &case, "x", "--at", "now", "--technique", "Z99"]), 8, "ATT&CK");
    fails(env.cmd().args(["event", "add", &case, "  ", "--at", "now"]), 8, "description is empty");
    assert_eq!(env.json(&["event", "list", &case])["events"].as_array().unwrap().len(), 3);

    // Flag by id suffix; filter key events; edit.
    let id = evs[1]["id"].as_str().unwrap();
    env.cmd().args(["event", "flag", &case, &id[id.len() - 8..]]).assert().success().stdout(contains("KEY"));
    let keys = env.json(&["event", "list", &case, "--key-only"]);
    assert_eq!(keys["events"].as_array().unwrap().len(), 1);
    env.cmd()
        .args(["event", "edit", &case, id, "--description", "Historian and HMI encrypted"])
        .assert()
        .success();
    let host = env.json(&["event", "list", &case, "--host", "hist-01"]);
    assert_eq!(host["events"][0]["description"], "Historian and HMI encrypted");
    assert_eq!(host["events"][0]["key_event"], true);

    // Paging by cursor.
    let p1 = env.json(&["event", "list", &case, "--limit", "2"]);
    let next = p1["next"].as_str().unwrap().to_string();
    let p2 = env.json(&["event", "list", &case, "--limit", "2", "--after", &next]);
    assert_eq!(p2["events"].as_array().unwrap().len(), 1);
    assert_eq!(p2["events"][0]["description"], "Ransom note found");
    // Time window.
    let w =
        env.json(&["event", "list", &case, "--from", "2026-11-21T00:00:00Z", "--to", "2026-11-21T02:20:00Z"]);
    assert_eq!(w["events"].as_array().unwrap().len(), 1);
}

#[test]
fn observables_are_refanged_normalized_and_merged() {
    let (env, case) = env_with_case(None);
    let a = env.json(&[
        "observable",
        "add",
        &case,
        "hxxps://Evil[.]Example/Login",
        "--ioc",
        "--seen",
        "2026-11-20T10:00:00Z",
    ]);
    assert_eq!(a["type"], "url");
    assert_eq!(a["value"], "https://evil.example/Login");
    assert_eq!(a["merged"], false);
    let b = env.json(&[
        "observable",
        "add",
        &case,
        "https://evil.example/Login",
        "--seen",
        "2026-11-19T10:00:00Z",
    ]);
    assert_eq!(b["merged"], true);
    assert_eq!(b["id"], a["id"]);
    assert_eq!(b["first_seen"], 1_795_082_400_000_000i64);
    assert_eq!(b["last_seen"], 1_795_168_800_000_000i64);
    assert_eq!(b["ioc"], true);
    env.json(&["observable", "add", &case, "2001:DB8:0:0::1"]);
    env.json(&[
        "observable",
        "add",
        &case,
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
    ]);
    let list = env.json(&["observable", "list", &case]);
    let types: Vec<&str> = list.as_array().unwrap().iter().map(|o| o["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["url", "ipv6", "sha256"]);
    assert_eq!(list[1]["value"], "2001:db8::1");
    fails(
        env.cmd().args(["observable", "add", &case, "999.1.1.1", "--type", "ipv4"]),
        8,
        "\"999.1.1.1\" is not a valid IPv4 address",
    );
    fails(env.cmd().args(["observable", "add", &case, "just words"]), 8, "type cannot be told");
    assert_eq!(env.json(&["observable", "list", &case]).as_array().unwrap().len(), 3);
}

#[test]
fn tasks_notes_assets() {
    let (env, case) = env_with_case(Some("phishing"));
    let t = env.json(&[
        "task",
        "add",
        &case,
        "Call the mail provider",
        "--phase",
        "respond",
        "--assignee",
        "bob",
    ]);
    let id = t["id"].as_str().unwrap().to_string();
    for (verb, status) in [("start", "doing"), ("block", "blocked"), ("done", "done")] {
        let r = env.json(&["task", verb, &case, &id]);
        assert_eq!(r["status"], status);
    }
    let text = stdout(env.cmd().args(["task", "list", &case]).output().unwrap());
    assert!(text.contains("RESPOND:") && text.contains("[x] Call the mail provider  @bob"), "{text}");

    let n = env
        .cmd()
        .args(["note", "add", &case, "-", "--title", "Timeline doubts"])
        .write_stdin("# Doubt\nThe VPN log may be *UTC*.\n")
        .output()
        .unwrap();
    stdout(n);
    let notes = env.json(&["note", "list", &case]);
    assert_eq!(notes[0]["body"], "# Doubt\nThe VPN log may be *UTC*.");
    assert_eq!(notes[0]["title"], "Timeline doubts");

    env.json(&[
        "asset",
        "add",
        &case,
        "hist-01",
        "--kind",
        "host",
        "--criticality",
        "critical",
        "--compromise",
        "compromised",
        "--owner",
        "OT team",
    ]);
    let assets = env.json(&["asset", "list", &case]);
    assert_eq!(assets[0]["compromise"], "compromised");
    assert_eq!(assets[0]["criticality"], "critical");
    fails(env.cmd().args(["asset", "add", &case, "x", "--kind", "toaster"]), 2, "invalid value");
}

#[test]
fn evidence_is_hashed_encrypted_exported_and_has_custody() {
    let (env, case) = env_with_case(None);
    let file = env.path("memory.raw");
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&file, &content).unwrap();
    let expected = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&content))
    };
    let ev = env.json(&["evidence", "add", &case, file.to_str().unwrap(), "--description", "RAM of hist-01"]);
    assert_eq!(ev["sha256"], expected);
    assert_eq!(ev["size"], 3_000_000);
    assert_eq!(ev["storage"], "vault");
    let id = ev["id"].as_str().unwrap().to_string();

    // Stored encrypted: no plaintext run of the file in the blob folder.
    let blob = env.vault.join("blobs").join(&expected);
    let stored = std::fs::read(&blob).unwrap();
    assert!(stored.starts_with(b"age-encryption.org/v1"));
    assert!(!stored.windows(64).any(|w| w == &content[1000..1064]));

    env.json(&[
        "evidence",
        "custody",
        &case,
        &id,
        "--action",
        "transferred",
        "--location",
        "CERT-Lyon safe",
        "--note",
        "sealed bag 42",
    ]);
    let log = env.json(&["evidence", "custody", &case, &id]);
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["acquired", "transferred"]);
    assert_eq!(log[1]["by"], "Alice Martin");

    let out = env.path("exported.raw");
    env.cmd()
        .args(["evidence", "export", &case, &id, "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("verified"));
    assert_eq!(std::fs::read(&out).unwrap(), content);
    fails(env.cmd().args(["evidence", "export", &case, &id, "-o"]).arg(&out), 8, "must not exist");
    fails(env.cmd().args(["evidence", "add", &case]).arg(env.path("nope")), 8, "cannot read");
    let history = env.json(&["history", &case]);
    let messages: Vec<&str> =
        history["commits"].as_array().unwrap().iter().map(|c| c["message"].as_str().unwrap()).collect();
    assert!(messages.contains(&"add evidence") && messages.contains(&"add custody entry"), "{messages:?}");
    let _: &Value = &history;
}

#[test]
fn rebuild_gives_back_the_same_state() {
    let (env, case) = env_with_case(Some("ransomware"));
    env.json(&["event", "add", &case, "one", "--at", "2026-11-21T01:00:00Z"]);
    env.json(&["observable", "add", &case, "evil.example"]);
    let before = env.json(&["case", "show", &case]);
    let tasks_before = env.json(&["task", "list", &case]);
    let r = env.json(&["rebuild"]);
    assert_eq!(r["cases"], 1);
    assert_eq!(env.json(&["case", "show", &case]), before);
    assert_eq!(env.json(&["task", "list", &case]), tasks_before);
    let v = env.json(&["verify"]);
    assert_eq!(v["ok"], true);
}
