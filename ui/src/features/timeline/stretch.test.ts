import { describe, expect, it } from "vitest";
import type { Cursor, EventRow, TimelinePage } from "../../ipc";
import { EMPTY_STRETCH, need, restart, rowAt, scrollCount, withPageAfter, withPageBefore, type Stretch } from "./stretch";

const row = (i: number): EventRow => ({
  id: `ev-${String(i).padStart(6, "0")}`,
  // Pairs of events share a time: only the id orders them.
  at: 1_700_000_000_000_000 + Math.floor(i / 2) * 1_000_000,
  atText: null,
  host: "ws-1",
  account: "",
  source: "",
  description: `event ${i}`,
  phase: "detect",
  keyEvent: false,
  techniques: [],
  author: "Dana",
  conflicts: 0,
});

/** A timeline of `n` rows paged as the core pages it: keyset cursors, `next` only on a full page. */
function timeline(n: number) {
  const all = Array.from({ length: n }, (_, i) => row(i));
  const pos = (c: Cursor) => all.findIndex((r) => r.id === c.id);
  const calls: string[] = [];
  function page(after: Cursor | null, before: Cursor | null, limit: number): TimelinePage {
    calls.push(before ? "before" : after ? "after" : "start");
    if (before) {
      const end = pos(before);
      const events = all.slice(Math.max(0, end - limit), end);
      return { events, next: events.length === limit ? { at: events[0].at, id: events[0].id } : null, indexCoverage: null };
    }
    const start = after ? pos(after) + 1 : 0;
    const events = all.slice(start, start + limit);
    const last = events[events.length - 1];
    return { events, next: events.length === limit ? { at: last.at, id: last.id } : null, indexCoverage: null };
  }
  return { all, page, calls };
}

/** Reads as the hook does until the window `start..end` is held with the margin to spare. */
function settle(t: ReturnType<typeof timeline>, s: Stretch, start: number, end: number, keep: number): Stretch {
  for (let guard = 0; guard < 1_000; guard++) {
    const n = need(s, start, end, 15, 100, 400);
    if (!n) return s;
    if (n.read === "start") s = withPageAfter(restart(s), t.page(null, null, n.limit), keep);
    else if (n.read === "after") s = withPageAfter(s, t.page(s.next, null, n.limit), keep);
    else s = withPageBefore(s, t.page(null, { at: s.rows[0].at, id: s.rows[0].id }, n.limit), keep);
    expect(s.rows.length).toBeLessThanOrEqual(keep);
  }
  throw new Error("never settled");
}

/** Every row held sits at its true position, and the window is held. */
function expectTrue(t: ReturnType<typeof timeline>, s: Stretch, start: number, end: number) {
  s.rows.forEach((r, k) => expect(r.id).toBe(t.all[s.offset + k].id));
  for (let i = start; i < Math.min(end, t.all.length); i++) expect(rowAt(s, i)?.id).toBe(t.all[i].id);
}

describe("the stretch of rows held", () => {
  it("appends pages after and lets go of the front beyond the rows it keeps", () => {
    const t = timeline(1_000);
    let s = withPageAfter(EMPTY_STRETCH, t.page(null, null, 100), 250);
    s = withPageAfter(s, t.page(s.next, null, 100), 250);
    expect([s.offset, s.rows.length, s.before, s.extent, s.ended]).toEqual([0, 200, false, 200, false]);
    s = withPageAfter(s, t.page(s.next, null, 100), 250);
    expect([s.offset, s.rows.length, s.before, s.extent]).toEqual([50, 250, true, 300]);
    expect(scrollCount(s)).toBe(301);
    expectTrue(t, s, 50, 300);
  });

  it("prepends pages read back and lets go of the end, keeping a cursor to read it again", () => {
    const t = timeline(1_000);
    let s = EMPTY_STRETCH;
    for (let k = 0; k < 5; k++) s = withPageAfter(s, t.page(s.next, null, 100), 250);
    expect(s.offset).toBe(250);
    s = withPageBefore(s, t.page(null, { at: s.rows[0].at, id: s.rows[0].id }, 100), 250);
    expect([s.offset, s.rows.length, s.extent]).toEqual([150, 250, 500]);
    expect(s.next).toEqual({ at: t.all[399].at, id: t.all[399].id });
    expectTrue(t, s, 150, 400);
    // The rest of the way to the start: a short page puts its first row at position 0.
    s = withPageBefore(s, t.page(null, { at: s.rows[0].at, id: s.rows[0].id }, 200), 250);
    expect([s.offset, s.before]).toEqual([0, false]);
    expectTrue(t, s, 0, 250);
  });

  it("knows the whole extent once the last page is read, and never asks past either end", () => {
    const t = timeline(230);
    expect(need(EMPTY_STRETCH, 0, 10, 15, 100, 400)).toBeNull();
    let s = withPageAfter(EMPTY_STRETCH, t.page(null, null, 100), 1_000);
    s = settle(t, s, 200, 230, 1_000);
    expect([s.extent, s.ended, scrollCount(s)]).toEqual([230, true, 230]);
    expect(need(s, 0, 230, 15, 100, 400)).toBeNull();
  });

  it("scrolls a long timeline down, part way back and to the top holding no more than it keeps", () => {
    const t = timeline(5_000);
    let s = withPageAfter(EMPTY_STRETCH, t.page(null, null, 100), 1_000);
    for (let top = 0; top <= 4_970; top += 37) {
      s = settle(t, s, top, top + 30, 1_000);
      expectTrue(t, s, top, top + 30);
    }
    expect([s.ended, s.extent, s.offset]).toEqual([true, 5_000, 4_000]);
    // A jump back past what is held: read back in far pages, not from the start.
    t.calls.length = 0;
    s = settle(t, s, 2_500, 2_530, 1_000);
    expectTrue(t, s, 2_500, 2_530);
    expect(t.calls.every((c) => c === "before")).toBe(true);
    expect(t.calls.length).toBeLessThanOrEqual(Math.ceil(1_500 / 400) + 1);
    // Near the top: read from the start again, once, then forwards.
    t.calls.length = 0;
    s = settle(t, s, 300, 330, 1_000);
    expect(t.calls[0]).toBe("start");
    expectTrue(t, s, 300, 330);
    s = settle(t, s, 0, 30, 1_000);
    expectTrue(t, s, 0, 30);
    expect([s.offset, s.extent, scrollCount(s)]).toEqual([0, 5_000, 5_000]);
  });

  it("puts the first row at position 0 when the start comes sooner than counted (events gone meanwhile)", () => {
    const t = timeline(300);
    let s = EMPTY_STRETCH;
    for (let k = 0; k < 3; k++) s = withPageAfter(s, t.page(s.next, null, 100), 150);
    expect(s.offset).toBe(150);
    // Sixty events before the rows held were deleted: the page back is short, and the start.
    const short: TimelinePage = { events: t.all.slice(60, 150), next: null, indexCoverage: null };
    s = withPageBefore(s, short, 150);
    expect([s.offset, s.before, s.rows.length]).toEqual([0, false, 150]);
    expect(s.rows[0].id).toBe(t.all[60].id);
    expect(s.extent).toBe(240);
  });
});
