import { describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import type { BundlePreview, InboxItem, InboxNotice } from "../../ipc";

vi.mock("../../ipc", () => ({
  api: {
    inboxList: vi.fn(),
    inboxFolders: vi.fn(),
    inboxAccept: vi.fn(),
    inboxReject: vi.fn(),
    inboxSubscribe: vi.fn(),
  },
  toAppError: (e: { code?: string; message?: string }) => ({ code: e.code ?? "internal", message: e.message ?? String(e) }),
}));

import { api } from "../../ipc";
import { ErrorBanner, ErrorProvider } from "../../components/errors";
import { acceptedText, InboxPreview, InboxScreen, trustWords } from "./InboxScreen";
import { useInbox, waitingCount } from "./useInbox";

const mocked = vi.mocked(api);

function preview(p: Partial<BundlePreview> = {}): BundlePreview {
  return {
    outcome: "previewed",
    sender: "Bob Analyst",
    senderOrg: "CERT Partner",
    fingerprint: "ABCDEFGHJKMNPQRS",
    trust: "verified partner",
    caseTitle: "Phishing wave",
    commits: 12,
    newCommits: 5,
    newRecords: [{ kind: "event", count: 40 }, { kind: "note", count: 1 }],
    conflicts: 2,
    tlpCeiling: "amber",
    addressedToMe: true,
    ...p,
  };
}
function item(i: Partial<InboxItem> = {}): InboxItem {
  return {
    id: 7,
    state: "pending",
    reason: "",
    paths: ["/inbox/phish.casebundle"],
    size: 2048,
    sha256: "ab".repeat(32),
    preview: preview(),
    firstSeen: Date.UTC(2026, 10, 2, 3, 14) * 1000,
    ...i,
  };
}

describe("InboxPreview", () => {
  it("shows a verified partner's bundle plainly, with what it brings", () => {
    const onAccept = vi.fn();
    render(<InboxPreview item={item()} onAccept={onAccept} onReject={() => {}} />);
    const p = screen.getByTestId("inbox-preview");
    const trust = screen.getByTestId("inbox-trust");
    expect(trust.getAttribute("data-warn")).toBe("false");
    expect(trust.className).toBe("trust-ok");
    expect(p.textContent).toContain("Bob Analyst");
    expect(p.textContent).toContain("CERT Partner");
    expect(p.textContent).toContain("Phishing wave");
    expect(p.textContent).toContain("12 carried, 5 new here");
    expect(p.textContent).toContain("40 events, 1 note");
    expect(p.textContent).toContain("2 fields in conflict");
    expect(p.textContent).toContain("TLP:AMBER");
    expect(screen.getByTestId("inbox-addressed").textContent).toBe("to you");
    expect([...p.querySelectorAll(".fp-block")].map((b) => b.textContent)).toEqual(["ABCD", "EFGH", "JKMN", "PQRS"]);
    expect(screen.queryByTestId("inbox-trust-accept")).toBeNull();
    fireEvent.click(screen.getByTestId("inbox-accept"));
    expect(onAccept).toHaveBeenCalledWith(false);
  });

  it("warns in red about an UNKNOWN sender and a partner NOT VERIFIED", () => {
    const { rerender } = render(
      <InboxPreview item={item({ state: "held", preview: preview({ trust: "UNKNOWN sender", addressedToMe: false }) })} onAccept={() => {}} onReject={() => {}} />,
    );
    let trust = screen.getByTestId("inbox-trust");
    expect(trust.className).toBe("trust-warning");
    expect(trust.textContent).toContain("UNKNOWN sender");
    expect(screen.getByTestId("inbox-addressed").textContent).toContain("forwarded");
    rerender(
      <InboxPreview item={item({ id: 8, state: "held", preview: preview({ trust: "partner NOT VERIFIED" }) })} onAccept={() => {}} onReject={() => {}} />,
    );
    trust = screen.getByTestId("inbox-trust");
    expect(trust.className).toBe("trust-warning");
    expect(trust.textContent).toContain("partner NOT VERIFIED");
    expect(trustWords("yourself").warn).toBe(false);
    expect(trustWords("something new").warn).toBe(true);
  });

  it("trusts a new sender only after the confirmation step", () => {
    const onAccept = vi.fn();
    render(<InboxPreview item={item({ state: "held", preview: preview({ trust: "UNKNOWN sender" }) })} onAccept={onAccept} onReject={() => {}} />);
    fireEvent.click(screen.getByTestId("inbox-trust-accept"));
    expect(onAccept).not.toHaveBeenCalled();
    expect(screen.getByTestId("inbox-trust-confirm-step").textContent).toContain("Bob Analyst");
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByTestId("inbox-trust-confirm-step")).toBeNull();
    fireEvent.click(screen.getByTestId("inbox-trust-accept"));
    fireEvent.click(screen.getByTestId("inbox-trust-confirm"));
    expect(onAccept).toHaveBeenCalledWith(true);
  });

  it("shows a quarantined item's reason prominently, with no Accept or Reject", () => {
    render(
      <InboxPreview
        item={item({ state: "quarantined", reason: "signature does not verify: the bundle was altered", preview: null })}
        onAccept={() => {}}
        onReject={() => {}}
      />,
    );
    expect(screen.getByTestId("inbox-reason").textContent).toContain("signature does not verify: the bundle was altered");
    expect(screen.getByTestId("inbox-reason").getAttribute("role")).toBe("alert");
    expect(screen.queryByTestId("inbox-accept")).toBeNull();
    expect(screen.queryByTestId("inbox-trust-accept")).toBeNull();
    expect(screen.queryByTestId("inbox-reject")).toBeNull();
    expect(screen.queryByTestId("inbox-trust")).toBeNull();
  });

  it("shows a failed item's reason too", () => {
    render(<InboxPreview item={item({ state: "failed", reason: "cannot read the file", preview: null })} onAccept={() => {}} onReject={() => {}} />);
    expect(screen.getByTestId("inbox-reason").textContent).toContain("Failed");
    expect(screen.getByTestId("inbox-reason").textContent).toContain("cannot read the file");
  });

  it("says what accepting did", () => {
    expect(acceptedText(preview({ outcome: "accepted" }))).toBe("Accepted into “Phishing wave”: 5 new commits, 40 events, 1 note.");
    expect(acceptedText(preview({ outcome: "held" }))).toMatch(/^Still held/);
  });
});

describe("InboxScreen", () => {
  it("lists items with their state and accepts the one selected", async () => {
    mocked.inboxFolders.mockResolvedValue(["/vault/inbox", "/media/usb"]);
    mocked.inboxAccept.mockResolvedValue(preview({ outcome: "accepted" }));
    const refresh = vi.fn();
    const items = [item(), item({ id: 8, state: "quarantined", reason: "bad signature", preview: null })];
    render(
      <ErrorProvider>
        <ErrorBanner />
        <InboxScreen items={items} notices={[{ kind: "folder_gone", message: "/media/usb is gone", item: null, seq: 1, at: 0 }]} refresh={refresh} />
      </ErrorProvider>,
    );
    await waitFor(() => expect(screen.getAllByTestId("inbox-folder").map((f) => f.textContent)).toEqual(["/vault/inbox", "/media/usb"]));
    expect(screen.getAllByTestId("inbox-item").map((r) => r.getAttribute("data-state"))).toEqual(["pending", "quarantined"]);
    expect(screen.getByTestId("inbox-notice").textContent).toContain("/media/usb is gone");
    fireEvent.click(screen.getAllByTestId("inbox-item")[0]);
    fireEvent.click(screen.getByTestId("inbox-accept"));
    await waitFor(() => expect(mocked.inboxAccept).toHaveBeenCalledWith(7, false));
    expect((await screen.findByTestId("inbox-note")).textContent).toContain("Accepted into “Phishing wave”");
    expect(refresh).toHaveBeenCalled();
  });
});

describe("useInbox", () => {
  it("subscribes once, refreshes the list on recorded notices and counts items waiting", async () => {
    let push: (n: InboxNotice) => void = () => {};
    const stop = vi.fn();
    mocked.inboxSubscribe.mockImplementation(async (on) => {
      push = on;
      return stop;
    });
    mocked.inboxList.mockResolvedValueOnce([]).mockResolvedValueOnce([item(), item({ id: 8, state: "held" }), item({ id: 9, state: "accepted" })]);
    const report = vi.fn();
    const { result, rerender } = renderHook(({ on }) => useInbox(on, report), { initialProps: { on: true } });
    await waitFor(() => expect(mocked.inboxSubscribe).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(mocked.inboxList).toHaveBeenCalledTimes(1));
    act(() => push({ kind: "folder_back", message: "/media/usb is back", item: null }));
    expect(mocked.inboxList).toHaveBeenCalledTimes(1);
    act(() => push({ kind: "recorded", message: "new file", item: item() }));
    await waitFor(() => expect(result.current.items).toHaveLength(3));
    expect(result.current.waiting).toBe(2);
    expect(result.current.notices.map((n) => n.kind)).toEqual(["recorded", "folder_back"]);
    rerender({ on: false });
    expect(stop).toHaveBeenCalled();
    expect(result.current.items).toHaveLength(0);
    expect(mocked.inboxSubscribe).toHaveBeenCalledTimes(1);
    expect(report).not.toHaveBeenCalled();
    expect(waitingCount([item({ state: "duplicate" })])).toBe(0);
  });
});
