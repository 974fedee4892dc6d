import { describe, expect, it, vi } from "vitest";

vi.mock("@tauri-apps/api/core", () => {
  class Channel<T> {
    id = 1;
    onmessage: (m: T) => void = () => {};
  }
  return { invoke: vi.fn(), Channel };
});

import { invoke } from "@tauri-apps/api/core";
import { api, AppError } from "./index";

const inv = vi.mocked(invoke);

describe("api", () => {
  it("calls the snake_case command with camelCase argument names and returns the value", async () => {
    inv.mockResolvedValueOnce("case-9");
    await api.caseCreate({ title: "t", summary: null, severity: "high", tlp: "red", template: "ransomware" });
    expect(inv).toHaveBeenLastCalledWith("case_create", {
      newCase: { title: "t", summary: null, severity: "high", tlp: "red", template: "ransomware" },
    });

    inv.mockResolvedValueOnce({ case: { id: "c1" }, counts: [], commits: 1, conflicts: 0 });
    const d = await api.caseGet("c1");
    expect(d.commits).toBe(1);
    expect(inv).toHaveBeenLastCalledWith("case_get", { caseId: "c1" });

    inv.mockResolvedValueOnce({ name: "Bob" });
    await api.partnerAdd("card", "green");
    expect(inv).toHaveBeenLastCalledWith("partner_add", { card: "card", maxTlp: "green" });
  });

  it("throws an AppError with the core's code and message", async () => {
    inv.mockRejectedValueOnce({ code: "wrong_passphrase", message: "wrong passphrase" });
    const e = await api.vaultUnlock("x").catch((e: unknown) => e);
    expect(e).toBeInstanceOf(AppError);
    expect(e).toMatchObject({ code: "wrong_passphrase", message: "wrong passphrase" });
  });

  it("passes a progress channel and forwards its messages", async () => {
    const seen: number[] = [];
    inv.mockImplementationOnce(async (_cmd, args) => {
      const ch = (args as { onProgress: { onmessage: (m: { done: number; total: number | null }) => void } }).onProgress;
      ch.onmessage({ done: 10, total: 20 });
      ch.onmessage({ done: 20, total: 20 });
      return { id: "e1" };
    });
    await api.evidenceAdd("c1", "/f", null, (p) => seen.push(p.done));
    expect(seen).toEqual([10, 20]);
    expect(inv.mock.lastCall![0]).toBe("evidence_add");
    expect(Object.keys(inv.mock.lastCall![1] as object)).toEqual(["caseId", "path", "description", "onProgress"]);
  });
});
