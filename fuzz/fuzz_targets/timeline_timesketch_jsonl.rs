//! The TimesketchJsonl timeline reader on any bytes: never a panic, and every row either an event or an
//! error naming a line.
#![no_main]

use casebook_interop::timeline::{self, Format, Settings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = Settings {
        format: Format::TimesketchJsonl,
        source: None,
        tz: Some(("UTC".into(), jiff::tz::TimeZone::UTC)),
    };
    let _ = timeline::sniff(data);
    if let Ok(rows) = timeline::read(std::io::Cursor::new(data.to_vec()), &settings) {
        for row in rows.take(10_000) {
            if let Err(e) = row {
                assert!(e.line >= 1);
            }
        }
    }
});
