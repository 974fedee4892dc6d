import type { Conflict, ConflictValue } from "../../ipc";

/** Shows a value written in a conflict (JSON text) readably. */
export function showValue(json: string): string {
  try {
    const v: unknown = JSON.parse(json);
    if (typeof v === "string") return v;
    return JSON.stringify(v);
  } catch {
    return json;
  }
}

type Props = {
  conflicts: Conflict[];
  onKeep: (c: Conflict, value: ConflictValue) => void;
  busy?: boolean;
};

/** Every field two authors wrote concurrently, each value with its author and a Keep button. */
export function ConflictView({ conflicts, onKeep, busy }: Props) {
  if (conflicts.length === 0) return <div className="empty">No conflicts.</div>;
  return (
    <div className="conflicts">
      {conflicts.map((c) => (
        <section key={`${c.kind}/${c.record}/${c.field}`} className="conflict" data-testid="conflict">
          <h4>
            {c.kind} <span className="mono muted small">{c.record}</span> · field <span className="mono">{c.field}</span>
          </h4>
          <ul>
            {[c.winner, ...c.others].map((v, i) => (
              <li key={`${v.commit}-${i}`} className={i === 0 ? "winner" : ""} data-testid="conflict-value">
                <span className="mono value">{showValue(v.value)}</span>
                <span className="muted small">
                  by {v.author} · commit <span className="mono">{v.commit.slice(0, 12)}</span>
                  {i === 0 && " · shown now"}
                </span>
                <button type="button" disabled={busy} onClick={() => onKeep(c, v)}>
                  Keep this value
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
