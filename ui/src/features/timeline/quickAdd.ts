// The quick-add bar's grammar, a pure function so it can be tested on its own:
//
//   <time> [<host>] <description>
//
// time  `now`; RFC 3339 with `Z` or an offset (2026-11-02T03:14Z, 2026-11-02T03:14:05+01:00);
//       or a naive local time, `2026-11-02T03:14` or `2026-11-02 03:14[:ss]`, read in the system
//       time zone (sent as `tz`). A bare date (2026-11-02) means its midnight, local.
// host  optional: a token starting with `@` (the `@` is dropped: @web01.corp.local), or a token of
//       capitals and digits with a dash or a digit in it (WS-OPS-07, DC01, SRV-FILE-2).
//       Plain capitals without a digit or dash (VPN, RDP) stay in the description.
// rest  the description; required.

export type QuickAddInput = { when: string; tz: string | null; host: string | null; description: string };
export type QuickAddResult = { ok: true; event: QuickAddInput } | { ok: false; error: string };

export const QUICK_ADD_HELP =
  "Type: <time> [host] <description>, then Enter.\n" +
  "Time: now, 2026-11-02T03:14Z (UTC), 2026-11-02T03:14+01:00, or 2026-11-02 03:14 (your local time).\n" +
  "Host (optional): @name, or a CAPITALS token with a digit or dash like WS-OPS-07 or DC01.\n" +
  "Escape clears. Press n or Ctrl+K anywhere on the timeline to come back here.";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}:?\d{2})?$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[Tt](.+)$/;
const HOST_CAPS = /^[A-Z0-9][A-Z0-9._-]*$/;

function badTime(t: string): QuickAddResult {
  return {
    ok: false,
    error: `Cannot read the time "${t}": start with now, 2026-11-02T03:14Z (UTC), 2026-11-02T03:14+01:00 or 2026-11-02 03:14 (local time).`,
  };
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** Checks a time-of-day token; returns whether it carries its own offset, or null when invalid. */
function checkTime(t: string): { offset: boolean } | null {
  const m = TIME.exec(t);
  if (!m) return null;
  const [hh, mm, ss] = [+m[1], +m[2], m[3] ? +m[3] : 0];
  if (hh > 23 || mm > 59 || ss > 59) return null;
  if (m[5] && m[5] !== "Z" && m[5] !== "z") {
    const o = m[5].replace(":", "");
    if (+o.slice(1, 3) > 23 || +o.slice(3, 5) > 59) return null;
  }
  return { offset: !!m[5] };
}

function checkDate(d: string): boolean {
  const m = DATE.exec(d);
  return !!m && validDate(+m[1], +m[2], +m[3]);
}

export function looksLikeHost(token: string): boolean {
  if (token.startsWith("@")) return token.length > 1;
  return HOST_CAPS.test(token) && /[A-Z]/.test(token) && /[0-9-]/.test(token);
}

/** Parses what was typed into the quick-add bar; `tz` is the system's IANA zone. */
export function parseQuickAdd(text: string, tz: string): QuickAddResult {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) {
    return { ok: false, error: "Type a time and what happened, e.g. now Backup server isolated." };
  }
  let i = 0;
  let when: string;
  let naive: boolean;
  const first = tokens[0];
  if (first.toLowerCase() === "now") {
    when = "now";
    naive = false;
    i = 1;
  } else if (DATE.test(first)) {
    if (!checkDate(first)) return badTime(first);
    const second = tokens[1];
    const t = second !== undefined && /^\d{2}:\d{2}/.test(second) ? checkTime(second) : undefined;
    if (t === null) return badTime(`${first} ${second}`);
    if (t) {
      when = `${first}T${second.replace(/z$/, "Z")}`;
      naive = !t.offset;
      i = 2;
    } else {
      when = first;
      naive = true;
      i = 1;
    }
  } else {
    const m = DATETIME.exec(first);
    if (!m) return badTime(first);
    if (!checkDate(m[1])) return badTime(first);
    const t = checkTime(m[2]);
    if (!t) return badTime(first);
    when = `${m[1]}T${m[2].replace(/z$/, "Z")}`;
    naive = !t.offset;
    i = 1;
  }

  let host: string | null = null;
  if (i < tokens.length - 1 && looksLikeHost(tokens[i])) {
    host = tokens[i].replace(/^@/, "");
    i++;
  } else if (i < tokens.length && tokens[i].startsWith("@") && tokens[i].length > 1) {
    return { ok: false, error: `Add a description after the host ${tokens[i]}.` };
  }
  const description = tokens.slice(i).join(" ");
  if (!description) return { ok: false, error: "Add a description after the time (what happened)." };
  return { ok: true, event: { when, tz: naive ? tz : null, host, description } };
}
