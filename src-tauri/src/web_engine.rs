//! How the web engine's JavaScript heap is sized: for a bounded working set, not a browser's.
//!
//! JavaScriptCore reads its options from the environment when WebKit's web process starts, and that
//! process inherits the app's environment. Two defaults of JavaScriptCore let the page's heap grow
//! to ~110 MB during a long timeline scroll although under 10 MB of it is live:
//! - on a machine with 16 GB of RAM or more it grows the heap "aggressively", to about four times
//!   what was live after a full collection;
//! - its young generation is at least 32 MB.
//!
//! Timeline rows read in pages live a few seconds, so they are promoted, and the rows the table has
//! let go of die in the old generation. That generation is collected only once it has grown to about
//! twice the young one, and the allocator keeps the pages it freed. With the options below, JSC
//! grows the heap by its ordinary factor and collects the young generation every 8 MB. After a 40 s
//! scroll of a 1,000,000-event case the web process is then 45–100 MiB smaller (250 MiB instead of
//! 293–355 over two days of runs), with the same frame times (README, desktop figures).
//!
//! Invariant: options a user set themselves are left alone. When none of ours is set, the app starts
//! itself again once with them, before GTK or WebKit load anything. `exec` keeps the process id, so
//! launchers and WebDriver see one process.

/// The options, as the environment variables JavaScriptCore reads.
pub const JSC_OPTIONS: [(&str, &str); 2] = [
    // "Aggressive" growth applies from this much RAM up; set above any laptop's, it never does.
    ("JSC_aggressiveHeapThresholdInMB", "4000000"),
    // The least the heap grows between collections: 8 MiB instead of 32.
    ("JSC_largeHeapSize", "8388608"),
];

/// The variables to add before the web engine starts: all of [`JSC_OPTIONS`] when `is_set` (of the
/// environment) holds for none of them, else none (a user who set one is in charge of the rest).
pub fn missing_options(is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    if JSC_OPTIONS.iter().any(|(name, _)| is_set(name)) { Vec::new() } else { JSC_OPTIONS.to_vec() }
}

/// Replaces this process with the same program, the same arguments and the JavaScriptCore options
/// added, when they are missing. Returns (to go on unchanged) when they are already set, or when
/// the program cannot be started again; the app then runs with JavaScriptCore's defaults.
pub fn ensure_options() {
    let add = missing_options(|name| std::env::var_os(name).is_some());
    if add.is_empty() {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let Ok(exe) = std::env::current_exe() else { return };
        let mut command = std::process::Command::new(exe);
        command.args(std::env::args_os().skip(1));
        if let Some(name) = std::env::args_os().next() {
            command.arg0(name);
        }
        for (name, value) in add {
            command.env(name, value);
        }
        // Only returns on failure; then go on in this process.
        let _ = command.exec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_options_are_added_when_none_is_set() {
        assert_eq!(missing_options(|_| false), JSC_OPTIONS.to_vec());
    }

    #[test]
    fn a_user_who_set_one_option_keeps_the_engine_defaults_for_the_rest() {
        assert!(missing_options(|name| name == "JSC_largeHeapSize").is_empty());
        assert_eq!(missing_options(|name| name == "JSC_logGC"), JSC_OPTIONS.to_vec());
    }

    #[test]
    fn the_options_are_numbers_the_engine_can_read() {
        for (name, value) in JSC_OPTIONS {
            assert!(name.starts_with("JSC_"), "{name}");
            assert!(value.parse::<u32>().is_ok(), "{name}={value}");
        }
    }
}
