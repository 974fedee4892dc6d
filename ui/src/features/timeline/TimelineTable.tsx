import { useEffect, useRef, type KeyboardEvent } from "react";
import type { EventRow } from "../../ipc";
import { formatUtc } from "../../lib/time";
import { StarIcon } from "../../components/icons";
import { slotKey, useRowWindow } from "./rowWindow";

export const ROW_HEIGHT = 28;
/** Fetch the next page when the last rendered row is this close to the end of what is loaded. */
const PREFETCH_ROWS = 150;

type Props = {
  rows: EventRow[];
  hasMore: boolean;
  loading: boolean;
  onNearEnd: () => void;
  onFlag: (row: EventRow) => void;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  /** Scrolled into view once it is loaded (a just-added event). */
  revealId?: string | null;
};

/** The virtualized timeline: fixed-height rows, only the visible ones in the DOM, each slot's DOM
 * nodes reused by whichever row scrolls into it. */
export function TimelineTable({ rows, hasMore, loading, onNearEnd, onFlag, selectedId, onSelect, revealId }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = rows.length + (hasMore ? 1 : 0);
  const win = useRowWindow(scrollRef, count, ROW_HEIGHT, 20);
  const lastIndex = win.end - 1;

  useEffect(() => {
    if (hasMore && !loading && lastIndex >= rows.length - PREFETCH_ROWS) onNearEnd();
  }, [lastIndex, rows.length, hasMore, loading, onNearEnd]);

  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (!revealId || revealed.current === revealId) return;
    const i = rows.findIndex((r) => r.id === revealId);
    if (i >= 0) {
      revealed.current = revealId;
      win.scrollToIndex(i);
    }
  }, [revealId, rows, win.scrollToIndex]);

  const selectedIndex = selectedId ? rows.findIndex((r) => r.id === selectedId) : -1;

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.target !== e.currentTarget && (e.target as HTMLElement).tagName === "BUTTON" && e.key === "Enter") return;
    let next = selectedIndex;
    switch (e.key) {
      case "ArrowDown":
      case "j":
        next = Math.min(rows.length - 1, selectedIndex + 1);
        break;
      case "ArrowUp":
      case "k":
        next = Math.max(0, selectedIndex - 1);
        break;
      case "PageDown":
        next = Math.min(rows.length - 1, Math.max(0, selectedIndex) + 20);
        break;
      case "PageUp":
        next = Math.max(0, selectedIndex - 20);
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = rows.length - 1;
        break;
      case "f":
        if (selectedIndex >= 0) {
          e.preventDefault();
          onFlag(rows[selectedIndex]);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next >= 0 && next < rows.length) {
      onSelect(rows[next].id);
      win.scrollToIndex(next);
    }
  }

  return (
    <div className="tl" role="table" aria-label="Timeline" aria-rowcount={rows.length}>
      <div className="tl-row tl-head" role="row">
        <span role="columnheader" aria-label="Key event" />
        <span role="columnheader">Time (UTC)</span>
        <span role="columnheader">Host</span>
        <span role="columnheader">Phase</span>
        <span role="columnheader">Description</span>
        <span role="columnheader">Author</span>
      </div>
      <div
        className="tl-scroll"
        ref={scrollRef}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-label="Timeline rows: arrows move, f flags the selected event"
        data-testid="timeline-scroll"
      >
        {rows.length === 0 && !loading && !hasMore && <div className="empty">No events match.</div>}
        <div className="tl-canvas" style={{ height: win.totalSize }}>
          {Array.from({ length: win.end - win.start }, (_, k) => {
            const index = win.start + k;
            const key = slotKey(index, win);
            const style = { height: ROW_HEIGHT, transform: `translateY(${index * ROW_HEIGHT}px)` };
            if (index >= rows.length) {
              return (
                <div key={key} className="tl-row tl-more" style={style} role="row">
                  <span className="muted">Loading more…</span>
                </div>
              );
            }
            const r = rows[index];
            const selected = r.id === selectedId;
            return (
              <div
                key={key}
                className={"tl-row" + (selected ? " selected" : "") + (r.keyEvent ? " key" : "")}
                style={style}
                role="row"
                aria-selected={selected}
                data-testid="timeline-row"
                data-event-id={r.id}
                onClick={() => onSelect(r.id)}
              >
                <span role="cell">
                  <button
                    type="button"
                    className={"star" + (r.keyEvent ? " on" : "")}
                    data-testid="flag-button"
                    aria-pressed={r.keyEvent ? "true" : "false"}
                    aria-label={r.keyEvent ? "Unflag key event" : "Flag as key event"}
                    title={r.keyEvent ? "Key event (f toggles)" : "Flag as key event (f)"}
                    tabIndex={-1}
                    onClick={(e) => {
                      e.stopPropagation();
                      onFlag(r);
                    }}
                  >
                    <StarIcon filled={r.keyEvent} />
                  </button>
                </span>
                <span role="cell" className="mono" title={r.atText ?? undefined}>
                  {formatUtc(r.at)}
                </span>
                <span role="cell" className="mono ellipsis" title={r.host}>
                  {r.host}
                </span>
                <span role="cell">{r.phase && <span className={"phase-chip " + r.phase}>{r.phase}</span>}</span>
                <span role="cell" className="ellipsis" data-testid="event-description" title={r.description}>
                  {r.conflicts > 0 && (
                    <span className="conflict-dot" title={`${r.conflicts} field(s) in conflict`}>
                      !
                    </span>
                  )}
                  {r.description}
                </span>
                <span role="cell" className="ellipsis muted" title={r.author}>
                  {r.author}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
