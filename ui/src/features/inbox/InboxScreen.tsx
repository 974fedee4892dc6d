import { useEffect, useState } from "react";
import { api, type BundlePreview, type InboxItem } from "../../ipc";
import { useErrors } from "../../components/errors";
import { TlpBadge } from "../../components/TlpBadge";
import { CheckIcon } from "../../components/icons";
import { formatBytes, formatUtc } from "../../lib/time";
import { countsText } from "../../lib/counts";
import { Fingerprint } from "../partners/PartnersScreen";
import { HashGroups } from "../../components/HashGroups";
import type { LoggedNotice } from "./useInbox";

/** What each state means, in a line. */
export const STATE_HELP: Record<string, string> = {
  pending: "verified, waiting for you to accept or reject",
  held: "verified, but from a sender you have not verified: held until you decide",
  quarantined: "failed its checks: kept apart, never applied",
  duplicate: "the same file was seen before",
  accepted: "applied to the case",
  rejected: "declined (the original file is left alone)",
  failed: "could not be read or applied",
};

/** The sender's trust in plain words; `warn` when it must stop the responder. */
export function trustWords(trust: string): { text: string; warn: boolean } {
  switch (trust) {
    case "verified partner":
      return { text: "Verified partner: you checked their fingerprint with them.", warn: false };
    case "yourself":
      return { text: "You: signed with your own key.", warn: false };
    case "partner NOT VERIFIED":
      return {
        text: "partner NOT VERIFIED: this key belongs to a partner whose fingerprint was never checked. Call them and compare fingerprints before accepting.",
        warn: true,
      };
    case "UNKNOWN sender":
      return {
        text: "UNKNOWN sender: this key is not one of your partners. Anyone can make a bundle; confirm who sent it by phone before trusting it.",
        warn: true,
      };
    default:
      return { text: trust ? `Trust: ${trust}` : "Trust unknown", warn: true };
  }
}

const failedState = (s: string) => s === "quarantined" || s === "failed";
const decidable = (s: string) => s === "pending" || s === "held";

export function StateChip({ state }: { state: string }) {
  return (
    <span className={"state-chip " + state} data-testid="inbox-state" title={STATE_HELP[state] ?? state}>
      {state}
    </span>
  );
}

type PreviewProps = {
  item: InboxItem;
  busy?: boolean;
  onAccept: (trustNewSender: boolean) => void;
  onReject: () => void;
};

/** One item: its verified preview (or why it was kept apart) and the decisions it allows. */
export function InboxPreview({ item, busy, onAccept, onReject }: PreviewProps) {
  const [confirming, setConfirming] = useState(false);
  const p = item.preview;
  return (
    <section className="panel inbox-preview stack" data-testid="inbox-preview" aria-label="Inbox item">
      <div className="row">
        <h3>Item {item.id}</h3>
        <StateChip state={item.state} />
        <span className="muted small">{STATE_HELP[item.state]}</span>
      </div>
      {failedState(item.state) && (
        <div className="reason-box" data-testid="inbox-reason" role="alert">
          <div className="strong">{item.state === "quarantined" ? "Quarantined" : "Failed"}</div>
          <div>{item.reason || "no reason was recorded"}</div>
        </div>
      )}
      {p && <PreviewFacts preview={p} />}
      <dl className="facts">
        <dt>File</dt>
        <dd>
          {item.paths.map((path) => (
            <div key={path} className="mono break">
              {path}
            </div>
          ))}
        </dd>
        <dt>Size</dt>
        <dd>{formatBytes(item.size)}</dd>
        <dt>First seen</dt>
        <dd className="mono">{formatUtc(item.firstSeen)}</dd>
        {item.sha256 && (
          <>
            <dt>SHA-256</dt>
            <dd>
              <HashGroups value={item.sha256} />
            </dd>
          </>
        )}
      </dl>

      {decidable(item.state) && !confirming && (
        <div className="actions">
          {item.state === "held" && (
            <span className="muted small grow">
              Verify the sender under Partners and then Accept, or trust this new sender.
            </span>
          )}
          <button type="button" className="danger" data-testid="inbox-reject" disabled={busy} onClick={onReject}>
            Reject
          </button>
          {item.state === "held" && (
            <button type="button" data-testid="inbox-trust-accept" disabled={busy} onClick={() => setConfirming(true)}>
              Trust this new sender and accept…
            </button>
          )}
          <button type="button" className="primary" data-testid="inbox-accept" disabled={busy} onClick={() => onAccept(false)}>
            <CheckIcon /> Accept
          </button>
        </div>
      )}
      {decidable(item.state) && confirming && (
        <div className="trust-confirm stack" data-testid="inbox-trust-confirm-step">
          <div>
            Trust <span className="strong">{p?.sender || "this sender"}</span>
            {p?.senderOrg ? ` (${p.senderOrg})` : ""} with fingerprint{" "}
            {p?.fingerprint ? <Fingerprint value={p.fingerprint} /> : "unknown"} and apply their bundle? Only do this
            after they read you the same fingerprint on the phone.
          </div>
          <div className="actions">
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              Cancel
            </button>
            <button
              type="button"
              className="primary danger-fill"
              data-testid="inbox-trust-confirm"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                onAccept(true);
              }}
            >
              Yes, trust and accept
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function PreviewFacts({ preview: p }: { preview: BundlePreview }) {
  const trust = trustWords(p.trust);
  const records = countsText(p.newRecords);
  return (
    <>
      <div className={trust.warn ? "trust-warning" : "trust-ok"} data-testid="inbox-trust" data-warn={trust.warn}>
        {trust.text}
      </div>
      <dl className="facts">
        <dt>From</dt>
        <dd>
          <span className="strong">{p.sender || "?"}</span>
          {p.senderOrg && <span className="muted"> · {p.senderOrg}</span>}
        </dd>
        <dt>Fingerprint</dt>
        <dd>{p.fingerprint ? <Fingerprint value={p.fingerprint} /> : "?"}</dd>
        <dt>Case</dt>
        <dd className="strong">{p.caseTitle || "?"}</dd>
        <dt>Commits</dt>
        <dd>
          {p.commits ?? 0} carried, {p.newCommits ?? 0} new here
        </dd>
        <dt>New records</dt>
        <dd>{records || "none"}</dd>
        <dt>Conflicts</dt>
        <dd className={p.conflicts ? "warn-text" : undefined}>
          {p.conflicts ? `${p.conflicts} field${p.conflicts === 1 ? "" : "s"} in conflict after applying` : "none"}
        </dd>
        <dt>TLP ceiling</dt>
        <dd>{p.tlpCeiling ? <TlpBadge tlp={p.tlpCeiling} /> : "?"}</dd>
        <dt>Addressed</dt>
        <dd data-testid="inbox-addressed">
          {p.addressedToMe ? "to you" : "not to you: forwarded by someone else"}
        </dd>
      </dl>
    </>
  );
}

/** What accepting did, in a line (a held item stays held while its sender is not trusted). */
export function acceptedText(p: BundlePreview): string {
  if (p.outcome === "held")
    return `Still held: ${p.sender || "the sender"} is not a verified partner. Verify them under Partners, or trust this new sender.`;
  if (p.outcome === "already had") return `Nothing new: this vault already had everything in “${p.caseTitle}”.`;
  const n = p.newCommits ?? 0;
  const records = countsText(p.newRecords);
  return `Accepted into “${p.caseTitle}”: ${n} new commit${n === 1 ? "" : "s"}${records ? `, ${records}` : ""}.`;
}

type Props = { items: InboxItem[]; notices: LoggedNotice[]; refresh: () => void };

export function InboxScreen({ items, notices, refresh }: Props) {
  const { report, clear } = useErrors();
  const [folders, setFolders] = useState<string[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    api.inboxFolders().then(setFolders).catch(report);
    refresh();
  }, [report, refresh]);

  const item = items.find((i) => i.id === selected) ?? null;
  const pick = (id: number) => {
    if (id !== selected) setNote(null);
    setSelected(id);
  };

  async function accept(it: InboxItem, trust: boolean) {
    setBusy(true);
    setNote(null);
    try {
      const p = await api.inboxAccept(it.id, trust);
      clear();
      setNote(acceptedText(p));
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
      refresh();
    }
  }

  async function reject(it: InboxItem) {
    setBusy(true);
    setNote(null);
    try {
      await api.inboxReject(it.id);
      clear();
      setNote(`Item ${it.id} rejected; the file itself was left where it is.`);
    } catch (e) {
      report(e);
    } finally {
      setBusy(false);
      refresh();
    }
  }

  return (
    <section className="page inbox">
      <h1>Inbox</h1>
      <div className="panel small" aria-label="Watched folders">
        <span className="muted">Watching for bundles in </span>
        {folders.length === 0 ? (
          <span className="muted">no folder</span>
        ) : (
          folders.map((f, i) => (
            <span key={f}>
              {i > 0 && ", "}
              <span className="mono" data-testid="inbox-folder">
                {f}
              </span>
            </span>
          ))
        )}
      </div>
      {note && (
        <div className="notice" role="status" data-testid="inbox-note">
          {note}
        </div>
      )}
      <div className="inbox-layout">
        <div className="stack">
          <table className="grid">
            <thead>
              <tr>
                <th>State</th>
                <th>File</th>
                <th>From · case</th>
                <th>Size</th>
                <th>First seen (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr
                  key={it.id}
                  data-testid="inbox-item"
                  data-state={it.state}
                  data-id={it.id}
                  className={"clickable" + (it.id === selected ? " selected" : "")}
                  tabIndex={0}
                  aria-selected={it.id === selected}
                  onClick={() => pick(it.id)}
                  onKeyDown={(e) => e.key === "Enter" && pick(it.id)}
                >
                  <td>
                    <StateChip state={it.state} />
                  </td>
                  <td className="mono break">
                    {it.paths.map((path) => (
                      <div key={path}>{path}</div>
                    ))}
                  </td>
                  <td>
                    {it.preview ? (
                      <>
                        {it.preview.sender}
                        <div className="muted small">{it.preview.caseTitle}</div>
                      </>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="num nowrap">{formatBytes(it.size)}</td>
                  <td className="mono">{formatUtc(it.firstSeen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 && (
            <div className="empty">Nothing has arrived. Bundles dropped into a watched folder show up here.</div>
          )}
        </div>
        <div className="stack">
          {item ? (
            <InboxPreview
              key={item.id}
              item={item}
              busy={busy}
              onAccept={(t) => void accept(item, t)}
              onReject={() => void reject(item)}
            />
          ) : (
            items.length > 0 && <div className="panel muted">Select an item to see what it holds.</div>
          )}
          <section className="panel notice-log" aria-label="Inbox watcher">
            <h4>Watcher</h4>
            {notices.length === 0 ? (
              <div className="muted small">No news from the watcher yet.</div>
            ) : (
              <ul>
                {notices.map((n) => (
                  <li key={n.seq} data-testid="inbox-notice" data-kind={n.kind} className={"notice-" + n.kind}>
                    <span className="mono muted">{new Date(n.at).toISOString().slice(11, 19)}</span> {n.message}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </section>
  );
}
