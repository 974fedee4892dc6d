import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, type Task } from "../../ipc";
import { useErrors } from "../../components/errors";
import { TASK_STATUSES, WORK_PHASES } from "../../lib/vocab";

export function TasksTab({ caseId, onChanged }: { caseId: string; onChanged?: () => void }) {
  const { report } = useErrors();
  const [tasks, setTasks] = useState<Task[]>([]);
  const load = useCallback(() => {
    api.taskList(caseId).then(setTasks).catch(report);
  }, [caseId, report]);
  useEffect(load, [load]);

  async function setStatus(t: Task, status: string) {
    setTasks((ts) => ts.map((x) => (x.id === t.id ? { ...x, status } : x)));
    try {
      await api.taskSetStatus(caseId, t.id, status);
    } catch (e) {
      report(e);
      load();
    }
  }

  return (
    <div className="tasks">
      {WORK_PHASES.map((phase) => {
        const list = tasks.filter((t) => t.phase === phase);
        const done = list.filter((t) => t.status === "done").length;
        return (
          <section key={phase} className="task-group" aria-label={`${phase} tasks`}>
            <h3>
              <span className={"phase-chip " + phase}>{phase}</span>
              <span className="muted small">
                {done}/{list.length} done
              </span>
            </h3>
            <ul className="task-list">
              {list.map((t) => (
                <li key={t.id} data-testid="task-row" data-task-id={t.id} data-status={t.status} className={"task " + t.status}>
                  <span className="task-title">{t.title}</span>
                  {t.assignee && <span className="muted small">{t.assignee}</span>}
                  <span className="seg" role="group" aria-label="Status">
                    {TASK_STATUSES.map((s) => (
                      <button
                        key={s}
                        type="button"
                        className={"seg-btn " + s + (t.status === s ? " on" : "")}
                        aria-pressed={t.status === s}
                        onClick={() => t.status !== s && void setStatus(t, s)}
                      >
                        {s}
                      </button>
                    ))}
                  </span>
                </li>
              ))}
            </ul>
            <AddTask
              phase={phase}
              onAdd={async (title) => {
                try {
                  await api.taskAdd(caseId, title, phase);
                  load();
                  onChanged?.();
                  return true;
                } catch (e) {
                  report(e);
                  return false;
                }
              }}
            />
          </section>
        );
      })}
    </div>
  );
}

function AddTask({ phase, onAdd }: { phase: string; onAdd: (title: string) => Promise<boolean> }) {
  const [title, setTitle] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (title.trim() && (await onAdd(title.trim()))) setTitle("");
  }
  return (
    <form className="inline-form compact" onSubmit={submit}>
      <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder={`Add a ${phase} task…`} aria-label={`New ${phase} task`} />
      <button type="submit" disabled={!title.trim()}>
        Add
      </button>
    </form>
  );
}
