//! `summary.md`: the case for humans, as it travels in a bundle. Only records the bundle may carry
//! (within its TLP ceiling) appear.

use std::fmt::Write as _;

use casebook_ledger::records::from_fields;
use casebook_ledger::{
    CaseFields, CaseId, EventFields, EvidenceFields, ObservableFields, Phase, RecordId, RecordKind,
    TaskFields, TaskStatus,
};
use casebook_store::EventFilter;

use crate::{Error, Vault, format_time};

/// Most timeline rows written in a summary; the ledger carries them all.
const MAX_TIMELINE_ROWS: usize = 5_000;

/// Escapes text for a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

impl Vault {
    /// The Markdown summary of `case`, leaving out records for which `withheld` is true.
    pub(crate) fn summary_markdown(
        &self,
        case: &CaseId,
        withheld: &dyn Fn(RecordKind, &RecordId) -> bool,
        footer: &str,
    ) -> Result<String, Error> {
        let mut md = String::new();
        let record = self.record(case, RecordKind::Case, &case.record())?;
        if withheld(RecordKind::Case, &case.record()) {
            let _ = writeln!(md, "# Case {case}\n\n_The case header is above this bundle's TLP ceiling._\n");
        } else {
            let c: CaseFields = from_fields(&record.values).unwrap_or_default();
            let _ = writeln!(md, "# {}\n", c.title.as_deref().unwrap_or("(untitled case)"));
            let _ = writeln!(md, "| | |\n|---|---|");
            let _ = writeln!(md, "| Case id | `{case}` |");
            let _ = writeln!(md, "| Phase | {} |", c.phase.map(|p| p.to_string()).unwrap_or_default());
            let _ = writeln!(md, "| Severity | {} |", c.severity.map(|p| p.to_string()).unwrap_or_default());
            let _ = writeln!(
                md,
                "| TLP | TLP:{} |",
                c.tlp.map(|t| t.to_string().to_uppercase()).unwrap_or_default()
            );
            if let Some(t) = c.opened_at {
                let _ = writeln!(md, "| Opened | {} by {} |", format_time(t), cell(&record.created_by));
            }
            if let Some(t) = c.closed_at {
                let _ = writeln!(md, "| Closed | {} |", format_time(t));
            }
            if let Some(s) = &c.summary {
                let _ = writeln!(md, "\n{s}");
            }
            if let Some(l) = &c.lessons {
                let _ = writeln!(md, "\n## Lessons learned\n\n{l}");
            }
            md.push('\n');
        }

        let _ = writeln!(
            md,
            "## Timeline (UTC)\n\n| Time | Key | Host | Phase | Description | By |\n|---|---|---|---|---|---|"
        );
        let mut rows = 0usize;
        let mut more = false;
        let mut after = None;
        while !more {
            let page = self.events(case, &EventFilter::default(), after, 1000)?;
            let Some(last) = page.last() else { break };
            after = Some((last.values.get("occurred_at").and_then(|v| v.as_i64()).unwrap_or(0), last.id));
            for r in &page {
                if withheld(RecordKind::Event, &r.id) {
                    continue;
                }
                if rows >= MAX_TIMELINE_ROWS {
                    more = true;
                    break;
                }
                let e: EventFields = from_fields(&r.values).unwrap_or_default();
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} |",
                    e.occurred_at.map(format_time).unwrap_or_default(),
                    if e.key_event == Some(true) { "★" } else { "" },
                    cell(e.host.as_deref().unwrap_or("")),
                    e.phase.map(|p| p.to_string()).unwrap_or_default(),
                    cell(e.description.as_deref().unwrap_or("")),
                    cell(&r.created_by)
                );
                rows += 1;
            }
        }
        if more {
            let _ = writeln!(
                md,
                "\n_The timeline here stops at {MAX_TIMELINE_ROWS} events; the ledger (`ledger/`) carries all of them._"
            );
        }

        let _ = writeln!(
            md,
            "\n## Observables\n\n| Type | Value | IOC | First seen | Last seen |\n|---|---|---|---|---|"
        );
        for r in self.records(case, RecordKind::Observable)?.iter().filter(|r| !withheld(r.kind, &r.id)) {
            let o: ObservableFields = from_fields(&r.values).unwrap_or_default();
            let _ = writeln!(
                md,
                "| {} | `{}` | {} | {} | {} |",
                o.kind.map(|k| k.to_string()).unwrap_or_default(),
                cell(o.value.as_deref().unwrap_or("")),
                if o.ioc == Some(true) { "yes" } else { "" },
                o.first_seen.map(format_time).unwrap_or_default(),
                o.last_seen.map(format_time).unwrap_or_default()
            );
        }

        let _ = writeln!(md, "\n## Tasks");
        let tasks: Vec<TaskFields> = self
            .records(case, RecordKind::Task)?
            .iter()
            .filter(|r| !withheld(r.kind, &r.id))
            .map(|r| from_fields(&r.values).unwrap_or_default())
            .collect();
        for phase in [Phase::Detect, Phase::Respond, Phase::Remediate, Phase::Closed] {
            let of: Vec<&TaskFields> = tasks.iter().filter(|t| t.phase == Some(phase)).collect();
            if of.is_empty() {
                continue;
            }
            let _ = writeln!(md, "\n### {}\n", phase.to_string().to_uppercase());
            for t in of {
                let mark = if t.status == Some(TaskStatus::Done) { "x" } else { " " };
                let status = t.status.map(|s| s.to_string()).unwrap_or_default();
                let _ = writeln!(md, "- [{mark}] {} ({status})", t.title.as_deref().unwrap_or(""));
            }
        }

        let _ =
            writeln!(md, "\n## Evidence\n\n| Name | SHA-256 | Size (bytes) | Acquired |\n|---|---|---|---|");
        for r in self.records(case, RecordKind::Evidence)?.iter().filter(|r| !withheld(r.kind, &r.id)) {
            let e: EvidenceFields = from_fields(&r.values).unwrap_or_default();
            let _ = writeln!(
                md,
                "| {} | `{}` | {} | {} by {} |",
                cell(e.name.as_deref().unwrap_or("")),
                e.sha256.as_deref().unwrap_or(""),
                e.size.unwrap_or(0),
                e.acquired_at.map(format_time).unwrap_or_default(),
                cell(e.acquired_by.as_deref().unwrap_or(""))
            );
        }
        let _ = writeln!(md, "\n---\n{footer}");
        Ok(md)
    }
}
