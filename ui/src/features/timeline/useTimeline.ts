import { useCallback, useEffect, useRef, useState } from "react";
import { api, type EventRow, type TimelineFilter } from "../../ipc";
import { EMPTY_STRETCH, cursorOf, need, restart, withPageAfter, withPageBefore, type Stretch } from "./stretch";

export const PAGE_SIZE = 500;
/** Pages read to reach a window far from the rows held (the most the core gives at once). */
export const FAR_PAGE_SIZE = 2_000;
/** Most rows held in memory (a few MB); rows further than this from the window are let go. */
export const KEEP_ROWS = 10_000;
/** Read the next page when the window comes this close to either end of the rows held. */
export const MARGIN_ROWS = 150;

export const EMPTY_FILTER: TimelineFilter = {
  from: null,
  to: null,
  host: null,
  phase: null,
  keyOnly: false,
  author: null,
  text: null,
};

type State = Stretch & { loading: boolean; coverage: number | null };

const INITIAL: State = { ...EMPTY_STRETCH, loading: false, coverage: null };

/** A case's timeline under a filter, held as a bounded stretch of rows around the table's window:
 * `show(start, end)` tells which positions the table shows, and pages are read (after the last row
 * held, back before the first, or from the start again) until they are held. */
export function useTimeline(caseId: string, filter: TimelineFilter, onError: (e: unknown) => void) {
  const [state, setState] = useState<State>(INITIAL);
  const generation = useRef(0);
  const inFlight = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  const shown = useRef({ start: 0, end: 0 });

  const read = useCallback(
    async (kind: "reset" | "after" | "before" | "start", limit: number) => {
      if (inFlight.current && kind !== "reset") return;
      const gen = kind === "reset" ? ++generation.current : generation.current;
      const s = stateRef.current;
      const after = kind === "after" ? s.next : null;
      const before = kind === "before" && s.rows.length > 0 ? cursorOf(s.rows[0]) : null;
      if ((kind === "after" && !after) || (kind === "before" && !before)) return;
      inFlight.current = true;
      setState((x) => ({ ...x, loading: true }));
      try {
        const page = await api.timelinePage(caseId, filter, after, before, limit);
        if (gen !== generation.current) return;
        setState((x) => {
          const held =
            kind === "reset"
              ? withPageAfter(EMPTY_STRETCH, page, KEEP_ROWS)
              : kind === "start"
                ? withPageAfter(restart(x), page, KEEP_ROWS)
                : kind === "after"
                  ? withPageAfter(x, page, KEEP_ROWS)
                  : withPageBefore(x, page, KEEP_ROWS);
          return { ...held, loading: false, coverage: page.indexCoverage };
        });
      } catch (e) {
        if (gen === generation.current) {
          // Stop reading on: what is held stays, and no page is asked for again until a reload.
          setState((x) => ({ ...x, loading: false, next: null, before: false, ended: true, extent: x.offset + x.rows.length }));
          onError(e);
        }
      } finally {
        if (gen === generation.current) inFlight.current = false;
      }
    },
    [caseId, filter, onError],
  );

  const reload = useCallback(() => {
    inFlight.current = false;
    return read("reset", PAGE_SIZE);
  }, [read]);

  useEffect(() => {
    void reload();
  }, [reload]);

  /** The table shows positions `start` to `end` (exclusive): read towards them if they are not held. */
  const show = useCallback(
    (start: number, end: number) => {
      shown.current = { start, end };
      const s = stateRef.current;
      if (inFlight.current || s.loading) return;
      const n = need(s, start, end, MARGIN_ROWS, PAGE_SIZE, FAR_PAGE_SIZE);
      if (n) void read(n.read, n.limit);
    },
    [read],
  );

  // Each page read may leave the window still short of rows: look again once it is in.
  useEffect(() => {
    if (!state.loading) show(shown.current.start, shown.current.end);
  }, [state, show]);

  /** Updates one row in place (after flagging) without reloading. */
  const patchRow = useCallback((id: string, patch: Partial<EventRow>) => {
    setState((s) => ({ ...s, rows: s.rows.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));
  }, []);

  return { ...state, hasMore: !state.ended, reload, show, patchRow };
}
