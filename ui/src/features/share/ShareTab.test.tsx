import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { Partner } from "../../ipc";

vi.mock("../../ipc", () => ({
  api: {
    partnerList: vi.fn(),
    vaultStatus: vi.fn(),
    sharePreview: vi.fn(),
    shareExport: vi.fn(),
  },
  toAppError: (e: { code?: string; message?: string }) => ({ code: e.code ?? "internal", message: e.message ?? String(e) }),
}));

import { api } from "../../ipc";
import { ErrorBanner, ErrorProvider } from "../../components/errors";
import { defaultDest, parentDir, ShareTab, slug, WithheldPreview } from "./ShareTab";

const mocked = vi.mocked(api);
const bob: Partner = { name: "Bob Analyst", org: "CERT Partner", fingerprint: "ABCD-EFGH", verified: true, maxTlp: "amber" };
const eve: Partner = { name: "Eve Newcomer", org: "CSIRT New", fingerprint: "WXYZ-0123", verified: false, maxTlp: "red" };

function renderTab(vaultDir = "/home/ana/casebook") {
  mocked.vaultStatus.mockResolvedValue({ dir: vaultDir, exists: true, unlocked: true, owner: null });
  return render(
    <ErrorProvider>
      <ErrorBanner />
      <ShareTab caseId="case-1" caseTitle="Ransomware at OPS!" caseTlp="amber" />
    </ErrorProvider>,
  );
}
const submit = () => screen.getByTestId("share-submit") as HTMLButtonElement;
const partnerBox = (name: string) =>
  screen.getAllByTestId("share-partner").find((b) => b.getAttribute("data-partner") === name) as HTMLInputElement;

beforeEach(() => {
  mocked.partnerList.mockResolvedValue([bob, eve]);
  mocked.sharePreview.mockImplementation(async (_c, tlp) =>
    tlp === "green" ? [{ kind: "event", count: 212 }, { kind: "note", count: 1 }] : [],
  );
});

describe("WithheldPreview", () => {
  it("shows what is withheld at the ceiling, or that nothing is", () => {
    const { rerender } = render(<WithheldPreview tlp="green" counts={[{ kind: "event", count: 212 }, { kind: "note", count: 1 }]} />);
    expect(screen.getByTestId("share-withheld").textContent).toBe("Withheld at TLP:GREEN: 212 events, 1 note");
    rerender(<WithheldPreview tlp="red" counts={[]} />);
    expect(screen.getByTestId("share-withheld").textContent).toBe("Nothing is withheld");
  });
});

describe("destination", () => {
  it("sits next to the vault folder, named after the case", () => {
    expect(slug("Ransomware at OPS!")).toBe("ransomware-at-ops");
    expect(slug("Überfall ★")).toBe("uberfall");
    expect(slug("***")).toBe("case");
    expect(parentDir("/home/ana/casebook/")).toBe("/home/ana");
    expect(parentDir("/casebook")).toBe("/");
    expect(parentDir("casebook")).toBeNull();
    expect(defaultDest("/home/ana/casebook", "Ransomware at OPS")).toBe("/home/ana/ransomware-at-ops.casebundle");
    expect(defaultDest("C:\\Users\\ana\\Casebook", "X")).toBe("C:\\Users\\ana\\x.casebundle");
    expect(defaultDest("", "X")).toBe("");
  });
});

describe("ShareTab", () => {
  it("lists partners with their badge and max TLP, defaults the ceiling to the case's and previews it", async () => {
    renderTab();
    await waitFor(() => expect(screen.getAllByTestId("share-partner")).toHaveLength(2));
    expect((screen.getByTestId("share-tlp") as HTMLSelectElement).value).toBe("amber");
    await waitFor(() => expect(screen.getByTestId("share-withheld").textContent).toBe("Nothing is withheld"));
    expect(mocked.sharePreview).toHaveBeenCalledWith("case-1", "amber");
    fireEvent.change(screen.getByTestId("share-tlp"), { target: { value: "green" } });
    await waitFor(() =>
      expect(screen.getByTestId("share-withheld").textContent).toBe("Withheld at TLP:GREEN: 212 events, 1 note"),
    );
    const bobRow = partnerBox("Bob Analyst").closest("label")!;
    expect(bobRow.textContent).toContain("verified");
    expect(bobRow.querySelector('[data-testid="tlp-badge"]')!.getAttribute("data-tlp")).toBe("amber");
    expect(partnerBox("Eve Newcomer").closest("label")!.textContent).toContain("not verified");
  });

  it("keeps Export disabled without a partner or a destination", async () => {
    renderTab();
    await waitFor(() => expect((screen.getByTestId("share-dest") as HTMLInputElement).value).toBe("/home/ana/ransomware-at-ops.casebundle"));
    expect(submit().disabled).toBe(true);
    fireEvent.click(partnerBox("Bob Analyst"));
    expect(submit().disabled).toBe(false);
    fireEvent.change(screen.getByTestId("share-dest"), { target: { value: "  " } });
    expect(submit().disabled).toBe(true);
    fireEvent.change(screen.getByTestId("share-dest"), { target: { value: "/media/usb/mine.casebundle" } });
    expect(submit().disabled).toBe(false);
    fireEvent.click(partnerBox("Bob Analyst"));
    expect(submit().disabled).toBe(true);
  });

  it("needs the allow-unverified box for an unverified partner, off by default", async () => {
    renderTab();
    await waitFor(() => expect(screen.getAllByTestId("share-partner")).toHaveLength(2));
    await waitFor(() => expect((screen.getByTestId("share-dest") as HTMLInputElement).value).not.toBe(""));
    const allow = screen.getByTestId("share-allow-unverified") as HTMLInputElement;
    expect(allow.checked).toBe(false);
    fireEvent.click(partnerBox("Eve Newcomer"));
    expect(submit().disabled).toBe(true);
    expect(screen.getByTestId("share-unverified-hint").textContent).toContain("Eve Newcomer is not verified");
    fireEvent.click(allow);
    expect(submit().disabled).toBe(false);
    expect(screen.queryByTestId("share-unverified-hint")).toBeNull();
  });

  it("accepts a typed destination with an empty prefill and sends the request as set up", async () => {
    mocked.shareExport.mockImplementation(async (_c, _r, on) => {
      on?.({ done: 1024, total: null });
      return {
        bundleId: "b1",
        files: ["/tmp/x.casebundle.001", "/tmp/x.casebundle.002"],
        sha256: "0123456789abcdef".repeat(4),
        bytes: 3 * 1024 * 1024,
        commits: 14,
        withheld: [{ kind: "event", count: 212 }],
      };
    });
    renderTab("");
    await waitFor(() => expect(screen.getAllByTestId("share-partner")).toHaveLength(2));
    expect((screen.getByTestId("share-dest") as HTMLInputElement).value).toBe("");
    fireEvent.click(partnerBox("Bob Analyst"));
    fireEvent.change(screen.getByTestId("share-tlp"), { target: { value: "green" } });
    fireEvent.click(screen.getByLabelText("Only what they do not have yet"));
    fireEvent.click(screen.getByLabelText("ASCII armor for e-mail"));
    fireEvent.change(screen.getByTestId("share-split"), { target: { value: "2" } });
    fireEvent.change(screen.getByTestId("share-dest"), { target: { value: "/tmp/x.casebundle" } });
    fireEvent.click(submit());
    const report = await screen.findByTestId("share-report");
    expect(mocked.shareExport).toHaveBeenCalledWith(
      "case-1",
      { to: ["Bob Analyst"], tlp: "green", delta: true, armor: true, splitMib: 2, allowUnverified: false, dest: "/tmp/x.casebundle" },
      expect.any(Function),
    );
    expect(report.textContent).toContain("/tmp/x.casebundle.002");
    expect(report.textContent).toContain("3.0 MiB");
    expect(report.textContent).toContain("14");
    expect(screen.getByTestId("share-report-withheld").textContent).toBe("212 event changes");
    const groups = screen.getByTestId("share-sha256").querySelectorAll("span");
    expect(groups).toHaveLength(16);
    expect(groups[0].textContent).toBe("0123");
  });

  it("refuses a bad part size and shows the core's refusal in the error banner", async () => {
    mocked.shareExport.mockRejectedValue({
      code: "invalid_input",
      message: "Bob Analyst may receive at most TLP:AMBER, below this bundle's ceiling TLP:RED",
    });
    renderTab();
    await waitFor(() => expect((screen.getByTestId("share-dest") as HTMLInputElement).value).not.toBe(""));
    fireEvent.click(partnerBox("Bob Analyst"));
    fireEvent.change(screen.getByTestId("share-split"), { target: { value: "0.5" } });
    expect(submit().disabled).toBe(true);
    fireEvent.change(screen.getByTestId("share-split"), { target: { value: "" } });
    fireEvent.change(screen.getByTestId("share-tlp"), { target: { value: "red" } });
    expect(screen.getByText(/Bob Analyst may receive at most TLP:AMBER/)).toBeTruthy();
    fireEvent.click(submit());
    const banner = await screen.findByTestId("error-banner");
    expect(banner.textContent).toContain("below this bundle's ceiling TLP:RED");
    expect(screen.queryByTestId("share-report")).toBeNull();
  });
});
