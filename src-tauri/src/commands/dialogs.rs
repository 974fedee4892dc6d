//! Native open and save dialogs (GTK's file chooser), shown by the app itself.
//!
//! The window holds no file-system permission: it asks for a path, the responder picks one in the
//! desktop's own dialog, and the path comes back as text into the same field a responder can also
//! type into. The commands that then read or write the file check it as they check typed paths.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use gtk::prelude::*;
use gtk::{FileChooserAction, FileChooserDialog, FileFilter, ResponseType};

use crate::dto::{IpcError, PathPurpose};

/// Shows the dialog for `purpose` over the window, starting near `current` (what the field holds)
/// when that is a full path; `None` when the responder cancels.
#[tauri::command]
#[specta::specta]
pub async fn path_pick(
    window: tauri::WebviewWindow,
    purpose: PathPurpose,
    current: Option<String>,
) -> Result<Option<String>, IpcError> {
    let start = current.as_deref().and_then(start_at);
    let (tx, rx) = mpsc::channel();
    let parent = window.clone();
    // GTK belongs to the main thread. The dialog is shown there and answers through the channel;
    // it does not spin a loop of its own, so the window behind it keeps painting.
    window
        .run_on_main_thread(move || show(parent.gtk_window().ok(), purpose, start, tx))
        .map_err(|e| IpcError::internal(format!("could not show the file dialog: {e}")))?;
    let picked = crate::blocking(move || {
        rx.recv().map_err(|_| IpcError::internal("the file dialog closed without an answer; try again"))
    })
    .await?;
    picked
        .map(|p| {
            p.into_os_string().into_string().map_err(|p| {
                IpcError::invalid(format!(
                    "{} has characters Casebook cannot pass on; rename it or pick another",
                    Path::new(&p).display()
                ))
            })
        })
        .transpose()
}

fn show(
    parent: Option<gtk::ApplicationWindow>,
    purpose: PathPurpose,
    start: Option<(PathBuf, Option<String>)>,
    answer: mpsc::Sender<Option<PathBuf>>,
) {
    let (title, action, accept, filter) = match purpose {
        PathPurpose::TimelineFile => (
            "Import a timeline (Timesketch CSV/JSONL, Plaso)",
            FileChooserAction::Open,
            "_Open",
            Some(("Timelines (csv, jsonl, json, txt)", &["*.csv", "*.jsonl", "*.json", "*.txt"][..])),
        ),
        PathPurpose::EvidenceFile => ("Add a file as evidence", FileChooserAction::Open, "_Open", None),
        PathPurpose::BundleSave => (
            "Save the bundle as",
            FileChooserAction::Save,
            "_Save",
            Some(("Casebook bundles (.casebundle)", &["*.casebundle"][..])),
        ),
    };
    let dialog = FileChooserDialog::with_buttons(
        Some(title),
        parent.as_ref(),
        action,
        &[("_Cancel", ResponseType::Cancel), (accept, ResponseType::Accept)],
    );
    dialog.set_modal(true);
    dialog.set_local_only(true);
    // No "Replace?" question: an export never overwrites a file, it names the clash instead.
    dialog.set_do_overwrite_confirmation(false);
    if let Some((name, patterns)) = filter {
        let f = FileFilter::new();
        f.set_name(Some(name));
        patterns.iter().for_each(|p| f.add_pattern(p));
        dialog.add_filter(f);
        let all = FileFilter::new();
        all.set_name(Some("All files"));
        all.add_pattern("*");
        dialog.add_filter(all);
    }
    if let Some((dir, name)) = start {
        dialog.set_current_folder(&dir);
        match (name, action) {
            (Some(name), FileChooserAction::Save) => dialog.set_current_name(&name),
            (Some(name), _) => {
                // false only when the file is not there: the folder is still set.
                let _ = dialog.set_filename(dir.join(name));
            }
            (None, _) => {}
        }
    }
    // Answered once: closing the dialog emits a second, "deleted" response, which finds no sender.
    let answer = std::cell::Cell::new(Some(answer));
    dialog.connect_response(move |d, response| {
        if let Some(answer) = answer.take() {
            let picked = if response == ResponseType::Accept { d.filename() } else { None };
            // The command may be gone (the window closing); nobody is waiting then.
            let _ = answer.send(picked);
            d.close();
        }
    });
    dialog.present();
}

/// Where a dialog opens for what the field holds: its folder (and file name), when it is a full path
/// whose folder exists.
fn start_at(current: &str) -> Option<(PathBuf, Option<String>)> {
    let path = crate::state::user_path(current).ok()?;
    if path.is_dir() {
        return Some((path, None));
    }
    let dir = path.parent().filter(|d| d.is_dir())?.to_path_buf();
    Some((dir, path.file_name().and_then(|n| n.to_str()).map(str::to_owned)))
}

#[cfg(test)]
mod tests {
    use super::start_at;

    /// A dialog opens in the folder of the path already typed, or where GTK likes when there is none.
    #[test]
    fn dialogs_start_near_the_typed_path() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        assert_eq!(start_at(dir.to_str().unwrap()), Some((dir.clone(), None)));
        let file = dir.join("case.casebundle");
        assert_eq!(start_at(file.to_str().unwrap()), Some((dir.clone(), Some("case.casebundle".into()))));
        assert_eq!(start_at(dir.join("gone/x.csv").to_str().unwrap()), None);
        assert_eq!(start_at("relative/x.csv"), None);
        assert_eq!(start_at("   "), None);
    }
}
