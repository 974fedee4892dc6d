//! Partner teams and their contact cards.

use tauri::State;

use crate::dto::{IpcError, Partner};
use crate::state::{AppState, parse_word};

/// Every partner.
#[tauri::command]
#[specta::specta]
pub fn partner_list(state: State<'_, AppState>) -> Result<Vec<Partner>, IpcError> {
    Ok(state.with(|v| v.partners())?.iter().map(Partner::from).collect())
}

/// Adds a partner from the text of their contact card (pasted or read from a file).
#[tauri::command]
#[specta::specta]
pub fn partner_add(state: State<'_, AppState>, card: String, max_tlp: String) -> Result<Partner, IpcError> {
    let card = casebook::Card::parse(&card).map_err(casebook::Error::from)?;
    let opts = casebook::PartnerOptions { max_tlp: parse_word(&max_tlp)?, verified: false };
    Ok(Partner::from(&state.with(|v| v.add_partner(&card, &opts))?))
}

/// Marks a partner verified after their fingerprint, read out of band, matched.
#[tauri::command]
#[specta::specta]
pub fn partner_verify(
    state: State<'_, AppState>,
    name: String,
    fingerprint: String,
) -> Result<Partner, IpcError> {
    Ok(Partner::from(&state.with(|v| v.verify_partner(&name, Some(&fingerprint)))?))
}

/// Removes a partner.
#[tauri::command]
#[specta::specta]
pub fn partner_remove(state: State<'_, AppState>, name: String) -> Result<(), IpcError> {
    state.with(|v| v.remove_partner(&name))
}
