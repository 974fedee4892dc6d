import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, toAppError, type CustodyEntry, type Evidence, type Progress } from "../../ipc";
import { useErrors } from "../../components/errors";
import { BrowseButton } from "../../components/BrowseButton";
import { formatBytes, formatUtc } from "../../lib/time";

export function EvidenceTab({ caseId, onChanged }: { caseId: string; onChanged?: () => void }) {
  const { report } = useErrors();
  const [items, setItems] = useState<Evidence[]>([]);
  const [path, setPath] = useState("");
  const [description, setDescription] = useState("");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);

  const load = useCallback(() => {
    api.evidenceList(caseId).then(setItems).catch(report);
  }, [caseId, report]);
  useEffect(load, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!path.trim() || progress) return;
    setNote(null);
    setProgress({ done: 0, total: null });
    try {
      const ev = await api.evidenceAdd(caseId, path.trim(), description.trim() || null, setProgress);
      setNote(`Stored ${ev.name} (${formatBytes(ev.size)}), SHA-256 ${ev.sha256}.`);
      setPath("");
      setDescription("");
      setSelected(ev.id);
      load();
      onChanged?.();
    } catch (err) {
      const a = toAppError(err);
      if (a.code === "cancelled") setNote("Cancelled; nothing was stored.");
      else report(a);
    } finally {
      setProgress(null);
    }
  }

  const pct = progress && progress.total ? Math.min(100, (progress.done / progress.total) * 100) : null;
  const item = items.find((i) => i.id === selected) ?? null;
  return (
    <div className="stack">
      <form className="inline-form" onSubmit={add}>
        <label className="grow">
          File path
          <span className="path-field">
            <input className="mono" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/cases/ws-ops-07/memory.raw" disabled={!!progress} />
            <BrowseButton purpose="evidence_file" current={path} onPick={setPath} onError={report} disabled={!!progress} testId="evidence-browse" />
          </span>
        </label>
        <label className="grow">
          Description
          <input value={description} onChange={(e) => setDescription(e.target.value)} disabled={!!progress} />
        </label>
        {!progress ? (
          <button type="submit" className="primary" disabled={!path.trim()} data-testid="evidence-add">
            Add evidence
          </button>
        ) : (
          <button type="button" onClick={() => void api.workCancel().catch(report)}>
            Cancel
          </button>
        )}
      </form>
      {progress && (
        <div className="progress-row" role="status">
          {pct !== null ? <progress value={pct} max={100} aria-label="Hashing" /> : <progress aria-label="Hashing" />}
          <span className="muted small">
            {formatBytes(progress.done)}
            {progress.total ? ` / ${formatBytes(progress.total)}` : ""} hashed and encrypted
          </span>
        </div>
      )}
      {note && <div className="notice">{note}</div>}
      <div className="split">
        <table className="grid">
          <thead>
            <tr>
              <th>Name</th>
              <th>SHA-256</th>
              <th>Size</th>
              <th>Acquired (UTC)</th>
              <th>By</th>
            </tr>
          </thead>
          <tbody>
            {items.map((ev) => (
              <tr
                key={ev.id}
                data-testid="evidence-row"
                className={"clickable" + (ev.id === selected ? " selected" : "")}
                tabIndex={0}
                onClick={() => setSelected(ev.id)}
                onKeyDown={(e) => e.key === "Enter" && setSelected(ev.id)}
              >
                <td>
                  {ev.name}
                  {ev.description && <div className="muted small">{ev.description}</div>}
                </td>
                <td className="mono hash" title={ev.sha256}>
                  {ev.sha256}
                </td>
                <td className="num">{formatBytes(ev.size)}</td>
                <td className="mono">{formatUtc(ev.acquiredAt)}</td>
                <td>{ev.acquiredBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && <div className="empty">No evidence yet.</div>}
        {item && <Custody caseId={caseId} evidence={item} />}
      </div>
    </div>
  );
}

function Custody({ caseId, evidence }: { caseId: string; evidence: Evidence }) {
  const { report } = useErrors();
  const [entries, setEntries] = useState<CustodyEntry[]>([]);
  const [action, setAction] = useState("");
  const [location, setLocation] = useState("");
  const [note, setNote] = useState("");

  const load = useCallback(() => {
    api.custodyList(caseId, evidence.id).then(setEntries).catch(report);
  }, [caseId, evidence.id, report]);
  useEffect(load, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!action.trim()) return;
    try {
      await api.custodyAdd(caseId, evidence.id, action.trim(), location.trim() || null, note.trim() || null);
      setAction("");
      setLocation("");
      setNote("");
      load();
    } catch (err) {
      report(err);
    }
  }

  return (
    <section className="panel" aria-label="Chain of custody">
      <h3>Chain of custody — {evidence.name}</h3>
      <table className="grid">
        <thead>
          <tr>
            <th>When (UTC)</th>
            <th>By</th>
            <th>Action</th>
            <th>Location</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((c, i) => (
            <tr key={i} data-testid="custody-row">
              <td className="mono">{formatUtc(c.at)}</td>
              <td>{c.by}</td>
              <td>{c.action}</td>
              <td>{c.location}</td>
              <td>{c.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={add}>
        <label className="grow">
          Action
          <input value={action} onChange={(e) => setAction(e.target.value)} placeholder="handed to forensics lab" />
        </label>
        <label>
          Location
          <input value={location} onChange={(e) => setLocation(e.target.value)} />
        </label>
        <label className="grow">
          Note
          <input value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" disabled={!action.trim()}>
          Append
        </button>
      </form>
    </section>
  );
}
