//! What the window holds between commands: the vault folder and, while unlocked, the open vault.
//!
//! Commands never wait for the vault: a short command that finds it held by long work (an import,
//! an export, hashing evidence) gets `Busy` at once, so the window never freezes and Cancel always
//! gets through; a second long job is refused the same way, so one cancel flag serves them all.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

use casebook::{CancelFlag, Vault};

use crate::dto::{IpcError, Owner};
use crate::inbox_watch::InboxWatch;

/// SQLite page cache per connection, MiB. The CLI's 64 MiB serves bulk work; the window lives
/// long and pages by index, so it keeps less resident (`make bench-desktop` measures the effect).
pub const PAGE_CACHE_MIB: u32 = 8;

/// The app's state. The open vault (its SQLCipher connection and the owner's keys) lives only
/// here, in memory, and is dropped on lock.
pub struct AppState {
    /// The vault folder this window works on.
    pub dir: PathBuf,
    vault: Mutex<Option<Vault>>,
    /// The owner while unlocked, readable while long work holds the vault.
    owner: Mutex<Option<Owner>>,
    /// Bumped at every unlock and lock, so work started for one unlock does not outlive it.
    generation: AtomicU64,
    /// Raised to stop the long work under way.
    cancel: CancelFlag,
    /// The inbox watcher, running while the vault is unlocked.
    pub inbox: InboxWatch,
}

pub(crate) fn unpoison<'a, T>(
    r: Result<MutexGuard<'a, T>, std::sync::PoisonError<MutexGuard<'a, T>>>,
) -> MutexGuard<'a, T> {
    // A panic in an earlier command must not lock the user out.
    r.unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    /// State for the vault at `dir`, locked.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            vault: Mutex::new(None),
            owner: Mutex::new(None),
            generation: AtomicU64::new(0),
            cancel: Arc::new(AtomicBool::new(false)),
            inbox: InboxWatch::default(),
        }
    }

    fn try_slot(&self) -> Result<MutexGuard<'_, Option<Vault>>, IpcError> {
        match self.vault.try_lock() {
            Ok(g) => Ok(g),
            Err(TryLockError::Poisoned(p)) => Ok(p.into_inner()),
            Err(TryLockError::WouldBlock) => Err(IpcError::busy()),
        }
    }

    /// The owner, when unlocked.
    pub fn owner(&self) -> Option<Owner> {
        unpoison(self.owner.lock()).clone()
    }

    /// Runs `f` on the unlocked vault, or answers `Busy` when long work holds it.
    pub fn with<T>(&self, f: impl FnOnce(&mut Vault) -> Result<T, casebook::Error>) -> Result<T, IpcError> {
        let mut slot = self.try_slot()?;
        let vault = slot.as_mut().ok_or_else(IpcError::locked)?;
        Ok(f(vault)?)
    }

    /// Runs long work on the unlocked vault with a fresh cancel flag (`work_cancel` raises it);
    /// refused with `Busy` while other long work runs.
    pub fn work<T>(
        &self,
        f: impl FnOnce(&mut Vault, CancelFlag) -> Result<T, casebook::Error>,
    ) -> Result<T, IpcError> {
        // The flag is reset only once the vault is ours, so a cancel meant for the job under way
        // is never cleared by one that is about to be refused.
        self.with(|vault| {
            self.cancel.store(false, Ordering::SeqCst);
            f(vault, self.cancel.clone())
        })
    }

    /// Holds the unlocked vault, and starts the inbox watcher on a second connection opened with
    /// `passphrase` on a background thread (the passphrase is dropped once it is open).
    pub fn unlocked(
        &self,
        vault: Vault,
        passphrase: zeroize::Zeroizing<String>,
        app: tauri::AppHandle,
    ) -> Result<Owner, IpcError> {
        vault.set_page_cache_mib(PAGE_CACHE_MIB)?;
        let owner = Owner::from(&vault);
        *unpoison(self.vault.lock()) = Some(vault);
        *unpoison(self.owner.lock()) = Some(owner.clone());
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let dir = self.dir.clone();
        std::thread::spawn(move || {
            use tauri::Manager;
            let state = app.state::<AppState>();
            match Vault::open(&dir, &passphrase)
                .and_then(|v| v.set_page_cache_mib(PAGE_CACHE_MIB).map(|()| v))
            {
                Ok(second) => {
                    state.inbox.start(second, || state.generation.load(Ordering::SeqCst) == generation)
                }
                Err(e) => state.inbox.report_problem(&e.to_string()),
            }
        });
        Ok(owner)
    }

    /// Stops long work and the inbox watcher, then drops the vault (waiting for the work to stop).
    pub fn lock(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.cancel.store(true, Ordering::SeqCst);
        self.inbox.stop();
        *unpoison(self.owner.lock()) = None;
        unpoison(self.vault.lock()).take();
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

/// A file path typed by the user: absolute, or starting with `~/` (the home folder). A relative
/// path would depend on where the app was started from, which a user cannot know.
pub fn user_path(text: &str) -> Result<PathBuf, IpcError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(IpcError::invalid("give the full path of the file"));
    }
    let path = match t.strip_prefix("~/") {
        Some(rest) => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(rest)).ok_or_else(|| {
            IpcError::invalid("cannot tell where ~ is (HOME is not set); give the full path")
        })?,
        None => PathBuf::from(t),
    };
    if !path.is_absolute() {
        return Err(IpcError::invalid(format!(
            "\"{t}\" is not a full path; give it from the root, e.g. /media/usb/{t}"
        )));
    }
    Ok(path)
}
