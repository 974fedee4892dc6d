//! The inbox watcher of an unlocked vault: `casebook::Watcher` on its own thread with its own
//! connection to the vault, started at unlock and stopped at lock.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tauri::ipc::Channel;

use crate::dto::InboxNotice;
use crate::state::unpoison;

type Running = Option<(Arc<AtomicBool>, JoinHandle<()>)>;
type Subscriber = Arc<Mutex<Option<Channel<InboxNotice>>>>;

/// The running watcher, if any, and the UI's subscription to its notices.
#[derive(Default)]
pub struct InboxWatch {
    run: Mutex<Running>,
    subscriber: Subscriber,
}

/// Stops the watcher in `run`, if any, and waits for it to let go of its connection.
fn halt(run: &mut Running) {
    if let Some((stop, handle)) = run.take() {
        stop.store(true, Ordering::SeqCst);
        let _ = handle.join();
    }
}

/// Sends `notice` to the subscriber, if there is one.
fn send(subscriber: &Subscriber, notice: InboxNotice) {
    if let Some(ch) = unpoison(subscriber.lock()).as_ref() {
        let _ = ch.send(notice);
    }
}

impl InboxWatch {
    /// Starts watching with `vault` (a second connection, opened for the watcher alone), replacing
    /// any watcher already running, unless `still_wanted` says the vault was locked meanwhile.
    pub fn start(&self, vault: casebook::Vault, still_wanted: impl Fn() -> bool) {
        // Held throughout, so two unlocks in quick succession cannot leave a watcher running unseen.
        let mut run = unpoison(self.run.lock());
        halt(&mut run);
        if !still_wanted() {
            return;
        }
        let mut watcher = match casebook::Watcher::new(vault, &[], casebook::WatchOptions::default()) {
            Ok(w) => w,
            Err(e) => return send(&self.subscriber, InboxNotice::problem(e.to_string())),
        };
        let stop = watcher.stopper();
        let subscriber = self.subscriber.clone();
        let handle = std::thread::spawn(move || {
            let result = watcher.run(&mut |e| {
                if let Some(n) = InboxNotice::from_event(&e) {
                    send(&subscriber, n);
                }
            });
            if let Err(e) = result {
                send(&subscriber, InboxNotice::problem(e.to_string()));
            }
        });
        *run = Some((stop, handle));
    }

    /// Stops the watcher and waits for it to let go of its connection.
    pub fn stop(&self) {
        halt(&mut unpoison(self.run.lock()));
    }

    /// Tells the subscriber about a problem that stopped the watcher from starting.
    pub fn report_problem(&self, message: &str) {
        send(&self.subscriber, InboxNotice::problem(message.to_string()));
    }

    /// Sends notices to `channel` from now on.
    pub fn subscribe(&self, channel: Channel<InboxNotice>) {
        *unpoison(self.subscriber.lock()) = Some(channel);
    }
}
