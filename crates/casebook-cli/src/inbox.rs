//! Inbox commands: watch folders for bundles, and decide on what arrived.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use casebook::{InboxEvent, InboxItem, WatchOptions, Watcher};
use clap::Subcommand;
use serde_json::{Value, json};

use crate::{Ctx, out, out_json};

#[derive(Subcommand)]
pub enum InboxCommand {
    /// Watch the inbox folders (and DIRs, for this run) and take in bundles as they arrive
    Watch {
        /// Extra folders to watch this time
        dirs: Vec<PathBuf>,
        /// Process what is there now and exit
        #[arg(long)]
        once: bool,
        /// Seconds a file must stay unchanged before it is taken
        #[arg(long, default_value_t = 2.0)]
        settle: f64,
    },
    /// Always watch DIR (a USB mount point, the mail client's attachment folder)
    AddDir {
        /// The folder (it may be absent now)
        dir: PathBuf,
    },
    /// Stop watching DIR
    RemoveDir {
        /// The folder
        dir: PathBuf,
    },
    /// The folders watched
    Dirs,
    /// What arrived, newest first
    List,
    /// One item and its preview
    Show {
        /// Item id
        id: i64,
    },
    /// Apply a pending (or held) item
    Accept {
        /// Item id
        id: i64,
        /// Accept from a sender who is not a verified partner
        #[arg(long)]
        trust_new_sender: bool,
    },
    /// Decline a pending or held item (the original file is left alone)
    Reject {
        /// Item id
        id: i64,
    },
}

fn item_json(i: &InboxItem) -> Value {
    json!({
        "id": i.id, "state": i.state.as_str(), "reason": i.reason, "paths": i.paths, "size": i.size,
        "sha256": i.sha256, "preview": i.preview, "first_seen": i.first_seen, "updated_at": i.updated_at,
    })
}

fn item_line(i: &InboxItem) -> String {
    let what = match &i.preview {
        Some(p) => format!(
            "{} from {} ({}) — {} new commits",
            p["case"]["title"].as_str().unwrap_or("(title withheld)"),
            p["sender"]["name"].as_str().unwrap_or("?"),
            p["sender"]["trust"].as_str().unwrap_or("?"),
            p["new_commits"]
        ),
        None => i.reason.clone(),
    };
    format!("{:>4}  {:<11} {}  {}", i.id, i.state.as_str(), i.paths.join(", "), what)
}

fn event_json(e: &InboxEvent) -> Value {
    match e {
        InboxEvent::Watching(d) => json!({"event": "watching", "dirs": d}),
        InboxEvent::Recorded(i) => json!({"event": "recorded", "item": item_json(i)}),
        InboxEvent::SeenAgain { id, path } => json!({"event": "seen_again", "id": id, "path": path}),
        InboxEvent::Ignored { path, why } => json!({"event": "ignored", "path": path, "why": why}),
        InboxEvent::FolderGone(p) => json!({"event": "folder_gone", "path": p}),
        InboxEvent::FolderBack(p) => json!({"event": "folder_back", "path": p}),
        InboxEvent::Retrying { path, error } => json!({"event": "retrying", "path": path, "error": error}),
        InboxEvent::Problem(m) => json!({"event": "problem", "message": m}),
    }
}

fn event_text(e: &InboxEvent) -> String {
    match e {
        InboxEvent::Watching(d) => {
            format!("watching {}", d.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))
        }
        InboxEvent::Recorded(i) => format!("new   {}", item_line(i)),
        InboxEvent::SeenAgain { id, path } => format!("again item {id}: {}", path.display()),
        InboxEvent::Ignored { path, why } => format!("skip  {}: {why}", path.display()),
        InboxEvent::FolderGone(p) => format!("GONE  {} (watching for it to come back)", p.display()),
        InboxEvent::FolderBack(p) => format!("back  {}", p.display()),
        InboxEvent::Retrying { path, error } => format!("retry {}: {error}", path.display()),
        InboxEvent::Problem(m) => format!("PROBLEM {m}"),
    }
}

pub fn inbox(ctx: &Ctx, cmd: InboxCommand) -> Result<()> {
    let mut v = ctx.open()?;
    match cmd {
        InboxCommand::Watch { dirs, once, settle } => {
            let opts = WatchOptions {
                settle: Duration::from_secs_f64(settle.max(0.0)),
                once,
                ..WatchOptions::default()
            };
            let mut w = Watcher::new(v, &dirs, opts)?;
            let json = ctx.json;
            w.run(&mut |e| {
                let line = if json { event_json(&e).to_string() } else { event_text(&e) };
                let mut o = std::io::stdout().lock();
                let _ = writeln!(o, "{line}");
                let _ = o.flush();
            })?;
            Ok(())
        }
        InboxCommand::AddDir { dir } => {
            let abs = v.inbox_add_dir(&dir)?;
            out(format!("Watching {} from now on", abs.display()))
        }
        InboxCommand::RemoveDir { dir } => {
            v.inbox_remove_dir(&dir)?;
            out(format!("No longer watching {}", dir.display()))
        }
        InboxCommand::Dirs => {
            let d = v.inbox_dirs()?;
            if ctx.json {
                return out_json(&json!(d));
            }
            d.iter().try_for_each(|p| {
                out(format!("{}{}", p.display(), if p.is_dir() { "" } else { "  (absent)" }))
            })
        }
        InboxCommand::List => {
            let items = v.inbox_items()?;
            if ctx.json {
                return out_json(&Value::Array(items.iter().map(item_json).collect()));
            }
            if items.is_empty() {
                return out("The inbox is empty.");
            }
            items.iter().try_for_each(|i| out(item_line(i)))
        }
        InboxCommand::Show { id } => {
            let i = v.inbox_item(id)?;
            if ctx.json {
                return out_json(&item_json(&i));
            }
            out(item_line(&i))?;
            if let Some(p) = &i.preview {
                out(serde_json::to_string_pretty(p)?)?;
            }
            Ok(())
        }
        InboxCommand::Accept { id, trust_new_sender } => {
            let p = v.inbox_accept(id, trust_new_sender)?;
            if ctx.json { out_json(&p.to_json()) } else { crate::share::print_preview(&p) }
        }
        InboxCommand::Reject { id } => {
            let i = v.inbox_reject(id)?;
            if ctx.json { out_json(&item_json(&i)) } else { out(format!("Rejected: {}", item_line(&i))) }
        }
    }
}
