//! First run, unlock, lock.

use tauri::State;

use crate::dto::{IpcError, Owner, Strength, VaultStatus};
use crate::state::AppState;

/// Whether a vault exists and is unlocked.
#[tauri::command]
#[specta::specta]
pub fn vault_status(state: State<'_, AppState>) -> VaultStatus {
    let slot = state.slot();
    VaultStatus {
        dir: state.dir.display().to_string(),
        exists: casebook::Vault::exists(&state.dir),
        unlocked: slot.is_some(),
        owner: slot.as_ref().map(Owner::from),
    }
}

/// How strong a passphrase being typed is, judged with the owner's name and org as context.
#[tauri::command]
#[specta::specta]
pub fn passphrase_strength(passphrase: String, name: String, org: String) -> Strength {
    let words: Vec<&str> = name.split_whitespace().chain(org.split_whitespace()).collect();
    casebook::passphrase::strength(&passphrase, &words).into()
}

/// Creates the vault (first run) and leaves it unlocked.
#[tauri::command]
#[specta::specta]
pub fn vault_create(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
    name: String,
    org: String,
) -> Result<Owner, IpcError> {
    let passphrase = zeroize::Zeroizing::new(passphrase);
    let vault = casebook::Vault::init(&state.dir, &passphrase, &name, &org)?;
    let owner = Owner::from(&vault);
    state.unlocked(vault, passphrase, app);
    Ok(owner)
}

/// Unlocks the vault.
#[tauri::command]
#[specta::specta]
pub fn vault_unlock(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    passphrase: String,
) -> Result<Owner, IpcError> {
    let passphrase = zeroize::Zeroizing::new(passphrase);
    let vault = casebook::Vault::open(&state.dir, &passphrase)?;
    let owner = Owner::from(&vault);
    state.unlocked(vault, passphrase, app);
    Ok(owner)
}

/// Locks the vault: the connection and keys are dropped from memory.
#[tauri::command]
#[specta::specta]
pub fn vault_lock(state: State<'_, AppState>) {
    state.lock();
}

/// Asks the long work under way (an import, hashing evidence) to stop; it writes nothing.
#[tauri::command]
#[specta::specta]
pub fn work_cancel(state: State<'_, AppState>) {
    state.cancel_work();
}
