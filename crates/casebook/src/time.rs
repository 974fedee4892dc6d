//! Reading times people type: with an offset, or naive with a time zone given separately.
//!
//! Stored times are µs since the Unix epoch (UTC); the text as typed is kept beside them.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use crate::Error;

/// A time as understood, and as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenTime {
    /// µs since the Unix epoch, UTC.
    pub us: i64,
    /// The text as typed, with the zone used when one was needed.
    pub original: String,
}

/// Parses `text` (RFC 3339 / ISO 8601 with an offset or `Z`, or `now`). A time without an offset
/// needs `tz` (an IANA zone like `Europe/Vienna`, or `UTC`); without one it is refused.
pub fn parse_time(text: &str, tz: Option<&str>, now_us: i64) -> Result<GivenTime, Error> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("now") {
        return Ok(GivenTime { us: now_us, original: crate::format_time(now_us) });
    }
    let normalized = t.replacen(' ', "T", 1);
    if let Ok(ts) = normalized.parse::<Timestamp>() {
        return Ok(GivenTime { us: ts.as_microsecond(), original: t.to_string() });
    }
    if let Ok(z) = normalized.parse::<Zoned>() {
        return Ok(GivenTime { us: z.timestamp().as_microsecond(), original: t.to_string() });
    }
    let civil = normalized
        .parse::<DateTime>()
        .or_else(|_| normalized.parse::<jiff::civil::Date>().map(|d| d.to_datetime(jiff::civil::Time::midnight())))
        .map_err(|_| {
            Error::Invalid(format!(
                "cannot read the time \"{t}\": use ISO 8601, like 2026-11-21T03:12:00+01:00 or 2026-11-21 03:12:00Z"
            ))
        })?;
    let Some(zone) = tz else {
        return Err(Error::Invalid(format!(
            "the time \"{t}\" has no UTC offset; add one (…+01:00 or …Z) or give its time zone, e.g. --tz Europe/Vienna"
        )));
    };
    let tz_obj = if zone.eq_ignore_ascii_case("utc") {
        TimeZone::UTC
    } else {
        TimeZone::get(zone).map_err(|_| {
            Error::Invalid(format!(
                "unknown time zone \"{zone}\"; use an IANA name like Europe/Vienna or UTC"
            ))
        })?
    };
    let zoned = civil
        .to_zoned(tz_obj)
        .map_err(|e| Error::Invalid(format!("the time \"{t}\" does not exist in {zone}: {e}")))?;
    Ok(GivenTime { us: zoned.timestamp().as_microsecond(), original: format!("{t} [{zone}]") })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EPOCH_2026_11_21_02_12_UTC: i64 = 1_795_227_120_000_000;

    #[test]
    fn offsets_are_honoured_and_the_text_kept() {
        let g = parse_time("2026-11-21T03:12:00+01:00", None, 0).unwrap();
        assert_eq!(g.us, EPOCH_2026_11_21_02_12_UTC);
        assert_eq!(g.original, "2026-11-21T03:12:00+01:00");
        assert_eq!(parse_time("2026-11-21 02:12:00Z", None, 0).unwrap().us, EPOCH_2026_11_21_02_12_UTC);
        assert_eq!(
            parse_time("2026-11-21T02:12:00.000250Z", None, 0).unwrap().us,
            EPOCH_2026_11_21_02_12_UTC + 250
        );
    }

    #[test]
    fn naive_times_need_a_zone() {
        let e = parse_time("2026-11-21 03:12", None, 0).unwrap_err();
        assert!(e.to_string().contains("--tz"), "{e}");
        let g = parse_time("2026-11-21 03:12", Some("Europe/Vienna"), 0).unwrap();
        assert_eq!(g.us, EPOCH_2026_11_21_02_12_UTC);
        assert_eq!(g.original, "2026-11-21 03:12 [Europe/Vienna]");
        assert!(
            parse_time("2026-11-21 03:12", Some("Mars/Olympus"), 0)
                .unwrap_err()
                .to_string()
                .contains("unknown time zone")
        );
        assert!(parse_time("yesterday-ish", None, 0).unwrap_err().to_string().contains("ISO 8601"));
    }
}
