//! A one-line progress display on a terminal's stderr (silent otherwise, and with --json).

use std::io::{IsTerminal, Write};

/// Shows `label: NN% (done/total unit)` on one line, redrawn at most every `step` units.
pub struct Progress {
    label: &'static str,
    total: u64,
    step: u64,
    last: u64,
    shown: bool,
    enabled: bool,
}

impl Progress {
    /// A progress line; `total` 0 means unknown.
    pub fn new(label: &'static str, total: u64, step: u64, quiet: bool) -> Self {
        Self { label, total, step, last: 0, shown: false, enabled: !quiet && std::io::stderr().is_terminal() }
    }

    /// Reports `done` units.
    pub fn update(&mut self, done: u64) {
        if !self.enabled || (done - self.last.min(done) < self.step && done != self.total) {
            return;
        }
        self.last = done;
        self.shown = true;
        let pct = (done * 100).checked_div(self.total).map(|p| format!("{p:>3}% ")).unwrap_or_default();
        let _ = write!(
            std::io::stderr(),
            "\r{}: {pct}({done}{})",
            self.label,
            if self.total > 0 { format!("/{}", self.total) } else { String::new() }
        );
    }

    /// Ends the line.
    pub fn finish(self) {
        if self.shown {
            let _ = writeln!(std::io::stderr());
        }
    }
}
