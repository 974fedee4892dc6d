import { useState } from "react";
import { api, toAppError, type ImportReport } from "../../ipc";
import { BrowseButton } from "../../components/BrowseButton";

/** Import a timeline file (Timesketch CSV/JSONL, Plaso) by path, with progress and Cancel. */
export function ImportBar({ caseId, onDone, onError }: { caseId: string; onDone: () => void; onError: (e: unknown) => void }) {
  const [path, setPath] = useState("");
  const [skipBad, setSkipBad] = useState(false);
  const [rows, setRows] = useState<number | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [note, setNote] = useState<string | null>(null);

  async function start() {
    if (!path.trim() || rows !== null) return;
    setReport(null);
    setNote(null);
    setRows(0);
    try {
      const r = await api.timelineImport(caseId, path.trim(), (p) => setRows(p.done), skipBad);
      setReport(r);
      setPath("");
      onDone();
    } catch (e) {
      const err = toAppError(e);
      if (err.code === "cancelled") setNote("Import cancelled; nothing was written.");
      else onError(err);
    } finally {
      setRows(null);
    }
  }

  return (
    <div className="import-bar">
      <input
        value={path}
        onChange={(e) => setPath(e.target.value)}
        placeholder="/path/to/timeline.csv (Timesketch CSV/JSONL, Plaso)"
        aria-label="Timeline file path"
        className="mono"
        onKeyDown={(e) => e.key === "Enter" && void start()}
        disabled={rows !== null}
      />
      {rows === null ? (
        <>
          <BrowseButton purpose="timeline_file" current={path} onPick={setPath} onError={onError} testId="timeline-browse" />
          <label className="check small" title="Import the good rows and report the bad ones, instead of stopping at the first bad row">
            <input type="checkbox" checked={skipBad} onChange={(e) => setSkipBad(e.target.checked)} />
            skip bad rows
          </label>
          <button type="button" onClick={() => void start()} disabled={!path.trim()}>
            Import
          </button>
        </>
      ) : (
        <>
          <span className="progress-text" role="status">
            {rows.toLocaleString()} rows read…
          </span>
          <progress aria-label="Rows read" />
          <button type="button" onClick={() => void api.workCancel().catch(onError)}>
            Cancel
          </button>
        </>
      )}
      {report && (
        <span className="muted small" role="status">
          Imported {(report.imported ?? 0).toLocaleString()} events ({report.format})
          {(report.skipped ?? 0) > 0 && `, skipped ${(report.skipped ?? 0).toLocaleString()} rows`}
          {report.problems.length > 0 && `: ${report.problems.slice(0, 3).join("; ")}`}
        </span>
      )}
      {note && <span className="muted small">{note}</span>}
    </div>
  );
}
