//! The inbox watcher of an unlocked vault: `casebook::Watcher` on its own thread with its own
//! connection to the vault, started at unlock and stopped at lock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tauri::ipc::Channel;

use crate::dto::InboxNotice;

/// The running watcher, if any, and the UI's subscription to its notices.
#[derive(Default)]
pub struct InboxWatch {
    run: Mutex<Option<(Arc<AtomicBool>, JoinHandle<()>)>>,
    subscriber: Arc<Mutex<Option<Channel<InboxNotice>>>>,
}

impl InboxWatch {
    /// Starts watching with `vault` (a second connection, opened for the watcher alone), replacing
    /// any watcher already running, unless `still_wanted` says the vault was locked meanwhile.
    pub fn start(&self, vault: casebook::Vault, still_wanted: impl Fn() -> bool) {
        // Held throughout, so two unlocks in quick succession cannot leave a watcher running unseen.
        let mut run = self.run.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((stop, handle)) = run.take() {
            stop.store(true, Ordering::SeqCst);
            let _ = handle.join();
        }
        if !still_wanted() {
            return;
        }
        let subscriber = self.subscriber.clone();
        let notify = move |n: InboxNotice| {
            if let Some(ch) = subscriber.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
                let _ = ch.send(n);
            }
        };
        let mut watcher = match casebook::Watcher::new(vault, &[], casebook::WatchOptions::default()) {
            Ok(w) => w,
            Err(e) => {
                notify(InboxNotice { kind: "problem".into(), message: e.to_string(), item: None });
                return;
            }
        };
        let stop = watcher.stopper();
        let handle = std::thread::spawn(move || {
            let result = watcher.run(&mut |e| {
                if let Some(n) = InboxNotice::from_event(&e) {
                    notify(n);
                }
            });
            if let Err(e) = result {
                notify(InboxNotice { kind: "problem".into(), message: e.to_string(), item: None });
            }
        });
        *run = Some((stop, handle));
    }

    /// Stops the watcher and waits for it to let go of its connection.
    pub fn stop(&self) {
        if let Some((stop, handle)) = self.run.lock().unwrap_or_else(|p| p.into_inner()).take() {
            stop.store(true, Ordering::SeqCst);
            let _ = handle.join();
        }
    }

    /// Tells the subscriber about a problem that stopped the watcher from starting.
    pub fn report_problem(&self, message: &str) {
        if let Some(ch) = self.subscriber.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            let _ = ch.send(InboxNotice { kind: "problem".into(), message: message.to_string(), item: None });
        }
    }

    /// Sends notices to `channel` from now on.
    pub fn subscribe(&self, channel: Channel<InboxNotice>) {
        *self.subscriber.lock().unwrap_or_else(|p| p.into_inner()) = Some(channel);
    }
}
