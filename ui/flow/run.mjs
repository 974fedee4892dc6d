// Flow tests: the built UI (ui/dist) served by `vite preview` on 127.0.0.1, driven by
// playwright-core in the system Chromium, with Tauri's IPC replaced by an in-memory fake backend
// (flow/fake-backend.js) installed before the page loads. Exits non-zero on the first failure;
// screenshots go to ../target/ui-flow/. Run `npm run build` first.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ui = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const shots = resolve(ui, "../target/ui-flow");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 10_000;

if (!existsSync(join(ui, "dist/index.html"))) {
  console.error("ui/dist is missing: run `npm run build` first");
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function startPreview(port) {
  const child = spawn(process.execPath, [join(ui, "node_modules/vite/bin/vite.js"), "preview", "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
    cwd: ui,
    stdio: ["ignore", "pipe", "pipe"],
    detached: false,
  });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`vite preview exited: ${log}`);
    try {
      const r = await fetch(url);
      if (r.ok) return { child, url };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`vite preview did not start: ${log}`);
}

function assert(cond, msg) {
  if (!cond) throw new Error(`assertion failed: ${msg}`);
}

const tid = (id) => `[data-testid="${id}"]`;

/** `fn` applied in the page to the elements that match `selector` now, as the page's own
 * querySelectorAll finds them. Not Playwright's `$$eval`: after the timeline handed a "Loading…"
 * row's DOM node to an event row, `$$eval` was seen (playwright-core 1.65.1, Chromium 156) to return
 * the list from an earlier call, without the node that had become the last event, while the
 * document held it. `fn` must use nothing but its argument (it is sent to the page as source). */
function all(page, selector, fn) {
  return page.evaluate(`(${fn})([...document.querySelectorAll(${JSON.stringify(selector)})])`);
}

async function descriptions(page) {
  return all(page, `${tid("timeline-row")} ${tid("event-description")}`, (els) => els.map((e) => e.textContent.trim()));
}

async function createVault(page, url, shotPrefix) {
  await page.goto(url);
  await page.evaluate(() => localStorage.clear());
  await page.waitForSelector(tid("setup-name"), { timeout: TIMEOUT });
  await page.fill(tid("setup-name"), "Ana Responder");
  await page.fill(tid("setup-org"), "CERT Example");
  await page.fill(tid("setup-passphrase"), "short");
  await page.waitForSelector(`${tid("strength-meter")}[data-acceptable="false"]`, { timeout: TIMEOUT });
  assert(await page.isDisabled(tid("setup-submit")), "submit is disabled for a weak passphrase");
  await page.fill(tid("setup-passphrase"), "correct horse battery staple volcano");
  await page.fill(tid("setup-confirm"), "correct horse battery staple volcano");
  await page.waitForSelector(`${tid("strength-meter")}[data-acceptable="true"]`, { timeout: TIMEOUT });
  if (shotPrefix) await page.screenshot({ path: join(shots, `${shotPrefix}-first-run.png`) });
  await page.waitForSelector(`${tid("setup-submit")}:not([disabled])`, { timeout: TIMEOUT });
  await page.click(tid("setup-submit"));
  await page.waitForSelector(tid("new-case-button"), { timeout: TIMEOUT });
}

async function newCase(page, title) {
  await page.click(tid("new-case-button"));
  await page.waitForSelector(tid("case-title"));
  await page.fill(tid("case-title"), title);
  await page.waitForSelector(`${tid("case-template")} option[value="ransomware"]`, { state: "attached", timeout: TIMEOUT });
  await page.selectOption(tid("case-template"), "ransomware");
  await page.selectOption(tid("case-severity"), "high");
  await page.selectOption(tid("case-tlp"), "amber");
  await page.click(tid("case-submit"));
  await page.waitForSelector(tid("case-header"), { timeout: TIMEOUT });
}

async function quickAdd(page, text) {
  const before = await all(page, tid("timeline-row"), (r) => r.length);
  await page.fill(tid("quick-add"), text);
  await page.press(tid("quick-add"), "Enter");
  await page.waitForFunction(
    ([sel, n]) => document.querySelectorAll(sel).length > n,
    [tid("timeline-row"), before],
    { timeout: TIMEOUT },
  );
  const focused = await page.evaluate(() => document.activeElement?.getAttribute("data-testid"));
  assert(focused === "quick-add", "focus stays in the quick-add bar after Enter");
  assert((await page.inputValue(tid("quick-add"))) === "", "the quick-add bar is cleared after adding");
}

async function addPartner(page, name, fingerprint, maxTlp, verify) {
  await page.click(tid("nav-partners"));
  await page.waitForSelector(tid("partner-card"));
  const card = [
    "-----BEGIN CASEBOOK CONTACT CARD-----",
    `name: ${name}`,
    "org: CERT Partner",
    "age: age1partnerkey",
    "minisign: RWpartner",
    `fingerprint: ${fingerprint}`,
    "-----END CASEBOOK CONTACT CARD-----",
    "",
  ].join("\n");
  await page.fill(tid("partner-card"), card);
  await page.selectOption(tid("partner-max-tlp"), maxTlp);
  await page.click(tid("partner-add"));
  const row = `${tid("partner-row")}[data-partner="${name}"]`;
  await page.waitForSelector(`${row} ${tid("unverified-badge")}`, { timeout: TIMEOUT });
  if (verify) {
    await page.click(`${row} ${tid("verify-button")}`);
    await page.fill(tid("verify-input"), fingerprint);
    await page.click(tid("verify-submit"));
    await page.waitForSelector(`${row} ${tid("verified-badge")}`, { timeout: TIMEOUT });
  }
}

async function waitText(page, sel, re, what) {
  try {
    await page.waitForFunction(([s, src]) => new RegExp(src).test(document.querySelector(s)?.textContent ?? ""), [sel, re.source], { timeout: TIMEOUT });
  } catch {
    const saw = await page.textContent(sel).catch(() => null);
    throw new Error(`${what}: expected ${re}, saw ${JSON.stringify(saw)}`);
  }
}

const flows = {
  async "vault, case, quick-add, flag, lock/unlock"(page, url) {
    await createVault(page, url, "1");
    await newCase(page, "Ransomware at OPS");
    const header = await page.textContent(tid("case-header"));
    assert(header.includes("Ransomware at OPS"), "header shows the title");
    assert(header.includes("TLP:AMBER"), "header shows the TLP badge");

    await page.click(tid("tab-tasks"));
    await page.waitForSelector(tid("task-row"), { timeout: TIMEOUT });
    const tasks = await all(page, tid("task-row"), (r) => r.length);
    assert(tasks === 12, `the ransomware playbook made 12 tasks, saw ${tasks}`);
    await page.click(tid("tab-timeline"));
    await page.waitForSelector(tid("quick-add"));
    await page.waitForSelector(tid("overview-chart"));

    // A bad time is refused in the UI and never reaches the core.
    const adds = () => page.evaluate(() => window.__FAKE_CALLS__.filter((c) => c === "event_add").length);
    await page.fill(tid("quick-add"), "yesterday Something odd");
    await page.press(tid("quick-add"), "Enter");
    await page.waitForSelector(tid("quick-add-error"), { timeout: TIMEOUT });
    assert((await adds()) === 0, "a bad time does not call event_add");
    await page.press(tid("quick-add"), "Escape");
    assert((await page.inputValue(tid("quick-add"))) === "", "Escape clears the bar");

    // `n` focuses the bar from anywhere on the tab.
    await page.click(tid("case-header"));
    await page.keyboard.press("n");
    assert((await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))) === "quick-add", "n focuses the quick-add bar");

    await quickAdd(page, "2026-11-02T03:14Z WS-OPS-07 Ransom note found");
    await quickAdd(page, "2026-11-02T01:05Z DC01 First suspicious logon");
    await quickAdd(page, "2026-11-02 02:30 @fs01.corp.local Mass file renames");
    assert((await adds()) === 3, "three event_add calls");
    const order = await descriptions(page);
    assert(
      JSON.stringify(order) === JSON.stringify(["First suspicious logon", "Mass file renames", "Ransom note found"]),
      `events in time order, saw ${JSON.stringify(order)}`,
    );
    const hosts = await all(page, tid("timeline-row"), (rows) => rows.map((r) => r.children[2].textContent.trim()));
    assert(JSON.stringify(hosts) === JSON.stringify(["DC01", "fs01.corp.local", "WS-OPS-07"]), `hosts parsed, saw ${JSON.stringify(hosts)}`);
    const bars = await all(page, `${tid("overview-chart")} .bar`, (b) => b.length);
    assert(bars > 0, "the overview chart has bars");

    // Flag with the star button, and another with the `f` key on the selected row.
    const ransom = page.locator(tid("timeline-row"), { hasText: "Ransom note found" });
    await ransom.locator(tid("flag-button")).click();
    await page.waitForSelector(`${tid("timeline-row")}:has-text("Ransom note found") ${tid("flag-button")}[aria-pressed="true"]`, { timeout: TIMEOUT });
    const first = page.locator(tid("timeline-row"), { hasText: "First suspicious logon" });
    await first.click();
    await page.keyboard.press("f");
    await page.waitForSelector(`${tid("timeline-row")}:has-text("First suspicious logon") ${tid("flag-button")}[aria-pressed="true"]`, { timeout: TIMEOUT });
    await page.keyboard.press("f");
    await page.waitForSelector(`${tid("timeline-row")}:has-text("First suspicious logon") ${tid("flag-button")}[aria-pressed="false"]`, { timeout: TIMEOUT });
    await page.screenshot({ path: join(shots, "1-timeline.png") });

    // Phase stepper.
    await page.click(tid("phase-step-respond"));
    await page.waitForSelector(`${tid("phase-step-respond")}[aria-current="step"]`, { timeout: TIMEOUT });

    // Lock, a wrong passphrase, then the right one.
    await page.click(tid("lock-button"));
    await page.waitForSelector(tid("unlock-passphrase"), { timeout: TIMEOUT });
    await page.fill(tid("unlock-passphrase"), "not my passphrase at all");
    await page.click(tid("unlock-submit"));
    await page.waitForSelector(tid("unlock-error"), { timeout: TIMEOUT });
    const msg = await page.textContent(tid("unlock-error"));
    assert(/wrong passphrase/i.test(msg), `unlock-error shows the message, saw ${msg}`);
    await page.screenshot({ path: join(shots, "1-unlock-error.png") });
    await page.fill(tid("unlock-passphrase"), "correct horse battery staple volcano");
    await page.click(tid("unlock-submit"));
    // Unlocking starts from the case list (nothing of a case stays on screen while locked).
    await page.waitForSelector(tid("case-row"), { timeout: TIMEOUT });
    assert((await page.textContent(tid("case-row"))).includes("respond"), "the case list shows the new phase");
    await page.screenshot({ path: join(shots, "1-case-list.png") });
    await page.click(tid("case-row"));
    await page.waitForSelector(tid("case-header"), { timeout: TIMEOUT });
    await page.click(tid("tab-timeline"));
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 3, tid("timeline-row"), { timeout: TIMEOUT });
    const after = await descriptions(page);
    assert(after.length === 3 && after[2] === "Ransom note found", `events still there after unlock, saw ${JSON.stringify(after)}`);
    const flagged = await page.getAttribute(`${tid("timeline-row")}:has-text("Ransom note found") ${tid("flag-button")}`, "aria-pressed");
    assert(flagged === "true", "the key event is still flagged");
    await page.screenshot({ path: join(shots, "1-after-unlock.png") });
  },

  async "partner add and verify"(page, url) {
    await createVault(page, url, null);
    await page.click(tid("nav-partners"));
    await page.waitForSelector(tid("partner-card"));
    const own = await page.inputValue(tid("own-card"));
    assert(own.includes("BEGIN CASEBOOK CONTACT CARD"), "the owner's card is shown");
    const card = [
      "-----BEGIN CASEBOOK CONTACT CARD-----",
      "name: Bob Analyst",
      "org: CERT Partner",
      "age: age1partnerkey",
      "minisign: RWpartner",
      "fingerprint: ABCD-EFGH-JKMN-PQRS",
      "-----END CASEBOOK CONTACT CARD-----",
      "",
    ].join("\n");
    await page.fill(tid("partner-card"), card);
    await page.selectOption(tid("partner-max-tlp"), "green");
    await page.click(tid("partner-add"));
    await page.waitForSelector(`${tid("partner-row")}[data-partner="Bob Analyst"] ${tid("unverified-badge")}`, { timeout: TIMEOUT });
    await page.click(tid("verify-button"));
    await page.fill(tid("verify-input"), "ABCD-EFGH-JKMN-XXXX");
    await page.click(tid("verify-submit"));
    await page.waitForSelector(tid("error-banner"), { timeout: TIMEOUT });
    const banner = await page.textContent(tid("error-banner"));
    assert(/does not match/.test(banner), `mismatch shown in the error banner, saw ${banner}`);
    await page.fill(tid("verify-input"), "abcd efgh jkmn pqrs");
    await page.click(tid("verify-submit"));
    await page.waitForSelector(`${tid("partner-row")}[data-partner="Bob Analyst"] ${tid("verified-badge")}`, { timeout: TIMEOUT });
    assert((await page.$(tid("error-banner"))) === null, "the banner is cleared after success");
    await page.screenshot({ path: join(shots, "2-partners.png") });
  },

  async "observables, evidence, tasks, notes, assets, history, settings"(page, url) {
    await createVault(page, url, null);
    await newCase(page, "Other tabs");

    // Browse… opens the native dialog; cancelling it leaves the field as it was.
    await page.click(tid("timeline-browse"));
    await page.waitForFunction(() => window.__FAKE_STATE__.picks.length === 1, null, { timeout: TIMEOUT });
    await page.waitForSelector(`${tid("timeline-browse")}:not([disabled])`, { timeout: TIMEOUT });
    assert((await page.inputValue('input[aria-label="Timeline file path"]')) === "", "a cancelled dialog fills nothing");
    await page.fill('input[aria-label="Timeline file path"]', "/evidence/plaso.csv");
    await page.click('button:has-text("Import")');
    await page.waitForSelector('.import-bar:has-text("rows read")', { timeout: TIMEOUT });
    await page.click('.import-bar button:has-text("Cancel")');
    await page.waitForSelector('.import-bar:has-text("Import cancelled")', { timeout: TIMEOUT });

    await page.click(tid("tab-observables"));
    await page.fill('input[placeholder^="hxxp"]', "hxxp://evil[.]example/x");
    await page.click('button:has-text("Add")');
    await page.waitForSelector(tid("observable-row"), { timeout: TIMEOUT });
    await page.fill('input[placeholder^="hxxp"]', "http://evil.example/x");
    await page.click('button:has-text("Add")');
    await page.waitForSelector('.notice:has-text("merged into the existing observable")', { timeout: TIMEOUT });
    assert((await page.$$(tid("observable-row"))).length === 1, "a duplicate observable merges");

    await page.click(tid("tab-evidence"));
    await page.click(tid("evidence-browse"));
    await page.waitForFunction(() => document.querySelector('input[placeholder^="/cases/"]')?.value === "/cases/ws-ops-07/memory.raw", null, { timeout: TIMEOUT });
    const picks = await page.evaluate(() => window.__FAKE_STATE__.picks);
    assert(
      JSON.stringify(picks) === JSON.stringify([{ purpose: "timeline_file", current: null }, { purpose: "evidence_file", current: null }]),
      `the dialogs were asked for a timeline, then an evidence file, saw ${JSON.stringify(picks)}`,
    );
    await page.click(tid("evidence-add"));
    await page.waitForSelector(".progress-row progress[value]", { timeout: TIMEOUT });
    await page.waitForSelector(tid("evidence-row"), { timeout: TIMEOUT });
    await page.waitForSelector(tid("custody-row"), { timeout: TIMEOUT });
    await page.fill('input[placeholder="handed to forensics lab"]', "handed to forensics lab");
    await page.click('button:has-text("Append")');
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, tid("custody-row"), { timeout: TIMEOUT });

    await page.click(tid("tab-tasks"));
    await page.waitForSelector(tid("task-row"), { timeout: TIMEOUT });
    await page.locator(tid("task-row")).first().locator('button:has-text("doing")').click();
    await page.waitForSelector(`${tid("task-row")}[data-status="doing"]`, { timeout: TIMEOUT });
    await page.fill('input[aria-label="New respond task"]', "Call the insurer");
    await page.press('input[aria-label="New respond task"]', "Enter");
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 13, tid("task-row"), { timeout: TIMEOUT });

    await page.click(tid("tab-notes"));
    await page.fill('input[aria-label="Note title"]', "Hand-over");
    await page.fill('textarea[aria-label="Note body"]', "**bold** <img src=x onerror=\"window.__pwned=1\"> [link](javascript:alert(1))");
    await page.click('button:has-text("Add note")');
    await page.waitForSelector(`${tid("note")} strong:has-text("bold")`, { timeout: TIMEOUT });
    assert((await page.$(`${tid("note")} img`)) === null, "raw HTML in a note is not rendered");
    assert((await page.$(`${tid("note")} a`)) === null, "links in notes are not followable");
    assert(!(await page.evaluate(() => window.__pwned)), "no script ran from a note");

    await page.click(tid("tab-assets"));
    await page.fill('input[placeholder="WS-OPS-07"]', "WS-OPS-07");
    await page.click('button:has-text("Add asset")');
    await page.waitForSelector(tid("asset-row"), { timeout: TIMEOUT });

    await page.click(tid("tab-history"));
    await page.waitForSelector(tid("commit-row"), { timeout: TIMEOUT });
    await page.screenshot({ path: join(shots, "4-history.png") });

    await page.click(tid("nav-settings"));
    await page.fill(tid("idle-minutes"), "3");
    await page.click('button:has-text("Save")');
    assert((await page.evaluate(() => localStorage.getItem("casebook.idleLockMinutes"))) === "3", "idle minutes saved");
  },

  async "share a case to a verified partner"(page, url) {
    await createVault(page, url, null);
    await addPartner(page, "Bob Analyst", "ABCD-EFGH-JKMN-PQRS", "green", true);
    await addPartner(page, "Eve Newcomer", "WXYZ-2345-6789-ABCD", "red", false);
    await page.click(tid("nav-cases"));
    await page.waitForSelector(tid("new-case-button"), { timeout: TIMEOUT });
    await newCase(page, "Ransomware at OPS");
    await page.click(tid("tab-share"));
    await page.waitForSelector(`${tid("share-partner")}[data-partner="Bob Analyst"]`, { timeout: TIMEOUT });
    assert((await page.inputValue(tid("share-tlp"))) === "amber", "the ceiling defaults to the case's TLP");
    await waitText(page, tid("share-withheld"), /^Nothing is withheld$/, "nothing withheld at the case's own TLP");
    await page.waitForFunction((sel) => document.querySelector(sel)?.value !== "", tid("share-dest"), { timeout: TIMEOUT });
    const dest = await page.inputValue(tid("share-dest"));
    assert(dest === "/fake/ransomware-at-ops.casebundle", `destination prefilled next to the vault, saw ${dest}`);
    assert(await page.isDisabled(tid("share-submit")), "Export is disabled without a partner");
    // The save dialog starts at the prefilled path and its answer replaces it.
    await page.click(tid("share-browse"));
    await page.waitForFunction((sel) => document.querySelector(sel)?.value === "/fake/picked.casebundle", tid("share-dest"), { timeout: TIMEOUT });
    const asked = await page.evaluate(() => window.__FAKE_STATE__.picks.at(-1));
    assert(asked.purpose === "bundle_save" && asked.current === dest, `the save dialog starts at ${dest}, saw ${JSON.stringify(asked)}`);

    // An unverified partner needs the explicit allow box.
    await page.check(`${tid("share-partner")}[data-partner="Eve Newcomer"]`);
    assert(await page.isDisabled(tid("share-submit")), "Export is disabled for an unverified partner");
    await page.check(tid("share-allow-unverified"));
    assert(!(await page.isDisabled(tid("share-submit"))), "allowing unverified partners enables Export");
    await page.uncheck(tid("share-allow-unverified"));
    await page.uncheck(`${tid("share-partner")}[data-partner="Eve Newcomer"]`);

    // Bob may receive at most GREEN: the core refuses AMBER and says why.
    await page.check(`${tid("share-partner")}[data-partner="Bob Analyst"]`);
    await page.click(tid("share-submit"));
    await waitText(page, tid("error-banner"), /Bob Analyst may receive at most TLP:GREEN/, "the core's refusal in the banner");

    await page.selectOption(tid("share-tlp"), "green");
    await waitText(page, tid("share-withheld"), /^Withheld at TLP:GREEN: 12 tasks$/, "the withheld preview follows the ceiling");
    await page.check('label:has-text("ASCII armor for e-mail") input');
    await page.fill(tid("share-dest"), "/media/usb/ops-for-bob.casebundle");
    await page.click(tid("share-submit"));
    await page.waitForSelector(tid("share-report"), { timeout: TIMEOUT });
    assert((await page.$(tid("error-banner"))) === null, "the banner is cleared after the export");
    const groups = await all(page, `${tid("share-sha256")} span`, (s) => s.map((x) => x.textContent));
    assert(groups.length === 16 && groups.every((g) => /^[0-9a-f]{4}$/.test(g)), `SHA-256 in 16 groups of 4, saw ${JSON.stringify(groups)}`);
    const report = await page.textContent(tid("share-report"));
    assert(report.includes("/media/usb/ops-for-bob.casebundle"), "the report names the file");
    assert(/12 task changes/.test(report), `the report lists what was withheld, saw ${report}`);
    const sent = await page.evaluate(() => window.__FAKE_STATE__.exports[0].request);
    assert(
      JSON.stringify(sent) ===
        JSON.stringify({ to: ["Bob Analyst"], tlp: "green", delta: false, armor: true, splitMib: null, allowUnverified: false, dest: "/media/usb/ops-for-bob.casebundle" }),
      `share_export got the request as set up, saw ${JSON.stringify(sent)}`,
    );
    await page.screenshot({ path: join(shots, "5-share.png") });
  },

  async "inbox: an item arrives, is previewed and accepted; a quarantined one is not"(page, url) {
    await createVault(page, url, null);
    await page.waitForFunction(() => !!window.__FAKE_STATE__.inboxChannel, null, { timeout: TIMEOUT });
    assert((await page.$(tid("inbox-count"))) === null, "no badge with nothing waiting");
    await page.click(tid("nav-inbox"));
    await page.waitForSelector(`${tid("inbox-notice")}[data-kind="watching"]`, { timeout: TIMEOUT });
    await page.waitForSelector(tid("inbox-folder"), { timeout: TIMEOUT });
    assert((await page.$$(tid("inbox-item"))).length === 0, "the inbox starts empty");

    // A bundle from a verified partner lands in a watched folder: the list refreshes on the notice.
    await page.evaluate(() => window.__FAKE_INBOX__.arrive({ paths: ["/media/usb/casebook/phish.casebundle"], preview: {} }));
    await page.waitForSelector(`${tid("inbox-item")}[data-state="pending"]`, { timeout: TIMEOUT });
    await waitText(page, tid("inbox-count"), /^1$/, "the nav badge counts the pending item");
    await page.click(`${tid("inbox-item")}[data-state="pending"]`);
    await page.waitForSelector(tid("inbox-preview"), { timeout: TIMEOUT });
    const pv = await page.textContent(tid("inbox-preview"));
    for (const want of ["Bob Analyst", "CERT Partner", "Phishing wave", "12 carried, 12 new here", "40 events, 3 observables", "TLP:AMBER", "to you"])
      assert(pv.includes(want), `the preview shows ${want}, saw ${pv}`);
    assert((await page.getAttribute(tid("inbox-trust"), "data-warn")) === "false", "a verified partner is not a warning");
    await page.screenshot({ path: join(shots, "6-inbox-preview.png") });
    await page.click(tid("inbox-accept"));
    await page.waitForSelector(`${tid("inbox-item")}[data-state="accepted"]`, { timeout: TIMEOUT });
    await waitText(page, tid("inbox-note"), /Accepted into “Phishing wave”/, "the accept result");
    await page.waitForFunction((sel) => !document.querySelector(sel), tid("inbox-count"), { timeout: TIMEOUT });

    // An unknown sender is held: a red warning, and trusting them takes a confirmation.
    await page.evaluate(() =>
      window.__FAKE_INBOX__.arrive({ state: "held", preview: { sender: "Mallory", senderOrg: "Nobody", trust: "UNKNOWN sender", caseTitle: "Odd case", addressedToMe: false } }),
    );
    await page.waitForSelector(`${tid("inbox-item")}[data-state="held"]`, { timeout: TIMEOUT });
    await page.click(`${tid("inbox-item")}[data-state="held"]`);
    await waitText(page, tid("inbox-trust"), /UNKNOWN sender/, "the unknown-sender warning");
    assert((await page.getAttribute(tid("inbox-trust"), "data-warn")) === "true", "an unknown sender is a warning");
    await page.click(tid("inbox-trust-accept"));
    await page.waitForSelector(tid("inbox-trust-confirm"), { timeout: TIMEOUT });
    assert((await page.evaluate(() => window.__FAKE_STATE__.inbox.find((i) => i.state === "held"))) !== undefined, "nothing accepted before confirming");
    await page.click(tid("inbox-trust-confirm"));
    await page.waitForFunction((sel) => !document.querySelector(`${sel}[data-state="held"]`), tid("inbox-item"), { timeout: TIMEOUT });

    // A quarantined file: the reason, prominently, and no Accept.
    await page.evaluate(() =>
      window.__FAKE_INBOX__.arrive({ state: "quarantined", reason: "signature does not verify: the bundle was altered after signing", preview: null }),
    );
    await page.waitForSelector(`${tid("inbox-item")}[data-state="quarantined"]`, { timeout: TIMEOUT });
    await page.click(`${tid("inbox-item")}[data-state="quarantined"]`);
    await waitText(page, tid("inbox-reason"), /signature does not verify: the bundle was altered after signing/, "the quarantine reason");
    assert((await page.$(tid("inbox-accept"))) === null, "a quarantined item has no Accept");
    assert((await page.$(tid("inbox-trust-accept"))) === null, "a quarantined item has no trust-and-accept");

    // Watcher news shows in the log.
    await page.evaluate(() => window.__FAKE_INBOX__.notice("folder_gone", "/media/usb/casebook is gone (USB stick removed?)"));
    await page.waitForSelector(`${tid("inbox-notice")}[data-kind="folder_gone"]`, { timeout: TIMEOUT });
    const calls = await page.evaluate(() => window.__FAKE_CALLS__.filter((c) => c === "inbox_subscribe").length);
    assert(calls === 1, `subscribed once, saw ${calls}`);
    await page.screenshot({ path: join(shots, "6-inbox-quarantined.png") });
  },

  async "idle lock after the configured minutes"(page, url) {
    await page.clock.install();
    await createVault(page, url, null);
    await page.evaluate(() => localStorage.setItem("casebook.idleLockMinutes", "2"));
    await page.clock.fastForward("01:30");
    assert((await page.$(tid("unlock-passphrase"))) === null, "not locked before the time");
    await page.clock.fastForward("01:00");
    await page.waitForSelector(tid("unlock-passphrase"), { timeout: TIMEOUT });
    const locked = await page.evaluate(() => window.__FAKE_STATE__.unlocked);
    assert(locked === false, "vault_lock was called");
  },

  async "timeline pages through 20 000 events with few DOM rows, and back up"(page, url) {
    await page.addInitScript(() => {
      window.__FAKE_SEED__ = { events: 20000 };
    });
    await createVault(page, url, null);
    await newCase(page, "Big timeline");
    await page.waitForSelector(tid("timeline-row"), { timeout: TIMEOUT });
    const scroller = page.locator(tid("timeline-scroll"));
    // The furthest event in view (by its number, whatever the order of the reused DOM nodes).
    const furthest = () =>
      all(page, tid("event-description"), (els) =>
        Math.max(-1, ...els.map((e) => Number(/seeded event (\d+)/.exec(e.textContent ?? "")?.[1] ?? -1))),
      );
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      await scroller.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.waitForTimeout(20);
      if ((await furthest()) === 19999) break;
    }
    const last = await furthest();
    const where = await scroller.evaluate((el) => {
      const ys = [...el.querySelectorAll('[role="row"]')].map((r) => Number(/translateY\((\d+)px\)/.exec(r.style.transform)?.[1] ?? -1) / 28);
      const loading = el.querySelectorAll(".tl-more").length;
      return `scrollTop ${el.scrollTop} of ${el.scrollHeight} (view ${el.clientHeight} px); rows ${Math.min(...ys)}..${Math.max(...ys)}, ${loading} loading`;
    });
    assert(last === 19999, `reached the last event, saw seeded event ${last}; ${where}`);
    const dom = await all(page, tid("timeline-row"), (r) => r.length);
    assert(dom < 150, `only visible rows are in the DOM, saw ${dom}`);
    const pages = await page.evaluate(() => window.__FAKE_CALLS__.filter((c) => c === "timeline_page").length);
    assert(pages >= 40, `fetched page by page, saw ${pages} calls`);
    await page.screenshot({ path: join(shots, "3-big-timeline.png") });
    // The window held at most 10 000 rows, so the first half was let go: scrolling back up reads it
    // again, back from the first row held, and the top from the start.
    const shows = (text) =>
      page.waitForFunction(
        (t) => [...document.querySelectorAll('[data-testid="event-description"]')].some((e) => e.textContent === t),
        text,
        { timeout: TIMEOUT },
      );
    await scroller.evaluate((el) => {
      el.scrollTop = 9000 * 28;
    });
    await shows("seeded event 9000");
    const back = await page.evaluate(() => window.__FAKE_PAGES__.filter((p) => p.before).length);
    assert(back >= 1, `read back before the rows held, saw ${back} such pages`);
    const fromStart = () => page.evaluate(() => window.__FAKE_PAGES__.filter((p) => !p.before && !p.after).length);
    const startsBefore = await fromStart();
    await scroller.evaluate((el) => {
      el.scrollTop = 0;
    });
    await shows("seeded event 0");
    assert((await fromStart()) === startsBefore + 1, "the top was read again from the start, not page by page back");
    const first = await all(page, tid("event-description"), (els) =>
      Math.min(...els.map((e) => Number(/seeded event (\d+)/.exec(e.textContent ?? "")?.[1] ?? Infinity))),
    );
    assert(first === 0, `the first row is the first event, saw seeded event ${first}`);
  },
};

const port = await freePort();
const { child, url } = await startPreview(port);
const userDataDir = mkdtempSync(join(tmpdir(), "casebook-flow-"));
let failed = 0;
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1280, height: 800 },
    timezoneId: "UTC",
  });
  await context.addInitScript({ path: join(ui, "flow/fake-backend.js") });
  // FLOW=<text> runs only the flows whose name contains it (for chasing one failure).
  const only = process.env.FLOW ?? "";
  const chosen = Object.entries(flows).filter(([n]) => n.includes(only));
  if (chosen.length === 0) {
    failed++;
    console.error(`FAIL no flow name contains FLOW=${JSON.stringify(only)}`);
  }
  for (const [name, flow] of chosen) {
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(String(e)));
    const t0 = Date.now();
    try {
      await flow(page, url);
      const csp = problems.filter((p) => /Content Security Policy|Refused to/i.test(p));
      assert(csp.length === 0, `no CSP violations, saw ${csp.join(" | ")}`);
      const crashes = problems.filter((p) => !/Content Security Policy|Refused to/i.test(p));
      assert(crashes.length === 0, `no page errors, saw ${crashes.join(" | ")}`);
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      const file = join(shots, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
      await page.screenshot({ path: file }).catch(() => {});
      console.error(`FAIL ${name}: ${e.message}\n     screenshot: ${file}`);
      if (problems.length) console.error(`     page console errors: ${problems.join(" | ")}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await context?.close().catch(() => {});
  child.kill("SIGTERM");
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(failed ? `${failed} flow(s) failed` : "all flows passed; screenshots in " + shots);
process.exit(failed ? 1 : 0);
