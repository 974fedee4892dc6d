//! Case commands: parse, call one `casebook` use case, render.

use std::path::PathBuf;

use anyhow::Result;
use casebook::{
    AssetFields, CaseFields, CaseId, EventFields, EventFilter, NewCase, ObservableFields, RecordId,
    RecordKind, TaskFields, Vault, format_time, from_fields, record_json,
};
use casebook::{AssetKind, Compromise, ObservableType, Pap, Phase, Severity, TaskStatus, Tlp};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::{Ctx, out, out_json};

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Open a new case (optionally with the tasks of a playbook: --template ransomware)
    New {
        /// Title
        title: String,
        /// Summary
        #[arg(long)]
        summary: Option<String>,
        /// low, medium, high, critical
        #[arg(long, default_value = "medium")]
        severity: Severity,
        /// TLP of the case: clear, green, amber, amber+strict, red
        #[arg(long, default_value = "amber")]
        tlp: Tlp,
        /// Tag (repeatable)
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Playbook template (see `casebook playbooks`)
        #[arg(long)]
        template: Option<String>,
    },
    /// List cases
    List {
        /// Only cases in this phase
        #[arg(long)]
        phase: Option<Phase>,
    },
    /// Show a case: header and counts
    Show {
        /// Case id or unique prefix
        case: String,
    },
    /// Change a case's header fields
    Edit {
        /// Case id or unique prefix
        case: String,
        /// New title
        #[arg(long)]
        title: Option<String>,
        /// New summary
        #[arg(long)]
        summary: Option<String>,
        /// New severity
        #[arg(long)]
        severity: Option<Severity>,
        /// New TLP
        #[arg(long)]
        tlp: Option<Tlp>,
        /// New PAP
        #[arg(long)]
        pap: Option<Pap>,
        /// Replace the tags (repeatable)
        #[arg(long = "tag")]
        tags: Option<Vec<String>>,
    },
    /// Move a case to a phase: detect, respond, remediate, closed
    Phase {
        /// Case id or unique prefix
        case: String,
        /// The phase
        phase: Phase,
    },
    /// Close a case
    Close {
        /// Case id or unique prefix
        case: String,
        /// Lessons learned (markdown)
        #[arg(long)]
        lessons: Option<String>,
    },
}

#[derive(Args)]
pub struct EventArgs {
    /// Host
    #[arg(long)]
    host: Option<String>,
    /// Source (tool, log, person)
    #[arg(long)]
    source: Option<String>,
    /// Account
    #[arg(long)]
    account: Option<String>,
    /// Phase
    #[arg(long)]
    phase: Option<Phase>,
    /// ATT&CK technique id (repeatable)
    #[arg(long = "technique")]
    techniques: Vec<String>,
    /// TLP of this event (default: the case's)
    #[arg(long)]
    tlp: Option<Tlp>,
}

#[derive(Subcommand)]
pub enum EventCommand {
    /// Add a timeline event
    Add {
        /// Case id or unique prefix
        case: String,
        /// What happened
        description: String,
        /// When: ISO 8601 with offset (2026-11-21T03:12:00+01:00), or naive with --tz, or "now"
        #[arg(long)]
        at: String,
        /// Time zone for a time without offset (IANA name, e.g. Europe/Vienna, or UTC)
        #[arg(long)]
        tz: Option<String>,
        /// Mark as key event
        #[arg(long)]
        key: bool,
        #[command(flatten)]
        more: EventArgs,
    },
    /// List the timeline in time order (same as `casebook timeline`)
    List(TimelineArgs),
    /// Change an event
    Edit {
        /// Case id or unique prefix
        case: String,
        /// Event id, or unique prefix or suffix
        event: String,
        /// New description
        #[arg(long)]
        description: Option<String>,
        /// New time
        #[arg(long)]
        at: Option<String>,
        /// Time zone for a naive --at
        #[arg(long)]
        tz: Option<String>,
        #[command(flatten)]
        more: EventArgs,
    },
    /// Flag an event as a key event (or unflag with --off)
    Flag {
        /// Case id or unique prefix
        case: String,
        /// Event id, or unique prefix or suffix
        event: String,
        /// Remove the flag
        #[arg(long)]
        off: bool,
    },
}

#[derive(Args)]
pub struct TimelineArgs {
    /// Case id or unique prefix
    case: String,
    /// From this time (inclusive)
    #[arg(long)]
    from: Option<String>,
    /// Until this time (exclusive)
    #[arg(long)]
    to: Option<String>,
    /// Time zone for naive --from/--to
    #[arg(long)]
    tz: Option<String>,
    /// Only this host
    #[arg(long)]
    host: Option<String>,
    /// Only this source
    #[arg(long)]
    source: Option<String>,
    /// Only this phase
    #[arg(long)]
    phase: Option<Phase>,
    /// Key events only
    #[arg(long)]
    key_only: bool,
    /// Only events first written by this author (their name)
    #[arg(long)]
    author: Option<String>,
    /// Only events containing every word of TEXT (description, host, account, attributes)
    #[arg(long)]
    text: Option<String>,
    /// Most rows to show
    #[arg(long, default_value_t = 200)]
    limit: u32,
    /// Continue after this cursor (printed as `next` by the previous page)
    #[arg(long)]
    after: Option<String>,
    /// Write every matching event (not one page) as a Timesketch CSV to FILE
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Print counts per time bucket (N buckets over the case's span) instead of rows
    #[arg(long, value_name = "N")]
    buckets: Option<u32>,
}

pub fn timeline(ctx: &Ctx, a: TimelineArgs) -> Result<()> {
    let mut v = ctx.open()?;
    timeline_with(ctx, &mut v, a)
}

fn timeline_with(ctx: &Ctx, v: &mut Vault, a: TimelineArgs) -> Result<()> {
    let id = case_ref(v, &a.case)?;
    if let Some(n) = a.buckets {
        let b = v.timeline_buckets(&id, n.clamp(1, 10_000))?;
        if ctx.json {
            return out_json(&json!(
                b.iter()
                    .map(|(t, c)| json!({"start": format_time(*t), "start_us": t, "count": c}))
                    .collect::<Vec<_>>()
            ));
        }
        return b.iter().try_for_each(|(t, c)| out(format!("{}  {c}", format_time(*t))));
    }
    let filter = EventFilter {
        from: time(a.from.as_deref(), a.tz.as_deref())?.map(|t| t.us),
        to: time(a.to.as_deref(), a.tz.as_deref())?.map(|t| t.us),
        host: a.host,
        source: a.source,
        phase: a.phase.map(|p| p.as_str().to_string()),
        key_only: a.key_only,
        author: a.author,
    };
    if a.text.is_some() {
        let s = v.index_status(&id)?;
        if !s.complete() && s.total_ops - s.indexed_ops <= 20_000 {
            v.index_text(&id, &mut |_, _| {})?;
        }
    }
    if let Some(path) = &a.csv {
        let f = std::fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
            casebook::Error::Invalid(format!("cannot create {} (it must not exist yet): {e}", path.display()))
        })?;
        let n = v.export_timeline_csv(&id, &filter, a.text.as_deref(), std::io::BufWriter::new(f))?;
        return if ctx.json {
            out_json(&json!({"csv": path, "events": n}))
        } else {
            out(format!("Wrote {n} events to {}", path.display()))
        };
    }
    let cursor =
        a.after.as_deref().map(parse_cursor).transpose()?.map(|(t, id)| casebook::Seek::After(t, id));
    let page = v.timeline(&id, &filter, a.text.as_deref(), cursor, a.limit)?;
    let rows = &page.events;
    let next = (rows.len() as u32 == a.limit)
        .then(|| rows.last().map(|r| format!("{}:{}", r.values["occurred_at"], r.id)))
        .flatten();
    let incomplete = page.index.filter(|s| !s.complete());
    if ctx.json {
        return out_json(&json!({
            "events": list_json(rows), "next": next,
            "text_index": page.index.map(|s| json!({"indexed_ops": s.indexed_ops, "total_ops": s.total_ops, "complete": s.complete()})),
        }));
    }
    for r in rows {
        out(event_line(r))?;
    }
    if let Some(n) = next {
        out(format!("(more: --after {n})"))?;
    }
    if let Some(s) = incomplete {
        out(format!(
            "NOTE: the text index covers {} of {} ops, so some matches may be missing; run `casebook index`",
            s.indexed_ops, s.total_ops
        ))?;
    }
    Ok(())
}

pub fn index(ctx: &Ctx, case: Option<&str>) -> Result<()> {
    let mut v = ctx.open()?;
    let ids = match case {
        Some(c) => vec![case_ref(&v, c)?],
        None => v.cases()?.iter().map(|r| CaseId::from_bytes(*r.id.as_bytes())).collect(),
    };
    for id in ids {
        let mut bar = crate::progress::Progress::new("indexing for text search (ops)", 0, 50_000, ctx.json);
        let s = v.index_text(&id, &mut |done, _| bar.update(done))?;
        bar.finish();
        if !ctx.json {
            out(format!("case {}: text index complete ({} ops)", &id.to_string()[..8], s.total_ops))?;
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum ObservableCommand {
    /// Add an observable (defanged forms accepted; type detected unless given)
    Add {
        /// Case id or unique prefix
        case: String,
        /// The value, e.g. hxxp://evil[.]example/x
        value: String,
        /// ipv4, ipv6, domain, url, email, md5, sha1, sha256, filename, hostname, account, registry-key, process, other
        #[arg(long = "type")]
        kind: Option<ObservableType>,
        /// A confirmed indicator of compromise
        #[arg(long)]
        ioc: bool,
        /// Note
        #[arg(long)]
        note: Option<String>,
        /// When seen (default: now)
        #[arg(long)]
        seen: Option<String>,
        /// Time zone for a naive --seen
        #[arg(long)]
        tz: Option<String>,
    },
    /// List observables
    List {
        /// Case id or unique prefix
        case: String,
    },
}

#[derive(Subcommand)]
pub enum TaskCommand {
    /// Add a task
    Add {
        /// Case id or unique prefix
        case: String,
        /// What to do
        title: String,
        /// Phase
        #[arg(long, default_value = "respond")]
        phase: Phase,
        /// Who does it
        #[arg(long)]
        assignee: Option<String>,
        /// Due time
        #[arg(long)]
        due: Option<String>,
        /// Time zone for a naive --due
        #[arg(long)]
        tz: Option<String>,
    },
    /// List tasks by phase
    List {
        /// Case id or unique prefix
        case: String,
    },
    /// Mark a task as started
    Start(TaskRef),
    /// Mark a task as done
    Done(TaskRef),
    /// Mark a task as blocked
    Block(TaskRef),
}

#[derive(Args)]
pub struct TaskRef {
    /// Case id or unique prefix
    case: String,
    /// Task id, or unique prefix or suffix
    task: String,
}

#[derive(Subcommand)]
pub enum NoteCommand {
    /// Add a note (markdown); "-" reads it from standard input
    Add {
        /// Case id or unique prefix
        case: String,
        /// The note, or "-"
        body: String,
        /// Title
        #[arg(long)]
        title: Option<String>,
    },
    /// List notes
    List {
        /// Case id or unique prefix
        case: String,
    },
}

#[derive(Subcommand)]
pub enum AssetCommand {
    /// Add an asset
    Add {
        /// Case id or unique prefix
        case: String,
        /// Name (host name, account, service)
        name: String,
        /// host, account, service, network
        #[arg(long, default_value = "host")]
        kind: AssetKind,
        /// Owner
        #[arg(long)]
        owner: Option<String>,
        /// low, medium, high, critical
        #[arg(long)]
        criticality: Option<Severity>,
        /// unknown, clean, suspected, compromised, restored
        #[arg(long, default_value = "unknown")]
        compromise: Compromise,
        /// Note
        #[arg(long)]
        note: Option<String>,
    },
    /// List assets
    List {
        /// Case id or unique prefix
        case: String,
    },
}

#[derive(Subcommand)]
pub enum EvidenceCommand {
    /// Add a file as evidence (hashed, stored encrypted in the vault, custody log opened)
    Add {
        /// Case id or unique prefix
        case: String,
        /// The file
        file: PathBuf,
        /// What it is
        #[arg(long)]
        description: Option<String>,
        /// TLP of this evidence (default: the case's)
        #[arg(long)]
        tlp: Option<Tlp>,
    },
    /// List evidence
    List {
        /// Case id or unique prefix
        case: String,
    },
    /// Show an item's chain of custody, or append to it with --action
    Custody {
        /// Case id or unique prefix
        case: String,
        /// Evidence id, or unique prefix or suffix
        evidence: String,
        /// What was done (transferred, analysed, sealed, returned…)
        #[arg(long)]
        action: Option<String>,
        /// Where
        #[arg(long)]
        location: Option<String>,
        /// Note
        #[arg(long)]
        note: Option<String>,
    },
    /// Write an item's content to a new file, re-checking its SHA-256
    Export {
        /// Case id or unique prefix
        case: String,
        /// Evidence id, or unique prefix or suffix
        evidence: String,
        /// Output file (must not exist)
        #[arg(short, long)]
        output: PathBuf,
    },
}

fn time(ctx_text: Option<&str>, tz: Option<&str>) -> Result<Option<casebook::time::GivenTime>> {
    Ok(match ctx_text {
        Some(t) => Some(casebook::time::parse_time(t, tz, casebook::now_us())?),
        None => None,
    })
}

fn short_id(id: &RecordId) -> String {
    let s = id.to_string();
    s[s.len() - 8..].to_string()
}

fn case_ref(v: &Vault, text: &str) -> Result<CaseId> {
    Ok(v.resolve_case(text)?)
}

fn str_of<'a>(v: &'a serde_json::Map<String, Value>, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn list_json(records: &[casebook::Record]) -> Value {
    Value::Array(records.iter().map(record_json).collect())
}

pub fn case(ctx: &Ctx, cmd: CaseCommand) -> Result<()> {
    let mut v = ctx.open()?;
    match cmd {
        CaseCommand::New { title, summary, severity, tlp, tags, template } => {
            let id = v.create_case(&NewCase { title, summary, severity, tlp, tags, template })?;
            show_case(ctx, &v, &id)
        }
        CaseCommand::List { phase } => {
            let cases: Vec<_> = v
                .cases()?
                .into_iter()
                .filter(|c| phase.is_none_or(|p| str_of(&c.values, "phase") == p.as_str()))
                .collect();
            if ctx.json {
                return out_json(&list_json(&cases));
            }
            if cases.is_empty() {
                return out("No cases yet. Open one with `casebook case new TITLE`.");
            }
            for c in &cases {
                out(format!(
                    "{}  {:<9} {:<8} TLP:{:<12} {}",
                    &c.id.to_string()[..8],
                    str_of(&c.values, "phase"),
                    str_of(&c.values, "severity"),
                    str_of(&c.values, "tlp").to_uppercase(),
                    str_of(&c.values, "title")
                ))?;
            }
            Ok(())
        }
        CaseCommand::Show { case } => {
            let id = case_ref(&v, &case)?;
            show_case(ctx, &v, &id)
        }
        CaseCommand::Edit { case, title, summary, severity, tlp, pap, tags } => {
            let id = case_ref(&v, &case)?;
            v.edit_case(&id, &CaseFields { title, summary, severity, tlp, pap, tags, ..Default::default() })?;
            show_case(ctx, &v, &id)
        }
        CaseCommand::Phase { case, phase } => {
            let id = case_ref(&v, &case)?;
            v.set_phase(&id, phase)?;
            show_case(ctx, &v, &id)
        }
        CaseCommand::Close { case, lessons } => {
            let id = case_ref(&v, &case)?;
            v.close_case(&id, lessons.as_deref())?;
            show_case(ctx, &v, &id)
        }
    }
}

fn show_case(ctx: &Ctx, v: &Vault, id: &CaseId) -> Result<()> {
    let o = v.case(id)?;
    if ctx.json {
        let counts: serde_json::Map<String, Value> =
            o.counts.iter().map(|(k, n)| (k.as_str().to_string(), json!(n))).collect();
        let mut j = record_json(&o.record);
        if let Value::Object(m) = &mut j {
            m.insert("counts".into(), Value::Object(counts));
            m.insert("commits".into(), json!(o.commits));
            m.insert("conflicting_fields".into(), json!(o.conflicts));
        }
        return out_json(&j);
    }
    let f: CaseFields = from_fields(&o.record.values)?;
    out(format!("Case {}", o.id))?;
    out(format!("  title     {}", f.title.unwrap_or_default()))?;
    out(format!(
        "  phase     {}   severity {}   TLP:{}",
        f.phase.map(|p| p.to_string()).unwrap_or_default(),
        f.severity.map(|p| p.to_string()).unwrap_or_default(),
        f.tlp.map(|t| t.to_string().to_uppercase()).unwrap_or_default()
    ))?;
    if let Some(s) = f.summary {
        out(format!("  summary   {s}"))?;
    }
    if let Some(t) = f.opened_at {
        out(format!("  opened    {} by {}", format_time(t), o.record.created_by))?;
    }
    if let Some(t) = f.closed_at {
        out(format!("  closed    {}", format_time(t)))?;
    }
    let counts: Vec<String> =
        o.counts.iter().filter(|(k, _)| *k != RecordKind::Case).map(|(k, n)| format!("{n} {k}")).collect();
    out(format!("  holds     {}", if counts.is_empty() { "nothing yet".into() } else { counts.join(", ") }))?;
    out(format!("  history   {} commits", o.commits))?;
    if o.conflicts > 0 {
        out(format!(
            "  CONFLICTS {} fields; see `casebook history {}`",
            o.conflicts,
            &o.id.to_string()[..8]
        ))?;
    }
    Ok(())
}

fn event_fields(more: EventArgs) -> EventFields {
    EventFields {
        host: more.host,
        source: more.source,
        account: more.account,
        phase: more.phase,
        techniques: (!more.techniques.is_empty()).then_some(more.techniques),
        tlp: more.tlp,
        ..Default::default()
    }
}

pub fn event(ctx: &Ctx, cmd: EventCommand) -> Result<()> {
    let mut v = ctx.open()?;
    match cmd {
        EventCommand::Add { case, description, at, tz, key, more } => {
            let id = case_ref(&v, &case)?;
            let t = casebook::time::parse_time(&at, tz.as_deref(), casebook::now_us())?;
            let mut e = event_fields(more);
            e.occurred_at = Some(t.us);
            e.occurred_at_text = Some(t.original);
            e.description = Some(description);
            e.key_event = key.then_some(true);
            let eid = v.add_event(&id, e)?;
            let r = v.record(&id, RecordKind::Event, &eid)?;
            if ctx.json { out_json(&record_json(&r)) } else { out(event_line(&r)) }
        }
        EventCommand::List(a) => timeline_with(ctx, &mut v, a),
        EventCommand::Edit { case, event, description, at, tz, more } => {
            let id = case_ref(&v, &case)?;
            let eid = v.resolve_record(&id, RecordKind::Event, &event)?;
            let mut e = event_fields(more);
            if let Some(t) = time(at.as_deref(), tz.as_deref())? {
                e.occurred_at = Some(t.us);
                e.occurred_at_text = Some(t.original);
            }
            e.description = description;
            v.edit_event(&id, &eid, &e)?;
            let r = v.record(&id, RecordKind::Event, &eid)?;
            if ctx.json { out_json(&record_json(&r)) } else { out(event_line(&r)) }
        }
        EventCommand::Flag { case, event, off } => {
            let id = case_ref(&v, &case)?;
            let eid = v.resolve_record(&id, RecordKind::Event, &event)?;
            v.flag_event(&id, &eid, !off)?;
            let r = v.record(&id, RecordKind::Event, &eid)?;
            if ctx.json { out_json(&record_json(&r)) } else { out(event_line(&r)) }
        }
    }
}

fn parse_cursor(s: &str) -> Result<(i64, RecordId)> {
    let bad = || casebook::Error::Invalid(format!("\"{s}\" is not a cursor printed by `event list`"));
    let (t, id) = s.split_once(':').ok_or_else(bad)?;
    Ok((t.parse().map_err(|_| bad())?, id.parse().map_err(|_| bad())?))
}

fn event_line(r: &casebook::Record) -> String {
    let e: EventFields = from_fields(&r.values).unwrap_or_default();
    format!(
        "{}  {} {:<3} {:<12} {:<9} {}{}",
        short_id(&r.id),
        e.occurred_at.map(format_time).unwrap_or_default(),
        if e.key_event == Some(true) { "KEY" } else { "" },
        e.host.unwrap_or_default(),
        e.phase.map(|p| p.to_string()).unwrap_or_default(),
        e.description.unwrap_or_default().lines().next().unwrap_or(""),
        if r.conflicts > 0 { "  [CONFLICT]" } else { "" }
    )
}

pub fn observable(ctx: &Ctx, cmd: ObservableCommand) -> Result<()> {
    let mut v = ctx.open()?;
    match cmd {
        ObservableCommand::Add { case, value, kind, ioc, note, seen, tz } => {
            let id = case_ref(&v, &case)?;
            let seen = time(seen.as_deref(), tz.as_deref())?.map_or_else(casebook::now_us, |t| t.us);
            let (oid, merged) = v.add_observable(&id, kind, &value, ioc, note.as_deref(), seen)?;
            let r = v.record(&id, RecordKind::Observable, &oid)?;
            if ctx.json {
                let mut j = record_json(&r);
                if let Value::Object(m) = &mut j {
                    m.insert("merged".into(), json!(merged));
                }
                return out_json(&j);
            }
            out(format!("{}{}", observable_line(&r), if merged { "  (already known: merged)" } else { "" }))
        }
        ObservableCommand::List { case } => {
            let id = case_ref(&v, &case)?;
            let rows = v.records(&id, RecordKind::Observable)?;
            if ctx.json {
                return out_json(&list_json(&rows));
            }
            rows.iter().try_for_each(|r| out(observable_line(r)))
        }
    }
}

fn observable_line(r: &casebook::Record) -> String {
    let o: ObservableFields = from_fields(&r.values).unwrap_or_default();
    format!(
        "{}  {:<12} {:<3} {}",
        short_id(&r.id),
        o.kind.map(|k| k.to_string()).unwrap_or_default(),
        if o.ioc == Some(true) { "IOC" } else { "" },
        o.value.unwrap_or_default()
    )
}

pub fn task(ctx: &Ctx, cmd: TaskCommand) -> Result<()> {
    let mut v = ctx.open()?;
    let set = |v: &mut Vault, r: TaskRef, s: TaskStatus| -> Result<()> {
        let id = case_ref(v, &r.case)?;
        let tid = v.resolve_record(&id, RecordKind::Task, &r.task)?;
        v.set_task_status(&id, &tid, s)?;
        let rec = v.record(&id, RecordKind::Task, &tid)?;
        if ctx.json { out_json(&record_json(&rec)) } else { out(task_line(&rec)) }
    };
    match cmd {
        TaskCommand::Add { case, title, phase, assignee, due, tz } => {
            let id = case_ref(&v, &case)?;
            let due = time(due.as_deref(), tz.as_deref())?.map(|t| t.us);
            let tid = v.add_task(&id, &title, phase, assignee.as_deref(), due)?;
            let r = v.record(&id, RecordKind::Task, &tid)?;
            if ctx.json { out_json(&record_json(&r)) } else { out(task_line(&r)) }
        }
        TaskCommand::List { case } => {
            let id = case_ref(&v, &case)?;
            let mut rows = v.records(&id, RecordKind::Task)?;
            rows.sort_by_key(|r| from_fields::<TaskFields>(&r.values).ok().and_then(|t| t.phase));
            if ctx.json {
                return out_json(&list_json(&rows));
            }
            let mut current = None;
            for r in &rows {
                let phase = from_fields::<TaskFields>(&r.values).ok().and_then(|t| t.phase);
                if phase != current {
                    out(format!("{}:", phase.map_or("no phase".into(), |p| p.to_string().to_uppercase())))?;
                    current = phase;
                }
                out(format!("  {}", task_line(r)))?;
            }
            Ok(())
        }
        TaskCommand::Start(r) => set(&mut v, r, TaskStatus::Doing),
        TaskCommand::Done(r) => set(&mut v, r, TaskStatus::Done),
        TaskCommand::Block(r) => set(&mut v, r, TaskStatus::Blocked),
    }
}

fn task_line(r: &casebook::Record) -> String {
    let t: TaskFields = from_fields(&r.values).unwrap_or_default();
    let mark = match t.status {
        Some(TaskStatus::Done) => "[x]",
        Some(TaskStatus::Doing) => "[>]",
        Some(TaskStatus::Blocked) => "[!]",
        _ => "[ ]",
    };
    format!(
        "{}  {mark} {}{}{}",
        short_id(&r.id),
        t.title.unwrap_or_default(),
        t.assignee.map(|a| format!("  @{a}")).unwrap_or_default(),
        if r.conflicts > 0 { "  [CONFLICT]" } else { "" }
    )
}

pub fn note(ctx: &Ctx, cmd: NoteCommand) -> Result<()> {
    let mut v = ctx.open()?;
    match cmd {
        NoteCommand::Add { case, body, title } => {
            let id = case_ref(&v, &case)?;
            let body = if body == "-" { crate::read_input(std::path::Path::new("-"))? } else { body };
            let nid = v.add_note(&id, title.as_deref(), &body)?;
            let r = v.record(&id, RecordKind::Note, &nid)?;
            if ctx.json { out_json(&record_json(&r)) } else { out(format!("{}  note added", short_id(&nid))) }
        }
        NoteCommand::List { case } => {
            let id = case_ref(&v, &case)?;
            let rows = v.records(&id, RecordKind::Note)?;
            if ctx.json {
                return out_json(&list_json(&rows));
            }
            for r in &rows {
                out(format!(
                    "{}  {} by {}  {}\n{}\n",
                    short_id(&r.id),
                    format_time(r.created_at as i64),
                    r.created_by,
                    str_of(&r.values, "title"),
                    str_of(&r.values, "body")
                ))?;
            }
            Ok(())
        }
    }
}

pub fn asset(ctx: &Ctx, cmd: AssetCommand) -> Result<()> {
    let mut v = ctx.open()?;
    match cmd {
        AssetCommand::Add { case, name, kind, owner, criticality, compromise, note } => {
            let id = case_ref(&v, &case)?;
            let f = AssetFields {
                name: Some(name),
                kind: Some(kind),
                owner,
                criticality,
                compromise: Some(compromise),
                note,
                ..Default::default()
            };
            let aid = v.add_asset(&id, f)?;
            let r = v.record(&id, RecordKind::Asset, &aid)?;
            if ctx.json { out_json(&record_json(&r)) } else { out(asset_line(&r)) }
        }
        AssetCommand::List { case } => {
            let id = case_ref(&v, &case)?;
            let rows = v.records(&id, RecordKind::Asset)?;
            if ctx.json {
                return out_json(&list_json(&rows));
            }
            rows.iter().try_for_each(|r| out(asset_line(r)))
        }
    }
}

fn asset_line(r: &casebook::Record) -> String {
    let a: AssetFields = from_fields(&r.values).unwrap_or_default();
    format!(
        "{}  {:<8} {:<12} {:<24} {}",
        short_id(&r.id),
        a.kind.map(|k| k.to_string()).unwrap_or_default(),
        a.compromise.map(|k| k.to_string()).unwrap_or_default(),
        a.name.unwrap_or_default(),
        a.owner.unwrap_or_default()
    )
}

pub fn evidence(ctx: &Ctx, cmd: EvidenceCommand) -> Result<()> {
    let mut v = ctx.open()?;
    match cmd {
        EvidenceCommand::Add { case, file, description, tlp } => {
            let id = case_ref(&v, &case)?;
            let total = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            let mut bar =
                crate::progress::Progress::new("hashing and encrypting (bytes)", total, 8 << 20, ctx.json);
            let (eid, sha) =
                v.add_evidence(&id, &file, description.as_deref(), tlp, &mut |n| bar.update(n), None)?;
            bar.finish();
            let r = v.record(&id, RecordKind::Evidence, &eid)?;
            if ctx.json {
                out_json(&record_json(&r))
            } else {
                out(format!("{}  sha256 {sha}", short_id(&eid)))
            }
        }
        EvidenceCommand::List { case } => {
            let id = case_ref(&v, &case)?;
            let rows = v.records(&id, RecordKind::Evidence)?;
            if ctx.json {
                return out_json(&list_json(&rows));
            }
            for r in &rows {
                out(format!(
                    "{}  {:>12} B  sha256 {}  {}",
                    short_id(&r.id),
                    r.values.get("size").and_then(Value::as_u64).unwrap_or(0),
                    str_of(&r.values, "sha256"),
                    str_of(&r.values, "name")
                ))?;
            }
            Ok(())
        }
        EvidenceCommand::Custody { case, evidence, action, location, note } => {
            let id = case_ref(&v, &case)?;
            let eid = v.resolve_record(&id, RecordKind::Evidence, &evidence)?;
            if let Some(a) = action {
                v.add_custody(&id, &eid, &a, location.as_deref(), note.as_deref())?;
            }
            let rows = v.custody(&id, &eid)?;
            if ctx.json {
                return out_json(&list_json(&rows));
            }
            for r in &rows {
                out(format!(
                    "{}  {:<12} by {:<20} at {:<16} {}",
                    r.values.get("at").and_then(Value::as_i64).map(format_time).unwrap_or_default(),
                    str_of(&r.values, "action"),
                    str_of(&r.values, "by"),
                    str_of(&r.values, "location"),
                    str_of(&r.values, "note")
                ))?;
            }
            Ok(())
        }
        EvidenceCommand::Export { case, evidence, output } => {
            let id = case_ref(&v, &case)?;
            let eid = v.resolve_record(&id, RecordKind::Evidence, &evidence)?;
            let sha = v.export_evidence(&id, &eid, &output)?;
            if ctx.json {
                out_json(&json!({"output": output, "sha256": sha}))
            } else {
                out(format!("Wrote {} (sha256 {sha}, verified)", output.display()))
            }
        }
    }
}

pub fn history(ctx: &Ctx, case: &str) -> Result<()> {
    let v = ctx.open()?;
    let id = case_ref(&v, case)?;
    let commits = v.history(&id)?;
    let conflicts = v.conflicts(&id)?;
    if ctx.json {
        let cs: Vec<Value> = commits
            .iter()
            .map(|c| {
                json!({"id": c.id.to_hex(), "author": c.header.author_name, "author_key": c.header.author,
                       "hlc": c.header.hlc, "time": format_time(c.header.hlc as i64), "message": c.header.message,
                       "ops": c.header.op_count, "parents": c.header.parents.iter().map(|p| p.to_hex()).collect::<Vec<_>>()})
            })
            .collect();
        let side = |s: &casebook::ConflictSide| json!({"value": s.value, "commit": s.commit.to_hex(), "author": s.author, "time": format_time(s.hlc as i64)});
        let fs: Vec<Value> = conflicts
            .iter()
            .map(|c| {
                json!({"kind": c.kind.as_str(), "record": c.id.to_string(), "field": c.field,
                       "winner": side(&c.winner), "others": c.others.iter().map(side).collect::<Vec<_>>()})
            })
            .collect();
        return out_json(&json!({"commits": cs, "conflicts": fs}));
    }
    for c in &commits {
        out(format!(
            "{}  {}  {:<20} {:>7} ops  {}",
            c.id.short(),
            format_time(c.header.hlc as i64),
            c.header.author_name,
            c.header.op_count,
            c.header.message
        ))?;
    }
    if !conflicts.is_empty() {
        out(format!(
            "\nCONFLICTS ({}): concurrent edits with different values; the first is shown",
            conflicts.len()
        ))?;
        for c in &conflicts {
            out(format!("  {} {} field \"{}\":", c.kind, short_id(&c.id), c.field))?;
            out(format!(
                "    shown: {}  ({}, {})",
                c.winner.value,
                c.winner.author,
                c.winner.commit.short()
            ))?;
            for o in &c.others {
                out(format!("    kept:  {}  ({}, {})", o.value, o.author, o.commit.short()))?;
            }
        }
        out("  Resolve by setting the field again (e.g. `casebook task done …`).")?;
    }
    Ok(())
}

pub fn rebuild(ctx: &Ctx, case: Option<&str>) -> Result<()> {
    let mut v = ctx.open()?;
    let ids = match case {
        Some(c) => vec![case_ref(&v, c)?],
        None => v.cases()?.iter().map(|r| CaseId::from_bytes(*r.id.as_bytes())).collect(),
    };
    let mut total = 0;
    for id in &ids {
        total += v.rebuild(id)?;
    }
    if ctx.json {
        out_json(&json!({"cases": ids.len(), "ops": total}))
    } else {
        out(format!("Rebuilt {} case(s) from {total} ops", ids.len()))
    }
}

pub fn verify(ctx: &Ctx, case: Option<&str>) -> Result<()> {
    let v = ctx.open()?;
    let id = case.map(|c| case_ref(&v, c)).transpose()?;
    let checks = v.verify(id.as_ref())?;
    let mut first_problem = None;
    let mut rows = vec![];
    for c in &checks {
        if let Some(f) = &c.report.failure {
            let msg = format!(
                "case {}: commit {} (#{}) fails: {}",
                c.case,
                &f.commit[..12.min(f.commit.len())],
                f.seq,
                f.problem
            );
            first_problem.get_or_insert(msg);
        }
        for (eid, p) in &c.blob_problems {
            first_problem.get_or_insert(format!("case {}: evidence {}: {p}", c.case, short_id(eid)));
        }
        rows.push(json!({
            "case": c.case.to_string(), "commits": c.report.commits, "ops": c.report.ops, "ok": c.ok(),
            "failure": c.report.failure.as_ref().map(|f| json!({"commit": f.commit, "seq": f.seq, "problem": f.problem})),
            "evidence_problems": c.blob_problems.iter().map(|(id, p)| json!({"evidence": id.to_string(), "problem": p})).collect::<Vec<_>>(),
        }));
    }
    if ctx.json {
        out_json(&json!({"cases": rows, "ok": first_problem.is_none()}))?;
    } else {
        for c in &checks {
            out(format!(
                "case {}  {} commits, {} ops  {}",
                &c.case.to_string()[..8],
                c.report.commits,
                c.report.ops,
                if c.ok() { "OK" } else { "FAILED" }
            ))?;
        }
    }
    match first_problem {
        Some(p) => Err(casebook::Error::VerifyFailed(p).into()),
        None => Ok(()),
    }
}

pub fn classify(ctx: &Ctx, case: &str, record: &str, tlp: Tlp) -> Result<()> {
    let mut v = ctx.open()?;
    let id = case_ref(&v, case)?;
    let (kind, rid) = v.set_record_tlp(&id, record, tlp)?;
    if ctx.json {
        return out_json(&record_json(&v.record(&id, kind, &rid)?));
    }
    out(format!("{kind} {rid} is now TLP:{}", tlp.as_str().to_uppercase()))
}

pub fn playbooks(ctx: &Ctx) -> Result<()> {
    let all = casebook::playbook::playbooks(&ctx.vault)?;
    if ctx.json {
        let j: Vec<Value> = all
            .iter()
            .map(|p| json!({"name": p.name, "title": p.title, "description": p.description, "tasks": p.tasks.len()}))
            .collect();
        return out_json(&Value::Array(j));
    }
    for p in &all {
        out(format!("{:<16} {:>2} tasks  {}", p.name, p.tasks.len(), p.description))?;
    }
    Ok(())
}
