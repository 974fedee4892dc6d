//! What every timeline fuzz target checks: the reader of one format on any bytes never panics, and
//! every row is either an event or an error naming a line.

use casebook_interop::timeline::{self, Format, Settings};

pub fn check(format: Format, data: &[u8]) {
    let settings = Settings { format, source: None, tz: Some(("UTC".into(), jiff::tz::TimeZone::UTC)) };
    let _ = timeline::sniff(data);
    if let Ok(rows) = timeline::read(std::io::Cursor::new(data.to_vec()), &settings) {
        for row in rows.take(10_000) {
            if let Err(e) = row {
                assert!(e.line >= 1);
            }
        }
    }
}
