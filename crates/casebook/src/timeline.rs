//! Importing tool timelines into a case: one streamed commit per file, all or nothing.

use std::io::Read;
use std::path::Path;

use casebook_interop::timeline::{self, Format, Settings};
use casebook_ledger::records::to_fields;
use casebook_ledger::{CaseId, CommitId, Op, RecordId, RecordKind};

use crate::{Error, Vault};

/// How to import a timeline.
#[derive(Debug, Clone, Default)]
pub struct TimelineOptions {
    /// The format (default: told from the file's start).
    pub format: Option<Format>,
    /// The events' source (default: the format's name).
    pub source: Option<String>,
    /// Time zone for times without an offset (IANA name or UTC).
    pub tz: Option<String>,
    /// Import the good rows and report the bad ones, instead of stopping at the first.
    pub skip_bad: bool,
    /// Set from another thread to stop the import: it then ends with [`Error::Cancelled`] and
    /// nothing of it is committed.
    pub cancel: Option<crate::CancelFlag>,
}

/// What a timeline import did.
#[derive(Debug, Clone)]
pub struct TimelineReport {
    /// The format read.
    pub format: Format,
    /// Events imported.
    pub imported: u64,
    /// Rows skipped (with `skip_bad`).
    pub skipped: u64,
    /// The first few skipped rows' problems.
    pub first_problems: Vec<String>,
    /// The commit holding the events.
    pub commit: CommitId,
}

/// How many skipped rows' reasons are reported.
const PROBLEMS_SHOWN: usize = 5;

impl Vault {
    /// Imports the timeline in `path` into `case` as one commit. By default the first bad row stops
    /// the import (its file, line and column named) and nothing is committed.
    pub fn import_timeline(
        &mut self,
        case: &CaseId,
        path: &Path,
        opts: &TimelineOptions,
        progress: &mut dyn FnMut(u64),
    ) -> Result<TimelineReport, Error> {
        self.record(case, RecordKind::Case, &case.record())?;
        let name = path.display().to_string();
        let open =
            || std::fs::File::open(path).map_err(|e| Error::Invalid(format!("cannot read {name}: {e}")));
        if !std::fs::metadata(path).map_err(|e| Error::Invalid(format!("cannot read {name}: {e}")))?.is_file()
        {
            return Err(Error::Invalid(format!("{name} is not a regular file")));
        }
        let format = match opts.format {
            Some(f) => f,
            None => {
                let mut head = vec![0u8; 64 << 10];
                let n = open()?
                    .read(&mut head)
                    .map_err(|e| Error::Invalid(format!("cannot read {name}: {e}")))?;
                timeline::sniff(&head[..n]).map_err(|e| Error::Invalid(format!("{name}: {e}")))?
            }
        };
        let tz = match &opts.tz {
            None => None,
            Some(z) if z.eq_ignore_ascii_case("utc") => Some(("UTC".to_string(), jiff::tz::TimeZone::UTC)),
            Some(z) => Some((
                z.clone(),
                jiff::tz::TimeZone::get(z).map_err(|_| {
                    Error::Invalid(format!("unknown time zone \"{z}\"; use an IANA name like Europe/Vienna"))
                })?,
            )),
        };
        let settings = Settings { format, source: opts.source.clone(), tz };
        let rows = timeline::read(open()?, &settings).map_err(|e| Error::Invalid(format!("{name}: {e}")))?;
        let mut skipped = 0u64;
        let mut imported = 0u64;
        let mut problems: Vec<String> = vec![];
        let skip_bad = opts.skip_bad;
        let cancel = opts.cancel.clone();
        let ops = rows.filter_map(|row| {
            if crate::cancel::raised(&cancel) {
                return Some(Err(Error::Cancelled));
            }
            let checked = row.map_err(|e| e.to_string()).and_then(|ev| {
                let fields = to_fields(&ev);
                RecordKind::Event.validate(&fields).map(|()| fields).map_err(|e| e.to_string())
            });
            match checked {
                Ok(fields) => {
                    imported += 1;
                    Some(Ok(Op::put(RecordKind::Event, RecordId::new(), fields)))
                }
                Err(reason) if skip_bad => {
                    skipped += 1;
                    if problems.len() < PROBLEMS_SHOWN {
                        problems.push(reason);
                    }
                    None
                }
                Err(reason) => Some(Err(Error::Invalid(format!(
                    "{name}: {reason}; nothing was imported (skipping bad rows imports the good ones)"
                )))),
            }
        });
        let commit = match self.commit_stream(case, "import timeline", ops, progress) {
            Ok(c) => c,
            Err(Error::Invalid(m)) if m == "nothing to commit" => {
                return Err(Error::Invalid(format!("{name}: no events to import ({skipped} rows skipped)")));
            }
            Err(e) => return Err(e),
        };
        self.store.audit(
            crate::now_us(),
            "timeline-import",
            &format!("case {case} commit {} {} events from a {} file", commit.id, imported, format.name()),
        )?;
        Ok(TimelineReport { format, imported, skipped, first_problems: problems, commit: commit.id })
    }
}

/// One page of a timeline search, and how complete the text index was.
#[derive(Debug, Clone)]
pub struct TimelinePage {
    /// The events, in time order.
    pub events: Vec<crate::Record>,
    /// With a text query: how far the index had got (an incomplete index may miss matches).
    pub index: Option<casebook_store::IndexStatus>,
}

impl Vault {
    /// A page of the timeline with the filters, and, when `text` is given, only events containing
    /// every word of it: the `limit` events just after or before `seek`, from the start without one.
    pub fn timeline(
        &self,
        case: &CaseId,
        filter: &casebook_store::EventFilter,
        text: Option<&str>,
        seek: Option<casebook_store::Seek>,
        limit: u32,
    ) -> Result<TimelinePage, Error> {
        match text.filter(|t| !t.trim().is_empty()) {
            Some(t) => {
                let (events, status) = self.store.search_events(case, t, filter, seek, limit)?;
                Ok(TimelinePage { events, index: Some(status) })
            }
            None => {
                Ok(TimelinePage { events: self.store.events_from(case, filter, seek, limit)?, index: None })
            }
        }
    }

    /// Brings the text index of `case` up to date, in batches (each its own transaction, so it can be
    /// stopped and resumed). `progress` gets (ops indexed, ops in the case).
    pub fn index_text(
        &mut self,
        case: &CaseId,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<casebook_store::IndexStatus, Error> {
        loop {
            let s = self.store.index_text(case, 50_000)?;
            progress(s.indexed_ops, s.total_ops);
            if s.complete() {
                return Ok(s);
            }
        }
    }

    /// How far the text index of `case` has got.
    pub fn index_status(&self, case: &CaseId) -> Result<casebook_store::IndexStatus, Error> {
        Ok(self.store.index_status(case)?)
    }

    /// Counts of events per time bucket across the case's whole span (for an overview chart):
    /// (bucket start µs, count).
    pub fn timeline_buckets(&self, case: &CaseId, buckets: u32) -> Result<Vec<(i64, u64)>, Error> {
        match self.store.event_span(case)? {
            Some((from, to)) => Ok(self.store.event_buckets(case, from, to + 1, buckets)?),
            None => Ok(vec![]),
        }
    }

    /// Writes the filtered timeline as a Timesketch CSV (which `import timeline` reads back).
    /// Returns the number of events written.
    pub fn export_timeline_csv(
        &self,
        case: &CaseId,
        filter: &casebook_store::EventFilter,
        text: Option<&str>,
        out: impl std::io::Write,
    ) -> Result<u64, Error> {
        // Two passes, page by page: the attribute columns first, then the rows.
        let mut keys = std::collections::BTreeSet::new();
        self.each_event(case, filter, text, &mut |e| {
            keys.extend(e.attributes.iter().flat_map(|a| a.keys().cloned()));
        })?;
        let keys: Vec<String> = keys.into_iter().collect();
        let bad = |e: csv::Error| Error::Invalid(format!("cannot write the CSV: {e}"));
        let mut w = casebook_interop::timeline::CsvWriter::new(out, &keys).map_err(bad)?;
        let mut failed = None;
        self.each_event(case, filter, text, &mut |e| {
            if failed.is_none()
                && let Err(err) = w.write(&e)
            {
                failed = Some(err);
            }
        })?;
        if let Some(e) = failed {
            return Err(bad(e));
        }
        w.finish().map_err(bad)
    }

    fn each_event(
        &self,
        case: &CaseId,
        filter: &casebook_store::EventFilter,
        text: Option<&str>,
        f: &mut dyn FnMut(casebook_ledger::EventFields),
    ) -> Result<(), Error> {
        let mut after = None;
        loop {
            let page = self.timeline(case, filter, text, after, 5_000)?;
            let Some(last) = page.events.last() else { return Ok(()) };
            after = Some(casebook_store::Seek::After(
                last.values.get("occurred_at").and_then(|v| v.as_i64()).unwrap_or(0),
                last.id,
            ));
            for r in &page.events {
                f(casebook_ledger::records::from_fields(&r.values)
                    .map_err(|e| Error::Invalid(e.to_string()))?);
            }
        }
    }
}
