import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { Conflict } from "../../ipc";

vi.mock("../../ipc", () => ({
  api: {
    history: vi.fn(async () => [{ id: "c0ffee", author: "Ana", keyId: "k", at: 1_795_227_120_000_000, message: "set severity", ops: 1 }]),
    conflictList: vi.fn(),
    conflictResolve: vi.fn(async () => undefined),
  },
  toAppError: (e: unknown) => e,
}));

import { api } from "../../ipc";
import { ConflictView, showValue } from "./ConflictView";
import { HistoryTab } from "./HistoryTab";

const conflict: Conflict = {
  kind: "case",
  record: "rec-1",
  field: "severity",
  winner: { value: '"high"', author: "Ana", commit: "aaaaaaaaaaaaaaaa" },
  others: [
    { value: '"critical"', author: "Bob", commit: "bbbbbbbbbbbbbbbb" },
    { value: "3", author: "Cyd", commit: "cccccccccccccccc" },
  ],
};

describe("ConflictView", () => {
  it("shows every value with its author and keeps the one chosen", () => {
    const onKeep = vi.fn();
    render(<ConflictView conflicts={[conflict]} onKeep={onKeep} />);
    const values = screen.getAllByTestId("conflict-value");
    expect(values).toHaveLength(3);
    expect(values.map((v) => v.querySelector(".value")!.textContent)).toEqual(["high", "critical", "3"]);
    expect(values[0].textContent).toContain("by Ana");
    expect(values[1].textContent).toContain("by Bob");
    expect(values[2].textContent).toContain("by Cyd");
    fireEvent.click(within(values[1]).getByRole("button", { name: "Keep this value" }));
    expect(onKeep).toHaveBeenCalledWith(conflict, conflict.others[0]);
  });

  it("says when there is none", () => {
    render(<ConflictView conflicts={[]} onKeep={() => {}} />);
    expect(screen.getByText("No conflicts.")).toBeTruthy();
  });

  it("shows JSON text readably", () => {
    expect(showValue('"x"')).toBe("x");
    expect(showValue('["a","b"]')).toBe('["a","b"]');
    expect(showValue("not json")).toBe("not json");
  });

  it("resolves with the chosen value's JSON text through the api", async () => {
    vi.mocked(api.conflictList).mockResolvedValueOnce([conflict]).mockResolvedValueOnce([]);
    render(<HistoryTab caseId="case-1" />);
    const values = await screen.findAllByTestId("conflict-value");
    fireEvent.click(within(values[1]).getByRole("button", { name: "Keep this value" }));
    await waitFor(() => expect(api.conflictResolve).toHaveBeenCalledWith("case-1", "case", "rec-1", "severity", '"critical"'));
    await waitFor(() => expect(screen.getByText("No conflicts.")).toBeTruthy());
    expect(screen.getByTestId("commit-row").textContent).toContain("set severity");
  });
});
