//! Handing a case to partners as a signed, encrypted bundle.

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::dto::{IpcError, KindCount, Progress, ShareReport, ShareRequest, kind_counts};
use crate::state::{AppState, parse_id, parse_word, user_path};

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

/// Writes the bundle (a file, or numbered parts), reporting ops written; `work_cancel` stops it
/// and removes what was written.
#[tauri::command]
#[specta::specta]
pub async fn share_export(
    app: AppHandle,
    case_id: String,
    request: ShareRequest,
    on_progress: Channel<Progress>,
) -> Result<ShareReport, IpcError> {
    let case = parse_id("case", &case_id)?;
    let dest = user_path(&request.dest)?;
    let opts = casebook::ExportOptions {
        to: request.to,
        tlp: parse_word(&request.tlp)?,
        since_last: request.delta,
        armor: request.armor,
        split: request.split_mib.filter(|m| *m > 0).map(|m| u64::from(m) << 20),
        max_blob_size: casebook::DEFAULT_MAX_BLOB_SIZE,
        allow_unverified: request.allow_unverified,
        cancel: None,
    };
    crate::blocking(move || {
        app.state::<AppState>().work(|v, cancel| {
            let opts = casebook::ExportOptions { cancel: Some(cancel), ..opts };
            v.export_bundle(&case, &dest, &opts, &mut |done| {
                let _ = on_progress.send(Progress { done: done as f64, total: None });
            })
        })
    })
    .await
    .map(Into::into)
}
