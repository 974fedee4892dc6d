import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, type Cursor, type EventRow, type TimelineFilter } from "../../ipc";

export const PAGE_SIZE = 500;
/**
 * Pages kept on each side of the ones on screen. Farther pages drop their rows (keeping the cursor
 * that fetched them) and are fetched again when scrolled back to, so memory stays flat however far
 * a responder scrolls through a million events.
 */
export const KEEP_PAGES = 3;

export const EMPTY_FILTER: TimelineFilter = {
  from: null,
  to: null,
  host: null,
  phase: null,
  keyOnly: false,
  author: null,
  text: null,
};

/** One keyset page: the cursor it was fetched after, its row count, and its rows unless dropped. */
type Page = { after: Cursor | null; length: number; rows: EventRow[] | null };
type State = { pages: Page[]; next: Cursor | null; done: boolean; loading: boolean; coverage: number | null };

const EMPTY: State = { pages: [], next: null, done: false, loading: false, coverage: null };

/**
 * Keyset-paged rows of a case's timeline under a filter: `loadMore` fetches the next page, `showing`
 * says which rows are on screen (far pages are dropped, dropped pages in view fetched again).
 */
export function useTimeline(caseId: string, filter: TimelineFilter, onError: (e: unknown) => void) {
  const [state, setState] = useState<State>(EMPTY);
  const generation = useRef(0);
  const inFlight = useRef(false);
  const refilling = useRef(new Set<number>());
  const stateRef = useRef(state);
  stateRef.current = state;

  const fetchPage = useCallback(
    async (reset: boolean) => {
      if (inFlight.current && !reset) return;
      const gen = reset ? ++generation.current : generation.current;
      const after = reset ? null : stateRef.current.next;
      if (!reset && (stateRef.current.done || !after)) return;
      if (reset) refilling.current.clear();
      inFlight.current = true;
      setState((s) => ({ ...s, loading: true }));
      try {
        const page = await api.timelinePage(caseId, filter, after, PAGE_SIZE);
        if (gen !== generation.current) return;
        const fresh: Page = { after, length: page.events.length, rows: page.events };
        setState((s) => ({
          pages: reset ? [fresh] : s.pages.concat([fresh]),
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

  /** Fetches a dropped page again from its cursor. */
  const refill = useCallback(
    async (index: number) => {
      const page = stateRef.current.pages[index];
      if (!page || page.rows || refilling.current.has(index)) return;
      const gen = generation.current;
      refilling.current.add(index);
      try {
        const got = await api.timelinePage(caseId, filter, page.after, PAGE_SIZE);
        if (gen !== generation.current) return;
        if (got.events.length < page.length) {
          // Events were removed since: the row positions no longer hold, start over.
          void reload();
          return;
        }
        const rows = got.events.slice(0, page.length);
        setState((s) => ({ ...s, pages: s.pages.map((p, i) => (i === index ? { ...p, rows } : p)) }));
      } catch (e) {
        if (gen === generation.current) onError(e);
      } finally {
        if (gen === generation.current) refilling.current.delete(index);
      }
    },
    [caseId, filter, onError, reload],
  );

  // Where each page starts, for row lookups.
  const starts = useMemo(() => {
    const out: number[] = [];
    let n = 0;
    for (const p of state.pages) {
      out.push(n);
      n += p.length;
    }
    return { out, total: n };
  }, [state.pages]);

  const pageOf = useCallback(
    (row: number) => {
      const s = starts.out;
      let lo = 0;
      let hi = s.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (s[mid] <= row) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    },
    [starts],
  );

  /** The row at `index`, or undefined while its page is dropped or being fetched again. */
  const rowAt = useCallback(
    (index: number): EventRow | undefined => {
      if (index < 0 || index >= starts.total) return undefined;
      const p = pageOf(index);
      return state.pages[p].rows?.[index - starts.out[p]];
    },
    [pageOf, starts, state.pages],
  );

  /** The index of a loaded row, or -1. */
  const indexOf = useCallback(
    (id: string): number => {
      for (let p = 0; p < state.pages.length; p++) {
        const i = state.pages[p].rows?.findIndex((r) => r.id === id) ?? -1;
        if (i >= 0) return starts.out[p] + i;
      }
      return -1;
    },
    [starts, state.pages],
  );

  /** Rows `first`…`last` are on screen: fetch their dropped pages again, drop pages far from them. */
  const showing = useCallback(
    (first: number, last: number) => {
      if (starts.total === 0 || last < first) return;
      const lo = pageOf(Math.max(0, first));
      const hi = pageOf(Math.min(starts.total - 1, last));
      const pages = stateRef.current.pages;
      for (let i = lo; i <= hi; i++) if (!pages[i]?.rows) void refill(i);
      const far = (i: number) => i < lo - KEEP_PAGES || i > hi + KEEP_PAGES;
      if (pages.some((p, i) => p.rows && far(i))) {
        setState((s) => ({ ...s, pages: s.pages.map((p, i) => (p.rows && far(i) ? { ...p, rows: null } : p)) }));
      }
    },
    [pageOf, refill, starts.total],
  );

  /** Updates one row in place (after flagging) without reloading. */
  const patchRow = useCallback((id: string, patch: Partial<EventRow>) => {
    setState((s) => ({
      ...s,
      pages: s.pages.map((p) =>
        p.rows?.some((r) => r.id === id) ? { ...p, rows: p.rows.map((r) => (r.id === id ? { ...r, ...patch } : r)) } : p,
      ),
    }));
  }, []);

  const keptRows = useMemo(() => state.pages.reduce((n, p) => n + (p.rows ? p.length : 0), 0), [state.pages]);

  return {
    count: starts.total,
    keptRows,
    rowAt,
    indexOf,
    showing,
    hasMore: !state.done,
    loading: state.loading,
    coverage: state.coverage,
    reload,
    loadMore,
    patchRow,
  };
}
