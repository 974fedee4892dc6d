// The desktop app with a 1,000,000-event case: time from opening the Timeline tab to the first rows,
// scroll frame times while scrolling fast through the virtualized table (down, then back up through
// rows the window let go of, then a jump to the top), and the app's memory (the Rust process plus
// WebKit's web and network processes). Run by `make bench-desktop` on the release build, under
// Xvfb in a network namespace like the E2E test (scripts/e2e.sh tests/e2e/scale.mjs).
//
// Prints one JSON line of figures and writes it to target/e2e-scale/figures.json.

import { execFileSync } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { sleep, startApp } from "./webdriver.mjs";
import { memoryMiB, webEngineOptions } from "./memory.mjs";

const root = resolve(import.meta.dirname, "../..");
const app = process.env.CASEBOOK_DESKTOP_BIN || join(root, "target/debug/casebook-desktop");
const cli = process.env.CASEBOOK_CLI_BIN || join(root, "target/debug/casebook");
const EVENTS = Number(process.env.SCALE_EVENTS || 1_000_000);
const SCROLL_SECONDS = Number(process.env.SCALE_SCROLL_SECONDS || 5);
const out = join(root, "target/e2e-scale");
const vault = join(out, `vault-${EVENTS}`);
const PASS = "copper kestrel violin glacier 42";
mkdirSync(out, { recursive: true });

function run(args) {
  return execFileSync(cli, ["--vault", vault, ...args], {
    env: { ...process.env, CASEBOOK_PASSPHRASE: PASS },
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
}

async function prepare() {
  if (existsSync(join(vault, "vault.db"))) return;
  console.log(`- preparing a vault with ${EVENTS} events (kept in ${vault} for the next run)`);
  run(["init", "--name", "Perf Tester", "--org", "CERT Perf"]);
  const id = JSON.parse(run(["case", "new", "Scale: one million events", "--json"])).id;
  const csv = join(out, "timeline.csv");
  const w = createWriteStream(csv);
  w.write("message,datetime,timestamp_desc,hostname\n");
  const t0 = Date.UTC(2026, 9, 1);
  for (let i = 0; i < EVENTS; i++) {
    const t = new Date(t0 + i * 2_000).toISOString();
    const line = `Process ${i % 977} started by user${i % 31} on the host,${t},Event Recorded,ws-${String(i % 500).padStart(3, "0")}\n`;
    if (!w.write(line)) await new Promise((r) => w.once("drain", r));
  }
  await new Promise((r) => w.end(r));
  const started = Date.now();
  run(["import", "timeline", id, csv]);
  console.log(`  imported in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}


const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

await prepare();
let failed = false;
let session;
let driver;
try {
  ({ driver, session } = await startApp(app, { CASEBOOK_VAULT: vault }));
  const s = session;
  await s.type("unlock-passphrase", PASS);
  await s.click("unlock-submit");
  const row = await s.find("case-row", { timeout: 30_000 });
  await s.clickRow(row);
  await s.find("tab-tasks", { timeout: 30_000 });
  await s.click("tab-tasks");
  await sleep(500);

  // Time from the click on the Timeline tab to the first rendered rows, measured in the page.
  const firstRows = [];
  for (let i = 0; i < 5; i++) {
    await s.click("tab-tasks");
    await sleep(300);
    const ms = await s.asyncScript(`
      const done = arguments[arguments.length - 1];
      const t0 = performance.now();
      document.querySelector('[data-testid="tab-timeline"]').click();
      (function poll() {
        if (document.querySelector('[data-testid="timeline-row"]')) done(performance.now() - t0);
        else requestAnimationFrame(poll);
      })();`);
    firstRows.push(ms);
  }
  execFileSync("import", ["-window", "root", join(out, "timeline-1m.png")]);
  const memoryAtFirstRows = memoryMiB();

  // Scroll fast for SCALE_SCROLL_SECONDS (5 s; 2,000 px a frame, ~70 rows) and record every frame's
  // duration; `step` -2000 scrolls back up. Then the time until no row in view is still loading.
  await s.cmd("POST", "/timeouts", { script: (SCROLL_SECONDS + 60) * 1000 });
  const scrollFor = (seconds, step) =>
    s.asyncScript(
      `
    const done = arguments[arguments.length - 1];
    const [seconds, step] = [arguments[0], arguments[1]];
    let el = document.querySelector('[data-testid="timeline-row"]');
    while (el && !(el.scrollHeight > el.clientHeight && getComputedStyle(el).overflowY !== "visible")) el = el.parentElement;
    const frames = [];
    let last = performance.now();
    const end = last + seconds * 1000;
    const loadingInView = () => {
      const box = el.getBoundingClientRect();
      return [...el.querySelectorAll(".tl-more")].some((r) => {
        const b = r.getBoundingClientRect();
        return b.bottom > box.top && b.top < box.bottom;
      });
    };
    (function frame(now) {
      frames.push(now - last);
      last = now;
      el.scrollTop += step;
      if (now < end) return requestAnimationFrame(frame);
      const stopped = performance.now();
      (function settle() {
        if (loadingInView()) return requestAnimationFrame(settle);
        done({ frames: frames.slice(1), top: el.scrollTop, settle: performance.now() - stopped });
      })();
    })(last);`,
      [seconds, step],
    );
  const framesOf = (run) => ({
    frames: run.frames.length,
    p50_ms: quantile(run.frames, 0.5),
    p99_ms: quantile(run.frames, 0.99),
    max_ms: Math.max(...run.frames),
    over_50_ms: run.frames.filter((f) => f > 50).length,
    rows_in_view_after_ms: Math.round(run.settle),
  });
  const scroll = await scrollFor(SCROLL_SECONDS, 2000);
  execFileSync("import", ["-window", "root", join(out, "timeline-1m-scrolled.png")]);
  const figures = {
    events: EVENTS,
    web_engine_options: webEngineOptions()[0] ?? [],
    first_rows_ms: { median: Math.round(quantile(firstRows, 0.5)), all: firstRows.map((x) => Math.round(x)) },
    scroll: { ...framesOf(scroll), rows_scrolled: Math.round(scroll.top / 28) },
    memory_at_first_rows_mib: memoryAtFirstRows,
    memory_mib: memoryMiB(),
  };
  // Again after 10 s idle: what the web process gives back once its garbage is collected.
  await sleep(10_000);
  figures.memory_after_10s_idle_mib = memoryMiB();
  // Back up as fast for 3 s: the rows let go of are read again, back from the first row held.
  const back = await scrollFor(3, -2000);
  figures.scroll_back = { ...framesOf(back), rows_up: Math.round((scroll.top - back.top) / 28) };
  // To the top in one jump: read again from the start.
  figures.jump_to_top_ms = Math.round(
    await s.asyncScript(`
      const done = arguments[arguments.length - 1];
      let el = document.querySelector('[data-testid="timeline-row"]');
      while (el && !(el.scrollHeight > el.clientHeight && getComputedStyle(el).overflowY !== "visible")) el = el.parentElement;
      const t0 = performance.now();
      el.scrollTop = 0;
      (function poll() {
        const rows = [...el.querySelectorAll('[data-testid="timeline-row"]')];
        if (rows.some((r) => r.style.transform === "translateY(0px)")) done(performance.now() - t0);
        else requestAnimationFrame(poll);
      })();`),
  );
  figures.memory_at_end_mib = memoryMiB();
  console.log(JSON.stringify(figures));
  writeFileSync(join(out, "figures.json"), JSON.stringify(figures, null, 2));
} catch (e) {
  failed = true;
  console.error(`desktop scale: FAILED: ${e.stack || e}`);
} finally {
  if (session) await session.end();
  driver?.kill("SIGTERM");
}
process.exit(failed ? 1 : 0);
