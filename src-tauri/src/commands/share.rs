//! Handing a case to partners as a signed, encrypted bundle.

use std::path::Path;

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::dto::{IpcError, KindCount, Progress, ShareReport, ShareRequest, kind_counts};
use crate::state::{AppState, parse_id, parse_word};

/// Live records an export at this TLP ceiling would keep home, per kind.
#[tauri::command]
#[specta::specta]
pub fn share_preview(
    state: State<'_, AppState>,
    case_id: String,
    tlp: String,
) -> Result<Vec<KindCount>, IpcError> {
    let case = parse_id("case", &case_id)?;
    let ceiling = parse_word(&tlp)?;
    Ok(kind_counts(&state.with(|v| v.withheld_at(&case, ceiling))?))
}

/// Writes the bundle (a file, or numbered parts), reporting bytes written.
#[tauri::command]
#[specta::specta]
pub async fn share_export(
    app: AppHandle,
    case_id: String,
    request: ShareRequest,
    on_progress: Channel<Progress>,
) -> Result<ShareReport, IpcError> {
    let case = parse_id("case", &case_id)?;
    if request.dest.trim().is_empty() {
        return Err(IpcError::invalid("choose where to save the bundle"));
    }
    let opts = casebook::ExportOptions {
        to: request.to,
        tlp: parse_word(&request.tlp)?,
        since_last: request.delta,
        armor: request.armor,
        split: request.split_mib.filter(|m| *m > 0).map(|m| u64::from(m) << 20),
        max_blob_size: casebook::DEFAULT_MAX_BLOB_SIZE,
        allow_unverified: request.allow_unverified,
    };
    crate::blocking(move || {
        app.state::<AppState>().with(|v| {
            v.export_bundle(&case, Path::new(&request.dest), &opts, &mut |done| {
                let _ = on_progress.send(Progress { done: done as f64, total: None });
            })
        })
    })
    .await
    .map(Into::into)
}
