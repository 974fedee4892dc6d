import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, renderHook, waitFor } from "@testing-library/react";
import type { Cursor, EventRow } from "../../ipc";

vi.mock("../../ipc", () => ({ api: { timelinePage: vi.fn() } }));

import { api } from "../../ipc";
import { EMPTY_FILTER, KEEP_PAGES, PAGE_SIZE, useTimeline } from "./useTimeline";

const mocked = vi.mocked(api);
const PAGES = 10;
const TOTAL = PAGES * PAGE_SIZE;

function row(i: number): EventRow {
  return {
    id: `ev-${i}`, at: i, atText: null, host: "", account: "", source: "", description: `event ${i}`,
    phase: "", keyEvent: false, techniques: [], author: "Ana", conflicts: 0,
  };
}

/** A case of TOTAL events served by keyset cursor, as the core does. */
function serve(total = TOTAL) {
  mocked.timelinePage.mockImplementation(async (_case, _filter, after: Cursor | null, limit: number) => {
    const start = after ? Number(after.at) + 1 : 0;
    const events = Array.from({ length: Math.max(0, Math.min(limit, total - start)) }, (_, i) => row(start + i));
    const end = start + events.length;
    return { events, next: end < total ? { at: end - 1, id: `ev-${end - 1}` } : null, indexCoverage: null };
  });
}

async function loadAll() {
  const onError = vi.fn();
  const hook = renderHook(() => useTimeline("case-1", EMPTY_FILTER, onError));
  await waitFor(() => expect(hook.result.current.count).toBe(PAGE_SIZE));
  while (hook.result.current.hasMore) {
    const before = hook.result.current.count;
    act(() => hook.result.current.loadMore());
    await waitFor(() => expect(hook.result.current.count).toBeGreaterThan(before));
  }
  expect(hook.result.current.count).toBe(TOTAL);
  return { hook, onError };
}

beforeEach(() => {
  mocked.timelinePage.mockReset();
});

describe("useTimeline", () => {
  it("drops pages far from the screen and fetches them again from their cursor when scrolled back", async () => {
    serve();
    const { hook, onError } = await loadAll();
    expect(hook.result.current.keptRows).toBe(TOTAL);

    // At the end: only the last page and KEEP_PAGES before it stay in memory.
    act(() => hook.result.current.showing(TOTAL - 30, TOTAL - 1));
    expect(hook.result.current.keptRows).toBe((KEEP_PAGES + 1) * PAGE_SIZE);
    expect(hook.result.current.rowAt(0)).toBeUndefined();
    expect(hook.result.current.rowAt(TOTAL - 1)?.id).toBe(`ev-${TOTAL - 1}`);
    expect(hook.result.current.count).toBe(TOTAL);

    // Back at the top: page 0 comes back (asked for with no cursor), the far end is dropped.
    const calls = mocked.timelinePage.mock.calls.length;
    act(() => hook.result.current.showing(PAGE_SIZE + 10, PAGE_SIZE + 40));
    await waitFor(() => expect(hook.result.current.rowAt(PAGE_SIZE + 10)?.id).toBe(`ev-${PAGE_SIZE + 10}`));
    const refetched = mocked.timelinePage.mock.calls.slice(calls);
    expect(refetched).toHaveLength(1);
    expect(refetched[0][2]).toEqual({ at: PAGE_SIZE - 1, id: `ev-${PAGE_SIZE - 1}` });
    expect(hook.result.current.rowAt(TOTAL - 1)).toBeUndefined();
    expect(hook.result.current.keptRows).toBeLessThanOrEqual((KEEP_PAGES + 2) * PAGE_SIZE);
    expect(hook.result.current.indexOf(`ev-${PAGE_SIZE + 20}`)).toBe(PAGE_SIZE + 20);
    expect(onError).not.toHaveBeenCalled();
  });

  it("starts over when a dropped page comes back shorter (events were removed meanwhile)", async () => {
    serve();
    const { hook } = await loadAll();
    act(() => hook.result.current.showing(TOTAL - 30, TOTAL - 1));
    serve(PAGE_SIZE / 2);
    act(() => hook.result.current.showing(0, 30));
    await waitFor(() => expect(hook.result.current.count).toBe(PAGE_SIZE / 2));
    expect(hook.result.current.hasMore).toBe(false);
    expect(hook.result.current.rowAt(0)?.id).toBe("ev-0");
  });
});
