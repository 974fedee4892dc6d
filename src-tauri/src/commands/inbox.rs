//! The inbox: bundles that arrived in the watched folders, their previews, accept and reject.

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::dto::{BundlePreview, InboxItem, InboxNotice, IpcError};
use crate::state::AppState;

/// Every item the inbox has seen, newest first.
#[tauri::command]
#[specta::specta]
pub fn inbox_list(state: State<'_, AppState>) -> Result<Vec<InboxItem>, IpcError> {
    let mut items: Vec<InboxItem> = state.with(|v| v.inbox_items())?.iter().map(InboxItem::from).collect();
    items.sort_by(|a, b| b.first_seen.total_cmp(&a.first_seen));
    Ok(items)
}

/// The folders watched for bundles (the vault's own inbox folder first).
#[tauri::command]
#[specta::specta]
pub fn inbox_folders(state: State<'_, AppState>) -> Result<Vec<String>, IpcError> {
    Ok(state.with(|v| v.inbox_dirs())?.iter().map(|d| d.display().to_string()).collect())
}

/// Applies a pending or held item (a held one only with `trustNewSender`), off the UI thread.
#[tauri::command]
#[specta::specta]
pub async fn inbox_accept(
    app: AppHandle,
    id: u32,
    trust_new_sender: bool,
) -> Result<BundlePreview, IpcError> {
    crate::blocking(move || {
        let p = app.state::<AppState>().work(|v, _| v.inbox_accept(i64::from(id), trust_new_sender))?;
        Ok(BundlePreview::from_json(&p.to_json()))
    })
    .await
}

/// Declines an item (its original file is left alone).
#[tauri::command]
#[specta::specta]
pub fn inbox_reject(state: State<'_, AppState>, id: u32) -> Result<InboxItem, IpcError> {
    Ok(InboxItem::from(&state.with(|v| v.inbox_reject(i64::from(id)))?))
}

/// Sends what the inbox watcher sees to `on_notice` from now on (replacing an earlier subscriber).
#[tauri::command]
#[specta::specta]
pub fn inbox_subscribe(state: State<'_, AppState>, on_notice: Channel<InboxNotice>) {
    state.inbox.subscribe(on_notice);
}
