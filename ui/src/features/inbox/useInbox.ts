import { useCallback, useEffect, useRef, useState } from "react";
import { api, type InboxItem, type InboxNotice } from "../../ipc";

/** A notice as the log shows it: when it arrived here, and a key. */
export type LoggedNotice = InboxNotice & { seq: number; at: number };

/** Notices kept for the log, newest first. */
export const NOTICE_LOG = 30;

/** Items waiting for a decision: pending and held. */
export function waitingCount(items: InboxItem[]): number {
  return items.filter((i) => i.state === "pending" || i.state === "held").length;
}

/**
 * The inbox while the vault is unlocked: subscribes once to the watcher's notices, keeps the item
 * list (refreshed on every "recorded" notice) and the latest notices. Everything is dropped on lock.
 */
export function useInbox(active: boolean, report: (e: unknown) => void) {
  const [items, setItems] = useState<InboxItem[]>([]);
  const [notices, setNotices] = useState<LoggedNotice[]>([]);
  const seq = useRef(0);

  const refresh = useCallback(() => {
    api.inboxList().then(setItems).catch(report);
  }, [report]);

  useEffect(() => {
    if (!active) {
      setItems([]);
      setNotices([]);
      return;
    }
    let gone = false;
    let stop: (() => void) | null = null;
    api
      .inboxSubscribe((n) => {
        if (gone) return;
        seq.current += 1;
        const logged = { ...n, seq: seq.current, at: Date.now() };
        setNotices((l) => [logged, ...l].slice(0, NOTICE_LOG));
        if (n.kind === "recorded") refresh();
      })
      .then((s) => {
        if (gone) s();
        else stop = s;
      })
      .catch(report);
    refresh();
    return () => {
      gone = true;
      stop?.();
    };
  }, [active, refresh, report]);

  return { items, notices, refresh, waiting: waitingCount(items) };
}
