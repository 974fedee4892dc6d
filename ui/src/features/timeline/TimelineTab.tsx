import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, type EventRow, type TimelineFilter } from "../../ipc";
import { useErrors } from "../../components/errors";
import { PHASES } from "../../lib/vocab";
import { usToUtcInput, utcInputToUs } from "../../lib/time";
import { TimelineTable } from "./TimelineTable";
import { OverviewChart, type ChartBucket } from "./OverviewChart";
import { QuickAdd } from "./QuickAdd";
import { ImportBar } from "./ImportBar";
import { EMPTY_FILTER, useTimeline } from "./useTimeline";

const BUCKETS = 120;

function isTyping(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

function blankToNull(s: string): string | null {
  return s.trim() === "" ? null : s.trim();
}

export function TimelineTab({ caseId, onChanged }: { caseId: string; onChanged?: () => void }) {
  const { report } = useErrors();
  const [filter, setFilter] = useState<TimelineFilter>(EMPTY_FILTER);
  const [text, setText] = useState("");
  const [buckets, setBuckets] = useState<ChartBucket[]>([]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [revealId, setRevealId] = useState<string | null>(null);
  const quickRef = useRef<HTMLInputElement>(null);
  const tl = useTimeline(caseId, filter, report);

  const loadBuckets = useCallback(() => {
    api
      .timelineBuckets(caseId, BUCKETS)
      .then((bs) => setBuckets(bs.flatMap((b) => (b.start === null ? [] : [{ start: b.start, count: b.count }]))))
      .catch(report);
  }, [caseId, report]);
  // The chart's query scans the whole case: asked for once the first rows are in, so it never
  // holds the core while the rows a responder is waiting for are fetched.
  const firstPageIn = tl.rows.length > 0 || !tl.hasMore;
  useEffect(() => {
    if (firstPageIn) loadBuckets();
  }, [firstPageIn, loadBuckets]);

  // The text filter follows the box after a pause.
  useEffect(() => {
    const t = setTimeout(() => setFilter((f) => (f.text === blankToNull(text) ? f : { ...f, text: blankToNull(text) })), 300);
    return () => clearTimeout(t);
  }, [text]);

  // `n` or Ctrl+K focuses the quick-add bar.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const ctrlK = (e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k";
      if (ctrlK || (e.key === "n" && !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target))) {
        e.preventDefault();
        quickRef.current?.focus();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const set = (patch: Partial<TimelineFilter>) => setFilter((f) => ({ ...f, ...patch }));

  const onFlag = useCallback(
    async (row: EventRow) => {
      const key = !row.keyEvent;
      tl.patchRow(row.id, { keyEvent: key });
      try {
        await api.eventFlag(caseId, row.id, key);
        if (filter.keyOnly && !key) void tl.reload();
      } catch (e) {
        tl.patchRow(row.id, { keyEvent: !key });
        report(e);
      }
    },
    [caseId, filter.keyOnly, report, tl],
  );

  const onAdded = useCallback(
    (id: string) => {
      setSelectedId(id);
      setRevealId(id);
      void tl.reload();
      loadBuckets();
      onChanged?.();
    },
    [tl, loadBuckets, onChanged],
  );

  const filtered = useMemo(
    () => filter.from !== null || filter.to !== null || !!filter.host || !!filter.phase || filter.keyOnly || !!filter.author || !!filter.text,
    [filter],
  );

  return (
    <div className="timeline-tab">
      <QuickAdd ref={quickRef} caseId={caseId} onAdded={onAdded} onError={report} />
      <OverviewChart buckets={buckets} from={filter.from} onPick={(start) => set({ from: start })} />
      <div className="filters" role="search">
        <label>
          From (UTC)
          <input type="datetime-local" value={usToUtcInput(filter.from)} onChange={(e) => set({ from: utcInputToUs(e.target.value) })} />
        </label>
        <label>
          To (UTC)
          <input type="datetime-local" value={usToUtcInput(filter.to)} onChange={(e) => set({ to: utcInputToUs(e.target.value) })} />
        </label>
        <label>
          Host
          <input value={filter.host ?? ""} onChange={(e) => set({ host: blankToNull(e.target.value) })} size={12} />
        </label>
        <label>
          Phase
          <select value={filter.phase ?? ""} onChange={(e) => set({ phase: blankToNull(e.target.value) })}>
            <option value="">any</option>
            {PHASES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          Author
          <input value={filter.author ?? ""} onChange={(e) => set({ author: blankToNull(e.target.value) })} size={10} />
        </label>
        <label className="grow">
          Text
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="words that must all appear" />
        </label>
        <label className="check">
          <input type="checkbox" checked={filter.keyOnly} onChange={(e) => set({ keyOnly: e.target.checked })} />
          Key events only
        </label>
        {filtered && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setText("");
              setFilter(EMPTY_FILTER);
            }}
          >
            Clear filters
          </button>
        )}
      </div>
      {tl.coverage !== null && tl.coverage < 1 && (
        <div className="hint" role="status">
          The text index covers {Math.floor(tl.coverage * 100)}% of this case so far; some matches may be missing.
        </div>
      )}
      <div className="tl-status muted small">
        {tl.extent.toLocaleString()} event{tl.extent === 1 ? "" : "s"}
        {tl.hasMore ? " so far (more on scroll)" : ""}
        {filtered ? " · filtered" : ""}
      </div>
      <TimelineTable
        // Another filter is another list: it starts at its top.
        key={JSON.stringify(filter)}
        rows={tl.rows}
        offset={tl.offset}
        known={tl.extent}
        more={tl.hasMore}
        onShow={tl.show}
        onFlag={onFlag}
        selectedId={selectedId}
        onSelect={setSelectedId}
        revealId={revealId}
      />
      <ImportBar
        caseId={caseId}
        onDone={() => {
          void tl.reload();
          loadBuckets();
          onChanged?.();
        }}
        onError={report}
      />
    </div>
  );
}
