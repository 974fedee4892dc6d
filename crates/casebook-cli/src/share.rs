//! Bundle commands: export, import, quarantine.

use std::path::PathBuf;

use anyhow::Result;
use casebook::{ExportOptions, ImportOptions, ImportOutcome, ImportPreview, Limits, Tlp};
use clap::Args;
use serde_json::{Value, json};

use crate::progress::Progress;
use crate::{Ctx, out, out_json};

/// Exit code for a held bundle (verified, but the sender is not a verified partner).
pub const EXIT_HELD: u8 = 14;

#[derive(Args)]
pub struct ExportArgs {
    /// Case id or unique prefix
    case: String,
    /// Partner to send to (repeatable)
    #[arg(long = "to", required = true)]
    to: Vec<String>,
    /// TLP ceiling: records above it are withheld (their hashes travel, not their content)
    #[arg(long, default_value = "amber")]
    tlp: Tlp,
    /// Send only the commits these partners cannot already have
    #[arg(long)]
    since_last: bool,
    /// ASCII-armored output, to paste into an e-mail body
    #[arg(long)]
    armor: bool,
    /// Split into numbered parts of at most SIZE (e.g. 10M) for e-mail attachments; `cat` rejoins them
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    split: Option<u64>,
    /// Evidence files larger than SIZE are listed, not carried
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "64M")]
    max_blob_size: u64,
    /// Allow partners whose fingerprint was not verified
    #[arg(long)]
    allow_unverified: bool,
    /// Output file (.casebundle); with --split, the parts are FILE.001, FILE.002, …
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct ImportArgs {
    #[command(subcommand)]
    what: Option<ImportWhat>,
    /// The bundle file, or all its parts in order
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Apply it (otherwise: verify and preview only; nothing changes)
    #[arg(long)]
    accept: bool,
    /// Accept from a sender who is not a verified partner
    #[arg(long)]
    trust_new_sender: bool,
    /// Refuse bundles larger than SIZE once decompressed
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "16G")]
    max_size: u64,
}

#[derive(clap::Subcommand)]
pub enum ImportWhat {
    /// Import a forensic tool's timeline into a case, as one commit
    Timeline {
        /// Case id or unique prefix
        case: String,
        /// The timeline file
        file: PathBuf,
        /// auto, timesketch-csv, timesketch-jsonl, l2tcsv, dynamic, json-line
        #[arg(long, default_value = "auto")]
        format: String,
        /// The events' source (default: the format's name)
        #[arg(long)]
        source: Option<String>,
        /// Time zone of times written without an offset (IANA name, or UTC)
        #[arg(long)]
        tz: Option<String>,
        /// Import the good rows and report the bad ones (default: stop at the first, import nothing)
        #[arg(long)]
        skip_bad: bool,
    },
}

/// Reads sizes like `10M`, `512K`, `2G` or plain bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = match t.chars().last() {
        Some('K' | 'k') => (&t[..t.len() - 1], 1u64 << 10),
        Some('M' | 'm') => (&t[..t.len() - 1], 1 << 20),
        Some('G' | 'g') => (&t[..t.len() - 1], 1 << 30),
        _ => (t, 1),
    };
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("\"{s}\" is not a size like 10M, 512K or 2G"))
}

pub fn export(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    let mut v = ctx.open()?;
    let case = v.resolve_case(&a.case)?;
    let opts = ExportOptions {
        to: a.to,
        tlp: a.tlp,
        since_last: a.since_last,
        armor: a.armor,
        split: a.split,
        max_blob_size: a.max_blob_size,
        allow_unverified: a.allow_unverified,
        cancel: None,
    };
    let mut bar = Progress::new("exporting (ops)", 0, 50_000, ctx.json);
    let r = v.export_bundle(&case, &a.output, &opts, &mut |n| bar.update(n))?;
    bar.finish();
    let m = &r.manifest;
    if ctx.json {
        return out_json(&json!({
            "bundle_id": r.bundle_id, "files": r.files, "sha256": r.sha256, "bytes": r.bytes,
            "commits": m.commits, "ops": m.ops, "withheld": m.withheld, "blobs": m.blobs,
            "blobs_skipped": m.blobs_skipped.len(), "tlp_ceiling": m.tlp_ceiling, "base": m.base,
        }));
    }
    out(format!("Bundle {} written: {} ({} bytes)", r.bundle_id, files_text(&r.files), r.bytes))?;
    out(format!("  sha256   {}", r.sha256))?;
    out(format!(
        "  carries  {} commits, {} ops, {} evidence files{}",
        m.commits,
        m.ops,
        m.blobs,
        if m.base.is_empty() { String::new() } else { format!(" (delta on {} base commits)", m.base.len()) }
    ))?;
    out(format!(
        "  TLP      ceiling TLP:{}, {} ops withheld {}",
        m.tlp_ceiling.to_uppercase(),
        m.withheld_total(),
        counts(&m.withheld)
    ))?;
    for s in &m.blobs_skipped {
        out(format!("  not sent evidence {} ({} bytes): {}", s.sha256, s.size, s.reason))?;
    }
    Ok(())
}

fn import_timeline(
    ctx: &Ctx,
    case: &str,
    file: &std::path::Path,
    format: &str,
    source: Option<String>,
    tz: Option<String>,
    skip_bad: bool,
) -> Result<()> {
    let format = match format {
        "auto" => None,
        f => Some(casebook::TimelineFormat::from_name(f).ok_or_else(|| {
            casebook::Error::Invalid(format!(
                "unknown format \"{f}\"; use auto, timesketch-csv, timesketch-jsonl, l2tcsv, dynamic or json-line"
            ))
        })?),
    };
    let mut v = ctx.open()?;
    let id = v.resolve_case(case)?;
    let opts = casebook::TimelineOptions { format, source, tz, skip_bad, ..Default::default() };
    let mut bar = Progress::new("importing (events)", 0, 50_000, ctx.json);
    let r = v.import_timeline(&id, file, &opts, &mut |n| bar.update(n))?;
    bar.finish();
    if ctx.json {
        v.index_text(&id, &mut |_, _| {})?;
        return out_json(&json!({
            "format": r.format.name(), "imported": r.imported, "skipped": r.skipped,
            "problems": r.first_problems, "commit": r.commit.to_hex(),
        }));
    }
    out(format!("Imported {} events ({}) in commit {}", r.imported, r.format.name(), r.commit.short()))?;
    // Text search catches up behind the import; stopping here (Ctrl-C) is safe and resumable.
    let mut bar = Progress::new("indexing for text search (ops)", 0, 50_000, ctx.json);
    v.index_text(&id, &mut |done, _| bar.update(done))?;
    bar.finish();
    if r.skipped > 0 {
        out(format!("Skipped {} bad rows; the first:", r.skipped))?;
        r.first_problems.iter().try_for_each(|p| out(format!("  {p}")))?;
    }
    Ok(())
}

fn files_text(files: &[PathBuf]) -> String {
    files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
}

fn counts(m: &std::collections::BTreeMap<String, u64>) -> String {
    if m.is_empty() {
        return String::new();
    }
    format!("({})", m.iter().map(|(k, n)| format!("{n} {k}")).collect::<Vec<_>>().join(", "))
}

pub fn import(ctx: &Ctx, a: ImportArgs) -> Result<u8> {
    if let Some(ImportWhat::Timeline { case, file, format, source, tz, skip_bad }) = a.what {
        import_timeline(ctx, &case, &file, &format, source, tz, skip_bad)?;
        return Ok(0);
    }
    let mut v = ctx.open()?;
    let opts = ImportOptions {
        accept: a.accept,
        trust_new_sender: a.trust_new_sender,
        limits: Limits { max_total_bytes: a.max_size, ..Limits::default() },
    };
    let mut bar = Progress::new("verifying (ops)", 0, 50_000, ctx.json);
    let p = v.import_bundle(&a.files, &opts, &mut |n| bar.update(n))?;
    bar.finish();
    if ctx.json {
        out_json(&p.to_json())?;
    } else {
        print_preview(&p)?;
    }
    Ok(if p.outcome == ImportOutcome::Held { EXIT_HELD } else { 0 })
}

pub fn print_preview(p: &ImportPreview) -> Result<()> {
    let m = &p.manifest;
    out(format!("Bundle {} ({})", m.bundle_id, p.sha256))?;
    out(format!(
        "  sender     {} ({}), fingerprint {}: {}",
        m.sender.name,
        m.sender.org,
        m.sender.fingerprint,
        p.trust.as_str()
    ))?;
    out(format!("  case       {} {}", m.case_id, m.case_title.as_deref().unwrap_or("(title withheld)")))?;
    let to: Vec<String> = m.recipients.iter().map(|r| format!("{} ({})", r.name, r.org)).collect();
    out(format!("  addressed  {}", to.join(", ")))?;
    if !p.addressed_to_me {
        out("  WARNING    this bundle was not addressed to you: someone forwarded it")?;
    }
    out(format!("  commits    {} carried, {} new", p.commits, p.new_commits))?;
    out(format!(
        "  new        {}",
        if p.new_records.is_empty() { "nothing".into() } else { counts(&p.new_records) }
    ))?;
    out(format!(
        "  TLP        ceiling TLP:{}, {} ops withheld by the sender {}",
        m.tlp_ceiling.to_uppercase(),
        m.withheld_total(),
        counts(&m.withheld)
    ))?;
    if m.blobs > 0 || !m.blobs_skipped.is_empty() {
        out(format!("  evidence   {} files carried, {} not sent", m.blobs, m.blobs_skipped.len()))?;
    }
    if !p.conflicts.is_empty() {
        out(format!("  conflicts  {} fields would be in conflict:", p.conflicts.len()))?;
        for c in &p.conflicts {
            let others: Vec<String> = c.others.iter().map(|o| o.value.to_string()).collect();
            out(format!(
                "             {} {} \"{}\": {} vs {}",
                c.kind,
                c.id,
                c.field,
                c.winner.value,
                others.join(", ")
            ))?;
        }
    }
    out(match p.outcome {
        ImportOutcome::Accepted => "ACCEPTED: applied to your vault.".to_string(),
        ImportOutcome::Previewed => {
            "Verified. Nothing changed yet: run again with --accept to apply it.".to_string()
        }
        ImportOutcome::AlreadyHad => format!("Already have all {} commits: nothing to do.", p.commits),
        ImportOutcome::Held => {
            "HELD: the sender is not a verified partner. Nothing changed. Verify their fingerprint \
            (`casebook partner add` / `partner verify`), or pass --trust-new-sender."
                .to_string()
        }
    })
}

pub fn quarantine(ctx: &Ctx) -> Result<()> {
    let v = ctx.open()?;
    let q = v.quarantine()?;
    if ctx.json {
        return out_json(&Value::Array(
            q.iter()
                .map(|e| json!({"id": e.id, "at": e.at, "file": e.name, "sha256": e.sha256, "origin": e.origin, "reason": e.reason}))
                .collect(),
        ));
    }
    if q.is_empty() {
        return out("The quarantine is empty.");
    }
    for e in &q {
        out(format!(
            "{:>4}  {}  {}\n      from {}\n      {}",
            e.id,
            casebook::format_time(e.at),
            e.name,
            e.origin,
            e.reason
        ))?;
    }
    Ok(())
}
