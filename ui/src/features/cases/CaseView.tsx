import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { api, type CaseDetail } from "../../ipc";
import { useErrors } from "../../components/errors";
import { TlpBadge } from "../../components/TlpBadge";
import { formatUtc } from "../../lib/time";
import { PhaseStepper } from "./PhaseStepper";
import { TimelineTab } from "../timeline/TimelineTab";
import { ObservablesTab } from "../observables/ObservablesTab";
import { EvidenceTab } from "../evidence/EvidenceTab";
import { TasksTab } from "../tasks/TasksTab";
import { AssetsTab } from "../assets/AssetsTab";
import { HistoryTab } from "../history/HistoryTab";
import { ShareTab } from "../share/ShareTab";

// Notes carry the markdown renderer; it loads with the first visit to the tab.
const NotesTab = lazy(() => import("../notes/NotesTab").then((m) => ({ default: m.NotesTab })));

const TABS = [
  ["timeline", "Timeline", "event"],
  ["observables", "Observables", "observable"],
  ["evidence", "Evidence", "evidence"],
  ["tasks", "Tasks", "task"],
  ["notes", "Notes", "note"],
  ["assets", "Assets", "asset"],
  ["history", "History", ""],
  ["share", "Share", ""],
] as const;
type Tab = (typeof TABS)[number][0];

export function CaseView({ caseId, onBack }: { caseId: string; onBack: () => void }) {
  const { report } = useErrors();
  const [detail, setDetail] = useState<CaseDetail | null>(null);
  const [tab, setTab] = useState<Tab>("timeline");
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api.caseGet(caseId).then(setDetail).catch(report);
  }, [caseId, report]);
  useEffect(load, [load]);

  async function setPhase(p: string) {
    setBusy(true);
    try {
      setDetail(await api.caseSetPhase(caseId, p));
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
    }
  }

  const c = detail?.case;
  const count = (kind: string) => detail?.counts.find((k) => k.kind === kind)?.count;
  return (
    <section className="case-view">
      <header className="case-header" data-testid="case-header">
        <div className="case-title-row">
          <button type="button" className="link" onClick={onBack} aria-label="Back to cases">
            ← Cases
          </button>
          <h1>{c?.title ?? "…"}</h1>
          {c && <span className={"sev " + c.severity}>{c.severity}</span>}
          {c && <TlpBadge tlp={c.tlp} />}
          {detail && detail.conflicts > 0 && (
            <button type="button" className="conflict-pill" onClick={() => setTab("history")}>
              {detail.conflicts} conflict{detail.conflicts === 1 ? "" : "s"}
            </button>
          )}
        </div>
        {c && (
          <div className="case-meta muted small">
            Opened {formatUtc(c.openedAt)} by {c.createdBy}
            {c.template && ` · playbook ${c.template}`}
            {c.closedAt !== null && ` · closed ${formatUtc(c.closedAt)}`}
            {detail && ` · ${detail.commits} commits`}
          </div>
        )}
        {c && <PhaseStepper phase={c.phase} onPick={(p) => void setPhase(p)} busy={busy} />}
      </header>
      <nav className="tabs" role="tablist">
        {TABS.map(([id, label, kind]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            data-testid={`tab-${id}`}
            className={tab === id ? "active" : ""}
            onClick={() => setTab(id)}
          >
            {label}
            {kind && count(kind) !== undefined && <span className="count">{count(kind)}</span>}
          </button>
        ))}
      </nav>
      <div className="tab-body" role="tabpanel">
        {tab === "timeline" && <TimelineTab caseId={caseId} onChanged={load} />}
        {tab === "observables" && <ObservablesTab caseId={caseId} onChanged={load} />}
        {tab === "evidence" && <EvidenceTab caseId={caseId} onChanged={load} />}
        {tab === "tasks" && <TasksTab caseId={caseId} onChanged={load} />}
        {tab === "notes" && (
          <Suspense fallback={<div className="muted">Loading…</div>}>
            <NotesTab caseId={caseId} onChanged={load} />
          </Suspense>
        )}
        {tab === "assets" && <AssetsTab caseId={caseId} onChanged={load} />}
        {tab === "history" && <HistoryTab caseId={caseId} onChanged={load} />}
        {tab === "share" && c && <ShareTab caseId={caseId} caseTitle={c.title} caseTlp={c.tlp} />}
      </div>
    </section>
  );
}
