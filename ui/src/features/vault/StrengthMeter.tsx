import type { Strength } from "../../ipc";

const LABELS = ["very weak", "weak", "fair", "strong", "very strong"];

/** A 0–4 bar with the core's verdict: its `problem`, or that the passphrase is acceptable. */
export function StrengthMeter({ strength, empty }: { strength: Strength | null; empty?: boolean }) {
  const score = strength ? Math.max(0, Math.min(4, strength.score)) : 0;
  const ok = !!strength && strength.problem === null && !empty;
  return (
    <div className="strength" data-testid="strength-meter" data-score={score} data-acceptable={ok ? "true" : "false"}>
      <div
        className="strength-bar"
        role="meter"
        aria-label="Passphrase strength"
        aria-valuemin={0}
        aria-valuemax={4}
        aria-valuenow={score}
        aria-valuetext={LABELS[score]}
      >
        {[0, 1, 2, 3].map((i) => (
          <span key={i} className={"strength-seg" + (i < score ? ` on s${score}` : "")} />
        ))}
      </div>
      <div className={"strength-text " + (ok ? "ok" : "bad")}>
        {empty || !strength
          ? "Use at least 12 characters; four or five random words work well."
          : ok
            ? `Strength ${score}/4 (${LABELS[score]}): acceptable.`
            : `Strength ${score}/4: ${strength.problem}`}
      </div>
    </div>
  );
}
