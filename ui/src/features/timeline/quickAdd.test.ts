import { describe, expect, it } from "vitest";
import { looksLikeHost, parseQuickAdd } from "./quickAdd";

const TZ = "Europe/Vienna";

describe("parseQuickAdd", () => {
  const good: [string, { when: string; tz: string | null; host: string | null; description: string }][] = [
    ["2026-11-02T03:14Z WS-OPS-07 Ransom note found", { when: "2026-11-02T03:14Z", tz: null, host: "WS-OPS-07", description: "Ransom note found" }],
    ["now Backup server isolated", { when: "now", tz: null, host: null, description: "Backup server isolated" }],
    ["NOW   DC01   logon  burst", { when: "now", tz: null, host: "DC01", description: "logon burst" }],
    ["2026-11-02 03:14 WS-OPS-07 note", { when: "2026-11-02T03:14", tz: TZ, host: "WS-OPS-07", description: "note" }],
    ["2026-11-02T03:14 Found it", { when: "2026-11-02T03:14", tz: TZ, host: null, description: "Found it" }],
    ["2026-11-02T03:14:05.250+01:00 @web01.corp.local Webshell", { when: "2026-11-02T03:14:05.250+01:00", tz: null, host: "web01.corp.local", description: "Webshell" }],
    ["2026-11-02 03:14:05Z VPN login from new country", { when: "2026-11-02T03:14:05Z", tz: null, host: null, description: "VPN login from new country" }],
    ["2026-11-02 Mail gateway alert", { when: "2026-11-02", tz: TZ, host: null, description: "Mail gateway alert" }],
    ["2026-11-02T03:14z lower z", { when: "2026-11-02T03:14Z", tz: null, host: null, description: "lower z" }],
    ["now WS-OPS-07", { when: "now", tz: null, host: null, description: "WS-OPS-07" }],
  ];
  it.each(good)("reads %j", (text, event) => {
    expect(parseQuickAdd(text, TZ)).toEqual({ ok: true, event });
  });

  const bad: [string, RegExp][] = [
    ["", /Type a time/],
    ["   ", /Type a time/],
    ["yesterday Something odd", /Cannot read the time "yesterday"/],
    ["03:14 Something", /Cannot read the time "03:14"/],
    ["2026-13-02T03:14Z Month 13", /Cannot read the time/],
    ["2026-02-30 03:14 Feb 30", /Cannot read the time "2026-02-30"/],
    ["2026-11-02 25:00 Hour 25", /Cannot read the time "2026-11-02 25:00"/],
    ["2026-11-02T03:61Z Minute 61", /Cannot read the time/],
    ["2026-11-02T03:14+25:00 offset", /Cannot read the time/],
    ["now", /Add a description/],
    ["2026-11-02T03:14Z", /Add a description/],
    ["now @WS-01", /Add a description after the host/],
  ];
  it.each(bad)("refuses %j", (text, message) => {
    const r = parseQuickAdd(text, TZ);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe("looksLikeHost", () => {
  it.each([
    ["WS-OPS-07", true],
    ["DC01", true],
    ["SRV-FILE", true],
    ["@anything", true],
    ["VPN", false],
    ["RDP", false],
    ["4624", false],
    ["Backup", false],
    ["ws-ops-07", false],
    ["@", false],
  ])("%s → %s", (t, want) => expect(looksLikeHost(t)).toBe(want));
});
