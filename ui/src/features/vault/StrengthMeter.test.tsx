import { describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen } from "@testing-library/react";
import { StrengthMeter } from "./StrengthMeter";

vi.mock("../../ipc", () => ({
  api: {
    passphraseStrength: vi.fn(async (p: string) =>
      p.length >= 20 ? { score: 4, problem: null } : { score: 1, problem: `it has ${p.length} characters; use at least 12` },
    ),
    vaultCreate: vi.fn(async () => ({ name: "A", org: "B", fingerprint: "F", card: "C" })),
  },
  toAppError: (e: unknown) => e,
}));

import { api } from "../../ipc";
import { FirstRun } from "./FirstRun";
import { ErrorProvider } from "../../components/errors";

describe("StrengthMeter", () => {
  it("fills one segment per point and shows the problem", () => {
    render(<StrengthMeter strength={{ score: 2, problem: "it would be guessed quickly" }} />);
    const m = screen.getByTestId("strength-meter");
    expect(m.dataset.score).toBe("2");
    expect(m.dataset.acceptable).toBe("false");
    expect(m.querySelectorAll(".strength-seg.on")).toHaveLength(2);
    expect(m.textContent).toContain("it would be guessed quickly");
    expect(screen.getByRole("meter").getAttribute("aria-valuenow")).toBe("2");
  });

  it("says acceptable when there is no problem", () => {
    render(<StrengthMeter strength={{ score: 4, problem: null }} />);
    const m = screen.getByTestId("strength-meter");
    expect(m.dataset.acceptable).toBe("true");
    expect(m.querySelectorAll(".strength-seg.on")).toHaveLength(4);
    expect(m.textContent).toMatch(/acceptable/);
  });

  it("gives advice before anything is typed", () => {
    render(<StrengthMeter strength={null} empty />);
    expect(screen.getByTestId("strength-meter").textContent).toMatch(/at least 12 characters/);
  });
});

describe("FirstRun", () => {
  it("keeps submit disabled until the passphrase is acceptable and confirmed", async () => {
    vi.useFakeTimers();
    render(
      <ErrorProvider>
        <FirstRun dir="/v" onCreated={() => {}} />
      </ErrorProvider>,
    );
    const submit = screen.getByTestId("setup-submit") as HTMLButtonElement;
    fireEvent.change(screen.getByTestId("setup-name"), { target: { value: "Ana" } });
    fireEvent.change(screen.getByTestId("setup-org"), { target: { value: "CERT" } });
    fireEvent.change(screen.getByTestId("setup-passphrase"), { target: { value: "short" } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(200);
    });
    expect(screen.getByTestId("strength-meter").textContent).toMatch(/use at least 12/);
    expect(submit.disabled).toBe(true);

    const good = "correct horse battery staple";
    fireEvent.change(screen.getByTestId("setup-passphrase"), { target: { value: good } });
    await act(async () => {
      await vi.advanceTimersByTimeAsync(200);
    });
    expect(submit.disabled).toBe(true); // not confirmed yet
    fireEvent.change(screen.getByTestId("setup-confirm"), { target: { value: good + "x" } });
    expect(submit.disabled).toBe(true);
    expect(screen.getByText(/passphrases differ/)).toBeTruthy();
    fireEvent.change(screen.getByTestId("setup-confirm"), { target: { value: good } });
    expect(submit.disabled).toBe(false);
    expect(api.passphraseStrength).toHaveBeenLastCalledWith(good, "Ana", "CERT");
    vi.useRealTimers();
  });
});
