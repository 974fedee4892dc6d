import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, type Playbook } from "../../ipc";
import { useErrors } from "../../components/errors";
import { SEVERITIES, TLPS } from "../../lib/vocab";

export function NewCaseDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string) => void }) {
  const { report, clear } = useErrors();
  const [title, setTitle] = useState("");
  const [summary, setSummary] = useState("");
  const [severity, setSeverity] = useState("medium");
  const [tlp, setTlp] = useState("amber");
  const [template, setTemplate] = useState("");
  const [playbooks, setPlaybooks] = useState<Playbook[]>([]);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    api.playbookList().then(setPlaybooks).catch(report);
  }, [report]);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open && typeof d.showModal === "function") d.showModal();
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!title.trim() || busy) return;
    setBusy(true);
    try {
      const id = await api.caseCreate({
        title: title.trim(),
        summary: summary.trim() || null,
        severity,
        tlp,
        template: template || null,
      });
      clear();
      onCreated(id);
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  }

  const chosen = playbooks.find((p) => p.name === template);
  return (
    <dialog ref={ref} className="dialog" onCancel={onClose} aria-labelledby="new-case-title">
      <form onSubmit={submit}>
        <h2 id="new-case-title">New case</h2>
        <label>
          Title
          <input data-testid="case-title" value={title} onChange={(e) => setTitle(e.target.value)} autoFocus required />
        </label>
        <label>
          Summary
          <textarea value={summary} onChange={(e) => setSummary(e.target.value)} rows={3} />
        </label>
        <div className="row">
          <label>
            Severity
            <select data-testid="case-severity" value={severity} onChange={(e) => setSeverity(e.target.value)}>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            TLP
            <select data-testid="case-tlp" value={tlp} onChange={(e) => setTlp(e.target.value)}>
              {TLPS.map((t) => (
                <option key={t} value={t}>
                  TLP:{t.toUpperCase()}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            Playbook
            <select data-testid="case-template" value={template} onChange={(e) => setTemplate(e.target.value)}>
              <option value="">(none)</option>
              {playbooks.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.title} ({p.tasks} tasks)
                </option>
              ))}
            </select>
          </label>
        </div>
        {chosen && <p className="muted small">{chosen.description}</p>}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="case-submit" disabled={!title.trim() || busy}>
            {busy ? "Opening…" : "Open case"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
