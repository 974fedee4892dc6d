//! `casebook`: the command-line shell over the `casebook` crate. Parses, calls one use case, renders.
#![forbid(unsafe_code)]

mod cases;
mod inbox;
mod progress;
mod secret;
mod share;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use casebook::{Card, ErrorCode, PartnerOptions, Vault};
use clap::{Args, Parser, Subcommand};
use serde_json::json;

const EXIT_CODES: &str = "\
Exit codes:
  0   success
  1   other error
  2   usage error (bad arguments)
  3   wrong passphrase, or the file is not a Casebook vault
  4   no vault at that path
  5   the vault file is truncated or damaged
  6   the vault was written by a newer Casebook
  7   weak passphrase refused
  8   invalid input (malformed card, key or value)
  9   already exists (duplicate partner, existing vault)
  10  not found (partner, case)
  11  access denied (read-only location, permissions)
  12  verification failed (tampered history, missing or altered evidence)
  13  bundle refused (kept in quarantine with the reason)
  14  bundle held: verified, but the sender is not a verified partner";

fn exit_code(code: ErrorCode) -> u8 {
    match code {
        ErrorCode::WrongPassphrase => 3,
        ErrorCode::VaultNotFound => 4,
        ErrorCode::VaultDamaged => 5,
        ErrorCode::VaultTooNew => 6,
        ErrorCode::WeakPassphrase => 7,
        ErrorCode::InvalidInput => 8,
        ErrorCode::AlreadyExists => 9,
        ErrorCode::NotFound => 10,
        ErrorCode::AccessDenied => 11,
        ErrorCode::VerifyFailed => 12,
        ErrorCode::BundleRejected => 13,
        _ => 1,
    }
}

/// Casebook: incident-response cases in an encrypted vault, shared as signed bundles.
#[derive(Parser)]
#[command(name = "casebook", version, after_help = EXIT_CODES)]
struct Cli {
    /// Vault folder [default: the platform data folder, e.g. ~/.local/share/casebook/vault]
    #[arg(long, global = true, env = "CASEBOOK_VAULT", value_name = "DIR")]
    vault: Option<PathBuf>,
    /// Read the passphrase from the first line of FILE (otherwise CASEBOOK_PASSPHRASE, or a prompt)
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    /// Machine-readable JSON output
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a vault and your identity (age and minisign keys, kept only inside the vault)
    Init {
        /// Your name, as partners will see it
        #[arg(long)]
        name: String,
        /// Your organisation
        #[arg(long)]
        org: String,
    },
    /// Print your contact card, to give to partners
    Card {
        /// Also write your minisign public key, as stock `minisign -V -p FILE` reads it
        #[arg(long, value_name = "FILE")]
        minisign_pub: Option<PathBuf>,
    },
    /// Your identity's keys
    #[command(subcommand)]
    Identity(IdentityCommand),
    /// Partners you exchange bundles with
    #[command(subcommand)]
    Partner(PartnerCommand),
    /// Change the vault passphrase (new one from --new-passphrase-file, CASEBOOK_NEW_PASSPHRASE or a prompt)
    Passwd {
        /// Read the new passphrase from the first line of FILE
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Show the vault's audit log and check its hash chain
    Audit,
    /// Cases: new, list, show, edit, phase, close
    #[command(subcommand)]
    Case(cases::CaseCommand),
    /// Timeline events: add, list, edit, flag
    #[command(subcommand)]
    Event(cases::EventCommand),
    /// Observables and IOCs: add, list
    #[command(subcommand)]
    Observable(cases::ObservableCommand),
    /// Tasks: add, list, start, done, block
    #[command(subcommand)]
    Task(cases::TaskCommand),
    /// Notes: add, list
    #[command(subcommand)]
    Note(cases::NoteCommand),
    /// Assets: add, list
    #[command(subcommand)]
    Asset(cases::AssetCommand),
    /// Evidence: add, list, custody, export
    #[command(subcommand)]
    Evidence(cases::EvidenceCommand),
    /// The timeline: filters, text search, pages, CSV export, counts per time bucket
    Timeline(cases::TimelineArgs),
    /// Bring the text-search index up to date (imports leave it to catch up)
    Index {
        /// Case id or unique prefix [default: every case]
        case: Option<String>,
    },
    /// A case's signed history: commits, authors, and conflicts with both values
    History {
        /// Case id or unique prefix
        case: String,
    },
    /// Recompute a case's state (or every case's) from its commits alone
    Rebuild {
        /// Case id or unique prefix [default: every case]
        case: Option<String>,
    },
    /// Check every commit's id, signature, parents and ops_root, and every evidence blob
    Verify {
        /// Case id or unique prefix [default: every case]
        case: Option<String>,
    },
    /// List the playbook templates for `case new --template`
    Playbooks,
    /// Set the TLP of any record (event, observable, note, task, asset, evidence) of a case
    Classify {
        /// Case id or unique prefix
        case: String,
        /// Record id, or unique prefix or suffix
        record: String,
        /// clear, green, amber, amber+strict, red
        #[arg(long)]
        tlp: casebook::Tlp,
    },
    /// Write a case as a signed, encrypted bundle for partners
    Export(share::ExportArgs),
    /// Verify a bundle and preview it; --accept applies it
    Import(share::ImportArgs),
    /// Bundles refused, with their reasons
    Quarantine,
    /// Watched folders for incoming bundles, and what arrived
    #[command(subcommand)]
    Inbox(inbox::InboxCommand),
}

#[derive(Subcommand)]
enum IdentityCommand {
    /// Write your age identity to FILE for stock `age -d -i FILE` (the escape hatch; keep FILE safe)
    ExportAge {
        /// Where to write the secret key (must not exist)
        file: PathBuf,
    },
    /// Sign FILE with your minisign key; stock `minisign -V -p YOUR.pub -m FILE` checks it
    Sign {
        /// The file to sign
        file: PathBuf,
        /// Where to write the signature [default: FILE.minisig]
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum PartnerCommand {
    /// Add a partner from a contact card file, or from stock keys (--name --org --age --minisign-pub)
    Add(PartnerAdd),
    /// List partners
    List,
    /// Mark a partner's fingerprint as checked out of band (e.g. read aloud on the phone)
    Verify {
        /// Partner name
        name: String,
        /// The fingerprint the partner read to you; must match
        #[arg(long)]
        fingerprint: Option<String>,
    },
    /// Remove a partner
    Remove {
        /// Partner name
        name: String,
    },
}

#[derive(Args)]
struct PartnerAdd {
    /// Contact card file ("-" for standard input)
    #[arg(conflicts_with_all = ["name", "org", "age", "minisign_pub"], required_unless_present = "age")]
    card: Option<PathBuf>,
    /// Name (for a partner without Casebook)
    #[arg(long, requires_all = ["org", "age", "minisign_pub"])]
    name: Option<String>,
    /// Organisation
    #[arg(long)]
    org: Option<String>,
    /// age recipient (age1…)
    #[arg(long)]
    age: Option<String>,
    /// minisign public key file, as written by `minisign -G`
    #[arg(long, value_name = "FILE")]
    minisign_pub: Option<PathBuf>,
    /// Highest TLP this partner may receive
    #[arg(long, default_value = "amber")]
    max_tlp: String,
    /// The fingerprint was already checked out of band
    #[arg(long)]
    verified: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            let code = e.downcast_ref::<casebook::Error>().map_or(1, |ce| exit_code(ce.code()));
            let _ = writeln!(std::io::stderr(), "casebook: {e:#}");
            if code == 3 {
                let _ = writeln!(
                    std::io::stderr(),
                    "hint: passphrases are case-sensitive; check --vault / CASEBOOK_VAULT points at your vault"
                );
            }
            ExitCode::from(code)
        }
    }
}

fn default_vault() -> Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("org", "Casebook", "casebook")
        .context("cannot find a home folder for the default vault; pass --vault DIR")?;
    Ok(dirs.data_dir().join("vault"))
}

pub(crate) struct Ctx {
    pub(crate) vault: PathBuf,
    passphrase_file: Option<PathBuf>,
    pub(crate) json: bool,
}

impl Ctx {
    fn passphrase(&self, confirm: bool) -> Result<zeroize::Zeroizing<String>> {
        secret::obtain(self.passphrase_file.as_deref(), "CASEBOOK_PASSPHRASE", "Vault passphrase: ", confirm)
    }

    pub(crate) fn open(&self) -> Result<Vault> {
        let pass = self.passphrase(false)?;
        Ok(Vault::open(&self.vault, &pass)?)
    }
}

pub(crate) fn out(text: impl AsRef<str>) -> Result<()> {
    let mut o = std::io::stdout().lock();
    writeln!(o, "{}", text.as_ref())?;
    Ok(())
}

pub(crate) fn out_json(v: &serde_json::Value) -> Result<()> {
    out(serde_json::to_string_pretty(v)?)
}

pub(crate) fn read_input(path: &Path) -> Result<String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).context("cannot read standard input")?;
        return Ok(s);
    }
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.len() > casebook::card::MAX_CARD_BYTES as u64 {
        return Err(casebook::Error::from(casebook::CardError::TooLarge(meta.len() as usize)).into());
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read {} as text", path.display()))
}

/// Writes `contents` to a new file (never overwriting), readable by the owner only.
fn write_new_private(path: &Path, contents: &[u8]) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(path)
        .with_context(|| format!("cannot create {} (it must not exist yet)", path.display()))?;
    f.write_all(contents)?;
    f.sync_all()?;
    Ok(())
}

fn card_json(c: &Card) -> serde_json::Value {
    json!({
        "name": c.name, "org": c.org, "age": c.age_recipient,
        "minisign": c.minisign_public, "fingerprint": c.fingerprint(),
    })
}

fn partner_json(p: &casebook::Partner) -> serde_json::Value {
    json!({
        "name": p.name, "org": p.org, "age": p.age_recipient, "minisign": p.minisign_public,
        "fingerprint": p.fingerprint, "verified": p.verified, "max_tlp": p.max_tlp,
        "added_at": p.added_at, "verified_at": p.verified_at,
    })
}

fn partner_line(p: &casebook::Partner) -> String {
    format!(
        "{:<24} {:<24} {}  max TLP:{:<12} {}",
        p.name,
        p.org,
        p.fingerprint,
        p.max_tlp.to_uppercase(),
        if p.verified { "verified" } else { "NOT VERIFIED" }
    )
}

fn run(cli: Cli) -> Result<ExitCode> {
    let ctx = Ctx {
        vault: match cli.vault {
            Some(v) => v,
            None => default_vault()?,
        },
        passphrase_file: cli.passphrase_file,
        json: cli.json,
    };
    let done: Result<()> = match cli.command {
        Command::Init { name, org } => {
            let pass = ctx.passphrase(true)?;
            let v = Vault::init(&ctx.vault, &pass, &name, &org)?;
            if ctx.json {
                out_json(&json!({ "vault": v.dir(), "card": card_json(&v.card()) }))
            } else {
                out(format!(
                    "Created vault at {}\n\nYour contact card:\n{}",
                    v.dir().display(),
                    v.card().to_text()
                ))
            }
        }
        Command::Card { minisign_pub } => {
            let v = ctx.open()?;
            if let Some(path) = &minisign_pub {
                write_public(path, &v.identity().minisign_public_file()?)?;
            }
            if ctx.json { out_json(&card_json(&v.card())) } else { out(v.card().to_text().trim_end()) }
        }
        Command::Identity(IdentityCommand::ExportAge { file }) => {
            let v = ctx.open()?;
            let _ = writeln!(
                std::io::stderr(),
                "warning: {} now holds your age SECRET key in plaintext. Anyone with it can read \
                 bundles sent to you. Delete it when done.",
                file.display()
            );
            write_new_private(&file, v.identity().age_identity_file().as_bytes())?;
            v.note_identity_export()?;
            Ok(())
        }
        Command::Identity(IdentityCommand::Sign { file, output }) => {
            let v = ctx.open()?;
            let data =
                std::fs::File::open(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let sig = v.sign(std::io::BufReader::new(data))?;
            let out_path = output.unwrap_or_else(|| {
                let mut p = file.clone().into_os_string();
                p.push(".minisig");
                PathBuf::from(p)
            });
            write_public(&out_path, &sig)?;
            out(format!("Signature written to {}", out_path.display()))
        }
        Command::Partner(cmd) => partner(&ctx, cmd),
        Command::Case(cmd) => cases::case(&ctx, cmd),
        Command::Event(cmd) => cases::event(&ctx, cmd),
        Command::Observable(cmd) => cases::observable(&ctx, cmd),
        Command::Task(cmd) => cases::task(&ctx, cmd),
        Command::Note(cmd) => cases::note(&ctx, cmd),
        Command::Asset(cmd) => cases::asset(&ctx, cmd),
        Command::Evidence(cmd) => cases::evidence(&ctx, cmd),
        Command::History { case } => cases::history(&ctx, &case),
        Command::Timeline(a) => cases::timeline(&ctx, a),
        Command::Index { case } => cases::index(&ctx, case.as_deref()),
        Command::Rebuild { case } => cases::rebuild(&ctx, case.as_deref()),
        Command::Verify { case } => cases::verify(&ctx, case.as_deref()),
        Command::Playbooks => cases::playbooks(&ctx),
        Command::Classify { case, record, tlp } => cases::classify(&ctx, &case, &record, tlp),
        Command::Export(a) => share::export(&ctx, a),
        Command::Import(a) => return share::import(&ctx, a).map(ExitCode::from),
        Command::Quarantine => share::quarantine(&ctx),
        Command::Inbox(cmd) => inbox::inbox(&ctx, cmd),
        Command::Passwd { new_passphrase_file } => {
            let mut v = ctx.open()?;
            let new = secret::obtain(
                new_passphrase_file.as_deref(),
                "CASEBOOK_NEW_PASSPHRASE",
                "New passphrase: ",
                true,
            )?;
            v.change_passphrase(&new)?;
            out("Passphrase changed. The old passphrase no longer opens this vault.")
        }
        Command::Audit => {
            let v = ctx.open()?;
            let (entries, problem) = v.audit_log()?;
            if ctx.json {
                let rows: Vec<_> = entries
                    .iter()
                    .map(|e| json!({"seq": e.seq, "at": e.at, "action": e.action, "detail": e.detail}))
                    .collect();
                out_json(&json!({"entries": rows, "chain_ok": problem.is_none()}))?;
            } else {
                for e in &entries {
                    out(format!("{:>5}  {}  {:<16} {}", e.seq, fmt_time(e.at), e.action, e.detail))?;
                }
                if problem.is_none() {
                    out(format!("audit chain intact ({} entries)", entries.len()))?;
                }
            }
            match problem {
                Some(p) => Err(casebook::Error::Invalid(p.to_string()).into()),
                None => Ok(()),
            }
        }
    };
    done.map(|()| ExitCode::SUCCESS)
}

fn fmt_time(us: i64) -> String {
    casebook::format_time(us)
}

fn write_public(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn partner(ctx: &Ctx, cmd: PartnerCommand) -> Result<()> {
    match cmd {
        PartnerCommand::Add(a) => {
            let card = match &a.card {
                Some(path) => Card::parse(&read_input(path)?).map_err(casebook::Error::from)?,
                None => {
                    // clap guarantees these are present together.
                    let pub_path = a.minisign_pub.as_deref().context("--minisign-pub is required")?;
                    let pub_text = read_input(pub_path)?;
                    Card::new(
                        a.name.as_deref().unwrap_or_default(),
                        a.org.as_deref().unwrap_or_default(),
                        a.age.as_deref().unwrap_or_default(),
                        &pub_text,
                    )
                    .map_err(casebook::Error::from)?
                }
            };
            let max_tlp: casebook::Tlp = a.max_tlp.parse().map_err(casebook::Error::from)?;
            let v = ctx.open()?;
            let p = v.add_partner(&card, &PartnerOptions { max_tlp, verified: a.verified })?;
            if ctx.json {
                out_json(&partner_json(&p))
            } else {
                out(format!("Added partner {}", partner_line(&p)))?;
                if !p.verified {
                    out(format!(
                        "Call {} and have them read their fingerprint; if it is {}, run \
                         `casebook partner verify \"{}\"`.",
                        p.name, p.fingerprint, p.name
                    ))?;
                }
                Ok(())
            }
        }
        PartnerCommand::List => {
            let v = ctx.open()?;
            let ps = v.partners()?;
            if ctx.json {
                out_json(&json!(ps.iter().map(partner_json).collect::<Vec<_>>()))
            } else if ps.is_empty() {
                out("No partners yet. Add one with `casebook partner add CARD_FILE`.")
            } else {
                ps.iter().try_for_each(|p| out(partner_line(p)))
            }
        }
        PartnerCommand::Verify { name, fingerprint } => {
            let v = ctx.open()?;
            let p = v.verify_partner(&name, fingerprint.as_deref())?;
            if ctx.json { out_json(&partner_json(&p)) } else { out(format!("Verified {}", partner_line(&p))) }
        }
        PartnerCommand::Remove { name } => {
            let v = ctx.open()?;
            v.remove_partner(&name)?;
            if ctx.json {
                out_json(&json!({"removed": name}))
            } else {
                out(format!("Removed partner {name}"))
            }
        }
    }
}
