import { useCallback, useEffect, useState, type FormEvent } from "react";
import Markdown, { type Components } from "react-markdown";
import { api, type Note } from "../../ipc";
import { useErrors } from "../../components/errors";
import { formatUtc } from "../../lib/time";

// Markdown only: raw HTML is never rendered (no rehype-raw), links are shown, not followed (the
// window must not navigate away), and images show their alt text (nothing is fetched).
const components: Components = {
  a: ({ children, href }) => (
    <span className="md-link" title={href}>
      {children}
      {href && <span className="muted"> ⟨{href}⟩</span>}
    </span>
  ),
  img: ({ alt, src }) => <span className="md-img" title={src}>[image: {alt || src}]</span>,
};

export function SafeMarkdown({ text }: { text: string }) {
  return (
    <Markdown skipHtml components={components}>
      {text}
    </Markdown>
  );
}

export function NotesTab({ caseId, onChanged }: { caseId: string; onChanged?: () => void }) {
  const { report } = useErrors();
  const [notes, setNotes] = useState<Note[]>([]);
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const load = useCallback(() => {
    api.noteList(caseId).then((n) => setNotes([...n].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0)))).catch(report);
  }, [caseId, report]);
  useEffect(load, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!body.trim()) return;
    try {
      await api.noteAdd(caseId, title.trim() || null, body);
      setTitle("");
      setBody("");
      load();
      onChanged?.();
    } catch (err) {
      report(err);
    }
  }

  return (
    <div className="notes">
      <form className="note-form" onSubmit={add}>
        <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Title (optional)" aria-label="Note title" />
        <textarea
          value={body}
          onChange={(e) => setBody(e.target.value)}
          rows={5}
          placeholder="Markdown. Ctrl+Enter saves."
          aria-label="Note body"
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void add(e);
          }}
        />
        <div className="actions">
          <button type="submit" className="primary" disabled={!body.trim()}>
            Add note
          </button>
        </div>
      </form>
      {notes.length === 0 && <div className="empty">No notes yet.</div>}
      {notes.map((n) => (
        <article key={n.id} className="note" data-testid="note">
          <header>
            <strong>{n.title || "Untitled"}</strong>
            <span className="muted small">
              {n.author} · {formatUtc(n.createdAt)}
            </span>
          </header>
          <div className="md">
            <SafeMarkdown text={n.body} />
          </div>
        </article>
      ))}
    </div>
  );
}
