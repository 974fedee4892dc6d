// Times travel as µs since the Unix epoch; the UI shows them in UTC, ISO 8601.

/** `2026-11-02 03:14:00Z`, with the fraction when there is one (µs precision). */
export function formatUtc(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return "";
  const ms = Math.floor(us / 1000);
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "";
  const iso = d.toISOString(); // 2026-11-02T03:14:00.123Z
  const base = iso.slice(0, 10) + " " + iso.slice(11, 19);
  const frac = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  if (frac === 0) return base + "Z";
  return base + "." + String(frac).padStart(6, "0").replace(/0+$/, "") + "Z";
}

/** `2026-11-02` */
export function formatDate(us: number | null | undefined): string {
  return formatUtc(us).slice(0, 10);
}

/** The value of an `<input type="datetime-local">` read as UTC, in µs; null when empty or bad. */
export function utcInputToUs(value: string): number | null {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
  return Number.isNaN(ms) ? null : ms * 1000;
}

/** µs to the value of an `<input type="datetime-local">` in UTC. */
export function usToUtcInput(us: number | null): string {
  if (us === null) return "";
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 16);
}

/** Bytes as `1.4 MiB`. */
export function formatBytes(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}
