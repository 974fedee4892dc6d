import { PHASES } from "../../lib/vocab";

/** detect → respond → remediate → closed; clicking a step moves the case there. */
export function PhaseStepper({ phase, onPick, busy }: { phase: string; onPick: (p: string) => void; busy?: boolean }) {
  const at = PHASES.indexOf(phase as (typeof PHASES)[number]);
  return (
    <ol className="stepper" aria-label="Phase">
      {PHASES.map((p, i) => (
        <li key={p} className={i < at ? "done" : i === at ? "current" : ""}>
          <button
            type="button"
            data-testid={`phase-step-${p}`}
            aria-current={i === at ? "step" : undefined}
            disabled={busy}
            onClick={() => p !== phase && onPick(p)}
          >
            <span className="step-num">{i + 1}</span>
            {p}
          </button>
        </li>
      ))}
    </ol>
  );
}
