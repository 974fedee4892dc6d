//! The inbox: folders watched for incoming bundles (a USB stick, the mail client's attachment folder,
//! the vault's own `inbox/`). A bundle is taken once it has stopped changing, verified up to the
//! preview, and recorded as pending, held, quarantined or duplicate. Originals are never modified,
//! moved or deleted: the inbox reads them once and keeps a ciphertext copy for accepting later.
//!
//! [`Watcher`] is the engine: it owns its own [`Vault`] connection, runs on the caller's thread until
//! told to stop, and reports every [`InboxEvent`] to a callback (the CLI prints them; the desktop app
//! forwards them over a channel). It never panics on bad input or vanished folders.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use casebook_store::InboxRow;
use notify::Watcher as _;
use sha2::{Digest, Sha256};

use crate::share::{ImportOptions, ImportOutcome, ImportPreview};
use crate::{Error, Vault, now_us};

/// What became of an inbox item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxState {
    /// Verified, awaiting the user's decision.
    Pending,
    /// Verified, but from an unknown or unverified sender.
    Held,
    /// Refused; see the reason.
    Quarantined,
    /// Verified; the vault already had everything in it.
    Duplicate,
    /// Applied.
    Accepted,
    /// Declined by the user.
    Rejected,
    /// Could not be read.
    Failed,
}

impl InboxState {
    /// The word stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxState::Pending => "pending",
            InboxState::Held => "held",
            InboxState::Quarantined => "quarantined",
            InboxState::Duplicate => "duplicate",
            InboxState::Accepted => "accepted",
            InboxState::Rejected => "rejected",
            InboxState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "pending" => InboxState::Pending,
            "held" => InboxState::Held,
            "quarantined" => InboxState::Quarantined,
            "duplicate" => InboxState::Duplicate,
            "accepted" => InboxState::Accepted,
            "rejected" => InboxState::Rejected,
            _ => InboxState::Failed,
        }
    }
}

/// One file (by content) the inbox has seen.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxItem {
    /// Id, for `inbox show|accept|reject`.
    pub id: i64,
    /// State.
    pub state: InboxState,
    /// Why, for quarantined and failed items.
    pub reason: String,
    /// Every path it was seen at.
    pub paths: Vec<String>,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content (empty for unreadable files).
    pub sha256: String,
    /// The verified preview, as JSON.
    pub preview: Option<serde_json::Value>,
    /// First seen, µs.
    pub first_seen: i64,
    /// Last change, µs.
    pub updated_at: i64,
}

impl From<InboxRow> for InboxItem {
    fn from(r: InboxRow) -> Self {
        Self {
            id: r.id,
            state: InboxState::parse(&r.state),
            reason: r.reason,
            paths: serde_json::from_str(&r.paths).unwrap_or_default(),
            size: r.size.max(0) as u64,
            sha256: if r.key.len() == 64 { r.key } else { String::new() },
            preview: r.preview.and_then(|p| serde_json::from_str(&p).ok()),
            first_seen: r.first_seen,
            updated_at: r.updated_at,
        }
    }
}

/// Something the watcher did or saw.
#[derive(Debug, Clone, PartialEq)]
pub enum InboxEvent {
    /// Watching these folders.
    Watching(Vec<PathBuf>),
    /// A new item was recorded.
    Recorded(InboxItem),
    /// A file already recorded was seen again (another folder, or touched): nothing new.
    SeenAgain {
        /// The item.
        id: i64,
        /// Where.
        path: PathBuf,
    },
    /// A file was passed over (not a bundle name, or an unfinished copy).
    Ignored {
        /// The file.
        path: PathBuf,
        /// Why.
        why: &'static str,
    },
    /// A watched folder vanished (USB stick pulled).
    FolderGone(PathBuf),
    /// A vanished folder is back and watched again.
    FolderBack(PathBuf),
    /// A file could not be read yet; it will be retried.
    Retrying {
        /// The file.
        path: PathBuf,
        /// The OS error.
        error: String,
    },
    /// Something went wrong that is not about one file.
    Problem(String),
}

/// How the watcher waits.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// A file is taken once its size and modification time have not changed for this long.
    pub settle: Duration,
    /// How often folders are checked for disappearance and files for settling.
    pub tick: Duration,
    /// Attempts at reading a file before it is recorded as failed.
    pub retries: u32,
    /// Scan the folders once, process what is complete, and return (no watching).
    pub once: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self { settle: Duration::from_secs(2), tick: Duration::from_millis(200), retries: 5, once: false }
    }
}

/// What a file name says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Name {
    Bundle,
    /// Part `n` of a split bundle whose joined name is the path without the `.NNN`.
    Part(PathBuf, u32),
    Ignore(&'static str),
}

fn classify(path: &Path) -> Name {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return Name::Ignore("the name is not UTF-8");
    };
    if name.starts_with('.') {
        return Name::Ignore("hidden file (an unfinished copy?)");
    }
    let lower = name.to_ascii_lowercase();
    if [".part", ".tmp", ".crdownload", ".partial", ".download"].iter().any(|s| lower.ends_with(s))
        || lower.ends_with('~')
    {
        return Name::Ignore("unfinished copy");
    }
    if lower.ends_with(".casebundle") || lower.ends_with(".casebundle.asc") {
        return Name::Bundle;
    }
    if let Some((base, ext)) = name.rsplit_once('.')
        && ext.len() == 3
        && ext.bytes().all(|b| b.is_ascii_digit())
        && (base.to_ascii_lowercase().ends_with(".casebundle")
            || base.to_ascii_lowercase().ends_with(".casebundle.asc"))
        && let Ok(n) = ext.parse::<u32>()
        && n > 0
    {
        return Name::Part(path.with_file_name(base), n);
    }
    Name::Ignore("not a .casebundle file")
}

fn item_json_paths(paths: &[String]) -> String {
    serde_json::to_string(paths).expect("JSON")
}

fn has_age_header(files: &[PathBuf]) -> io::Result<bool> {
    let mut head = [0u8; 40];
    let mut f = fs::File::open(&files[0])?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    let head = &head[..n];
    Ok(head.starts_with(b"age-encryption.org/") || head.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"))
}

impl Vault {
    /// Folders the inbox watches: the vault's own `inbox/` and those added.
    pub fn inbox_dirs(&self) -> Result<Vec<PathBuf>, Error> {
        let mut dirs = vec![self.store.paths().inbox()];
        dirs.extend(self.store.inbox_dirs()?.into_iter().map(PathBuf::from));
        Ok(dirs)
    }

    /// Adds a folder to watch (it may be absent now: a USB stick not yet plugged in).
    pub fn inbox_add_dir(&self, dir: &Path) -> Result<PathBuf, Error> {
        let abs = if dir.is_absolute() {
            dir.to_path_buf()
        } else {
            std::env::current_dir().map_err(|e| Error::Invalid(e.to_string()))?.join(dir)
        };
        let text = abs.to_str().ok_or_else(|| Error::Invalid("the folder's name is not UTF-8".into()))?;
        self.store.add_inbox_dir(text, now_us())?;
        Ok(abs)
    }

    /// Stops watching a folder.
    pub fn inbox_remove_dir(&self, dir: &Path) -> Result<(), Error> {
        let text = dir.to_str().ok_or_else(|| Error::Invalid("the folder's name is not UTF-8".into()))?;
        Ok(self.store.remove_inbox_dir(text)?)
    }

    /// Every inbox item, newest first.
    pub fn inbox_items(&self) -> Result<Vec<InboxItem>, Error> {
        Ok(self.store.inbox_items()?.into_iter().map(InboxItem::from).collect())
    }

    /// One inbox item.
    pub fn inbox_item(&self, id: i64) -> Result<InboxItem, Error> {
        Ok(self.store.inbox_item(id)?.into())
    }

    /// Takes in one complete bundle (or the parts of one, in order): verifies it up to the preview and
    /// records the outcome. Returns the item and whether it is new (false: seen before, by content).
    pub fn inbox_take(&mut self, files: &[PathBuf]) -> Result<(InboxItem, bool), Error> {
        let now = now_us();
        let shown: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        let origin = shown.join(" + ");
        let size: u64 = files
            .iter()
            .map(|f| fs::metadata(f).map(|m| m.len()))
            .sum::<io::Result<u64>>()
            .map_err(io_err)?;
        let mut row = InboxRow {
            id: 0,
            key: String::new(),
            state: String::new(),
            reason: String::new(),
            paths: item_json_paths(std::slice::from_ref(&origin)),
            size: size as i64,
            stored: None,
            preview: None,
            first_seen: now,
            updated_at: now,
        };
        if !has_age_header(files).map_err(io_err)? {
            // Not a bundle at all: keyed by what it is, without reading a possibly huge file through.
            let meta = fs::metadata(&files[0]).map_err(io_err)?;
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_micros());
            row.key = format!("junk:{origin}:{size}:{mtime}");
            if let Some(existing) = self.store.inbox_item_by_key(&row.key)? {
                return Ok((existing.into(), false));
            }
            let marker = hex::encode(Sha256::digest(row.key.as_bytes()));
            let reason = "this is not a Casebook bundle (not an age-encrypted file)";
            let _ = self.quarantine_bundle(files, &origin, &marker, reason);
            row.state = InboxState::Quarantined.as_str().into();
            row.reason = reason.into();
            row.id = self.store.insert_inbox_item(&row)?;
            return Ok((row.into(), true));
        }

        // Copy the ciphertext into the vault while hashing it: later steps never touch the original.
        let received = self.store.paths().received();
        fs::create_dir_all(&received).map_err(io_err)?;
        let tmp = received.join(format!(".incoming-{}", uuid::Uuid::now_v7()));
        let sha = (|| -> io::Result<String> {
            let mut out = fs::File::create(&tmp)?;
            let mut hasher = Sha256::new();
            let mut buf = vec![0u8; 64 << 10];
            for f in files {
                let mut r = fs::File::open(f)?;
                loop {
                    let n = r.read(&mut buf)?;
                    if n == 0 {
                        break;
                    }
                    hasher.update(&buf[..n]);
                    out.write_all(&buf[..n])?;
                }
            }
            out.sync_all()?;
            Ok(hex::encode(hasher.finalize()))
        })();
        let sha = match sha {
            Ok(s) => s,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(io_err(e));
            }
        };
        if let Some(mut existing) = self.store.inbox_item_by_key(&sha)? {
            let _ = fs::remove_file(&tmp);
            let mut paths: Vec<String> = serde_json::from_str(&existing.paths).unwrap_or_default();
            if !paths.contains(&origin) {
                paths.push(origin);
                existing.paths = item_json_paths(&paths);
                existing.updated_at = now;
                self.store.update_inbox_item(&existing)?;
            }
            return Ok((existing.into(), false));
        }
        let stored_name = format!("{sha}.casebundle");
        let stored = received.join(&stored_name);
        fs::rename(&tmp, &stored).map_err(io_err)?;
        row.key = sha;
        row.stored = Some(stored_name);
        match self.import_bundle(std::slice::from_ref(&stored), &ImportOptions::default(), &mut |_| {}) {
            Ok(p) => {
                row.state = match p.outcome {
                    ImportOutcome::Held => InboxState::Held,
                    ImportOutcome::AlreadyHad => InboxState::Duplicate,
                    _ => InboxState::Pending,
                }
                .as_str()
                .into();
                row.preview = Some(p.to_json().to_string());
            }
            Err(Error::BundleRejected { reason, .. }) => {
                row.state = InboxState::Quarantined.as_str().into();
                row.reason = reason;
                let _ = fs::remove_file(&stored);
                row.stored = None;
            }
            Err(e) => {
                let _ = fs::remove_file(&stored);
                return Err(e);
            }
        }
        // Only items still awaiting a decision keep their stored copy.
        if row.state != InboxState::Pending.as_str()
            && row.state != InboxState::Held.as_str()
            && let Some(name) = row.stored.take()
        {
            let _ = fs::remove_file(received.join(name));
        }
        row.id = self.store.insert_inbox_item(&row)?;
        let _ = self.store.audit(
            now,
            "inbox",
            &format!("item {} from {} sha256 {}: {}", row.id, row.paths, row.key, row.state),
        );
        Ok((row.into(), true))
    }

    /// Records a file that could not be read after every retry.
    pub fn inbox_record_failure(&mut self, path: &Path, error: &str) -> Result<InboxItem, Error> {
        let now = now_us();
        let key = format!("unreadable:{}", path.display());
        let error = error.strip_prefix("cannot read the file: ").unwrap_or(error);
        if let Some(existing) = self.store.inbox_item_by_key(&key)? {
            return Ok(existing.into());
        }
        let mut row = InboxRow {
            id: 0,
            key,
            state: InboxState::Failed.as_str().into(),
            reason: format!("cannot read the file: {error}"),
            paths: item_json_paths(&[path.display().to_string()]),
            size: fs::metadata(path).map(|m| m.len() as i64).unwrap_or(0),
            stored: None,
            preview: None,
            first_seen: now,
            updated_at: now,
        };
        row.id = self.store.insert_inbox_item(&row)?;
        Ok(row.into())
    }

    /// Applies a pending (or held) item. A held item needs `trust_new_sender`, or the sender verified
    /// as a partner since.
    pub fn inbox_accept(&mut self, id: i64, trust_new_sender: bool) -> Result<ImportPreview, Error> {
        let mut row = self.store.inbox_item(id)?;
        let state = InboxState::parse(&row.state);
        if !matches!(state, InboxState::Pending | InboxState::Held) {
            return Err(Error::Invalid(format!(
                "inbox item {id} is {}; only pending or held items can be accepted",
                row.state
            )));
        }
        let name = row
            .stored
            .clone()
            .ok_or_else(|| Error::Invalid(format!("inbox item {id} has no stored copy")))?;
        let stored = self.store.paths().received().join(&name);
        let opts = ImportOptions { accept: true, trust_new_sender, ..ImportOptions::default() };
        let p = self.import_bundle(std::slice::from_ref(&stored), &opts, &mut |_| {})?;
        if p.sha256 != row.key {
            return Err(Error::Invalid(format!("the stored copy of inbox item {id} changed; refusing it")));
        }
        row.state = match p.outcome {
            ImportOutcome::Accepted | ImportOutcome::AlreadyHad => InboxState::Accepted,
            ImportOutcome::Held => InboxState::Held,
            ImportOutcome::Previewed => InboxState::Pending,
        }
        .as_str()
        .into();
        row.preview = Some(p.to_json().to_string());
        row.updated_at = now_us();
        if row.state == InboxState::Accepted.as_str() {
            let _ = fs::remove_file(&stored);
            row.stored = None;
        }
        self.store.update_inbox_item(&row)?;
        Ok(p)
    }

    /// Declines an item: it stays listed as rejected; its stored copy is removed (the original
    /// file is never touched).
    pub fn inbox_reject(&mut self, id: i64) -> Result<InboxItem, Error> {
        let mut row = self.store.inbox_item(id)?;
        if !matches!(InboxState::parse(&row.state), InboxState::Pending | InboxState::Held) {
            return Err(Error::Invalid(format!(
                "inbox item {id} is {}; only pending or held items can be rejected",
                row.state
            )));
        }
        if let Some(name) = row.stored.take() {
            let _ = fs::remove_file(self.store.paths().received().join(name));
        }
        row.state = InboxState::Rejected.as_str().into();
        row.updated_at = now_us();
        self.store.update_inbox_item(&row)?;
        self.store.audit(row.updated_at, "inbox-reject", &format!("item {id} sha256 {}", row.key))?;
        Ok(row.into())
    }
}

fn io_err(e: io::Error) -> Error {
    Error::Invalid(format!("cannot read the file: {e}"))
}

/// A file waiting to settle.
#[derive(Debug)]
struct Candidate {
    size: u64,
    mtime: Option<SystemTime>,
    changed: Instant,
    attempts: u32,
    retry_at: Option<Instant>,
}

/// The inbox engine.
pub struct Watcher {
    vault: Vault,
    dirs: Vec<PathBuf>,
    opts: WatchOptions,
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").field("dirs", &self.dirs).finish_non_exhaustive()
    }
}

impl Watcher {
    /// A watcher of the vault's inbox folders plus `extra` (for this run only).
    pub fn new(vault: Vault, extra: &[PathBuf], opts: WatchOptions) -> Result<Self, Error> {
        let mut dirs = vault.inbox_dirs()?;
        for d in extra {
            let abs =
                if d.is_absolute() { d.clone() } else { std::env::current_dir().map_err(io_err)?.join(d) };
            if !dirs.contains(&abs) {
                dirs.push(abs);
            }
        }
        let _ = fs::create_dir_all(&dirs[0]);
        Ok(Self { vault, dirs, opts, stop: Arc::new(AtomicBool::new(false)) })
    }

    /// A handle that stops [`Watcher::run`] when set.
    pub fn stopper(&self) -> Arc<AtomicBool> {
        self.stop.clone()
    }

    /// The vault, for reading results after a run.
    pub fn vault(&mut self) -> &mut Vault {
        &mut self.vault
    }

    /// Watches until stopped (or, with `once`, until everything present was processed), reporting
    /// every event to `on_event`.
    pub fn run(&mut self, on_event: &mut dyn FnMut(InboxEvent)) -> Result<(), Error> {
        let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut notifier = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })
        .map_err(|e| Error::Invalid(format!("cannot watch folders: {e}")))?;
        let mut present: BTreeMap<PathBuf, bool> = BTreeMap::new();
        let mut candidates: HashMap<PathBuf, Candidate> = HashMap::new();
        let mut parts_waiting: HashMap<PathBuf, (Instant, usize)> = HashMap::new();
        on_event(InboxEvent::Watching(self.dirs.clone()));
        for d in &self.dirs {
            let here = d.is_dir();
            if here {
                if let Err(e) = notifier.watch(d, notify::RecursiveMode::NonRecursive) {
                    on_event(InboxEvent::Problem(format!("cannot watch {}: {e}", d.display())));
                }
                scan(d, &mut candidates, on_event);
            } else {
                on_event(InboxEvent::FolderGone(d.clone()));
            }
            present.insert(d.clone(), here);
        }
        let settle = if self.opts.once { Duration::ZERO } else { self.opts.settle };
        let mut last_tick = Instant::now();
        loop {
            if self.stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            match rx.recv_timeout(self.opts.tick) {
                Ok(Ok(event)) => {
                    for p in event.paths {
                        if self.dirs.iter().any(|d| p.parent() == Some(d.as_path())) {
                            note(&p, &mut candidates);
                        }
                    }
                    // Drain what else is queued, but never starve the clock under a flood of events.
                    if last_tick.elapsed() < self.opts.tick {
                        continue;
                    }
                }
                Ok(Err(e)) => on_event(InboxEvent::Problem(format!("watch error: {e}"))),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Error::Invalid("the folder watcher stopped".into()));
                }
            }
            last_tick = Instant::now();
            // Folders that came and went.
            for (d, was) in present.iter_mut() {
                let here = d.is_dir();
                if here != *was {
                    *was = here;
                    if here {
                        let _ = notifier.watch(d, notify::RecursiveMode::NonRecursive);
                        on_event(InboxEvent::FolderBack(d.clone()));
                        scan(d, &mut candidates, on_event);
                    } else {
                        let _ = notifier.unwatch(d);
                        candidates.retain(|p, _| p.parent() != Some(d.as_path()));
                        on_event(InboxEvent::FolderGone(d.clone()));
                    }
                }
            }
            self.process_settled(&mut candidates, &mut parts_waiting, settle, on_event);
            if self.opts.once && candidates.is_empty() {
                return Ok(());
            }
        }
    }

    fn process_settled(
        &mut self,
        candidates: &mut HashMap<PathBuf, Candidate>,
        parts_waiting: &mut HashMap<PathBuf, (Instant, usize)>,
        settle: Duration,
        on_event: &mut dyn FnMut(InboxEvent),
    ) {
        let now = Instant::now();
        let mut ready: Vec<PathBuf> = vec![];
        let mut gone: Vec<PathBuf> = vec![];
        let mut not_files: Vec<PathBuf> = vec![];
        for (p, c) in candidates.iter_mut() {
            if c.retry_at.is_some_and(|t| t > now) {
                continue;
            }
            match fs::metadata(p) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => gone.push(p.clone()),
                Err(_) => ready.push(p.clone()), // let the read report it
                // A FIFO would block the reader forever; a device never ends: never open them.
                Ok(m) if !m.is_file() => not_files.push(p.clone()),
                Ok(m) => {
                    let mtime = m.modified().ok();
                    if m.len() != c.size || mtime != c.mtime {
                        c.size = m.len();
                        c.mtime = mtime;
                        c.changed = now;
                    } else if now.duration_since(c.changed) >= settle {
                        ready.push(p.clone());
                    }
                }
            }
        }
        for p in gone {
            candidates.remove(&p);
        }
        for p in not_files {
            candidates.remove(&p);
            match self
                .vault
                .inbox_record_failure(&p, "not a regular file (a folder, pipe, device or link to one)")
            {
                Ok(item) => on_event(InboxEvent::Recorded(item)),
                Err(e) => on_event(InboxEvent::Problem(e.to_string())),
            }
        }
        ready.sort();
        // Split parts are taken together, once every part present has settled.
        let mut groups: BTreeMap<PathBuf, Vec<(u32, PathBuf)>> = BTreeMap::new();
        for p in ready {
            match classify(&p) {
                Name::Part(base, n) => groups.entry(base).or_default().push((n, p)),
                _ => self.take(&[p], candidates, on_event),
            }
        }
        for (base, mut parts) in groups {
            let pending_parts =
                candidates.keys().filter(|k| matches!(classify(k), Name::Part(b, _) if b == base)).count();
            if pending_parts != parts.len() {
                continue; // some part still settling
            }
            parts.sort();
            let contiguous = parts.iter().enumerate().all(|(i, (n, _))| *n == i as u32 + 1);
            // The wait restarts whenever another part shows up.
            let (since, seen) = parts_waiting.entry(base.clone()).or_insert((now, parts.len()));
            if *seen != parts.len() {
                *since = now;
                *seen = parts.len();
            }
            let first_wait = *since;
            // A truncated-looking set may just be missing its last part: wait a while for more.
            let waited_enough = now.duration_since(first_wait) >= settle * 5 || self.opts.once;
            if !contiguous && !waited_enough {
                continue;
            }
            let files: Vec<PathBuf> = parts.iter().map(|(_, p)| p.clone()).collect();
            if !waited_enough && self.looks_truncated(&files) {
                continue;
            }
            parts_waiting.remove(&base);
            self.take(&files, candidates, on_event);
        }
    }

    /// Whether a set of parts fails only because it ends early (more parts may be coming).
    fn looks_truncated(&self, files: &[PathBuf]) -> bool {
        let Ok(identity) = self.vault.identity().age_identity() else { return false };
        let Ok(mut r) = casebook_bundle::split::join(files) else { return false };
        let Ok(mut dec) =
            age::Decryptor::new_buffered(io::BufReader::new(age::armor::ArmoredReader::new(&mut r)))
                .and_then(|d| d.decrypt(std::iter::once(&identity as &dyn age::Identity)))
        else {
            return false;
        };
        let mut buf = vec![0u8; 64 << 10];
        loop {
            match dec.read(&mut buf) {
                Ok(0) => return false,
                Ok(_) => {}
                Err(_) => return true,
            }
        }
    }

    fn take(
        &mut self,
        files: &[PathBuf],
        candidates: &mut HashMap<PathBuf, Candidate>,
        on_event: &mut dyn FnMut(InboxEvent),
    ) {
        match self.vault.inbox_take(files) {
            Ok((item, new)) => {
                for f in files {
                    candidates.remove(f);
                }
                if new {
                    on_event(InboxEvent::Recorded(item));
                } else {
                    on_event(InboxEvent::SeenAgain { id: item.id, path: files[0].clone() });
                }
            }
            Err(e) => {
                let c = candidates.entry(files[0].clone()).or_insert(Candidate {
                    size: 0,
                    mtime: None,
                    changed: Instant::now(),
                    attempts: 0,
                    retry_at: None,
                });
                c.attempts += 1;
                if c.attempts >= self.opts.retries {
                    for f in files {
                        candidates.remove(f);
                    }
                    match self.vault.inbox_record_failure(&files[0], &e.to_string()) {
                        Ok(item) => on_event(InboxEvent::Recorded(item)),
                        Err(e2) => on_event(InboxEvent::Problem(e2.to_string())),
                    }
                } else {
                    c.retry_at = Some(Instant::now() + self.opts.tick * (1 << c.attempts.min(6)));
                    on_event(InboxEvent::Retrying { path: files[0].clone(), error: e.to_string() });
                }
            }
        }
    }
}

/// Registers (or refreshes) a path that changed.
fn note(p: &Path, candidates: &mut HashMap<PathBuf, Candidate>) {
    match classify(p) {
        Name::Ignore(_) => {}
        _ => {
            let (size, mtime) = fs::metadata(p).map(|m| (m.len(), m.modified().ok())).unwrap_or((0, None));
            let c = candidates.entry(p.to_path_buf()).or_insert(Candidate {
                size,
                mtime,
                changed: Instant::now(),
                attempts: 0,
                retry_at: None,
            });
            c.changed = Instant::now();
            c.size = size;
            c.mtime = mtime;
        }
    }
}

/// Registers every file already in `dir`.
fn scan(dir: &Path, candidates: &mut HashMap<PathBuf, Candidate>, on_event: &mut dyn FnMut(InboxEvent)) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && !matches!(classify(&p), Name::Bundle | Name::Part(..)) {
            continue;
        }
        match classify(&p) {
            Name::Ignore(why) => on_event(InboxEvent::Ignored { path: p, why }),
            _ => note(&p, candidates),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_mark_unfinished_copies_are_ignored() {
        for n in [
            "x.casebundle.part",
            ".x.casebundle",
            "x.casebundle.tmp",
            "x.casebundle.crdownload",
            "x.casebundle~",
            "notes.txt",
        ] {
            assert!(matches!(classify(Path::new(n)), Name::Ignore(_)), "{n}");
        }
        assert_eq!(classify(Path::new("/in/a.casebundle")), Name::Bundle);
        assert_eq!(classify(Path::new("/in/a.casebundle.asc")), Name::Bundle);
        assert_eq!(
            classify(Path::new("/in/a.casebundle.002")),
            Name::Part(PathBuf::from("/in/a.casebundle"), 2)
        );
        assert!(matches!(classify(Path::new("/in/a.casebundle.000")), Name::Ignore(_)));
    }
}
