//! A case's signed history and its conflicts.

use tauri::State;

use crate::dto::{CommitInfo, Conflict, IpcError};
use crate::state::{AppState, parse_id, parse_word};

/// The case's commits, oldest first.
#[tauri::command]
#[specta::specta]
pub fn history(state: State<'_, AppState>, case_id: String) -> Result<Vec<CommitInfo>, IpcError> {
    let case = parse_id("case", &case_id)?;
    Ok(state.with(|v| v.history(&case))?.iter().map(CommitInfo::from).collect())
}

/// Fields two authors wrote concurrently, with both values.
#[tauri::command]
#[specta::specta]
pub fn conflict_list(state: State<'_, AppState>, case_id: String) -> Result<Vec<Conflict>, IpcError> {
    let case = parse_id("case", &case_id)?;
    Ok(state.with(|v| v.conflicts(&case))?.iter().map(Conflict::from).collect())
}

/// Resolves a conflict by writing the value chosen (JSON text, as the conflict listed it).
#[tauri::command]
#[specta::specta]
pub fn conflict_resolve(
    state: State<'_, AppState>,
    case_id: String,
    kind: String,
    record: String,
    field: String,
    value: String,
) -> Result<(), IpcError> {
    let case = parse_id("case", &case_id)?;
    let kind = parse_word(&kind)?;
    let record = parse_id("record", &record)?;
    let value = serde_json::from_str(&value)
        .map_err(|e| crate::dto::IpcError::invalid(format!("not a value: {e}")))?;
    state.with(|v| v.resolve_conflict(&case, kind, &record, &field, value))
}
