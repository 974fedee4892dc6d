//! The timeline: pages, the overview chart, quick add, key events, imports.

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::dto::{
    Bucket, Cursor, EventRow, ImportReport, IpcError, Progress, QuickEvent, TimelineFilter, TimelinePage,
};
use crate::state::{AppState, parse_id, parse_word, user_path};

/// Most rows one page may ask for.
const MAX_PAGE: u32 = 2_000;

/// A page of the timeline in time order: the `limit` events after `after`, or before `before`
/// (the window reading back up after it let go of rows it had scrolled past), or from the start.
#[tauri::command]
#[specta::specta]
pub fn timeline_page(
    state: State<'_, AppState>,
    case_id: String,
    filter: TimelineFilter,
    after: Option<Cursor>,
    before: Option<Cursor>,
    limit: u32,
) -> Result<TimelinePage, IpcError> {
    let case = parse_id("case", &case_id)?;
    let core_filter = filter.to_core()?;
    let seek = seek(after, before)?;
    let backwards = matches!(seek, Some(casebook::Seek::Before(..)));
    let limit = limit.clamp(1, MAX_PAGE);
    let page = state.with(|v| v.timeline(&case, &core_filter, filter.text.as_deref(), seek, limit))?;
    let events: Vec<EventRow> = page.events.iter().map(EventRow::from).collect();
    // A full page may have more beyond it, on the side it was read towards.
    let edge = if backwards { events.first() } else { events.last() };
    let next = (events.len() == limit as usize)
        .then(|| edge.map(|e| Cursor { at: e.at, id: e.id.clone() }))
        .flatten();
    let index_coverage =
        page.index.map(|s| if s.total_ops == 0 { 1.0 } else { s.indexed_ops as f64 / s.total_ops as f64 });
    Ok(TimelinePage { events, next, index_coverage })
}

/// Where a page starts, from the cursors the UI sent (at most one of them).
fn seek(after: Option<Cursor>, before: Option<Cursor>) -> Result<Option<casebook::Seek>, IpcError> {
    Ok(match (after, before) {
        (Some(_), Some(_)) => {
            return Err(IpcError::invalid("a timeline page starts after one event or before one, not both"));
        }
        (Some(c), None) => Some(casebook::Seek::After(c.at as i64, parse_id("event", &c.id)?)),
        (None, Some(c)) => Some(casebook::Seek::Before(c.at as i64, parse_id("event", &c.id)?)),
        (None, None) => None,
    })
}

/// Event counts over the case's whole span, in `buckets` slices.
#[tauri::command]
#[specta::specta]
pub fn timeline_buckets(
    state: State<'_, AppState>,
    case_id: String,
    buckets: u32,
) -> Result<Vec<Bucket>, IpcError> {
    let case = parse_id("case", &case_id)?;
    let counts = state.with(|v| v.timeline_buckets(&case, buckets.clamp(1, 1_000)))?;
    Ok(counts.into_iter().map(|(start, count)| Bucket { start: start as f64, count: count as u32 }).collect())
}

/// Adds an event typed into the quick-add bar; returns its id.
#[tauri::command]
#[specta::specta]
pub fn event_add(state: State<'_, AppState>, case_id: String, event: QuickEvent) -> Result<String, IpcError> {
    let case = parse_id("case", &case_id)?;
    let given = casebook::time::parse_time(&event.when, event.tz.as_deref(), casebook::now_us())?;
    let phase = match event.phase.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => Some(parse_word(p)?),
        None => None,
    };
    let fields = casebook::EventFields {
        occurred_at: Some(given.us),
        occurred_at_text: Some(given.original),
        description: Some(event.description),
        host: event.host.map(|h| h.trim().to_string()).filter(|h| !h.is_empty()),
        phase,
        ..Default::default()
    };
    Ok(state.with(|v| v.add_event(&case, fields))?.to_string())
}

/// Flags or unflags a key event.
#[tauri::command]
#[specta::specta]
pub fn event_flag(
    state: State<'_, AppState>,
    case_id: String,
    event: String,
    key: bool,
) -> Result<(), IpcError> {
    let case = parse_id("case", &case_id)?;
    let event = parse_id("event", &event)?;
    state.with(|v| v.flag_event(&case, &event, key))
}

/// Imports a timeline file (Timesketch CSV/JSONL, Plaso) as one commit, reporting rows read;
/// `work_cancel` stops it with nothing written. With `skipBad` bad rows are skipped and reported
/// instead of stopping the import. The text index is brought up to date after.
#[tauri::command]
#[specta::specta]
pub async fn timeline_import(
    app: AppHandle,
    case_id: String,
    path: String,
    tz: Option<String>,
    skip_bad: bool,
    on_progress: Channel<Progress>,
) -> Result<ImportReport, IpcError> {
    let case = parse_id("case", &case_id)?;
    let path = user_path(&path)?;
    crate::blocking(move || {
        app.state::<AppState>().work(|v, cancel| {
            let opts = casebook::TimelineOptions { tz, skip_bad, cancel: Some(cancel), ..Default::default() };
            let report = v.import_timeline(&case, &path, &opts, &mut |rows| {
                let _ = on_progress.send(Progress { done: rows as f64, total: None });
            })?;
            let mut problems = report.first_problems;
            // The events are in; an index that could not catch up is a warning, not a failure (a
            // retry would import them twice). Text search says how complete the index is.
            if let Err(e) = v.index_text(&case, &mut |_, _| {}) {
                problems.push(format!(
                    "the text index could not be updated ({e}); text search may miss these events"
                ));
            }
            Ok(ImportReport {
                format: report.format.name().to_string(),
                imported: report.imported as f64,
                skipped: report.skipped as f64,
                problems,
            })
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::seek;
    use crate::dto::{Cursor, ErrorKind};

    /// A page starts after a cursor, before one or at the start; both cursors, or one naming no
    /// valid event, are refused with a message.
    #[test]
    fn a_page_starts_beside_at_most_one_valid_cursor() {
        let id = casebook::RecordId::new();
        let c = || Some(Cursor { at: 42.0, id: id.to_string() });
        assert_eq!(seek(c(), None).unwrap(), Some(casebook::Seek::After(42, id)));
        assert_eq!(seek(None, c()).unwrap(), Some(casebook::Seek::Before(42, id)));
        assert_eq!(seek(None, None).unwrap(), None);
        let both = seek(c(), c()).unwrap_err();
        assert!(
            matches!(both.code, ErrorKind::InvalidInput) && both.message.contains("not both"),
            "{both:?}"
        );
        let bad = seek(None, Some(Cursor { at: 1.0, id: "../etc".into() })).unwrap_err();
        assert!(matches!(bad.code, ErrorKind::InvalidInput) && bad.message.contains("event id"), "{bad:?}");
    }
}
