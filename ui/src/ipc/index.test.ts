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

  it("sends a share request with a progress channel", async () => {
    inv.mockResolvedValueOnce({ bundleId: "b", files: ["/x"], sha256: "00", bytes: 1, commits: 1, withheld: [] });
    const req = { to: ["Bob"], tlp: "green", delta: false, armor: true, splitMib: null, allowUnverified: false, dest: "/x" };
    await api.shareExport("c1", req);
    expect(inv.mock.lastCall![0]).toBe("share_export");
    expect(Object.keys(inv.mock.lastCall![1] as object)).toEqual(["caseId", "request", "onProgress"]);
    expect((inv.mock.lastCall![1] as { request: unknown }).request).toEqual(req);
    inv.mockResolvedValueOnce({ outcome: "accepted" });
    await api.inboxAccept(4, true);
    expect(inv).toHaveBeenLastCalledWith("inbox_accept", { id: 4, trustNewSender: true });
  });

  it("turns the inbox channel into plain callbacks until stopped", async () => {
    let ch: { onmessage: (m: unknown) => void } | null = null;
    inv.mockImplementationOnce(async (_cmd, args) => {
      ch = (args as { onNotice: { onmessage: (m: unknown) => void } }).onNotice;
      return null;
    });
    const seen: unknown[] = [];
    const stop = await api.inboxSubscribe((n) => seen.push(n));
    expect(inv.mock.lastCall![0]).toBe("inbox_subscribe");
    ch!.onmessage({ kind: "recorded", message: "new file", item: { id: 1, state: "pending", reason: "", paths: [], size: 1, sha256: "", firstSeen: 0 } });
    ch!.onmessage({ kind: "folder_gone", message: "gone" });
    stop();
    ch!.onmessage({ kind: "problem", message: "late" });
    expect(seen).toEqual([
      { kind: "recorded", message: "new file", item: { id: 1, state: "pending", reason: "", paths: [], size: 1, sha256: "", firstSeen: 0, preview: null } },
      { kind: "folder_gone", message: "gone", item: null },
    ]);
  });
});
