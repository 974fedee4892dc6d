//! What the window holds between commands: the vault folder and, while unlocked, the open vault.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use casebook::Vault;

use crate::dto::IpcError;
use crate::inbox_watch::InboxWatch;

/// The app's state. The open vault (its SQLCipher connection and the owner's keys) lives only
/// here, in memory, and is dropped on lock.
pub struct AppState {
    /// The vault folder this window works on.
    pub dir: PathBuf,
    vault: Mutex<Option<Vault>>,
    /// Set to stop the long work under way (one at a time: they all hold the vault).
    cancel: Arc<AtomicBool>,
    /// The inbox watcher, running while the vault is unlocked.
    pub inbox: InboxWatch,
}

impl AppState {
    /// State for the vault at `dir`, locked.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            vault: Mutex::new(None),
            cancel: Arc::new(AtomicBool::new(false)),
            inbox: InboxWatch::default(),
        }
    }

    /// The vault slot; a panic in an earlier command does not lock the user out.
    pub fn slot(&self) -> MutexGuard<'_, Option<Vault>> {
        self.vault.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the unlocked vault.
    pub fn with<T>(&self, f: impl FnOnce(&mut Vault) -> Result<T, casebook::Error>) -> Result<T, IpcError> {
        let mut slot = self.slot();
        let vault = slot.as_mut().ok_or_else(IpcError::locked)?;
        Ok(f(vault)?)
    }

    /// A fresh cancel flag for the long work about to start.
    pub fn start_work(&self) -> Arc<AtomicBool> {
        self.cancel.store(false, Ordering::SeqCst);
        self.cancel.clone()
    }

    /// Holds the unlocked vault, and starts the inbox watcher on a second connection opened with
    /// `passphrase` on a background thread (the passphrase is dropped once it is open).
    pub fn unlocked(&self, vault: Vault, passphrase: zeroize::Zeroizing<String>, app: tauri::AppHandle) {
        *self.slot() = Some(vault);
        let dir = self.dir.clone();
        std::thread::spawn(move || {
            use tauri::Manager;
            let state = app.state::<AppState>();
            match Vault::open(&dir, &passphrase) {
                // Locked again meanwhile: no watcher for a locked vault.
                Ok(second) if state.slot().is_some() => state.inbox.start(second),
                Ok(_) => {}
                Err(e) => state.inbox.report_problem(&e.to_string()),
            }
        });
    }

    /// Drops the vault and stops the inbox watcher.
    pub fn lock(&self) {
        self.cancel_work();
        self.inbox.stop();
        self.slot().take();
    }

    /// Asks the long work under way to stop.
    pub fn cancel_work(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }
}

/// Parses an id the UI sent back.
pub fn parse_id<T: std::str::FromStr>(what: &str, text: &str) -> Result<T, IpcError> {
    text.parse().map_err(|_| IpcError::invalid(format!("\"{text}\" is not a valid {what} id")))
}

/// Parses a vocabulary word the UI sent.
pub fn parse_word<T: std::str::FromStr<Err: std::fmt::Display>>(text: &str) -> Result<T, IpcError> {
    text.parse().map_err(|e: T::Err| IpcError::invalid(e.to_string()))
}
