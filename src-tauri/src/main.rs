//! `casebook-desktop [VAULT_DIR]`: the desktop app on a vault folder (default: `$CASEBOOK_VAULT`,
//! else the user's data folder). `--demo` seeds a demo case into a new vault first.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::process::ExitCode;

fn default_dir() -> PathBuf {
    std::env::var_os("CASEBOOK_VAULT").map(PathBuf::from).unwrap_or_else(|| {
        let base = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."));
        base.join("casebook/vault")
    })
}

#[allow(clippy::print_stderr)]
fn main() -> ExitCode {
    // Before anything loads GTK or WebKit: the web process inherits the environment set here.
    casebook_desktop::web_engine::ensure_options();
    let mut dir = None;
    let mut demo = false;
    for arg in std::env::args_os().skip(1) {
        match arg.to_str() {
            Some("--demo") => demo = true,
            Some("--help" | "-h") => {
                eprintln!("usage: casebook-desktop [--demo] [VAULT_DIR]");
                return ExitCode::SUCCESS;
            }
            _ => dir = Some(PathBuf::from(arg)),
        }
    }
    let dir = dir.unwrap_or_else(default_dir);
    if demo && let Err(e) = casebook_desktop::demo::ensure(&dir) {
        eprintln!("casebook-desktop: cannot seed the demo vault: {e}");
        return ExitCode::FAILURE;
    }
    match casebook_desktop::run(dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("casebook-desktop: {e}");
            ExitCode::FAILURE
        }
    }
}
