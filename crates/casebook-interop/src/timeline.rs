//! Reading forensic tools' timelines into events, row by row (streaming: memory does not grow with the
//! file).
//!
//! | format | shape | time |
//! |---|---|---|
//! | `timesketch-csv` | CSV, columns `message`, `datetime`, `timestamp_desc` (+ any) | `datetime` (ISO 8601), else `timestamp` (µs) |
//! | `timesketch-jsonl` | one JSON object per line, same fields | same |
//! | `l2tcsv` | Plaso's `date,time,timezone,MACB,source,sourcetype,type,user,host,short,desc,version,filename,inode,notes,format,extra` | `date` (MM/DD/YYYY) + `time`, in `timezone` |
//! | `dynamic` | Plaso's default CSV: `datetime,timestamp_desc,source,source_long,message,parser,display_name,tag` | `datetime` |
//! | `json-line` | Plaso's JSON lines | `timestamp` (µs) |
//!
//! Every column that is not mapped to an event field is kept in the event's `attributes`. A time
//! without a UTC offset needs a time zone from the caller; without one the row is refused.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use casebook_ledger::EventFields;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use serde_json::{Map, Value};

/// Longest line accepted in a JSON-lines timeline.
pub const MAX_LINE_BYTES: usize = 4 << 20;

/// A timeline format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Timesketch CSV.
    TimesketchCsv,
    /// Timesketch JSON lines.
    TimesketchJsonl,
    /// Plaso `l2tcsv`.
    L2tCsv,
    /// Plaso `dynamic` CSV.
    Dynamic,
    /// Plaso `json_line`.
    JsonLine,
}

impl Format {
    /// Every format, with its name.
    pub const ALL: [(Format, &'static str); 5] = [
        (Format::TimesketchCsv, "timesketch-csv"),
        (Format::TimesketchJsonl, "timesketch-jsonl"),
        (Format::L2tCsv, "l2tcsv"),
        (Format::Dynamic, "dynamic"),
        (Format::JsonLine, "json-line"),
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(f, _)| *f == self).map_or("?", |(_, n)| n)
    }

    /// The format called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| n.eq_ignore_ascii_case(name)).map(|(f, _)| *f)
    }

    fn is_csv(self) -> bool {
        matches!(self, Format::TimesketchCsv | Format::L2tCsv | Format::Dynamic)
    }
}

/// A row (or the header) that cannot be read. Line numbers count from 1, as an editor shows them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}{}: {reason}", .column.as_ref().map(|c| format!(", column \"{c}\"")).unwrap_or_default())]
pub struct RowError {
    /// The line where the row starts.
    pub line: u64,
    /// The column, when one is at fault.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: String,
}

fn row_err(line: u64, column: Option<&str>, reason: impl Into<String>) -> RowError {
    RowError { line, column: column.map(str::to_string), reason: reason.into() }
}

/// How to read a timeline.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The format.
    pub format: Format,
    /// The events' `source` (default: the format's name).
    pub source: Option<String>,
    /// Zone for times without an offset: its name (kept in the original text) and the zone.
    pub tz: Option<(String, TimeZone)>,
}

/// Tells the format from the start of a file.
pub fn sniff(head: &[u8]) -> Result<Format, String> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").trim();
    if first.starts_with('{') {
        let keys: Vec<String> = match serde_json::from_str::<Map<String, Value>>(first) {
            Ok(m) => m.keys().cloned().collect(),
            Err(_) => return Err("the first line looks like JSON but does not parse".into()),
        };
        let has = |k: &str| keys.iter().any(|x| x == k);
        if has("datetime")
            || (has("timestamp") && !has("__container_type__") && !has("data_type") && !has("parser"))
        {
            return Ok(Format::TimesketchJsonl);
        }
        if has("timestamp") {
            return Ok(Format::JsonLine);
        }
        return Err("a JSON-lines timeline needs a datetime or timestamp field".into());
    }
    let cols: Vec<String> =
        first.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect();
    let has = |k: &str| cols.iter().any(|x| x == k);
    if cols.len() >= 4 && cols[..4] == ["date", "time", "timezone", "macb"] {
        return Ok(Format::L2tCsv);
    }
    if has("datetime") && has("message") && (has("parser") || has("source_long")) {
        return Ok(Format::Dynamic);
    }
    if has("message") && (has("datetime") || has("timestamp")) {
        return Ok(Format::TimesketchCsv);
    }
    Err("unknown timeline format: expected Timesketch CSV/JSONL or Plaso l2tcsv/dynamic/json_line; give --format".into())
}

/// Parses a time with an offset, or a naive one in `tz`; returns µs and the text to keep.
fn parse_time(text: &str, tz: Option<&(String, TimeZone)>) -> Result<(i64, String), String> {
    let t = text.trim();
    let normalized = t.replacen(' ', "T", 1);
    if let Ok(ts) = normalized.parse::<jiff::Timestamp>() {
        return Ok((ts.as_microsecond(), t.to_string()));
    }
    let civil =
        normalized.parse::<DateTime>().map_err(|_| format!("\"{}\" is not an ISO 8601 time", shorten(t)))?;
    let (name, zone) =
        tz.ok_or_else(|| format!("\"{}\" has no UTC offset; give the time zone (--tz)", shorten(t)))?;
    let z = civil.to_zoned(zone.clone()).map_err(|e| format!("\"{}\" in {name}: {e}", shorten(t)))?;
    Ok((z.timestamp().as_microsecond(), format!("{t} [{name}]")))
}

fn from_micros(us: i64) -> Result<(i64, String), String> {
    let ts = jiff::Timestamp::from_microsecond(us).map_err(|_| format!("timestamp {us} is out of range"))?;
    Ok((us, ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()))
}

fn shorten(s: &str) -> String {
    s.chars().take(60).collect()
}

/// Builds an event from one row's named fields.
struct Mapper {
    format: Format,
    source: String,
    tz: Option<(String, TimeZone)>,
}

impl Mapper {
    fn event(&self, line: u64, mut fields: Vec<(String, Value)>) -> Result<EventFields, RowError> {
        let take = |fields: &mut Vec<(String, Value)>, k: &str| -> Option<Value> {
            fields.iter().position(|(n, _)| n == k).map(|i| fields.remove(i).1)
        };
        let text = |v: Option<Value>| -> Option<String> {
            match v? {
                Value::String(s) if s.trim().is_empty() || s == "-" => None,
                Value::String(s) => Some(s),
                Value::Null => None,
                other => Some(other.to_string()),
            }
        };
        let (occurred, original, description, host, account) = match self.format {
            Format::L2tCsv => {
                let date =
                    text(take(&mut fields, "date")).ok_or_else(|| row_err(line, Some("date"), "empty"))?;
                let time =
                    text(take(&mut fields, "time")).ok_or_else(|| row_err(line, Some("time"), "empty"))?;
                let zone = text(take(&mut fields, "timezone"));
                let d = parse_us_date(&date).map_err(|r| row_err(line, Some("date"), r))?;
                let t: Time = time.trim().parse().map_err(|_| {
                    row_err(line, Some("time"), format!("\"{}\" is not HH:MM:SS", shorten(&time)))
                })?;
                let zone_obj = match zone.as_deref() {
                    Some(z) if z.eq_ignore_ascii_case("utc") || z == "UTC" => {
                        Some(("UTC".to_string(), TimeZone::UTC))
                    }
                    Some(z) => Some((
                        z.to_string(),
                        TimeZone::get(z).map_err(|_| {
                            row_err(line, Some("timezone"), format!("unknown time zone \"{}\"", shorten(z)))
                        })?,
                    )),
                    None => self.tz.clone(),
                };
                let (name, zone) =
                    zone_obj.ok_or_else(|| row_err(line, Some("timezone"), "no time zone; give --tz"))?;
                let z = d
                    .to_datetime(t)
                    .to_zoned(zone)
                    .map_err(|e| row_err(line, Some("time"), e.to_string()))?;
                let desc = text(take(&mut fields, "desc")).or_else(|| text(take(&mut fields, "short")));
                (
                    z.timestamp().as_microsecond(),
                    format!("{date} {time} [{name}]"),
                    desc,
                    text(take(&mut fields, "host")),
                    text(take(&mut fields, "user")),
                )
            }
            _ => {
                let dt = text(take(&mut fields, "datetime"));
                let ts = take(&mut fields, "timestamp");
                let (us, orig) = match (dt, ts) {
                    (Some(d), _) => {
                        parse_time(&d, self.tz.as_ref()).map_err(|r| row_err(line, Some("datetime"), r))?
                    }
                    (None, Some(v)) => {
                        let us = v
                            .as_i64()
                            .or_else(|| v.as_f64().map(|f| f as i64))
                            .or_else(|| v.as_str().and_then(|s| s.trim().parse::<i64>().ok()))
                            .ok_or_else(|| {
                                row_err(line, Some("timestamp"), "not a number of microseconds")
                            })?;
                        from_micros(us).map_err(|r| row_err(line, Some("timestamp"), r))?
                    }
                    (None, None) => return Err(row_err(line, Some("datetime"), "no datetime or timestamp")),
                };
                let host = text(take(&mut fields, "hostname")).or_else(|| text(take(&mut fields, "host")));
                let account = text(take(&mut fields, "username")).or_else(|| text(take(&mut fields, "user")));
                (us, orig, text(take(&mut fields, "message")), host, account)
            }
        };
        let description =
            description.ok_or_else(|| row_err(line, Some("message"), "the message is empty"))?;
        let mut attributes = Map::new();
        for (k, v) in fields {
            if k.starts_with("__")
                || matches!(&v, Value::String(s) if s.is_empty() || s == "-")
                || v.is_null()
            {
                continue;
            }
            if k == "tag" {
                // Timesketch writes tags as a JSON list, or in CSV as a list's text.
                let tags = match v {
                    Value::String(s) if s.starts_with('[') => {
                        serde_json::from_str(&s).unwrap_or(Value::String(s))
                    }
                    other => other,
                };
                attributes.insert(k, tags);
            } else {
                attributes.insert(k, v);
            }
        }
        Ok(EventFields {
            occurred_at: Some(occurred),
            occurred_at_text: Some(original),
            description: Some(description),
            source: Some(self.source.clone()),
            host,
            account,
            attributes: (!attributes.is_empty()).then_some(attributes),
            ..Default::default()
        })
    }
}

fn parse_us_date(s: &str) -> Result<Date, String> {
    let mut it = s.trim().split('/');
    let (m, d, y) = (it.next(), it.next(), it.next());
    let num = |x: Option<&str>| x.and_then(|v| v.trim().parse::<i16>().ok());
    match (num(m), num(d), num(y), it.next()) {
        (Some(m), Some(d), Some(y), None) => {
            Date::new(y, m as i8, d as i8).map_err(|_| format!("\"{}\" is not a valid date", shorten(s)))
        }
        _ => Err(format!("\"{}\" is not MM/DD/YYYY", shorten(s))),
    }
}

/// The rows of a timeline, as events or row errors.
pub type Rows = Box<dyn Iterator<Item = Result<EventFields, RowError>> + Send>;

/// Opens a timeline for reading. Header problems (missing required columns) are reported here.
pub fn read(input: impl Read + Send + 'static, settings: &Settings) -> Result<Rows, RowError> {
    let mut input = BufReader::new(input);
    // A UTF-8 byte-order mark is not part of the first column's name.
    if input.fill_buf().map_err(|e| row_err(1, None, e.to_string()))?.starts_with(b"\xef\xbb\xbf") {
        input.consume(3);
    }
    let mapper = Mapper {
        format: settings.format,
        source: settings.source.clone().unwrap_or_else(|| settings.format.name().to_string()),
        tz: settings.tz.clone(),
    };
    if settings.format.is_csv() {
        let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(input);
        let headers: Vec<String> = r
            .headers()
            .map_err(|e| row_err(1, None, format!("unreadable header: {e}")))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        let need: &[&str] = match settings.format {
            Format::L2tCsv => &["date", "time", "timezone", "desc"],
            _ => &["message", "timestamp_desc"],
        };
        for n in need {
            if !headers.iter().any(|h| h == n) {
                return Err(row_err(1, Some(n), "this required column is missing from the header"));
            }
        }
        if settings.format != Format::L2tCsv && !headers.iter().any(|h| h == "datetime" || h == "timestamp") {
            return Err(row_err(1, Some("datetime"), "the header has neither datetime nor timestamp"));
        }
        let mut dup = HashMap::new();
        for h in &headers {
            if dup.insert(h.clone(), ()).is_some() {
                return Err(row_err(1, Some(h), "this column appears twice in the header"));
            }
        }
        let mut record = csv::StringRecord::new();
        let mut last_error_at: Option<u64> = None;
        let it = std::iter::from_fn(move || {
            let line = r.position().line();
            match r.read_record(&mut record) {
                Ok(false) => None,
                Ok(true) => {
                    let line = record.position().map_or(line, |p| p.line());
                    let fields = headers
                        .iter()
                        .zip(record.iter())
                        .map(|(h, v)| (h.clone(), Value::String(v.to_string())))
                        .collect();
                    Some(mapper.event(line, fields))
                }
                Err(e) => {
                    // An error that does not move the reader on (an I/O failure) would repeat forever.
                    let at = r.position().byte();
                    if last_error_at == Some(at) {
                        return None;
                    }
                    last_error_at = Some(at);
                    let line = e.position().map_or(line, |p| p.line());
                    let reason = match e.kind() {
                        csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_string(),
                        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                            format!("the row has {len} fields, the header {expected_len}")
                        }
                        _ => e.to_string(),
                    };
                    // A broken row: report it; the reader resumes at the next record.
                    Some(Err(row_err(line, None, reason)))
                }
            }
        })
        .fuse();
        return Ok(Box::new(it));
    }
    let mut line_no = 0u64;
    let it = std::iter::from_fn(move || {
        loop {
            let mut buf = Vec::new();
            line_no += 1;
            match (&mut input).take(MAX_LINE_BYTES as u64 + 1).read_until(b'\n', &mut buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(row_err(line_no, None, e.to_string()))),
            }
            if buf.len() > MAX_LINE_BYTES {
                // Skip the rest of this overlong line.
                let mut sink = Vec::new();
                let _ = input.read_until(b'\n', &mut sink);
                return Some(Err(row_err(
                    line_no,
                    None,
                    format!("the line is longer than {MAX_LINE_BYTES} bytes"),
                )));
            }
            let text = match std::str::from_utf8(&buf) {
                Ok(t) => t.trim(),
                Err(_) => return Some(Err(row_err(line_no, None, "the line is not valid UTF-8"))),
            };
            if text.is_empty() {
                continue;
            }
            let obj: Map<String, Value> = match serde_json::from_str(text) {
                Ok(o) => o,
                Err(e) => return Some(Err(row_err(line_no, None, format!("not a JSON object: {e}")))),
            };
            if !obj.contains_key("message") {
                return Some(Err(row_err(line_no, Some("message"), "missing")));
            }
            return Some(mapper.event(line_no, obj.into_iter().collect()));
        }
    });
    Ok(Box::new(it))
}

/// Writes events as a Timesketch CSV (`message`, `datetime`, `timestamp_desc`, `hostname`,
/// `username`, then one column per attribute key), which [`read`] takes back.
pub struct CsvWriter<W: std::io::Write> {
    w: csv::Writer<W>,
    extra: Vec<String>,
    rows: u64,
}

impl<W: std::io::Write> CsvWriter<W> {
    /// Starts the file with its header; `attribute_keys` become columns.
    pub fn new(out: W, attribute_keys: &[String]) -> Result<Self, csv::Error> {
        let mut w = csv::Writer::from_writer(out);
        let extra: Vec<String> =
            attribute_keys.iter().filter(|k| k.as_str() != "timestamp_desc").cloned().collect();
        let mut header = vec!["message", "datetime", "timestamp_desc", "hostname", "username"];
        header.extend(extra.iter().map(String::as_str));
        w.write_record(&header)?;
        Ok(Self { w, extra, rows: 0 })
    }

    /// Writes one event.
    pub fn write(&mut self, e: &EventFields) -> Result<(), csv::Error> {
        let empty = Map::new();
        let attrs = e.attributes.as_ref().unwrap_or(&empty);
        let cell = |v: Option<&Value>| match v {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        let when = e
            .occurred_at
            .and_then(|us| jiff::Timestamp::from_microsecond(us).ok())
            .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
            .unwrap_or_default();
        let mut row = vec![
            e.description.clone().unwrap_or_default(),
            when,
            cell(attrs.get("timestamp_desc")),
            e.host.clone().unwrap_or_default(),
            e.account.clone().unwrap_or_default(),
        ];
        row.extend(self.extra.iter().map(|k| cell(attrs.get(k.as_str()))));
        self.w.write_record(&row)?;
        self.rows += 1;
        Ok(())
    }

    /// Flushes; returns the number of events written.
    pub fn finish(mut self) -> Result<u64, csv::Error> {
        self.w.flush()?;
        Ok(self.rows)
    }
}
