//! Casebook's desktop app: the Tauri 2 shell over the `casebook` use cases.
//!
//! Glue only: each command parses what the UI sent, calls one use case and converts the result to
//! a DTO (`dto.rs`, the only place wire types live). Errors reach the UI as `{code, message}` with a
//! closed code. The open vault lives in [`state::AppState`] and nowhere else; locking drops it.
//!
//! Invariants: no command reaches a network, a shell or a path the user did not give (typed, or
//! picked in a native dialog the app shows); the UI is
//! served from the bundled assets only (CSP `default-src 'self'`); the TypeScript bindings in
//! `ui/src/ipc/bindings.ts` are generated from these commands ([`bindings`]) and checked by
//! `make test`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod commands;
pub mod demo;
pub mod dto;
pub mod inbox_watch;
pub mod state;
pub mod web_engine;

use std::path::PathBuf;

use commands::{cases, dialogs, history, inbox, partners, records, share, timeline, vault};
use dto::IpcError;

/// Runs blocking work (imports, hashing) off the IPC thread.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| IpcError::internal(format!("the work stopped unexpectedly: {e}")))?
}

/// Every command, for the invoke handler and the bindings.
pub fn bindings() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new().commands(tauri_specta::collect_commands![
        vault::vault_status,
        vault::passphrase_strength,
        vault::vault_create,
        vault::vault_unlock,
        vault::vault_lock,
        vault::work_cancel,
        cases::case_list,
        cases::playbook_list,
        cases::case_create,
        cases::case_get,
        cases::case_set_phase,
        timeline::timeline_page,
        timeline::timeline_buckets,
        timeline::event_add,
        timeline::event_flag,
        timeline::timeline_import,
        records::observable_list,
        records::observable_add,
        records::task_list,
        records::task_add,
        records::task_set_status,
        records::note_list,
        records::note_add,
        records::asset_list,
        records::asset_add,
        records::evidence_list,
        records::evidence_add,
        records::custody_list,
        records::custody_add,
        history::history,
        history::conflict_list,
        history::conflict_resolve,
        partners::partner_list,
        partners::partner_add,
        partners::partner_verify,
        partners::partner_remove,
        share::share_preview,
        share::share_export,
        inbox::inbox_list,
        inbox::inbox_folders,
        inbox::inbox_accept,
        inbox::inbox_reject,
        inbox::inbox_subscribe,
        dialogs::path_pick,
    ])
}

/// The TypeScript bindings as written to `ui/src/ipc/bindings.ts`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    bindings()
        .export(
            specta_typescript::Typescript::default()
                .header("// Generated from src-tauri by `make bindings`; do not edit.\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

/// Starts the app on the vault at `dir`.
pub fn run(dir: PathBuf) -> Result<(), tauri::Error> {
    let builder = bindings();
    tauri::Builder::default()
        .manage(state::AppState::new(dir))
        .invoke_handler(builder.invoke_handler())
        .run(tauri::generate_context!())
}

#[cfg(test)]
mod tests {
    use crate::dto::{BundlePreview, ErrorKind, IpcError, TimelineFilter};

    fn manifest_dir() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// The window may load nothing but the app's own files: CSP `default-src 'self'`, no remote
    /// origin anywhere in the config, and no plugin permission (no shell, fs, http) in a capability.
    #[test]
    fn the_window_is_locked_down() {
        let conf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(manifest_dir().join("tauri.conf.json")).unwrap())
                .unwrap();
        let csp = conf["app"]["security"]["csp"].as_str().unwrap();
        assert!(csp.starts_with("default-src 'self';"), "{csp}");
        for directive in csp.split(';').map(str::trim) {
            for source in directive.split_whitespace().skip(1) {
                assert!(
                    ["'self'", "'none'", "data:", "ipc:", "http://ipc.localhost"].contains(&source),
                    "CSP source {source} in {directive}"
                );
            }
        }
        assert!(conf["build"].get("devUrl").is_none(), "the app must serve its bundled UI only");
        let text = conf.to_string().replace("http://ipc.localhost", "");
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "a remote URL in tauri.conf.json: {text}"
        );
        for entry in std::fs::read_dir(manifest_dir().join("capabilities")).unwrap() {
            let cap: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
            let granted = cap["permissions"].as_array().unwrap();
            assert!(
                granted.is_empty(),
                "the window needs no permission beyond its own commands: {granted:?}"
            );
        }
        let manifest = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).unwrap();
        assert!(!manifest.contains("tauri-plugin-shell"), "no shell plugin");
    }

    /// Core failures reach the UI with their code and the core's message.
    #[test]
    fn core_errors_keep_their_code_and_message() {
        let tmp = tempfile::tempdir().unwrap();
        drop(
            casebook::Vault::init(tmp.path(), "copper kestrel violin glacier 42", "Erin Vogel", "CERT X")
                .unwrap(),
        );
        let e = IpcError::from(casebook::Vault::open(tmp.path(), "not the passphrase").unwrap_err());
        assert_eq!(e.code, ErrorKind::WrongPassphrase);
        assert!(e.message.contains("passphrase"), "{}", e.message);
        assert_eq!(IpcError::from(casebook::Error::Cancelled).code, ErrorKind::Cancelled);
        let weak = casebook::Vault::init(&tmp.path().join("other"), "short", "Erin", "X").unwrap_err();
        assert_eq!(IpcError::from(weak).code, ErrorKind::WeakPassphrase);
    }

    /// Filters from the UI: blanks mean no filter, a phase outside the vocabulary is refused.
    #[test]
    fn timeline_filters_are_checked() {
        let f = TimelineFilter { host: Some("  ".into()), phase: Some(String::new()), ..Default::default() };
        let core = f.to_core().unwrap();
        assert_eq!((core.host, core.phase), (None, None));
        let bad = TimelineFilter { phase: Some("contain".into()), ..Default::default() };
        let e = bad.to_core().unwrap_err();
        assert_eq!(e.code, ErrorKind::InvalidInput);
        assert!(e.message.contains("contain") && e.message.contains("respond"), "{}", e.message);
    }

    /// The inbox keeps previews as JSON; the Inbox screen gets them typed.
    #[test]
    fn bundle_previews_are_read_from_the_inbox_json() {
        let v = serde_json::json!({
            "outcome": "held", "sender": {"name": "Bob", "org": "CSIRT-Wien", "fingerprint": "AB12", "trust": "UNKNOWN sender"},
            "case": {"id": "x", "title": "Water utility"}, "commits": 4, "new_commits": 3,
            "new_records": {"event": 12}, "conflicts": [{}], "tlp_ceiling": "amber", "addressed_to_me": true
        });
        let p = BundlePreview::from_json(&v);
        assert_eq!(
            (p.sender.as_str(), p.trust.as_str(), p.case_title.as_str()),
            ("Bob", "UNKNOWN sender", "Water utility")
        );
        assert_eq!((p.commits, p.new_commits, p.conflicts), (4.0, 3.0, 1.0));
        assert_eq!(p.new_records[0].count, 12);
        assert!(p.addressed_to_me);
    }

    /// The committed bindings match the commands; `UPDATE_BINDINGS=1` (`make bindings`) rewrites them.
    #[test]
    fn bindings_are_current() {
        let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            super::export_bindings(&committed).unwrap();
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let fresh = tmp.path().join("bindings.ts");
        super::export_bindings(&fresh).unwrap();
        let want = std::fs::read_to_string(&fresh).unwrap();
        let have = std::fs::read_to_string(&committed).unwrap_or_default();
        assert!(have == want, "ui/src/ipc/bindings.ts is stale: run `make bindings` and commit it");
    }
}
