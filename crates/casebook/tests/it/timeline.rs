use casebook::{EventFilter, RecordId, Seek};

/// Every id of the timeline under `filter` and `text`, read in pages of `limit` from the start.
fn forwards(
    v: &casebook::Vault,
    case: &casebook::CaseId,
    filter: &EventFilter,
    text: Option<&str>,
    limit: u32,
) -> Vec<RecordId> {
    let (mut ids, mut seek) = (vec![], None);
    loop {
        let page = v.timeline(case, filter, text, seek, limit).unwrap().events;
        ids.extend(page.iter().map(|r| r.id));
        match page.last() {
            Some(last) if page.len() == limit as usize => seek = Some(Seek::After(at(last), last.id)),
            _ => return ids,
        }
    }
}

/// The same ids read back from beside the last one, pages of `limit` turned round and prepended.
fn backwards(
    v: &casebook::Vault,
    case: &casebook::CaseId,
    filter: &EventFilter,
    text: Option<&str>,
    limit: u32,
    last: &casebook::Record,
) -> Vec<RecordId> {
    let (mut ids, mut seek) = (vec![last.id], Seek::Before(at(last), last.id));
    loop {
        let page = v.timeline(case, filter, text, Some(seek), limit).unwrap().events;
        let at_start = page.len() < limit as usize;
        let mut got: Vec<RecordId> = page.iter().map(|r| r.id).collect();
        got.append(&mut ids);
        ids = got;
        match page.first() {
            Some(first) if !at_start => seek = Seek::Before(at(first), first.id),
            _ => return ids,
        }
    }
}

fn at(r: &casebook::Record) -> i64 {
    r.values["occurred_at"].as_i64().unwrap()
}

/// Reading the timeline back before a cursor gives exactly the pages read forwards, in time order,
/// with ties in time broken the same way, under every access path (time index, host index, text).
#[test]
fn pages_read_back_before_a_cursor_match_the_pages_read_forwards() {
    let tmp = tempfile::tempdir().unwrap();
    let mut v = crate::util::person(tmp.path(), "Dana Keller", "CERT-Rheinstadt").vault();
    let case = casebook::demo::seed(&mut v).unwrap();
    // Thirty events at one instant: only the id orders them.
    let tie = 1_700_000_000_000_000;
    for i in 0..30 {
        let mut e = crate::util::event(&format!("beacon to c2 number {i}"), tie);
        e.host = Some("ws-17".into());
        v.add_event(&case, e).unwrap();
    }
    v.index_text(&case, &mut |_, _| {}).unwrap();
    let by_host = EventFilter { host: Some("ws-17".into()), ..Default::default() };
    for (filter, text) in
        [(EventFilter::default(), None), (by_host, None), (EventFilter::default(), Some("c2"))]
    {
        for limit in [1, 7, 50] {
            let ids = forwards(&v, &case, &filter, text, limit);
            assert!(ids.len() >= 30, "{filter:?} {text:?}: {} events", ids.len());
            let all = v.timeline(&case, &filter, text, None, u32::MAX).unwrap().events;
            assert_eq!(ids, all.iter().map(|r| r.id).collect::<Vec<_>>(), "{filter:?} {text:?} forwards");
            let last = all.last().unwrap();
            assert_eq!(
                backwards(&v, &case, &filter, text, limit, last),
                ids,
                "{filter:?} {text:?} limit {limit}"
            );
        }
    }
    // Before the first event there is nothing.
    let all = v.timeline(&case, &EventFilter::default(), None, None, u32::MAX).unwrap().events;
    let first = &all[0];
    assert!(
        v.timeline(&case, &EventFilter::default(), None, Some(Seek::Before(at(first), first.id)), 10)
            .unwrap()
            .events
            .is_empty()
    );
}
