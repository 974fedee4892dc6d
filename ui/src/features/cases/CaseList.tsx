import { useCallback, useEffect, useMemo, useState } from "react";
import { api, type CaseSummary } from "../../ipc";
import { useErrors } from "../../components/errors";
import { TlpBadge } from "../../components/TlpBadge";
import { PHASES, SEVERITIES, TLPS } from "../../lib/vocab";
import { formatUtc } from "../../lib/time";
import { NewCaseDialog } from "./NewCaseDialog";

export function CaseList({ onOpen }: { onOpen: (id: string) => void }) {
  const { report } = useErrors();
  const [cases, setCases] = useState<CaseSummary[] | null>(null);
  const [phase, setPhase] = useState("");
  const [severity, setSeverity] = useState("");
  const [tlp, setTlp] = useState("");
  const [q, setQ] = useState("");
  const [creating, setCreating] = useState(false);

  const load = useCallback(() => {
    api.caseList().then(setCases).catch(report);
  }, [report]);
  useEffect(load, [load]);

  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (cases ?? []).filter(
      (c) =>
        (!phase || c.phase === phase) &&
        (!severity || c.severity === severity) &&
        (!tlp || c.tlp === tlp) &&
        (!needle || `${c.title} ${c.summary} ${c.tags.join(" ")} ${c.template ?? ""}`.toLowerCase().includes(needle)),
    );
  }, [cases, phase, severity, tlp, q]);

  return (
    <section className="page">
      <div className="page-head">
        <h1>Cases</h1>
        <button type="button" className="primary" data-testid="new-case-button" onClick={() => setCreating(true)}>
          New case
        </button>
      </div>
      <div className="filters" role="search">
        <label className="grow">
          Search
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="title, summary, tag" />
        </label>
        <label>
          Phase
          <select value={phase} onChange={(e) => setPhase(e.target.value)}>
            <option value="">any</option>
            {PHASES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Severity
          <select value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">any</option>
            {SEVERITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          TLP
          <select value={tlp} onChange={(e) => setTlp(e.target.value)}>
            <option value="">any</option>
            {TLPS.map((p) => (
              <option key={p} value={p}>
                {p.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
      </div>
      <table className="grid">
        <thead>
          <tr>
            <th>Title</th>
            <th>Phase</th>
            <th>Severity</th>
            <th>TLP</th>
            <th>Opened (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr
              key={c.id}
              data-testid="case-row"
              data-case-id={c.id}
              className="clickable"
              tabIndex={0}
              onClick={() => onOpen(c.id)}
              onKeyDown={(e) => e.key === "Enter" && onOpen(c.id)}
            >
              <td>
                <span className="strong">{c.title}</span>
                {c.summary && <span className="muted small"> — {c.summary}</span>}
              </td>
              <td>
                <span className={"phase-chip " + c.phase}>{c.phase}</span>
              </td>
              <td>
                <span className={"sev " + c.severity}>{c.severity}</span>
              </td>
              <td>
                <TlpBadge tlp={c.tlp} />
              </td>
              <td className="mono">{formatUtc(c.openedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cases !== null && shown.length === 0 && (
        <div className="empty">{cases.length === 0 ? "No cases yet. Open one with New case." : "No case matches the filters."}</div>
      )}
      {creating && (
        <NewCaseDialog
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            load();
            onOpen(id);
          }}
        />
      )}
    </section>
  );
}
