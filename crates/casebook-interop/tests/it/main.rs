//! casebook-interop tests: every timeline format on sample files the team wrote (offsets, fractional
//! seconds, multi-line quoted fields, BOM, CRLF, non-ASCII), bad files whose errors name the line, and
//! a CSV round trip property.

use std::path::PathBuf;

use casebook_interop::timeline::{self, CsvWriter, Format, Settings};
use casebook_ledger::EventFields;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/timelines").join(name)
}

fn settings(format: Format) -> Settings {
    Settings { format, source: None, tz: None }
}

fn read_all(name: &str, s: &Settings) -> Vec<Result<EventFields, timeline::RowError>> {
    timeline::read(std::fs::File::open(fixture(name)).unwrap(), s).unwrap().collect()
}

fn ok(name: &str, format: Format) -> Vec<EventFields> {
    let head = std::fs::read(fixture(name)).unwrap();
    assert_eq!(timeline::sniff(&head).unwrap(), format, "sniffing {name}");
    read_all(name, &settings(format)).into_iter().map(|r| r.unwrap()).collect()
}

#[test]
fn timesketch_csv_with_bom_crlf_multiline_offsets_and_unicode() {
    let e = ok("timesketch.csv", Format::TimesketchCsv);
    assert_eq!(e.len(), 3);
    assert_eq!(e[0].description.as_deref(), Some("Logon by \"admin\"\r\nfrom 10.0.0.7, via RDP"));
    assert_eq!(e[0].occurred_at, Some(1_709_274_600_123_456));
    assert_eq!(e[0].occurred_at_text.as_deref(), Some("2024-03-01T12:00:00.123456+05:30"));
    assert_eq!(e[0].host.as_deref(), Some("ws-042"));
    assert_eq!(e[0].account.as_deref(), Some("CORP\\admin"));
    assert_eq!(e[0].source.as_deref(), Some("timesketch-csv"));
    let a = e[0].attributes.as_ref().unwrap();
    assert_eq!(a["tag"], json!(["lateral", "rdp"]));
    assert_eq!(a["evtx_id"], "4624");
    assert_eq!(a["timestamp_desc"], "Event Recorded");
    assert_eq!(e[1].description.as_deref(), Some("Datei geöffnet: Übersicht.docx 日本"));
    assert_eq!(e[1].occurred_at, Some(1_709_274_660_000_000));
    assert_eq!(e[2].occurred_at, Some(1_709_294_400_000_001), "timestamp (µs) used when datetime is absent");
}

#[test]
fn timesketch_jsonl() {
    let e = ok("timesketch.jsonl", Format::TimesketchJsonl);
    assert_eq!(e.len(), 2, "the blank line is skipped");
    assert_eq!(e[0].occurred_at, Some(1_709_370_930_500_000));
    assert_eq!(e[0].attributes.as_ref().unwrap()["tag"], json!(["persistence"]));
    assert_eq!(e[0].attributes.as_ref().unwrap()["task_name"], "Update");
    assert_eq!(e[1].description.as_deref(), Some("Ünïcode line ✓"));
    assert_eq!(e[1].attributes.as_ref().unwrap()["extra"], json!({"nested": [1, 2]}));
}

#[test]
fn plaso_l2tcsv_with_zones() {
    let e = ok("l2tcsv.csv", Format::L2tCsv);
    assert_eq!(e[0].occurred_at, Some(1_709_294_400_000_000));
    assert_eq!(e[0].description.as_deref(), Some("C:\\evil.exe modified"));
    assert_eq!(e[0].account, None, "\"-\" is empty");
    assert_eq!(e[1].occurred_at, Some(1_709_294_400_000_000), "13:00 in Berlin is 12:00 UTC");
    assert_eq!(e[1].occurred_at_text.as_deref(), Some("03/01/2024 13:00:00 [Europe/Berlin]"));
    assert_eq!(e[1].account.as_deref(), Some("CORP\\bob"));
    let a = e[1].attributes.as_ref().unwrap();
    assert_eq!(a["macb"], ".A..");
    assert_eq!(a["filename"], "Security.evtx");
    assert!(!a.contains_key("inode"));
}

#[test]
fn plaso_dynamic_and_json_line() {
    let d = ok("dynamic.csv", Format::Dynamic);
    assert_eq!(d[0].occurred_at, Some(1_709_294_400_250_000));
    assert_eq!(d[0].attributes.as_ref().unwrap()["parser"], "chrome_history");
    assert_eq!(d[1].description.as_deref(), Some("C:\\Users\\bob\\Downloads\\invoice.pdf.exe, created"));
    let j = ok("json_line.jsonl", Format::JsonLine);
    assert_eq!(j[0].occurred_at, Some(1_709_294_400_000_000));
    assert_eq!(j[0].host.as_deref(), Some("dc-01"));
    assert_eq!(j[0].account.as_deref(), Some("CORP\\svc_backup"));
    assert!(!j[0].attributes.as_ref().unwrap().contains_key("__container_type__"));
    assert_eq!(j[1].occurred_at, Some(1_709_294_460_123_456));
}

#[test]
fn bad_rows_name_their_line_and_column() {
    let rows = read_all("bad_datetime.csv", &settings(Format::TimesketchCsv));
    assert_eq!(rows.iter().filter(|r| r.is_ok()).count(), 3);
    let e = rows.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(e.line, 6, "{e}");
    assert_eq!(e.column.as_deref(), Some("datetime"));
    assert!(e.to_string().starts_with("line 6, column \"datetime\":"), "{e}");

    let e = timeline::read(
        std::fs::File::open(fixture("missing_column.csv")).unwrap(),
        &settings(Format::TimesketchCsv),
    )
    .err()
    .unwrap();
    assert_eq!((e.line, e.column.as_deref()), (1, Some("datetime")));

    let rows = read_all("unequal_fields.csv", &settings(Format::TimesketchCsv));
    let e = rows.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(e.line, 3);
    assert!(e.reason.contains("4 fields, the header 3"), "{e}");

    let rows = read_all("bad_json.jsonl", &settings(Format::TimesketchJsonl));
    assert!(rows[0].is_ok());
    assert_eq!(rows[1].as_ref().unwrap_err().line, 2);

    let rows = read_all("naive.csv", &settings(Format::TimesketchCsv));
    assert!(rows[0].as_ref().unwrap_err().reason.contains("--tz"));
    let vienna = Settings {
        tz: Some(("Europe/Vienna".into(), jiff::tz::TimeZone::get("Europe/Vienna").unwrap())),
        ..settings(Format::TimesketchCsv)
    };
    let rows = read_all("naive.csv", &vienna);
    let e = rows[0].as_ref().unwrap();
    assert_eq!(e.occurred_at, Some(1_709_290_800_000_000));
    assert_eq!(e.occurred_at_text.as_deref(), Some("2024-03-01 12:00:00 [Europe/Vienna]"));
}

#[test]
fn sniffing_refuses_what_it_does_not_know() {
    assert!(timeline::sniff(b"a,b,c\n1,2,3\n").unwrap_err().contains("--format"));
    assert!(timeline::sniff(b"{not json").is_err());
    assert!(timeline::sniff(b"").is_err());
}

fn text() -> impl Strategy<Value = String> {
    // Anything a log line may hold, but not what the importer reads as "empty" ("", "-", blanks).
    "[ -~\\n\\r\\tàéü日本,\"]{1,40}".prop_filter("not empty", |s| !s.trim().is_empty() && s != "-")
}

fn event() -> impl Strategy<Value = EventFields> {
    (
        text(),
        -2_000_000_000_000_000i64..4_000_000_000_000_000i64,
        prop::option::of("[a-z0-9][a-z0-9-]{0,11}"),
        prop::option::of("[A-Za-z\\\\]{1,12}"),
        prop::collection::btree_map("x_[a-z]{1,6}", text(), 0..4),
        text(),
    )
        .prop_map(|(d, t, host, account, attrs, desc_kind)| {
            let mut a: Map<String, Value> = attrs.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
            a.insert("timestamp_desc".into(), Value::String(desc_kind));
            EventFields {
                description: Some(d),
                occurred_at: Some(t),
                host,
                account,
                attributes: Some(a),
                ..Default::default()
            }
        })
}

proptest! {
    /// A generated timeline written as CSV and read back gives the same events.
    #[test]
    fn csv_round_trip(events in prop::collection::vec(event(), 1..20)) {
        let mut keys: Vec<String> = events.iter().flat_map(|e| e.attributes.as_ref().unwrap().keys().cloned()).collect();
        keys.sort();
        keys.dedup();
        let mut buf = Vec::new();
        let mut w = CsvWriter::new(&mut buf, &keys).unwrap();
        for e in &events {
            w.write(e).unwrap();
        }
        prop_assert_eq!(w.finish().unwrap(), events.len() as u64);
        prop_assert_eq!(timeline::sniff(&buf).unwrap(), Format::TimesketchCsv);
        let back: Vec<EventFields> = timeline::read(std::io::Cursor::new(buf), &settings(Format::TimesketchCsv))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        prop_assert_eq!(back.len(), events.len());
        for (a, b) in events.iter().zip(&back) {
            prop_assert_eq!(&a.description, &b.description);
            prop_assert_eq!(a.occurred_at, b.occurred_at);
            prop_assert_eq!(&a.host, &b.host);
            prop_assert_eq!(&a.account, &b.account);
            prop_assert_eq!(&a.attributes, &b.attributes);
        }
    }
}
