import { useCallback, useLayoutEffect, useState, type RefObject } from "react";

/** The rows of a fixed-height list to put in the DOM: `start` (inclusive) to `end` (exclusive). */
export type RowWindow = { start: number; end: number };

/** The rows visible in a viewport `viewport` px tall scrolled to `scrollTop`, plus `overscan` rows on
 * each side, clamped to `count` rows of `rowHeight` px. Pure: the same figures give the same window,
 * whatever was loaded before (nothing is measured or cached per row). */
export function rowWindow(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan: number): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewport)) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, last + overscan);
  return { start, end: Math.max(start, end) };
}

/** The `scrollTop` that brings row `index` into view with the least movement (none when it already
 * is), or `null` when no scrolling is needed. */
export function scrollTopToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewport) return Math.max(0, top + rowHeight - viewport);
  return null;
}

/** The React key of row `index` in window `w`: its slot, so a row that scrolls out hands its DOM
 * nodes to the row that scrolls in. Scrolling then updates text in place instead of building and
 * throwing away a subtree per row, which is what grew the web process during long scrolls. Slots
 * are distinct within a window (`end - start` consecutive indexes modulo `end - start`). */
export function slotKey(index: number, w: RowWindow): number {
  return index % Math.max(1, w.end - w.start);
}

/** Windowing for a list of `count` rows of `rowHeight` px inside the scrolling element `scrollRef`:
 * re-renders only when the window changes, allocates nothing per row. */
export function useRowWindow(scrollRef: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan: number) {
  // The first visible row rather than the pixel offset, so scrolling within a row renders nothing.
  const [view, setView] = useState({ row: 0, height: 0 });

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    // Scroll events come at most once a frame, before the frame is drawn.
    const read = () => {
      const row = Math.floor(el.scrollTop / rowHeight);
      const height = el.clientHeight;
      setView((v) => (v.row === row && v.height === height ? v : { row, height }));
    };
    read();
    el.addEventListener("scroll", read, { passive: true });
    const resize = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(read);
    resize?.observe(el);
    return () => {
      el.removeEventListener("scroll", read);
      resize?.disconnect();
    };
  }, [scrollRef, rowHeight]);

  const scrollToIndex = useCallback(
    (index: number) => {
      const el = scrollRef.current;
      if (!el) return;
      const top = scrollTopToShow(index, el.scrollTop, el.clientHeight, rowHeight);
      if (top !== null) el.scrollTop = top;
    },
    [scrollRef, rowHeight],
  );

  // One row of slack below: the true offset lies anywhere within the first visible row.
  const w = rowWindow(view.row * rowHeight, view.height + rowHeight, rowHeight, count, overscan);
  return { ...w, totalSize: count * rowHeight, scrollToIndex };
}
