// A minimal W3C WebDriver client over fetch: enough to drive the real Casebook window through
// tauri-driver + WebKitWebDriver (no npm dependencies, so nothing to download or keep in sync).

// The W3C web element identifier key.
import { spawn } from "node:child_process";
import net from "node:net";

const ELEMENT = "element-6066-11e4-a52f-4ba0-ffd6b40fca2b";

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, capabilities) {
    const r = await call("POST", `${base}/session`, { capabilities: { alwaysMatch: capabilities } });
    return new Session(base, r.sessionId);
  }

  async cmd(method, path, body) {
    return call(method, `${this.base}/session/${this.id}${path}`, body);
  }

  async find(testid, { timeout = 10_000 } = {}) {
    const until = Date.now() + timeout;
    let last = "";
    for (;;) {
      try {
        const found = await this.findAll(testid);
        if (found.length > 0) return found[0];
      } catch (e) {
        // WebKitWebDriver answers "stale element reference" when the DOM changes under the search
        // (React re-rendering): look again.
        last = ` (last error: ${e.message})`;
      }
      if (Date.now() > until) throw new Error(`no element [data-testid="${testid}"] after ${timeout} ms${last}`);
      await sleep(100);
    }
  }

  async findAll(testid, within) {
    const path = within ? `/element/${within}/elements` : "/elements";
    const r = await this.cmd("POST", path, { using: "css selector", value: `[data-testid="${testid}"]` });
    return r.map((e) => e[ELEMENT] ?? Object.values(e)[0]);
  }

  async click(testid) {
    const el = await this.find(testid);
    await this.cmd("POST", `/element/${el}/click`, {});
    return el;
  }

  async clickElement(el) {
    await this.cmd("POST", `/element/${el}/click`, {});
  }

  /** Clicks a table row the way a user does: on its first cell (WebKitWebDriver will not click a
   * `<tr>` itself). */
  async clickRow(row) {
    const cell = await this.cmd("POST", `/element/${row}/element`, { using: "css selector", value: "td" });
    await this.clickElement(cell[ELEMENT] ?? Object.values(cell)[0]);
  }

  async type(testid, text) {
    const el = await this.find(testid);
    await this.cmd("POST", `/element/${el}/value`, { text });
    return el;
  }

  async text(el) {
    return this.cmd("GET", `/element/${el}/text`);
  }

  async attribute(el, name) {
    return this.cmd("GET", `/element/${el}/attribute/${name}`);
  }

  async select(testid, value) {
    await this.find(testid);
    const ok = await this.script(
      `const s = document.querySelector('[data-testid="' + arguments[0] + '"]');
       if (![...s.options].some((o) => o.value === arguments[1])) return false;
       s.value = arguments[1];
       s.dispatchEvent(new Event("change", { bubbles: true }));
       return true;`,
      [testid, value],
    );
    if (!ok) throw new Error(`[data-testid="${testid}"] has no option "${value}"`);
  }

  async script(body, args = []) {
    return this.cmd("POST", "/execute/sync", { script: body, args });
  }

  async asyncScript(body, args = []) {
    return this.cmd("POST", "/execute/async", { script: body, args });
  }

  async waitFor(what, check, { timeout = 10_000 } = {}) {
    const until = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await check();
        if (last) return last;
      } catch (e) {
        last = e;
      }
      if (Date.now() > until) throw new Error(`timed out waiting for ${what} (last: ${last})`);
      await sleep(100);
    }
  }

  async end() {
    await this.cmd("DELETE", "", undefined).catch(() => {});
  }
}

export const KEY = { ENTER: "\uE007", ESCAPE: "\uE00C" };

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value || {};
    throw new Error(`${method} ${url}: ${res.status} ${v.error || ""} ${v.message || ""}`);
  }
  return json.value;
}

/** Starts tauri-driver (in front of Debian's WebKitWebDriver) with `env` added to this process's
 * environment, and a session on the desktop binary `app` once both listen: tauri-driver answers on
 * its port before the WebKitWebDriver it starts does, and forwards a session request made in between
 * to nothing (seen on a cold machine, where WebKitWebDriver takes seconds to start). */
export async function startApp(app, env) {
  const driver = spawn(
    "tauri-driver",
    ["--port", "4444", "--native-port", "4445", "--native-driver", "/usr/bin/WebKitWebDriver"],
    {
      env: { ...process.env, WEBKIT_DISABLE_DMABUF_RENDERER: "1", ...env },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  try {
    await waitForPort(4444, 20_000);
    await waitForPort(4445, 20_000);
    const session = await Session.start("http://127.0.0.1:4444", {
      "tauri:options": { application: app },
      "wdio:enforceWebDriverClassic": true,
    });
    return { driver, session };
  } catch (e) {
    driver.kill("SIGTERM");
    throw e;
  }
}

async function waitForPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, "127.0.0.1", () => (s.end(), r(true)));
      s.on("error", () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`tauri-driver did not listen on ${port}`);
}
