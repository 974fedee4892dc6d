//! The case list, new cases, the case header and its phase.

use tauri::State;

use crate::dto::{CaseDetail, CaseSummary, IpcError, NewCase, Playbook};
use crate::state::{AppState, parse_id, parse_word};

/// Every case, newest first.
#[tauri::command]
#[specta::specta]
pub fn case_list(state: State<'_, AppState>) -> Result<Vec<CaseSummary>, IpcError> {
    let mut cases: Vec<CaseSummary> = state.with(|v| v.cases())?.iter().map(CaseSummary::from).collect();
    cases.sort_by(|a, b| b.opened_at.unwrap_or(0.0).total_cmp(&a.opened_at.unwrap_or(0.0)));
    Ok(cases)
}

/// The playbooks a case can start from.
#[tauri::command]
#[specta::specta]
pub fn playbook_list(state: State<'_, AppState>) -> Result<Vec<Playbook>, IpcError> {
    Ok(casebook::playbook::playbooks(&state.dir)?.into_iter().map(Playbook::from).collect())
}

/// Opens a case; returns its id.
#[tauri::command]
#[specta::specta]
pub fn case_create(state: State<'_, AppState>, new_case: NewCase) -> Result<String, IpcError> {
    let new = casebook::NewCase {
        title: new_case.title,
        summary: new_case.summary.filter(|s| !s.trim().is_empty()),
        severity: parse_word(&new_case.severity)?,
        tlp: parse_word(&new_case.tlp)?,
        tags: vec![],
        template: new_case.template.filter(|t| !t.is_empty()),
    };
    Ok(state.with(|v| v.create_case(&new))?.to_string())
}

/// A case's header and counts.
#[tauri::command]
#[specta::specta]
pub fn case_get(state: State<'_, AppState>, case_id: String) -> Result<CaseDetail, IpcError> {
    let id = parse_id("case", &case_id)?;
    Ok(state.with(|v| v.case(&id))?.into())
}

/// Moves a case to another phase (closing it records the time).
#[tauri::command]
#[specta::specta]
pub fn case_set_phase(
    state: State<'_, AppState>,
    case_id: String,
    phase: String,
) -> Result<CaseDetail, IpcError> {
    let id = parse_id("case", &case_id)?;
    let phase: casebook::Phase = parse_word(&phase)?;
    state
        .with(|v| {
            v.set_phase(&id, phase)?;
            v.case(&id)
        })
        .map(Into::into)
}
