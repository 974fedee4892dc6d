//! Casebook's desktop app: the Tauri 2 shell over the `casebook` use cases.
//!
//! Glue only: each command parses what the UI sent, calls one use case and converts the result to
//! a DTO (`dto.rs`, the only place wire types live). Errors reach the UI as `{code, message}` with a
//! closed code. The open vault lives in [`state::AppState`] and nowhere else; locking drops it.
//!
//! Invariants: no command reaches a network, a shell or a path the user did not give; the UI is
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

use std::path::PathBuf;

use commands::{cases, history, inbox, partners, records, share, timeline, vault};
use dto::{ErrorKind, IpcError};

/// Runs blocking work (imports, hashing) off the IPC thread.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, IpcError> + Send + 'static,
) -> Result<T, IpcError> {
    tauri::async_runtime::spawn_blocking(f).await.map_err(|e| IpcError {
        code: ErrorKind::Internal,
        message: format!("the work stopped unexpectedly: {e}"),
    })?
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
