// Memory of the running desktop app: the Rust process and the WebKit processes it started.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Resident set (RSS: shared library pages counted once per process) per process and in total, and
 * the proportional set (PSS: shared pages split between the processes), in MiB. */
export function memoryMiB() {
  const ps = execFileSync("ps", ["-eo", "pid=,comm="], { encoding: "utf8" });
  const rss = {};
  let pss = 0;
  for (const line of ps.split("\n")) {
    const [pid, ...name] = line.trim().split(/\s+/);
    const comm = name.join(" ");
    if (!/^(casebook-deskto|WebKitWebProces|WebKitNetworkPr)/.test(comm)) continue;
    let roll;
    try {
      roll = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    } catch {
      continue; // exited meanwhile, or not ours to read
    }
    const kib = (k) => Number((roll.match(new RegExp(`^${k}:\\s+(\\d+)`, "m")) || [0, 0])[1]);
    rss[comm] = (rss[comm] || 0) + Math.round(kib("Rss") / 1024);
    pss += kib("Pss");
  }
  return { rss_total: Object.values(rss).reduce((a, b) => a + b, 0), pss_total: Math.round(pss / 1024), rss };
}
