import { forwardRef, useState, type KeyboardEvent } from "react";
import { api, systemTimeZone } from "../../ipc";
import { parseQuickAdd, QUICK_ADD_HELP } from "./quickAdd";

type Props = { caseId: string; onAdded: (id: string) => void; onError: (e: unknown) => void };

/** One line, keyboard first: `<time> [host] <description>`, Enter adds, Escape clears. */
export const QuickAdd = forwardRef<HTMLInputElement, Props>(function QuickAdd({ caseId, onAdded, onError }, ref) {
  const [text, setText] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit() {
    if (busy) return;
    const tz = systemTimeZone();
    const parsed = parseQuickAdd(text, tz);
    if (!parsed.ok) {
      setProblem(parsed.error);
      return;
    }
    setBusy(true);
    try {
      const id = await api.eventAdd(caseId, { ...parsed.event, phase: null });
      setText("");
      setProblem(null);
      onAdded(id);
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "Enter") {
      e.preventDefault();
      void submit();
    } else if (e.key === "Escape") {
      e.preventDefault();
      setText("");
      setProblem(null);
    }
  }

  return (
    <div className="quick-add">
      <label className="quick-add-label" htmlFor="quick-add-input" title={QUICK_ADD_HELP}>
        Add event
        <span className="help" aria-hidden="true">
          ?
        </span>
      </label>
      <input
        id="quick-add-input"
        ref={ref}
        data-testid="quick-add"
        className="mono"
        value={text}
        placeholder="now WS-OPS-07 Ransom note found   (n or Ctrl+K to focus)"
        title={QUICK_ADD_HELP}
        onChange={(e) => {
          setText(e.target.value);
          if (problem) setProblem(null);
        }}
        onKeyDown={onKeyDown}
        aria-invalid={problem !== null}
        aria-describedby={problem ? "quick-add-problem" : undefined}
        spellCheck={false}
        autoComplete="off"
      />
      {problem && (
        <div id="quick-add-problem" className="field-error" data-testid="quick-add-error" role="alert">
          {problem}
        </div>
      )}
    </div>
  );
});
