// A small in-memory stand-in for the Rust core, installed as `window.__TAURI_INTERNALS__` by an
// init script before the UI loads, so the built UI runs in a plain browser. It implements the
// commands the flow tests use with the core's argument names, result shapes and error objects
// ({code, message}). Not a reimplementation: no crypto, no history, simple rules.
(() => {

  const S = {
    exists: false,
    unlocked: false,
    passphrase: null,
    owner: null,
    cases: [],
    records: {}, // caseId -> {event:[], task:[], observable:[], note:[], asset:[], evidence:[]}
    custody: {},
    commits: {},
    partners: [],
    cancel: false,
    inbox: [], // InboxItem shapes, as inbox_list returns them
    inboxFolders: ["/fake/vault/inbox", "/media/usb/casebook"],
    inboxChannel: null, // the subscriber's channel (one at a time, as in the core)
    inboxIndex: 0,
    inboxSeq: 0,
    picks: [], // path_pick calls: {purpose, current}
  };
  let seq = 0;
  const uuid = () => {
    seq += 1;
    const h = seq.toString(16).padStart(12, "0");
    return `0190f000-0000-7000-8000-${h}`;
  };
  const nowUs = () => Date.now() * 1000;
  const err = (code, message) => ({ code, message });
  const need = () => {
    if (!S.unlocked) throw err("locked", "the vault is locked; unlock it first");
  };
  const getCase = (id) => {
    const c = S.cases.find((c) => c.id === id);
    if (!c) throw err("not_found", `no case ${id}`);
    return c;
  };
  const recs = (id, kind) => {
    getCase(id);
    S.records[id] = S.records[id] || {};
    S.records[id][kind] = S.records[id][kind] || [];
    return S.records[id][kind];
  };
  const commit = (caseId, message, ops = 1) => {
    (S.commits[caseId] = S.commits[caseId] || []).push({
      id: (uuid() + uuid()).replace(/-/g, "").slice(0, 64),
      author: S.owner.name,
      keyId: "key-" + S.owner.name,
      at: nowUs(),
      message,
      ops,
    });
  };
  const words = {
    phase: ["detect", "respond", "remediate", "closed"],
    severity: ["low", "medium", "high", "critical"],
    tlp: ["clear", "green", "amber", "amber+strict", "red"],
    status: ["todo", "doing", "done", "blocked"],
  };
  const word = (what, w) => {
    const t = String(w).trim().toLowerCase();
    if (!words[what].includes(t)) throw err("invalid_input", `unknown ${what} "${w}"; use one of ${words[what].join(", ")}`);
    return t;
  };
  const PLAYBOOKS = {
    ransomware: {
      title: "Ransomware",
      description: "Encryption of systems with or without data theft; extortion.",
      tasks: [
        ["detect", "Identify patient zero and the first encrypted host"],
        ["detect", "Identify the ransomware family from the note, extension and samples"],
        ["detect", "Determine whether data was exfiltrated (egress volumes, leak site)"],
        ["detect", "Notify management, legal and the national CERT"],
        ["respond", "Isolate affected hosts and segments; keep them powered for memory capture"],
        ["respond", "Disable compromised accounts and reset privileged credentials"],
        ["respond", "Block known C2 domains and IPs at the perimeter"],
        ["respond", "Secure backups offline and verify they are not encrypted"],
        ["remediate", "Rebuild affected hosts from known-good images"],
        ["remediate", "Restore data from verified backups"],
        ["remediate", "Rotate all domain credentials, including krbtgt twice"],
        ["remediate", "Write lessons learned and close the case"],
      ],
    },
    phishing: {
      title: "Phishing",
      description: "A phishing campaign against staff.",
      tasks: [["detect", "Collect the reported messages"], ["respond", "Block the sender and URLs"]],
    },
  };

  function strength(p, name, org) {
    const n = [...p].length;
    let rest = p.toLowerCase();
    for (const w of `${name} ${org}`.split(/\s+/)) if (w.length >= 3) rest = rest.split(w.toLowerCase()).join("");
    const score = n < 8 ? 0 : n < 12 ? 1 : n < 16 ? 2 : n < 22 ? 3 : 4;
    let problem = null;
    if (n < 12) problem = `it has ${n} characters; use at least 12 (four or five random words work well)`;
    else if (rest.replace(/[^\p{L}\p{N}]/gu, "").length < 8) problem = "it is mostly your name or organisation, which an attacker tries first";
    else if (score < 3) problem = `it would be guessed quickly (strength ${score}/4, need 3); add more unrelated words`;
    return { score, problem };
  }

  function parseWhen(when, tz) {
    const t = String(when).trim();
    if (t.toLowerCase() === "now") return nowUs();
    const norm = t.replace(" ", "T");
    const hasOffset = /(Z|z|[+-]\d{2}:?\d{2})$/.test(norm) && /T/.test(norm);
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|z|[+-]\d{2}:?\d{2})?$/.test(norm))
      throw err("invalid_input", `cannot read the time "${t}": use ISO 8601, like 2026-11-21T03:12:00+01:00 or 2026-11-21 03:12:00Z`);
    if (!hasOffset && !tz) throw err("invalid_input", `the time "${t}" has no UTC offset; add one (…+01:00 or …Z) or give its time zone`);
    const full = /T/.test(norm) ? norm : norm + "T00:00";
    const ms = hasOffset || tz === "UTC" ? Date.parse(hasOffset ? full : full + "Z") : Date.parse(full);
    if (Number.isNaN(ms)) throw err("invalid_input", `cannot read the time "${t}"`);
    return ms * 1000;
  }

  function caseSummary(c) {
    return { ...c };
  }
  function caseDetail(c) {
    const r = S.records[c.id] || {};
    return {
      case: caseSummary(c),
      counts: Object.keys(r).map((k) => ({ kind: k, count: r[k].length })),
      commits: (S.commits[c.id] || []).length,
      conflicts: 0,
    };
  }

  function matches(e, f) {
    if (f.from !== null && f.from !== undefined && e.at < f.from) return false;
    if (f.to !== null && f.to !== undefined && e.at >= f.to) return false;
    if (f.host && e.host !== f.host.trim()) return false;
    if (f.phase && e.phase !== f.phase) return false;
    if (f.keyOnly && !e.keyEvent) return false;
    if (f.author && e.author !== f.author.trim()) return false;
    if (f.text) {
      const hay = `${e.description} ${e.host} ${e.account} ${e.source}`.toLowerCase();
      for (const w of f.text.toLowerCase().split(/\s+/).filter(Boolean)) if (!hay.includes(w)) return false;
    }
    return true;
  }
  const cmp = (a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  function parseCard(text) {
    const t = String(text);
    if (!t.includes("-----BEGIN CASEBOOK CONTACT CARD-----") || !t.includes("-----END CASEBOOK CONTACT CARD-----"))
      throw err("invalid_input", "not a Casebook contact card (no BEGIN/END lines)");
    const get = (k) => (new RegExp(`^${k}:\\s*(.+)$`, "m").exec(t) || [])[1];
    const name = get("name"), org = get("org"), fingerprint = get("fingerprint");
    if (!name || !org || !fingerprint) throw err("invalid_input", "the contact card lacks a name, org or fingerprint line");
    return { name: name.trim(), org: org.trim(), fingerprint: fingerprint.trim() };
  }
  const normFp = (s) => String(s).replace(/[^0-9A-Za-z]/g, "").toUpperCase();
  const card = (name, org, fp) =>
    `-----BEGIN CASEBOOK CONTACT CARD-----\nname: ${name}\norg: ${org}\nage: age1fake${normFp(fp).toLowerCase()}\nminisign: RWfake\nfingerprint: ${fp}\n-----END CASEBOOK CONTACT CARD-----\n`;

  function send(ch, i, message) {
    const cb = callbacks.get(ch.id);
    if (cb) cb({ index: i, message });
  }
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  const tlpRank = (t) => words.tlp.indexOf(String(t).toLowerCase());
  // Records above the ceiling stay home: each record's own TLP when it has one, else the case's.
  function withheldAt(caseId, ceiling) {
    const c = getCase(caseId);
    const r = S.records[caseId] || {};
    const out = [];
    for (const kind of Object.keys(r).sort()) {
      const n = r[kind].filter((x) => tlpRank(x.tlp || c.tlp) > tlpRank(ceiling)).length;
      if (n) out.push({ kind, count: n });
    }
    return out;
  }
  const fakeSha = (text) => {
    let h = 2166136261;
    let out = "";
    for (let round = 0; round < 8; round++) {
      for (const ch of text + round) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
      out += h.toString(16).padStart(8, "0");
    }
    return out;
  };

  // The inbox watcher: notices go to the one subscribed channel, in order.
  function inboxNotice(kind, message, item = null) {
    const ch = S.inboxChannel;
    if (!ch) return false;
    send(ch, S.inboxIndex++, { kind, message, item: item ? { ...item } : null });
    return true;
  }
  function inboxItem(it) {
    S.inboxSeq += 1;
    return {
      id: S.inboxSeq,
      state: "pending",
      reason: "",
      paths: [`/fake/vault/inbox/bundle-${S.inboxSeq}.casebundle`],
      size: 48_213,
      sha256: fakeSha("inbox" + S.inboxSeq),
      preview: null,
      firstSeen: nowUs(),
      ...it,
    };
  }
  const fakePreview = (p = {}) => ({
    outcome: "previewed",
    sender: "Bob Analyst",
    senderOrg: "CERT Partner",
    fingerprint: "ABCD-EFGH-JKMN-PQRS",
    trust: "verified partner",
    caseTitle: "Phishing wave",
    commits: 12,
    newCommits: 12,
    newRecords: [{ kind: "event", count: 40 }, { kind: "observable", count: 3 }],
    conflicts: 0,
    tlpCeiling: "amber",
    addressedToMe: true,
    ...p,
  });
  // For flow tests: a file arrives in a watched folder (recorded, then pushed as a notice), or the
  // watcher says something (folder gone/back, problems).
  window.__FAKE_INBOX__ = {
    arrive(partial = {}) {
      const it = inboxItem(partial);
      if (it.preview) it.preview = fakePreview(it.preview);
      S.inbox.push(it);
      inboxNotice("recorded", `new file: ${it.paths.join(", ")} (${it.state})`, it);
      return it.id;
    },
    record(partial = {}) {
      const it = inboxItem(partial);
      if (it.preview) it.preview = fakePreview(it.preview);
      S.inbox.push(it);
      return it.id;
    },
    notice: (kind, message, item = null) => inboxNotice(kind, message, item),
    preview: fakePreview,
  };
  const inboxGet = (id) => {
    const it = S.inbox.find((i) => i.id === id);
    if (!it) throw err("not_found", `no inbox item ${id}`);
    return it;
  };

  const handlers = {
    vault_status: () => ({ dir: "/fake/vault", exists: S.exists, unlocked: S.unlocked, owner: S.unlocked ? S.owner : null }),
    passphrase_strength: ({ passphrase, name, org }) => strength(passphrase, name, org),
    vault_create: ({ passphrase, name, org }) => {
      if (S.exists) throw err("already_exists", "a vault already exists here");
      const s = strength(passphrase, name, org);
      if (s.problem) throw err("weak_passphrase", `passphrase refused: ${s.problem}`);
      const fp = "7K3M-9QXA-2PDF-HV4T";
      S.exists = true;
      S.unlocked = true;
      S.passphrase = passphrase;
      S.owner = { name, org, fingerprint: fp, card: card(name, org, fp) };
      return S.owner;
    },
    vault_unlock: ({ passphrase }) => {
      if (!S.exists) throw err("vault_not_found", "no vault here");
      if (passphrase !== S.passphrase) throw err("wrong_passphrase", "wrong passphrase, or not a Casebook vault");
      S.unlocked = true;
      return S.owner;
    },
    vault_lock: () => {
      S.unlocked = false;
      S.cancel = true;
      return null;
    },
    work_cancel: () => {
      S.cancel = true;
      return null;
    },
    case_list: () => {
      need();
      return S.cases.map(caseSummary).sort((a, b) => b.openedAt - a.openedAt);
    },
    playbook_list: () => {
      need();
      return Object.entries(PLAYBOOKS).map(([name, p]) => ({ name, title: p.title, description: p.description, tasks: p.tasks.length }));
    },
    case_create: ({ newCase: n }) => {
      need();
      if (!n.title || !n.title.trim()) throw err("invalid_input", "a case needs a title");
      const c = {
        id: uuid(),
        title: n.title,
        summary: n.summary || "",
        phase: "detect",
        severity: word("severity", n.severity),
        tlp: word("tlp", n.tlp),
        tags: [],
        openedAt: nowUs(),
        closedAt: null,
        template: n.template || null,
        createdBy: S.owner.name,
      };
      S.cases.push(c);
      commit(c.id, "open case");
      if (n.template) {
        const p = PLAYBOOKS[n.template];
        if (!p) throw err("not_found", `no playbook ${n.template}`);
        for (const [phase, title] of p.tasks) recs(c.id, "task").push({ id: uuid(), title, phase, status: "todo", assignee: "" });
        commit(c.id, `playbook ${n.template}`, p.tasks.length);
      }
      const seed = window.__FAKE_SEED__ || {};
      if (seed.events) {
        const ev = recs(c.id, "event");
        const base = Date.UTC(2026, 10, 1) * 1000;
        for (let i = 0; i < seed.events; i++)
          ev.push({
            id: uuid(), at: base + i * 1_000_000, atText: null, host: `HOST-${i % 50}`, account: "", source: "seed",
            description: `seeded event ${i}`, phase: "", keyEvent: false, techniques: [], author: S.owner.name, conflicts: 0,
          });
      }
      return c.id;
    },
    case_get: ({ caseId: id }) => {
      need();
      return caseDetail(getCase(id));
    },
    case_set_phase: ({ caseId: id, phase }) => {
      need();
      const c = getCase(id);
      c.phase = word("phase", phase);
      c.closedAt = c.phase === "closed" ? nowUs() : null;
      commit(id, `phase ${c.phase}`);
      return caseDetail(c);
    },
    timeline_page: ({ caseId: id, filter, after, before, limit }) => {
      need();
      if (after && before) throw err("invalid_input", "a timeline page starts after one event or before one, not both");
      const all = recs(id, "event");
      if (!S.sorted || S.sorted.src !== all || S.sorted.len !== all.length || S.sorted.dirty) {
        S.sorted = { src: all, len: all.length, rows: [...all].sort(cmp), dirty: false };
      }
      const rows = S.sorted.rows;
      // The first position past the cursor (ties in time broken by id, as the core does).
      const past = (cursor) => {
        let a = 0, b = rows.length;
        while (a < b) {
          const m = (a + b) >> 1;
          if (cmp(rows[m], cursor) <= 0) a = m + 1;
          else b = m;
        }
        return a;
      };
      const n = Math.max(1, Math.min(2000, limit));
      const events = [];
      if (before) {
        let i = past(before) - 1;
        if (i >= 0 && cmp(rows[i], before) === 0) i--;
        for (; i >= 0 && events.length < n; i--) if (matches(rows[i], filter)) events.push({ ...rows[i] });
        events.reverse();
        const first = events[0];
        return { events, next: events.length === n && first ? { at: first.at, id: first.id } : null, indexCoverage: filter.text ? 1 : null };
      }
      for (let i = after ? past(after) : 0; i < rows.length && events.length < n; i++) if (matches(rows[i], filter)) events.push({ ...rows[i] });
      const last = events[events.length - 1];
      return { events, next: events.length === n && last ? { at: last.at, id: last.id } : null, indexCoverage: filter.text ? 1 : null };
    },
    timeline_buckets: ({ caseId: id, buckets }) => {
      need();
      const ev = recs(id, "event");
      if (ev.length === 0) return [];
      let min = Infinity, max = -Infinity;
      for (const e of ev) {
        if (e.at < min) min = e.at;
        if (e.at > max) max = e.at;
      }
      const n = Math.max(1, Math.min(1000, buckets));
      const width = Math.max(1, Math.ceil((max - min + 1) / n));
      const out = Array.from({ length: n }, (_, i) => ({ start: min + i * width, count: 0 }));
      for (const e of ev) out[Math.min(n - 1, Math.floor((e.at - min) / width))].count++;
      return out;
    },
    event_add: ({ caseId: id, event }) => {
      need();
      if (!event.description || !event.description.trim()) throw err("invalid_input", "an event needs a description");
      const at = parseWhen(event.when, event.tz);
      const e = {
        id: uuid(), at, atText: event.when, host: (event.host || "").trim(), account: "", source: "", description: event.description,
        phase: event.phase || "", keyEvent: false, techniques: [], author: S.owner.name, conflicts: 0,
      };
      recs(id, "event").push(e);
      if (S.sorted) S.sorted.dirty = true;
      commit(id, "add event");
      return e.id;
    },
    event_flag: ({ caseId: id, event, key }) => {
      need();
      const e = recs(id, "event").find((e) => e.id === event);
      if (!e) throw err("not_found", `no event ${event}`);
      e.keyEvent = !!key;
      if (S.sorted) S.sorted.dirty = true;
      commit(id, key ? "flag key event" : "unflag key event");
      return null;
    },
    timeline_import: async ({ caseId: id, path, onProgress }) => {
      need();
      if (!path.endsWith(".csv")) throw err("invalid_input", `cannot tell the format of ${path}`);
      S.cancel = false;
      for (let i = 1; i <= 10; i++) {
        await sleep(150);
        if (S.cancel) throw err("cancelled", "the import was cancelled; nothing was written");
        send(onProgress, i - 1, { done: i * 1000, total: null });
      }
      return { format: "timesketch-csv", imported: 0, skipped: 0, problems: [] };
    },
    observable_list: ({ caseId: id }) => (need(), recs(id, "observable").map((o) => ({ ...o }))),
    observable_add: ({ caseId: id, kind, value, ioc, note }) => {
      need();
      const v = value.trim().replace(/\[\.\]/g, ".").replace(/^hxxp/, "http");
      const list = recs(id, "observable");
      const had = list.find((o) => o.value === v);
      if (had) {
        had.ioc = had.ioc || ioc;
        had.lastSeen = nowUs();
        return true;
      }
      const k = kind || (/^\d+\.\d+\.\d+\.\d+$/.test(v) ? "ipv4" : /^https?:/.test(v) ? "url" : /^[0-9a-f]{64}$/i.test(v) ? "sha256" : "domain");
      list.push({ id: uuid(), kind: k, value: v, ioc, firstSeen: nowUs(), lastSeen: nowUs(), note: note || "", tlp: getCase(id).tlp });
      return false;
    },
    task_list: ({ caseId: id }) => (need(), recs(id, "task").map((t) => ({ ...t }))),
    task_add: ({ caseId: id, title, phase }) => {
      need();
      const t = { id: uuid(), title, phase: word("phase", phase), status: "todo", assignee: "" };
      recs(id, "task").push(t);
      return t.id;
    },
    task_set_status: ({ caseId: id, task, status }) => {
      need();
      const t = recs(id, "task").find((t) => t.id === task);
      if (!t) throw err("not_found", `no task ${task}`);
      t.status = word("status", status);
      return null;
    },
    note_list: ({ caseId: id }) => (need(), recs(id, "note").map((n) => ({ ...n }))),
    note_add: ({ caseId: id, title, body }) => {
      need();
      const n = { id: uuid(), title: title || "", body, author: S.owner.name, createdAt: nowUs() };
      recs(id, "note").push(n);
      return n.id;
    },
    asset_list: ({ caseId: id }) => (need(), recs(id, "asset").map((a) => ({ ...a }))),
    asset_add: ({ caseId: id, asset }) => {
      need();
      const a = { id: uuid(), name: asset.name, kind: asset.kind, owner: "", criticality: asset.criticality || "", compromise: asset.compromise || "", note: asset.note || "" };
      recs(id, "asset").push(a);
      return a.id;
    },
    // The native dialog: a timeline pick is cancelled, an evidence file and a bundle path are picked.
    path_pick: ({ purpose, current }) => {
      S.picks.push({ purpose, current });
      return { timeline_file: null, evidence_file: "/cases/ws-ops-07/memory.raw", bundle_save: "/fake/picked.casebundle" }[purpose];
    },
    evidence_list: ({ caseId: id }) => (need(), recs(id, "evidence").map((e) => ({ ...e }))),
    evidence_add: async ({ caseId: id, path, description, onProgress }) => {
      need();
      S.cancel = false;
      const total = 8 * 1024 * 1024;
      for (let i = 1; i <= 8; i++) {
        await sleep(100);
        if (S.cancel) throw err("cancelled", "hashing was cancelled; nothing was stored");
        send(onProgress, i - 1, { done: i * 1024 * 1024, total });
      }
      const e = {
        id: uuid(), name: path.split("/").pop(), description: description || "", sha256: "ab".repeat(32), size: total,
        acquiredAt: nowUs(), acquiredBy: S.owner.name, tlp: getCase(id).tlp,
      };
      recs(id, "evidence").push(e);
      S.custody[e.id] = [{ at: nowUs(), by: S.owner.name, action: "acquired", location: "vault", note: "" }];
      return e;
    },
    custody_list: ({ evidence }) => (need(), (S.custody[evidence] || []).map((c) => ({ ...c }))),
    custody_add: ({ evidence, action, location, note }) => {
      need();
      (S.custody[evidence] = S.custody[evidence] || []).push({ at: nowUs(), by: S.owner.name, action, location: location || "", note: note || "" });
      return null;
    },
    history: ({ caseId: id }) => (need(), getCase(id), (S.commits[id] || []).map((c) => ({ ...c }))),
    conflict_list: ({ caseId: id }) => (need(), getCase(id), []),
    conflict_resolve: () => (need(), null),
    partner_list: () => (need(), S.partners.map((p) => ({ ...p }))),
    partner_add: ({ card: text, maxTlp }) => {
      need();
      const c = parseCard(text);
      if (S.partners.some((p) => p.name === c.name)) throw err("already_exists", `partner ${c.name} already exists`);
      const p = { name: c.name, org: c.org, fingerprint: c.fingerprint, verified: false, maxTlp: word("tlp", maxTlp) };
      S.partners.push(p);
      return { ...p };
    },
    partner_verify: ({ name, fingerprint }) => {
      need();
      const p = S.partners.find((p) => p.name === name);
      if (!p) throw err("not_found", `no partner ${name}`);
      if (normFp(fingerprint) !== normFp(p.fingerprint))
        throw err("invalid_input", `fingerprint ${fingerprint} does not match ${p.name}'s stored fingerprint ${p.fingerprint}; do not trust this key until the two agree`);
      p.verified = true;
      return { ...p };
    },
    partner_remove: ({ name }) => {
      need();
      const i = S.partners.findIndex((p) => p.name === name);
      if (i < 0) throw err("not_found", `no partner ${name}`);
      S.partners.splice(i, 1);
      return null;
    },
  };

  Object.assign(handlers, {
    share_preview: ({ caseId, tlp }) => (need(), withheldAt(caseId, word("tlp", tlp))),
    share_export: async ({ caseId, request: r, onProgress }) => {
      need();
      const c = getCase(caseId);
      if (!String(r.dest || "").trim()) throw err("invalid_input", "choose where to save the bundle");
      const tlp = word("tlp", r.tlp);
      if (!r.to || r.to.length === 0) throw err("invalid_input", "name at least one partner with --to");
      for (const name of r.to) {
        const p = S.partners.find((p) => p.name === name);
        if (!p) throw err("not_found", `no partner ${name}`);
        if (tlpRank(p.maxTlp) < tlpRank(tlp))
          throw err(
            "invalid_input",
            `${p.name} may receive at most TLP:${p.maxTlp.toUpperCase()}, below this bundle's ceiling TLP:${tlp.toUpperCase()}; export with --tlp ${p.maxTlp} or raise their limit`,
          );
        if (!p.verified && !r.allowUnverified)
          throw err("invalid_input", `${p.name}'s fingerprint was never verified: check it with them (\`casebook partner verify\`), or pass --allow-unverified`);
      }
      const bytes = 3 * 1024 * 1024 + 123_456;
      for (let i = 1; i <= 4; i++) {
        await sleep(60);
        send(onProgress, i - 1, { done: Math.round((bytes * i) / 4), total: null });
      }
      const dest = String(r.dest).trim();
      const parts = r.splitMib ? Math.ceil(bytes / (r.splitMib * 1024 * 1024)) : 1;
      const files = parts > 1 ? Array.from({ length: parts }, (_, i) => `${dest}.${String(i + 1).padStart(3, "0")}`) : [dest];
      S.exports = (S.exports || []).concat([{ caseId, request: { ...r } }]);
      return {
        bundleId: uuid(),
        files,
        sha256: fakeSha(`${c.id}|${dest}|${tlp}|${r.to.join(",")}`),
        bytes,
        commits: (S.commits[caseId] || []).length,
        withheld: withheldAt(caseId, tlp),
      };
    },
    inbox_list: () => (need(), [...S.inbox].sort((a, b) => b.firstSeen - a.firstSeen || b.id - a.id).map((i) => ({ ...i }))),
    inbox_folders: () => (need(), [...S.inboxFolders]),
    inbox_accept: ({ id, trustNewSender }) => {
      need();
      const it = inboxGet(id);
      if (it.state !== "pending" && it.state !== "held")
        throw err("invalid_input", `inbox item ${id} is ${it.state}; only pending or held items can be accepted`);
      const p = it.preview || fakePreview();
      const known = S.partners.find((q) => q.fingerprint === p.fingerprint);
      const trusted = p.trust === "verified partner" || p.trust === "yourself" || (known && known.verified) || trustNewSender;
      const outcome = trusted ? "accepted" : "held";
      it.state = trusted ? "accepted" : "held";
      it.preview = { ...p, outcome };
      return { ...it.preview };
    },
    inbox_reject: ({ id }) => {
      need();
      const it = inboxGet(id);
      if (it.state !== "pending" && it.state !== "held")
        throw err("invalid_input", `inbox item ${id} is ${it.state}; only pending or held items can be rejected`);
      it.state = "rejected";
      return { ...it };
    },
    inbox_subscribe: ({ onNotice }) => {
      S.inboxChannel = onNotice;
      S.inboxIndex = 0;
      setTimeout(() => inboxNotice("watching", `watching ${S.inboxFolders.join(", ")}`), 0);
      return null;
    },
  });

  const callbacks = new Map();
  let nextCb = 1;
  window.__FAKE_CALLS__ = [];
  window.__FAKE_PAGES__ = [];
  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: "main" }, currentWebview: { windowLabel: "main", label: "main" } },
    transformCallback(cb, once = false) {
      const id = nextCb++;
      callbacks.set(id, (data) => {
        if (once) callbacks.delete(id);
        return cb && cb(data);
      });
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    runCallback(id, data) {
      const cb = callbacks.get(id);
      if (cb) cb(data);
    },
    callbacks,
    convertFileSrc: (p) => p,
    async invoke(cmd, args = {}) {
      window.__FAKE_CALLS__.push(cmd);
      if (cmd === "timeline_page") window.__FAKE_PAGES__.push({ after: !!args.after, before: !!args.before, limit: args.limit });
      const h = handlers[cmd];
      if (!h) throw err("internal", `fake backend: no command ${cmd}`);
      await Promise.resolve();
      try {
        return await h(args);
      } catch (e) {
        if (e && typeof e === "object" && "code" in e) throw e;
        throw err("internal", String(e && e.message ? e.message : e));
      }
    },
  };
  window.__FAKE_STATE__ = S;
})();
