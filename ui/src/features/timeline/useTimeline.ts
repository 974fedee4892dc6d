import { useCallback, useEffect, useRef, useState } from "react";
import { api, type Cursor, type EventRow, type TimelineFilter } from "../../ipc";

export const PAGE_SIZE = 500;

export const EMPTY_FILTER: TimelineFilter = {
  from: null,
  to: null,
  host: null,
  phase: null,
  keyOnly: false,
  author: null,
  text: null,
};

type State = { rows: EventRow[]; next: Cursor | null; done: boolean; loading: boolean; coverage: number | null };

/** Keyset-paged rows of a case's timeline under a filter; `loadMore` fetches the next page. */
export function useTimeline(caseId: string, filter: TimelineFilter, onError: (e: unknown) => void) {
  const [state, setState] = useState<State>({ rows: [], next: null, done: false, loading: false, coverage: null });
  const generation = useRef(0);
  const inFlight = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;

  const fetchPage = useCallback(
    async (reset: boolean) => {
      if (inFlight.current && !reset) return;
      const gen = reset ? ++generation.current : generation.current;
      const after = reset ? null : stateRef.current.next;
      if (!reset && (stateRef.current.done || !after)) return;
      inFlight.current = true;
      setState((s) => ({ ...s, loading: true }));
      try {
        const page = await api.timelinePage(caseId, filter, after, PAGE_SIZE);
        if (gen !== generation.current) return;
        setState((s) => ({
          rows: reset ? page.events : s.rows.concat(page.events),
          next: page.next,
          done: page.next === null,
          loading: false,
          coverage: page.indexCoverage,
        }));
      } catch (e) {
        if (gen === generation.current) {
          setState((s) => ({ ...s, loading: false, done: true }));
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
    return fetchPage(true);
  }, [fetchPage]);
  const loadMore = useCallback(() => void fetchPage(false), [fetchPage]);

  useEffect(() => {
    void reload();
  }, [reload]);

  /** Updates one row in place (after flagging) without reloading. */
  const patchRow = useCallback((id: string, patch: Partial<EventRow>) => {
    setState((s) => ({ ...s, rows: s.rows.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));
  }, []);

  return { ...state, hasMore: !state.done, reload, loadMore, patchRow };
}
