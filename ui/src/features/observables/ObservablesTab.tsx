import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, type Observable } from "../../ipc";
import { useErrors } from "../../components/errors";
import { OBSERVABLE_TYPES } from "../../lib/vocab";
import { formatUtc } from "../../lib/time";

export function ObservablesTab({ caseId, onChanged }: { caseId: string; onChanged?: () => void }) {
  const { report } = useErrors();
  const [items, setItems] = useState<Observable[]>([]);
  const [kind, setKind] = useState("");
  const [value, setValue] = useState("");
  const [ioc, setIoc] = useState(false);
  const [note, setNote] = useState("");
  const [said, setSaid] = useState<string | null>(null);
  const [q, setQ] = useState("");

  const load = useCallback(() => {
    api.observableList(caseId).then(setItems).catch(report);
  }, [caseId, report]);
  useEffect(load, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!value.trim()) return;
    try {
      const merged = await api.observableAdd(caseId, kind || null, value.trim(), ioc, note.trim() || null);
      setSaid(merged ? `"${value.trim()}" was already in this case: merged into the existing observable.` : `Added "${value.trim()}".`);
      setValue("");
      setNote("");
      setIoc(false);
      load();
      onChanged?.();
    } catch (err) {
      report(err);
    }
  }

  const needle = q.trim().toLowerCase();
  const shown = needle ? items.filter((o) => `${o.kind} ${o.value} ${o.note}`.toLowerCase().includes(needle)) : items;
  return (
    <div className="stack">
      <form className="inline-form" onSubmit={add}>
        <label>
          Type
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="">auto-detect</option>
            {OBSERVABLE_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="grow">
          Value (defanged is fine)
          <input className="mono" value={value} onChange={(e) => setValue(e.target.value)} placeholder="hxxp://evil[.]example/x" />
        </label>
        <label className="check">
          <input type="checkbox" checked={ioc} onChange={(e) => setIoc(e.target.checked)} /> IOC
        </label>
        <label className="grow">
          Note
          <input value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={!value.trim()}>
          Add
        </button>
      </form>
      {said && (
        <div className="notice" role="status">
          {said}
        </div>
      )}
      <div className="filters">
        <label className="grow">
          Search
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        </label>
      </div>
      <table className="grid">
        <thead>
          <tr>
            <th>Type</th>
            <th>Value</th>
            <th>IOC</th>
            <th>First seen</th>
            <th>Last seen</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((o) => (
            <tr key={o.id} data-testid="observable-row">
              <td>
                <span className="chip">{o.kind}</span>
              </td>
              <td className="mono break">{o.value}</td>
              <td>{o.ioc ? <span className="ioc">IOC</span> : ""}</td>
              <td className="mono">{formatUtc(o.firstSeen)}</td>
              <td className="mono">{formatUtc(o.lastSeen)}</td>
              <td>{o.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && <div className="empty">No observables yet.</div>}
    </div>
  );
}
