import { useCallback, useEffect, useState } from "react";
import { api, type CommitInfo, type Conflict, type ConflictValue } from "../../ipc";
import { useErrors } from "../../components/errors";
import { formatUtc } from "../../lib/time";
import { ConflictView } from "./ConflictView";

export function HistoryTab({ caseId, onChanged }: { caseId: string; onChanged?: () => void }) {
  const { report } = useErrors();
  const [commits, setCommits] = useState<CommitInfo[]>([]);
  const [conflicts, setConflicts] = useState<Conflict[]>([]);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api.history(caseId).then((c) => setCommits([...c].reverse())).catch(report);
    api.conflictList(caseId).then(setConflicts).catch(report);
  }, [caseId, report]);
  useEffect(load, [load]);

  async function keep(c: Conflict, v: ConflictValue) {
    setBusy(true);
    try {
      await api.conflictResolve(caseId, c.kind, c.record, c.field, v.value);
      load();
      onChanged?.();
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <h3>Conflicts</h3>
      <ConflictView conflicts={conflicts} onKeep={(c, v) => void keep(c, v)} busy={busy} />
      <h3>Commits (newest first)</h3>
      <table className="grid">
        <thead>
          <tr>
            <th>Time (UTC)</th>
            <th>Author</th>
            <th>Message</th>
            <th className="num">Ops</th>
            <th>Commit</th>
          </tr>
        </thead>
        <tbody>
          {commits.map((c) => (
            <tr key={c.id} data-testid="commit-row">
              <td className="mono">{formatUtc(c.at)}</td>
              <td title={c.keyId}>{c.author}</td>
              <td>{c.message}</td>
              <td className="num">{(c.ops ?? 0).toLocaleString()}</td>
              <td className="mono muted" title={c.id}>
                {c.id.slice(0, 12)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
