import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, type Asset } from "../../ipc";
import { useErrors } from "../../components/errors";
import { ASSET_KINDS, COMPROMISE, SEVERITIES } from "../../lib/vocab";

export function AssetsTab({ caseId, onChanged }: { caseId: string; onChanged?: () => void }) {
  const { report } = useErrors();
  const [assets, setAssets] = useState<Asset[]>([]);
  const [name, setName] = useState("");
  const [kind, setKind] = useState("host");
  const [criticality, setCriticality] = useState("");
  const [compromise, setCompromise] = useState("");
  const [note, setNote] = useState("");
  const load = useCallback(() => {
    api.assetList(caseId).then(setAssets).catch(report);
  }, [caseId, report]);
  useEffect(load, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) return;
    try {
      await api.assetAdd(caseId, {
        name: name.trim(),
        kind,
        criticality: criticality || null,
        compromise: compromise || null,
        note: note.trim() || null,
      });
      setName("");
      setNote("");
      load();
      onChanged?.();
    } catch (err) {
      report(err);
    }
  }

  return (
    <div className="stack">
      <form className="inline-form" onSubmit={add}>
        <label className="grow">
          Name
          <input className="mono" value={name} onChange={(e) => setName(e.target.value)} placeholder="WS-OPS-07" />
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            {ASSET_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Criticality
          <select value={criticality} onChange={(e) => setCriticality(e.target.value)}>
            <option value="">—</option>
            {SEVERITIES.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Compromise
          <select value={compromise} onChange={(e) => setCompromise(e.target.value)}>
            <option value="">—</option>
            {COMPROMISE.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label className="grow">
          Note
          <input value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={!name.trim()}>
          Add asset
        </button>
      </form>
      <table className="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>Criticality</th>
            <th>Compromise</th>
            <th>Owner</th>
            <th>Note</th>
          </tr>
        </thead>
        <tbody>
          {assets.map((a) => (
            <tr key={a.id} data-testid="asset-row">
              <td className="mono">{a.name}</td>
              <td>{a.kind}</td>
              <td>{a.criticality && <span className={"sev " + a.criticality}>{a.criticality}</span>}</td>
              <td>{a.compromise && <span className={"comp " + a.compromise}>{a.compromise}</span>}</td>
              <td>{a.owner}</td>
              <td>{a.note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {assets.length === 0 && <div className="empty">No assets yet.</div>}
    </div>
  );
}
