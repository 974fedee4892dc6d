// Memory of the running desktop app: the Rust process and the WebKit processes it started.

import { execFileSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync } from "node:fs";

const PAGE = 4096;
const PRESENT = 1n << 63n;
const PFN_MASK = (1n << 55n) - 1n;

/** The app's processes: pid and command name. */
function appProcesses() {
  const ps = execFileSync("ps", ["-eo", "pid=,comm="], { encoding: "utf8" });
  const found = [];
  for (const line of ps.split("\n")) {
    const [pid, ...name] = line.trim().split(/\s+/);
    const comm = name.join(" ");
    if (/^(casebook-deskto|WebKitWebProces|WebKitNetworkPr)/.test(comm)) found.push({ pid, comm });
  }
  return found;
}

/** Adds the physical frame numbers of `pid`'s resident pages to `frames`; false when the kernel
 * hides frame numbers (reading them needs CAP_SYS_ADMIN) or the process is gone. */
function addFrames(pid, frames) {
  let smaps;
  let fd;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, "utf8");
    fd = openSync(`/proc/${pid}/pagemap`, "r");
  } catch {
    return false;
  }
  let hidden = false;
  try {
    let range = null;
    for (const line of smaps.split("\n")) {
      const m = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
      if (m) {
        range = [parseInt(m[1], 16) / PAGE, parseInt(m[2], 16) / PAGE];
        continue;
      }
      const rss = /^Rss:\s+(\d+)/.exec(line);
      if (!rss || Number(rss[1]) === 0 || !range) continue;
      // Only mappings with resident pages; read their page-table entries 64 Ki pages at a time.
      for (let page = range[0]; page < range[1]; page += 65536) {
        const n = Math.min(65536, range[1] - page);
        const buf = Buffer.alloc(n * 8);
        readSync(fd, buf, 0, n * 8, page * 8);
        const entries = new BigUint64Array(buf.buffer, buf.byteOffset, n);
        for (const e of entries) {
          if (!(e & PRESENT)) continue;
          const pfn = e & PFN_MASK;
          if (pfn === 0n) hidden = true;
          else frames.add(Number(pfn));
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return !hidden;
}

/** The JavaScriptCore options (`JSC_*` variables) in the environment of each of the app's web
 * processes, as `NAME=value` strings; one array per process. */
export function webEngineOptions() {
  return appProcesses()
    .filter(({ comm }) => comm.startsWith("WebKitWebProces"))
    .map(({ pid }) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "utf8")
          .split("\0")
          .filter((v) => v.startsWith("JSC_"));
      } catch {
        return null; // exited meanwhile
      }
    })
    .filter((options) => options !== null);
}

/** Memory of the app in MiB, three ways:
 * - `rss`: resident set per process, and `rss_total` their sum. Each process counts every shared
 *   page it maps (WebKit's and LLVM's libraries are in all three), so the sum counts the same RAM
 *   up to three times.
 * - `resident_total`: the physical pages resident in any of the app's processes, each counted once
 *   (from /proc/PID/pagemap; `null` when the kernel hides frame numbers, i.e. not root). This is
 *   the RAM the app holds; the goal of #6 is judged on it.
 * - `pss_total`: proportional set (shared pages split between every process that maps them,
 *   including processes outside the app), a lower bound. */
export function memoryMiB() {
  const rss = {};
  let pss = 0;
  const frames = new Set();
  let framesKnown = true;
  for (const { pid, comm } of appProcesses()) {
    let roll;
    try {
      roll = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    } catch {
      continue; // exited meanwhile, or not ours to read
    }
    const kib = (k) => Number((roll.match(new RegExp(`^${k}:\\s+(\\d+)`, "m")) || [0, 0])[1]);
    rss[comm] = (rss[comm] || 0) + Math.round(kib("Rss") / 1024);
    pss += kib("Pss");
    framesKnown = addFrames(pid, frames) && framesKnown;
  }
  return {
    rss_total: Object.values(rss).reduce((a, b) => a + b, 0),
    resident_total: framesKnown ? Math.round((frames.size * PAGE) / (1 << 20)) : null,
    pss_total: Math.round(pss / 1024),
    rss,
  };
}
