import { useEffect, useRef } from "react";

const KEY = "casebook.idleLockMinutes";
export const DEFAULT_IDLE_MINUTES = 10;

/** Minutes without input before the vault locks (localStorage; 0 turns it off). */
export function getIdleMinutes(): number {
  try {
    const v = localStorage.getItem(KEY);
    if (v === null) return DEFAULT_IDLE_MINUTES;
    const n = Number(v);
    return Number.isFinite(n) && n >= 0 ? n : DEFAULT_IDLE_MINUTES;
  } catch {
    return DEFAULT_IDLE_MINUTES;
  }
}

export function setIdleMinutes(n: number): void {
  localStorage.setItem(KEY, String(n));
  window.dispatchEvent(new Event("casebook-idle-changed"));
}

const INPUT_EVENTS = ["keydown", "mousedown", "mousemove", "wheel", "touchstart", "focus"] as const;

/** Calls `onIdle` once after `getIdleMinutes()` minutes without keyboard or pointer input. */
export function useIdleLock(active: boolean, onIdle: () => void): void {
  const last = useRef(Date.now());
  const cb = useRef(onIdle);
  cb.current = onIdle;

  useEffect(() => {
    if (!active) return;
    last.current = Date.now();
    const touch = () => {
      last.current = Date.now();
    };
    for (const ev of INPUT_EVENTS) window.addEventListener(ev, touch, { passive: true, capture: true });
    const timer = setInterval(() => {
      const minutes = getIdleMinutes();
      if (minutes > 0 && Date.now() - last.current >= minutes * 60_000) {
        last.current = Date.now();
        cb.current();
      }
    }, 5_000);
    return () => {
      for (const ev of INPUT_EVENTS) window.removeEventListener(ev, touch, { capture: true });
      clearInterval(timer);
    };
  }, [active]);
}
