//! Observables, tasks, notes, assets and evidence of a case.

use casebook::{RecordKind, Vault};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::dto::{Asset, CustodyEntry, Evidence, IpcError, NewAsset, Note, Observable, Progress, Task};
use crate::state::{AppState, parse_id, parse_word, user_path};

fn list<T: for<'a> From<&'a casebook::Record>>(
    state: &AppState,
    case_id: &str,
    kind: RecordKind,
) -> Result<Vec<T>, IpcError> {
    let case = parse_id("case", case_id)?;
    Ok(state.with(|v| v.records(&case, kind))?.iter().map(T::from).collect())
}

fn word<T: std::str::FromStr<Err: std::fmt::Display>>(w: Option<&str>) -> Result<Option<T>, IpcError> {
    w.map(str::trim).filter(|w| !w.is_empty()).map(parse_word).transpose()
}

/// The case's observables.
#[tauri::command]
#[specta::specta]
pub fn observable_list(state: State<'_, AppState>, case_id: String) -> Result<Vec<Observable>, IpcError> {
    list(&state, &case_id, RecordKind::Observable)
}

/// Adds an observable (defanged forms accepted, type detected unless given); an observable the case
/// already has is merged into. Returns whether it already existed.
#[tauri::command]
#[specta::specta]
pub fn observable_add(
    state: State<'_, AppState>,
    case_id: String,
    kind: Option<String>,
    value: String,
    ioc: bool,
    note: Option<String>,
) -> Result<bool, IpcError> {
    let case = parse_id("case", &case_id)?;
    let kind = word(kind.as_deref())?;
    let note = note.filter(|n| !n.trim().is_empty());
    let now = casebook::now_us();
    Ok(state.with(|v| v.add_observable(&case, kind, &value, ioc, note.as_deref(), now))?.1)
}

/// The case's tasks.
#[tauri::command]
#[specta::specta]
pub fn task_list(state: State<'_, AppState>, case_id: String) -> Result<Vec<Task>, IpcError> {
    list(&state, &case_id, RecordKind::Task)
}

/// Adds a task to a phase.
#[tauri::command]
#[specta::specta]
pub fn task_add(
    state: State<'_, AppState>,
    case_id: String,
    title: String,
    phase: String,
) -> Result<String, IpcError> {
    let case = parse_id("case", &case_id)?;
    let phase = parse_word(&phase)?;
    Ok(state.with(|v| v.add_task(&case, &title, phase, None, None))?.to_string())
}

/// Sets a task's status (todo, doing, blocked, done).
#[tauri::command]
#[specta::specta]
pub fn task_set_status(
    state: State<'_, AppState>,
    case_id: String,
    task: String,
    status: String,
) -> Result<(), IpcError> {
    let case = parse_id("case", &case_id)?;
    let task = parse_id("task", &task)?;
    let status = parse_word(&status)?;
    state.with(|v| v.set_task_status(&case, &task, status))
}

/// The case's notes.
#[tauri::command]
#[specta::specta]
pub fn note_list(state: State<'_, AppState>, case_id: String) -> Result<Vec<Note>, IpcError> {
    list(&state, &case_id, RecordKind::Note)
}

/// Adds a markdown note.
#[tauri::command]
#[specta::specta]
pub fn note_add(
    state: State<'_, AppState>,
    case_id: String,
    title: Option<String>,
    body: String,
) -> Result<String, IpcError> {
    let case = parse_id("case", &case_id)?;
    let title = title.filter(|t| !t.trim().is_empty());
    Ok(state.with(|v| v.add_note(&case, title.as_deref(), &body))?.to_string())
}

/// The case's assets.
#[tauri::command]
#[specta::specta]
pub fn asset_list(state: State<'_, AppState>, case_id: String) -> Result<Vec<Asset>, IpcError> {
    list(&state, &case_id, RecordKind::Asset)
}

/// Adds an asset.
#[tauri::command]
#[specta::specta]
pub fn asset_add(state: State<'_, AppState>, case_id: String, asset: NewAsset) -> Result<String, IpcError> {
    let case = parse_id("case", &case_id)?;
    let fields = casebook::AssetFields {
        name: Some(asset.name),
        kind: Some(parse_word(&asset.kind)?),
        criticality: word(asset.criticality.as_deref())?,
        compromise: word(asset.compromise.as_deref())?,
        note: asset.note.filter(|n| !n.trim().is_empty()),
        ..Default::default()
    };
    Ok(state.with(|v| v.add_asset(&case, fields))?.to_string())
}

/// The case's evidence items.
#[tauri::command]
#[specta::specta]
pub fn evidence_list(state: State<'_, AppState>, case_id: String) -> Result<Vec<Evidence>, IpcError> {
    list(&state, &case_id, RecordKind::Evidence)
}

/// Adds a file as evidence: hashed and stored encrypted in the vault, reporting bytes read;
/// `work_cancel` stops it with nothing stored.
#[tauri::command]
#[specta::specta]
pub async fn evidence_add(
    app: AppHandle,
    case_id: String,
    path: String,
    description: Option<String>,
    on_progress: Channel<Progress>,
) -> Result<Evidence, IpcError> {
    let case = parse_id("case", &case_id)?;
    let path = user_path(&path)?;
    let total = std::fs::metadata(&path).ok().map(|m| m.len() as f64);
    let description = description.filter(|d| !d.trim().is_empty());
    crate::blocking(move || {
        app.state::<AppState>().work(|v: &mut Vault, cancel| {
            let mut report = |done: u64| {
                let _ = on_progress.send(Progress { done: done as f64, total });
            };
            let (id, _) =
                v.add_evidence(&case, &path, description.as_deref(), None, &mut report, Some(cancel))?;
            v.record(&case, RecordKind::Evidence, &id).map(|r| Evidence::from(&r))
        })
    })
    .await
}

/// An evidence item's chain of custody, oldest first.
#[tauri::command]
#[specta::specta]
pub fn custody_list(
    state: State<'_, AppState>,
    case_id: String,
    evidence: String,
) -> Result<Vec<CustodyEntry>, IpcError> {
    let case = parse_id("case", &case_id)?;
    let evidence = parse_id("evidence", &evidence)?;
    Ok(state.with(|v| v.custody(&case, &evidence))?.iter().map(CustodyEntry::from).collect())
}

/// Appends an entry to an evidence item's chain of custody.
#[tauri::command]
#[specta::specta]
pub fn custody_add(
    state: State<'_, AppState>,
    case_id: String,
    evidence: String,
    action: String,
    location: Option<String>,
    note: Option<String>,
) -> Result<(), IpcError> {
    let case = parse_id("case", &case_id)?;
    let evidence = parse_id("evidence", &evidence)?;
    let some = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    let (location, note) = (some(location), some(note));
    state.with(|v| v.add_custody(&case, &evidence, &action, location.as_deref(), note.as_deref()).map(drop))
}
