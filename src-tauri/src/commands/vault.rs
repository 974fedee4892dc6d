//! First run, unlock, lock.

use tauri::{AppHandle, Manager, State};
use zeroize::Zeroizing;

use crate::dto::{IpcError, Owner, Strength, VaultStatus};
use crate::state::AppState;

/// Whether a vault exists and is unlocked (answers at once, even while long work runs).
#[tauri::command]
#[specta::specta]
pub fn vault_status(state: State<'_, AppState>) -> VaultStatus {
    let owner = state.owner();
    VaultStatus {
        dir: state.dir.display().to_string(),
        exists: casebook::Vault::exists(&state.dir),
        unlocked: owner.is_some(),
        owner,
    }
}

/// How strong a passphrase being typed is, judged with the owner's name and org as context.
#[tauri::command]
#[specta::specta]
pub fn passphrase_strength(passphrase: String, name: String, org: String) -> Strength {
    let passphrase = Zeroizing::new(passphrase);
    let words: Vec<&str> = name.split_whitespace().chain(org.split_whitespace()).collect();
    casebook::passphrase::strength(&passphrase, &words).into()
}

/// Creates the vault (first run) and leaves it unlocked. The key derivation runs off the UI thread.
#[tauri::command]
#[specta::specta]
pub async fn vault_create(
    app: AppHandle,
    passphrase: String,
    name: String,
    org: String,
) -> Result<Owner, IpcError> {
    let passphrase = Zeroizing::new(passphrase);
    crate::blocking(move || {
        let state = app.state::<AppState>();
        let vault = casebook::Vault::init(&state.dir, &passphrase, &name, &org)?;
        state.unlocked(vault, passphrase, app.clone())
    })
    .await
}

/// Unlocks the vault (a no-op when it already is). The key derivation runs off the UI thread.
#[tauri::command]
#[specta::specta]
pub async fn vault_unlock(app: AppHandle, passphrase: String) -> Result<Owner, IpcError> {
    let passphrase = Zeroizing::new(passphrase);
    crate::blocking(move || {
        let state = app.state::<AppState>();
        if let Some(owner) = state.owner() {
            return Ok(owner);
        }
        let vault = casebook::Vault::open(&state.dir, &passphrase)?;
        state.unlocked(vault, passphrase, app.clone())
    })
    .await
}

/// Locks the vault: long work is cancelled, the inbox watcher stopped, and the connection and keys
/// dropped from memory.
#[tauri::command]
#[specta::specta]
pub async fn vault_lock(app: AppHandle) -> Result<(), IpcError> {
    crate::blocking(move || {
        app.state::<AppState>().lock();
        Ok(())
    })
    .await
}

/// Asks the long work under way (an import, hashing evidence, an export) to stop; it leaves nothing.
#[tauri::command]
#[specta::specta]
pub fn work_cancel(state: State<'_, AppState>) {
    state.cancel_work();
}
