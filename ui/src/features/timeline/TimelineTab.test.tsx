import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { EventRow, TimelineFilter } from "../../ipc";

vi.mock("../../ipc", () => ({
  api: {
    timelinePage: vi.fn(),
    timelineBuckets: vi.fn(),
    eventAdd: vi.fn(),
    eventFlag: vi.fn(),
    timelineImport: vi.fn(),
    workCancel: vi.fn(),
  },
  systemTimeZone: () => "Europe/Vienna",
  toAppError: (e: { code?: string; message?: string }) => ({ code: e.code ?? "internal", message: e.message ?? String(e) }),
}));

import { api } from "../../ipc";
import { ErrorProvider, ErrorBanner } from "../../components/errors";
import { TimelineTab } from "./TimelineTab";
import { OVERSCAN } from "./TimelineTable";

const mocked = vi.mocked(api);
const T0 = Date.UTC(2026, 10, 2, 1, 5) * 1000;

function row(i: number, extra: Partial<EventRow> = {}): EventRow {
  return {
    id: `ev-${String(i).padStart(5, "0")}`,
    at: T0 + i * 60_000_000,
    atText: null,
    host: `WS-${i}`,
    account: "",
    source: "",
    description: `event ${i}`,
    phase: i % 2 ? "detect" : "",
    keyEvent: i === 1,
    techniques: [],
    author: "Ana",
    conflicts: 0,
    ...extra,
  };
}

function renderTab() {
  return render(
    <ErrorProvider>
      <ErrorBanner />
      <TimelineTab caseId="case-1" />
    </ErrorProvider>,
  );
}

beforeEach(() => {
  mocked.timelineBuckets.mockResolvedValue([
    { start: T0, count: 2 },
    { start: T0 + 3_600_000_000, count: 1 },
  ]);
  mocked.eventFlag.mockResolvedValue(undefined);
});

describe("TimelineTab", () => {
  it("renders rows from timeline_page in the order given, with time in UTC and the key-event star", async () => {
    mocked.timelinePage.mockResolvedValue({ events: [row(0), row(1), row(2)], next: null, indexCoverage: null });
    renderTab();
    await waitFor(() => expect(screen.getAllByTestId("timeline-row")).toHaveLength(3));
    const rows = screen.getAllByTestId("timeline-row");
    expect(rows.map((r) => r.getAttribute("data-event-id"))).toEqual(["ev-00000", "ev-00001", "ev-00002"]);
    expect(rows[0].textContent).toContain("2026-11-02 01:05:00Z");
    expect(screen.getAllByTestId("event-description").map((d) => d.textContent)).toEqual(["event 0", "event 1", "event 2"]);
    expect(screen.getAllByTestId("flag-button").map((b) => b.getAttribute("aria-pressed"))).toEqual(["false", "true", "false"]);
    expect(mocked.timelinePage).toHaveBeenCalledWith(
      "case-1",
      { from: null, to: null, host: null, phase: null, keyOnly: false, author: null, text: null },
      null,
      null,
      500,
    );
    expect(screen.getByTestId("overview-chart")).toBeTruthy();
  });

  it("keeps only visible rows in the DOM and fetches the next page with the keyset cursor", async () => {
    const first = Array.from({ length: 100 }, (_, i) => row(i, { keyEvent: false }));
    const second = Array.from({ length: 50 }, (_, i) => row(100 + i, { keyEvent: false }));
    mocked.timelinePage
      .mockResolvedValueOnce({ events: first, next: { at: first[99].at, id: first[99].id }, indexCoverage: null })
      .mockResolvedValueOnce({ events: second, next: null, indexCoverage: null });
    renderTab();
    await waitFor(() => expect(mocked.timelinePage).toHaveBeenCalledTimes(2));
    expect(mocked.timelinePage.mock.calls[1][2]).toEqual({ at: first[99].at, id: "ev-00099" });
    await waitFor(() => expect(screen.getByText(/^150 events$/)).toBeTruthy());
    expect(screen.getAllByTestId("timeline-row").length).toBeLessThan(100);
  });

  it("reuses the DOM nodes of rows that scroll out for the rows that scroll in", async () => {
    const events = Array.from({ length: 300 }, (_, i) => row(i, { keyEvent: false }));
    mocked.timelinePage.mockResolvedValue({ events, next: null, indexCoverage: null });
    renderTab();
    await waitFor(() => expect(screen.getAllByTestId("timeline-row").length).toBeGreaterThan(OVERSCAN));
    const scroller = screen.getByTestId("timeline-scroll");
    const scrollTo = (rowIndex: number) => {
      Object.defineProperty(scroller, "scrollTop", { configurable: true, value: 28 * rowIndex });
      fireEvent.scroll(scroller);
    };
    scrollTo(100);
    await waitFor(() => expect(screen.queryByText("event 0")).toBeNull());
    const before = screen.getAllByTestId("timeline-row");
    const first = before.find((r) => r.getAttribute("data-event-id") === "ev-00100")!;
    expect(first).toBeTruthy();
    scrollTo(200);
    await waitFor(() => expect(screen.queryByText("event 100")).toBeNull());
    const after = screen.getAllByTestId("timeline-row");
    expect(after.length).toBe(before.length);
    // Same element, now another event: nothing was built or thrown away.
    expect(first.isConnected).toBe(true);
    expect(after).toContain(first);
    expect(first.getAttribute("data-event-id")).not.toBe("ev-00100");
    const ids = after.map((r) => Number(r.getAttribute("data-event-id")!.slice(3))).sort((a, b) => a - b);
    expect(ids[0]).toBeLessThanOrEqual(200);
    expect(ids[ids.length - 1]).toBeGreaterThanOrEqual(200 + 600 / 28);
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, k) => ids[0] + k));
  });

  it("asks for the overview chart only once the first rows are in", async () => {
    let answer: (v: { events: EventRow[]; next: null; indexCoverage: null }) => void = () => {};
    mocked.timelinePage.mockReturnValueOnce(new Promise((r) => (answer = r)));
    renderTab();
    await waitFor(() => expect(mocked.timelinePage).toHaveBeenCalledTimes(1));
    await act(async () => {
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(mocked.timelineBuckets).not.toHaveBeenCalled();
    await act(async () => answer({ events: [row(0)], next: null, indexCoverage: null }));
    await waitFor(() => expect(mocked.timelineBuckets).toHaveBeenCalledTimes(1));
    expect(mocked.timelinePage.mock.invocationCallOrder[0]).toBeLessThan(mocked.timelineBuckets.mock.invocationCallOrder[0]);
  });

  it("refuses a bad quick-add line without calling the core", async () => {
    mocked.timelinePage.mockResolvedValue({ events: [], next: null, indexCoverage: null });
    renderTab();
    const input = screen.getByTestId("quick-add");
    fireEvent.change(input, { target: { value: "yesterday Something" } });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(await screen.findByTestId("quick-add-error")).toBeTruthy();
    expect(screen.getByTestId("quick-add-error").textContent).toMatch(/Cannot read the time "yesterday"/);
    fireEvent.change(input, { target: { value: "" } });
    fireEvent.keyDown(input, { key: "Enter" });
    expect(mocked.eventAdd).not.toHaveBeenCalled();
  });

  it("adds a parsed event on Enter, clears the bar and reloads the list", async () => {
    mocked.timelinePage.mockResolvedValue({ events: [], next: null, indexCoverage: null });
    mocked.eventAdd.mockResolvedValue("ev-new");
    renderTab();
    await waitFor(() => expect(mocked.timelinePage).toHaveBeenCalledTimes(1));
    mocked.timelinePage.mockResolvedValue({ events: [row(7, { id: "ev-new", description: "Ransom note found" })], next: null, indexCoverage: null });
    const input = screen.getByTestId("quick-add") as HTMLInputElement;
    fireEvent.change(input, { target: { value: "2026-11-02 03:14 WS-OPS-07 Ransom note found" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(screen.getAllByTestId("timeline-row")).toHaveLength(1));
    expect(mocked.eventAdd).toHaveBeenCalledWith("case-1", {
      when: "2026-11-02T03:14",
      tz: "Europe/Vienna",
      host: "WS-OPS-07",
      description: "Ransom note found",
      phase: null,
    });
    expect(input.value).toBe("");
    expect(screen.getByTestId("timeline-row").getAttribute("aria-selected")).toBe("true");
  });

  it("flags with the star and with f on the selected row", async () => {
    mocked.timelinePage.mockResolvedValue({ events: [row(0, { keyEvent: false }), row(2, { keyEvent: false })], next: null, indexCoverage: null });
    renderTab();
    await waitFor(() => expect(screen.getAllByTestId("timeline-row")).toHaveLength(2));
    fireEvent.click(screen.getAllByTestId("flag-button")[0]);
    await waitFor(() => expect(screen.getAllByTestId("flag-button")[0].getAttribute("aria-pressed")).toBe("true"));
    expect(mocked.eventFlag).toHaveBeenCalledWith("case-1", "ev-00000", true);

    fireEvent.click(screen.getAllByTestId("timeline-row")[1]);
    fireEvent.keyDown(screen.getByTestId("timeline-scroll"), { key: "f" });
    await waitFor(() => expect(screen.getAllByTestId("flag-button")[1].getAttribute("aria-pressed")).toBe("true"));
    expect(mocked.eventFlag).toHaveBeenLastCalledWith("case-1", "ev-00002", true);
  });

  it("shows the core's error in the banner and rolls back a failed flag", async () => {
    mocked.timelinePage.mockResolvedValue({ events: [row(0, { keyEvent: false })], next: null, indexCoverage: null });
    mocked.eventFlag.mockRejectedValue({ code: "locked", message: "the vault is locked; unlock it first" });
    renderTab();
    await waitFor(() => expect(screen.getAllByTestId("timeline-row")).toHaveLength(1));
    fireEvent.click(screen.getByTestId("flag-button"));
    expect((await screen.findByTestId("error-banner")).textContent).toContain("the vault is locked");
    expect(screen.getByTestId("flag-button").getAttribute("aria-pressed")).toBe("false");
  });

  it("sets the from filter when a bar of the overview is clicked, and hints at partial text coverage", async () => {
    mocked.timelinePage.mockResolvedValue({ events: [row(0)], next: null, indexCoverage: 0.5 });
    const { container } = renderTab();
    await waitFor(() => expect(container.querySelectorAll(".overview .bar")).toHaveLength(2));
    await act(async () => {
      fireEvent.click(container.querySelectorAll(".overview .bar")[1]);
    });
    await waitFor(() => {
      const f = mocked.timelinePage.mock.calls.at(-1)![1] as TimelineFilter;
      expect(f.from).toBe(T0 + 3_600_000_000);
    });
    expect(screen.getByText(/text index covers 50%/)).toBeTruthy();
  });

  it("starts another filter's list at its top", async () => {
    const events = Array.from({ length: 300 }, (_, i) => row(i, { keyEvent: false, host: i % 2 ? "FS-01" : "WS-7" }));
    mocked.timelinePage.mockImplementation(async (_case, filter) => ({
      events: filter.host ? events.filter((e) => e.host === filter.host) : events,
      next: null,
      indexCoverage: null,
    }));
    renderTab();
    await waitFor(() => expect(screen.getAllByTestId("timeline-row").length).toBeGreaterThan(OVERSCAN));
    const scroller = screen.getByTestId("timeline-scroll");
    Object.defineProperty(scroller, "scrollTop", { configurable: true, value: 28 * 200 });
    fireEvent.scroll(scroller);
    await waitFor(() => expect(screen.queryByText("event 0")).toBeNull());
    fireEvent.change(screen.getByLabelText("Host"), { target: { value: "FS-01" } });
    await waitFor(() => expect(screen.getByText("event 1")).toBeTruthy());
    expect(screen.getByTestId("timeline-scroll")).not.toBe(scroller);
    expect(screen.getAllByTestId("event-description")[0].textContent).toBe("event 1");
  });
});
