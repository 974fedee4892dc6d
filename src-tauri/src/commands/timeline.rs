//! The timeline: pages, the overview chart, quick add, key events, imports.

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::dto::{
    Bucket, Cursor, EventRow, ImportReport, IpcError, Progress, QuickEvent, TimelineFilter, TimelinePage,
};
use crate::state::{AppState, parse_id, parse_word, user_path};

/// Most rows one page may ask for.
const MAX_PAGE: u32 = 2_000;

/// A page of the timeline after `after`, in time order.
#[tauri::command]
#[specta::specta]
pub fn timeline_page(
    state: State<'_, AppState>,
    case_id: String,
    filter: TimelineFilter,
    after: Option<Cursor>,
    limit: u32,
) -> Result<TimelinePage, IpcError> {
    let case = parse_id("case", &case_id)?;
    let core_filter = filter.to_core()?;
    let after = match after {
        Some(c) => Some((c.at as i64, parse_id("event", &c.id)?)),
        None => None,
    };
    let limit = limit.clamp(1, MAX_PAGE);
    let page = state.with(|v| v.timeline(&case, &core_filter, filter.text.as_deref(), after, limit))?;
    let events: Vec<EventRow> = page.events.iter().map(EventRow::from).collect();
    let next = (events.len() == limit as usize)
        .then(|| events.last().map(|e| Cursor { at: e.at, id: e.id.clone() }))
        .flatten();
    let index_coverage =
        page.index.map(|s| if s.total_ops == 0 { 1.0 } else { s.indexed_ops as f64 / s.total_ops as f64 });
    Ok(TimelinePage { events, next, index_coverage })
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
