//! Playbook templates: TOML files that give a new case its tasks, per phase.
//!
//! Built-in playbooks come from `playbooks/` in the repository (compiled in); a vault can add its own
//! as `<vault>/playbooks/*.toml`, which take precedence over a built-in of the same name.

use std::path::Path;

use casebook_ledger::Phase;
use serde::Deserialize;

use crate::Error;

const BUILT_IN: &[(&str, &str)] = &[
    ("ransomware", include_str!("../../../playbooks/ransomware.toml")),
    ("phishing", include_str!("../../../playbooks/phishing.toml")),
    ("web-compromise", include_str!("../../../playbooks/web-compromise.toml")),
    ("ddos", include_str!("../../../playbooks/ddos.toml")),
];

/// Largest playbook file read, in bytes.
const MAX_PLAYBOOK_BYTES: u64 = 256 * 1024;

/// A playbook.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// Short name, used with `--template`.
    pub name: String,
    /// Display title.
    pub title: String,
    /// What kind of incident it is for.
    #[serde(default)]
    pub description: String,
    /// The tasks it creates.
    #[serde(default, rename = "task")]
    pub tasks: Vec<PlaybookTask>,
}

/// One task of a playbook.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaybookTask {
    /// Phase it belongs to.
    pub phase: Phase,
    /// What to do.
    pub title: String,
}

fn parse(name: &str, text: &str) -> Result<Playbook, Error> {
    let p: Playbook = toml::from_str(text).map_err(|e| Error::Invalid(format!("playbook {name}: {e}")))?;
    if p.tasks.iter().any(|t| t.title.trim().is_empty()) {
        return Err(Error::Invalid(format!("playbook {name}: a task has an empty title")));
    }
    Ok(p)
}

/// Every playbook: built-in ones, then the vault's own (which replace built-ins of the same name).
pub fn playbooks(vault_dir: &Path) -> Result<Vec<Playbook>, Error> {
    let mut out: Vec<Playbook> = BUILT_IN.iter().map(|(n, t)| parse(n, t)).collect::<Result<_, _>>()?;
    let dir = vault_dir.join("playbooks");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "toml")) {
            let meta = std::fs::metadata(&p).map_err(|e| Error::Invalid(format!("{}: {e}", p.display())))?;
            if meta.len() > MAX_PLAYBOOK_BYTES {
                return Err(Error::Invalid(format!("playbook {} is too large", p.display())));
            }
            let text =
                std::fs::read_to_string(&p).map_err(|e| Error::Invalid(format!("{}: {e}", p.display())))?;
            let pb = parse(&p.display().to_string(), &text)?;
            out.retain(|b| b.name != pb.name);
            out.push(pb);
        }
    }
    Ok(out)
}

/// The playbook called `name`.
pub fn playbook(vault_dir: &Path, name: &str) -> Result<Playbook, Error> {
    let all = playbooks(vault_dir)?;
    let names: Vec<String> = all.iter().map(|p| p.name.clone()).collect();
    all.into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| Error::Invalid(format!("no playbook \"{name}\"; available: {}", names.join(", "))))
}

#[cfg(test)]
mod tests {
    #[test]
    fn built_ins_parse_and_cover_every_phase() {
        let all = super::playbooks(std::path::Path::new("/nonexistent")).unwrap();
        assert_eq!(all.len(), 4);
        for p in &all {
            for phase in [
                casebook_ledger::Phase::Detect,
                casebook_ledger::Phase::Respond,
                casebook_ledger::Phase::Remediate,
            ] {
                assert!(p.tasks.iter().any(|t| t.phase == phase), "{} has no {phase} task", p.name);
            }
        }
    }
}
