// Record counts per kind, as words: "212 events, 1 note".
import type { KindCount } from "../ipc";
import { tlpLabel } from "../components/TlpBadge";

const NOUNS: Record<string, [string, string]> = {
  case: ["case record", "case records"],
  event: ["event", "events"],
  observable: ["observable", "observables"],
  evidence: ["evidence item", "evidence items"],
  custody: ["custody entry", "custody entries"],
  task: ["task", "tasks"],
  note: ["note", "notes"],
  asset: ["asset", "assets"],
};

/** `1 note`, `212 events`, `3 evidence items`; an unknown kind word is shown as it came. */
export function kindPhrase(kind: string, n: number): string {
  const [one, many] = NOUNS[kind] ?? [kind, kind];
  return `${n} ${n === 1 ? one : many}`;
}

/** The non-zero counts as a list (`212 events, 1 note`), empty when there are none. */
export function countsText(counts: KindCount[]): string {
  return counts
    .filter((c) => c.count > 0)
    .map((c) => kindPhrase(c.kind, c.count))
    .join(", ");
}

/** What an export at this ceiling keeps home: `Withheld at TLP:GREEN: 212 events, 1 note`. */
export function withheldText(tlp: string, counts: KindCount[]): string {
  const list = countsText(counts);
  return list ? `Withheld at ${tlpLabel(tlp)}: ${list}` : "Nothing is withheld";
}

/** Hex (a SHA-256) in groups of four, to read aloud. */
export function hexGroups(hex: string): string[] {
  return hex.replace(/[^0-9A-Za-z]/g, "").toLowerCase().match(/.{1,4}/g) ?? [];
}
