import { useEffect, useRef, type KeyboardEvent } from "react";
import type { EventRow } from "../../ipc";
import { formatUtc } from "../../lib/time";
import { StarIcon } from "../../components/icons";
import { slotKey, useRowWindow } from "./rowWindow";

export const ROW_HEIGHT = 28;
/** Rows rendered beyond each edge of the view: 224 px, more than a wheel step, few enough that a fast
 * scroll (every row's text replaced each frame) updates ~35 rows a frame rather than ~60. */
export const OVERSCAN = 8;

type Props = {
  /** The rows held: positions `offset` to `offset + rows.length`. */
  rows: EventRow[];
  offset: number;
  /** Rows known to exist (those not held show as loading until read). */
  known: number;
  /** More rows may follow the known ones: one more position shows as loading. */
  more: boolean;
  /** Told which positions are in view, whenever they or the rows held change. */
  onShow: (start: number, end: number) => void;
  onFlag: (row: EventRow) => void;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  /** Scrolled into view once it is loaded (a just-added event). */
  revealId?: string | null;
};

/** The virtualized timeline: fixed-height rows, only the visible ones in the DOM, each slot's DOM
 * nodes reused by whichever row scrolls into it. */
export function TimelineTable({ rows, offset, known, more, onShow, onFlag, selectedId, onSelect, revealId }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = known + (more ? 1 : 0);
  const win = useRowWindow(scrollRef, count, ROW_HEIGHT, OVERSCAN);

  useEffect(() => {
    onShow(win.start, win.end);
  }, [win.start, win.end, rows, offset, onShow]);

  const revealed = useRef<string | null>(null);
  useEffect(() => {
    if (!revealId || revealed.current === revealId) return;
    const i = rows.findIndex((r) => r.id === revealId);
    if (i >= 0) {
      revealed.current = revealId;
      win.scrollToIndex(offset + i);
    }
  }, [revealId, rows, offset, win.scrollToIndex]);

  const held = selectedId ? rows.findIndex((r) => r.id === selectedId) : -1;
  const selectedIndex = held >= 0 ? offset + held : -1;
  const last = known - 1;

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.target !== e.currentTarget && (e.target as HTMLElement).tagName === "BUTTON" && e.key === "Enter") return;
    let next = selectedIndex;
    switch (e.key) {
      case "ArrowDown":
      case "j":
        next = Math.min(last, selectedIndex + 1);
        break;
      case "ArrowUp":
      case "k":
        next = Math.max(0, selectedIndex - 1);
        break;
      case "PageDown":
        next = Math.min(last, Math.max(0, selectedIndex) + 20);
        break;
      case "PageUp":
        next = Math.max(0, selectedIndex - 20);
        break;
      case "Home":
        next = 0;
        break;
      case "End":
        next = last;
        break;
      case "f":
        if (held >= 0) {
          e.preventDefault();
          onFlag(rows[held]);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    if (next < 0) return;
    // A row not held yet is scrolled to (which reads it); it is selected when the key is pressed again.
    const row = rows[next - offset];
    if (row) onSelect(row.id);
    win.scrollToIndex(next);
  }

  return (
    <div className="tl" role="table" aria-label="Timeline" aria-rowcount={known}>
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
        {count === 0 && <div className="empty">No events match.</div>}
        <div className="tl-canvas" style={{ height: win.totalSize }}>
          {Array.from({ length: win.end - win.start }, (_, k) => {
            const index = win.start + k;
            const key = slotKey(index, win);
            const style = { height: ROW_HEIGHT, transform: `translateY(${index * ROW_HEIGHT}px)` };
            const r = rows[index - offset];
            if (!r) {
              return (
                <div key={key} className="tl-row tl-more" style={style} role="row">
                  <span className="muted">Loading…</span>
                </div>
              );
            }
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
