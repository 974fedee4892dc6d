//! The demo case `make run` opens: ransomware at a city water utility, written through the same use
//! cases a responder's clicks go through (so the demo exercises the real ledger).
//!
//! Deterministic: the same vault content (apart from ids, salts and signatures) every time.

use casebook_ledger::{
    EventFields, ObservableType, Op, Phase, RecordId, RecordKind, Severity, TaskStatus, Tlp,
};

use crate::{AssetFields, AssetKind, CaseId, Compromise, Error, NewCase, Vault};

/// The demo vault's passphrase (given in the README; never use it for a real vault).
pub const DEMO_PASSPHRASE: &str = "demo harbour lantern oyster";

/// 2026-11-02T01:40:00Z, when the story starts.
const T0: i64 = 1_793_583_600_000_000;
const MIN: i64 = 60_000_000;

/// The story's key moments: minutes after T0, host, phase, description, key event.
const STORY: &[(i64, &str, Phase, &str, bool)] = &[
    (
        0,
        "MAIL-GW",
        Phase::Detect,
        "Phishing e-mail \"Rechnung Oktober\" delivered to 14 staff mailboxes",
        false,
    ),
    (12, "WS-FIN-03", Phase::Detect, "Invoice.xlsm opened; macro spawns powershell -enc …", true),
    (13, "WS-FIN-03", Phase::Detect, "Beacon to 185.220.101.47:443 (Cobalt Strike profile)", true),
    (95, "WS-FIN-03", Phase::Detect, "LSASS memory read by rundll32 (comsvcs MiniDump)", false),
    (140, "DC-01", Phase::Detect, "Logon of svc_backup from WS-FIN-03 (type 3)", false),
    (212, "SCADA-HIST-01", Phase::Detect, "RDP logon as svc_backup from WS-FIN-03", true),
    (260, "FS-01", Phase::Detect, "rclone.exe uploads 38 GB to mega.nz", true),
    (
        1_310,
        "DC-01",
        Phase::Detect,
        "GPO \"Update\" created: scheduled task runs locker.exe on all hosts",
        true,
    ),
    (
        1_322,
        "FS-01",
        Phase::Detect,
        "Files renamed to *.lockbit; ransom note README.txt in every share",
        true,
    ),
    (1_330, "SCADA-HIST-01", Phase::Detect, "Historian database encrypted; HMI trend views empty", true),
    (
        1_345,
        "SOC",
        Phase::Detect,
        "On-call engineer reports HMI alarms and ransom notes; incident declared",
        true,
    ),
    (1_360, "SOC", Phase::Respond, "City CERT informed; national CERT notified (report #2026-4471)", false),
    (
        1_372,
        "CORE-SW-01",
        Phase::Respond,
        "OT network segment isolated from the office network at the core switch",
        true,
    ),
    (1_380, "FW-EDGE", Phase::Respond, "Outbound traffic blocked except to the backup provider", false),
    (
        1_395,
        "PLANT",
        Phase::Respond,
        "Treatment plant switched to manual operation; chlorine dosing checked by hand",
        true,
    ),
    (1_420, "WS-FIN-03", Phase::Respond, "Memory image taken before power-off (evidence E-001)", false),
    (1_455, "DC-01", Phase::Respond, "svc_backup and 3 admin accounts disabled; krbtgt reset (1st)", true),
    (
        1_530,
        "FS-01",
        Phase::Respond,
        "Disk images of FS-01 and SCADA-HIST-01 taken (evidence E-002, E-003)",
        false,
    ),
    (2_880, "DC-01", Phase::Remediate, "krbtgt reset (2nd) after replication", false),
    (
        3_100,
        "SCADA-HIST-01",
        Phase::Remediate,
        "Historian rebuilt from clean media; restored from offline backup of 31 Oct",
        true,
    ),
    (
        3_600,
        "FS-01",
        Phase::Remediate,
        "File shares restored; 2.1 % of files lost (changed after the last backup)",
        false,
    ),
    (
        4_300,
        "PLANT",
        Phase::Remediate,
        "Plant back on automatic control after a 4-hour supervised test",
        true,
    ),
    (
        5_800,
        "MAIL-GW",
        Phase::Remediate,
        "Macros from the internet blocked by policy on every workstation",
        false,
    ),
];

/// Routine background events between the key moments: (host, what).
const NOISE: &[(&str, &str)] = &[
    ("WS-FIN-03", "powershell.exe network connection to 185.220.101.47"),
    ("DC-01", "Kerberos TGS request for cifs/FS-01 by svc_backup"),
    ("FS-01", "SMB session from WS-FIN-03 as svc_backup"),
    ("SCADA-HIST-01", "Service \"HistorianSvc\" stopped"),
    ("FW-EDGE", "Allowed TCP 443 to 185.220.101.47 (3.2 MB out)"),
    ("WS-ENG-11", "Defender alert: Behavior:Win32/CobaltStrike.C quarantined"),
    ("DC-01", "Event 4662: directory replication requested by WS-FIN-03"),
    ("FS-01", "Volume shadow copies deleted (vssadmin delete shadows /all)"),
];

fn event(at: i64, host: &str, phase: Phase, description: &str, key: bool) -> Op {
    let f = EventFields {
        occurred_at: Some(at),
        recorded_at: Some(at + 7 * MIN),
        host: Some(host.to_string()),
        source: Some(if key { "analyst" } else { "EDR / Windows event logs" }.to_string()),
        description: Some(description.to_string()),
        phase: Some(phase),
        key_event: key.then_some(true),
        ..Default::default()
    };
    Op::put(RecordKind::Event, RecordId::new(), crate::to_fields(&f))
}

/// The ~200 events of the demo case, in time order of the story.
fn events() -> Vec<Op> {
    let mut ops: Vec<Op> = STORY.iter().map(|(m, h, p, d, k)| event(T0 + m * MIN, h, *p, d, *k)).collect();
    // Background noise: one routine event every 17 minutes over the first day and a half.
    for i in 0..180i64 {
        let (host, what) = NOISE[(i as usize * 5) % NOISE.len()];
        let minute = 15 + i * 17;
        let phase = if minute < 1_360 { Phase::Detect } else { Phase::Respond };
        ops.push(event(T0 + minute * MIN + (i % 7) * 1_000_000, host, phase, what, false));
    }
    ops
}

/// Opens the demo case in `vault`: events across the three phases, observables, tasks from the
/// ransomware playbook (some done), assets, a note and a piece of evidence. Returns its id.
pub fn seed(vault: &mut Vault) -> Result<CaseId, Error> {
    let case = vault.create_case(&NewCase {
        title: "Ransomware at Rheinstadt Water Utility".into(),
        summary: Some(
            "LockBit-style encryption of the office network and the SCADA historian after a phishing \
             macro; plant moved to manual operation; 38 GB exfiltrated to a cloud store."
                .into(),
        ),
        severity: Severity::Critical,
        tlp: Tlp::Amber,
        tags: vec!["ransomware".into(), "ot".into(), "water".into()],
        template: Some("ransomware".into()),
    })?;
    vault.commit_ops(&case, "import timeline", events())?;
    for (kind, value, note) in [
        (None, "185.220.101[.]47", "Cobalt Strike team server"),
        (None, "hxxps://rechnung-portal[.]de/invoice.xlsm", "Phishing payload URL"),
        (Some(ObservableType::Domain), "rechnung-portal[.]de", "Phishing domain"),
        (None, "3b4c1f2e9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807f6e5d4c3b2a19081", "locker.exe"),
        (Some(ObservableType::Filename), "locker.exe", "Dropped by the GPO task"),
        (None, "billing[@]rechnung-portal[.]de", "Sender of the phishing e-mail"),
    ] {
        vault.add_observable(&case, kind, value, true, Some(note), T0 + 12 * MIN)?;
    }
    for (name, kind, criticality, compromise) in [
        ("SCADA-HIST-01", AssetKind::Host, Severity::Critical, Compromise::Restored),
        ("FS-01", AssetKind::Host, Severity::High, Compromise::Restored),
        ("WS-FIN-03", AssetKind::Host, Severity::Medium, Compromise::Compromised),
        ("DC-01", AssetKind::Host, Severity::Critical, Compromise::Suspected),
        ("svc_backup", AssetKind::Account, Severity::High, Compromise::Compromised),
    ] {
        vault.add_asset(
            &case,
            AssetFields {
                name: Some(name.into()),
                kind: Some(kind),
                criticality: Some(criticality),
                compromise: Some(compromise),
                ..Default::default()
            },
        )?;
    }
    let tasks = vault.records(&case, RecordKind::Task)?;
    for t in tasks.iter().take(4) {
        vault.set_task_status(&case, &t.id, TaskStatus::Done)?;
    }
    vault.add_note(
        &case,
        Some("Situation at 08:00"),
        "## Status\n\n- Plant on **manual operation**, water quality normal.\n- OT segment isolated; \
         historian encrypted.\n- 38 GB left via `rclone` to mega.nz: assume data theft.\n\n## Next\n\n1. \
         Second krbtgt reset after replication.\n2. Rebuild the historian from clean media.",
    )?;
    let note = std::env::temp_dir().join(format!("casebook-demo-{}.txt", std::process::id()));
    std::fs::write(&note, "Your files are encrypted. Contact us within 72 hours. (demo ransom note)\n")
        .map_err(|e| Error::Invalid(format!("cannot write the demo evidence file: {e}")))?;
    let added =
        vault.add_evidence(&case, &note, Some("Ransom note README.txt from FS-01"), None, &mut |_| {}, None);
    let _ = std::fs::remove_file(&note);
    added?;
    vault.set_phase(&case, Phase::Remediate)?;
    Ok(case)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_story_covers_every_phase_in_time_order() {
        let ops = super::events();
        assert!((190..=220).contains(&ops.len()), "{} events", ops.len());
        let minutes: Vec<i64> = super::STORY.iter().map(|s| s.0).collect();
        assert!(minutes.windows(2).all(|w| w[0] < w[1]));
        for p in [super::Phase::Detect, super::Phase::Respond, super::Phase::Remediate] {
            assert!(super::STORY.iter().any(|s| s.2 == p));
        }
    }
}
