import type { Cursor, EventRow, TimelinePage } from "../../ipc";

/** The stretch of a timeline held in memory: at most a bounded number of consecutive rows, wherever
 * the responder has scrolled. Rows scrolled far past are let go and read again (forwards or back from
 * a keyset cursor) when scrolled back to, so a million-event case costs the window the same memory
 * at its millionth row as at its first. Positions count rows from the start of the filtered timeline. */
export type Stretch = {
  /** The rows held, consecutive in time order. */
  rows: EventRow[];
  /** The position of `rows[0]`. */
  offset: number;
  /** Where the page after the last row held starts; `null` when that row ends the timeline. */
  next: Cursor | null;
  /** Rows exist before `rows[0]` (it was let go of, or not read yet). */
  before: boolean;
  /** How many rows are known to exist: one past the furthest position ever held. */
  extent: number;
  /** `extent` is the whole timeline (its last row has been read). */
  ended: boolean;
};

/** Nothing read yet. */
export const EMPTY_STRETCH: Stretch = { rows: [], offset: 0, next: null, before: false, extent: 0, ended: false };

/** How to get closer to the window the table shows. */
export type Need = { read: "after" | "before" | "start"; limit: number };

/** The cursor of a row (the keyset position pages start beside). */
export function cursorOf(r: EventRow): Cursor {
  return { at: r.at, id: r.id };
}

/** `s` with a page read after its last row (or from the start, when it holds none) appended,
 * and as many rows let go of at the front as it takes to hold at most `keep`. */
export function withPageAfter(s: Stretch, page: TimelinePage, keep: number): Stretch {
  let rows = s.rows.length === 0 ? page.events : s.rows.concat(page.events);
  const drop = Math.max(0, rows.length - keep);
  if (drop > 0) rows = rows.slice(drop);
  const offset = s.offset + drop;
  const end = offset + rows.length;
  const ended = page.next === null;
  return {
    rows,
    offset,
    next: page.next,
    before: s.before || drop > 0,
    // At the end the extent is exact, whatever was known before (events may have gone meanwhile).
    extent: ended ? end : Math.max(s.extent, end),
    ended: ended || s.ended,
  };
}

/** `s` with a page read back before its first row prepended, and as many rows let go of at the end
 * as it takes to hold at most `keep`. A page that is not full reached the start: its first row is
 * then at position 0, whatever the count said (events may have come or gone meanwhile). */
export function withPageBefore(s: Stretch, page: TimelinePage, keep: number): Stretch {
  const atStart = page.next === null;
  const offset = atStart ? 0 : Math.max(0, s.offset - page.events.length);
  const shift = offset - (s.offset - page.events.length);
  let rows = page.events.concat(s.rows);
  let next = s.next;
  if (rows.length > keep) {
    rows = rows.slice(0, keep);
    next = cursorOf(rows[keep - 1]);
  }
  return {
    rows,
    offset,
    next,
    before: !atStart,
    extent: Math.max(0, s.extent + shift, offset + rows.length),
    ended: s.ended,
  };
}

/** `s` let go of, to be read again from the start (its extent kept, so the scroll position holds). */
export function restart(s: Stretch): Stretch {
  return { ...EMPTY_STRETCH, extent: s.extent, ended: s.ended };
}

/** What to read for the table's window of positions `start` (inclusive) to `end` (exclusive), or
 * `null` when the rows held cover it with `margin` rows to spare on each side. A window far from
 * the rows held is reached in pages of `far` rows; nearer ones in pages of `near`. A window closer
 * to the start than to the rows held is reached by reading from the start again. */
export function need(s: Stretch, start: number, end: number, margin: number, near: number, far: number): Need | null {
  const heldEnd = s.offset + s.rows.length;
  if (s.before && start < s.offset + margin) {
    if (end < s.offset && start < s.offset - end) return { read: "start", limit: near };
    return { read: "before", limit: end < s.offset ? far : near };
  }
  if (s.next !== null && end > heldEnd - margin) return { read: "after", limit: start > heldEnd ? far : near };
  return null;
}

/** How many positions the table scrolls over: every row known, and one for "loading more" when the
 * end has not been read. */
export function scrollCount(s: Stretch): number {
  return s.extent + (s.ended ? 0 : 1);
}

/** The row at position `i`, if held. */
export function rowAt(s: Stretch, i: number): EventRow | undefined {
  return i >= s.offset && i < s.offset + s.rows.length ? s.rows[i - s.offset] : undefined;
}
