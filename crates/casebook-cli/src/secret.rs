//! Where passphrases come from: `--passphrase-file`, an environment variable, or a no-echo prompt.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::{Context, Result, bail};
use zeroize::Zeroizing;

/// Reads the first line of a passphrase file (a trailing newline is not part of the passphrase).
fn from_file(path: &Path) -> Result<Zeroizing<String>> {
    let text = Zeroizing::new(
        std::fs::read_to_string(path)
            .with_context(|| format!("cannot read passphrase file {}", path.display()))?,
    );
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        bail!("passphrase file {} is empty", path.display());
    }
    Ok(Zeroizing::new(line.to_string()))
}

/// A passphrase from the file, else the environment variable `env`, else a prompt.
/// With `confirm`, the prompt asks twice (for new passphrases).
pub fn obtain(file: Option<&Path>, env: &str, prompt: &str, confirm: bool) -> Result<Zeroizing<String>> {
    if let Some(f) = file {
        return from_file(f);
    }
    if let Ok(v) = std::env::var(env) {
        if v.is_empty() {
            bail!("{env} is set but empty");
        }
        return Ok(Zeroizing::new(v));
    }
    if !std::io::stdin().is_terminal() {
        bail!("no passphrase given: this is not a terminal, so use --passphrase-file FILE or set {env}");
    }
    let first = Zeroizing::new(rpassword::prompt_password(prompt).context("cannot read the passphrase")?);
    if confirm {
        let again =
            Zeroizing::new(rpassword::prompt_password("Repeat it: ").context("cannot read the passphrase")?);
        if *first != *again {
            bail!("the two passphrases differ; nothing was changed");
        }
    }
    Ok(first)
}
