import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, type Owner, type Partner } from "../../ipc";
import { useErrors } from "../../components/errors";
import { TlpBadge } from "../../components/TlpBadge";
import { TLPS } from "../../lib/vocab";
import { CheckIcon, CopyIcon } from "../../components/icons";

/** `ABCD-EFGH-…` or `ABCDEFGH…` as blocks of four, to read aloud. */
export function fingerprintBlocks(fp: string): string[] {
  const clean = fp.replace(/[^0-9A-Za-z]/g, "").toUpperCase();
  return clean.match(/.{1,4}/g) ?? [];
}

export function Fingerprint({ value }: { value: string }) {
  return (
    <span className="fingerprint mono" aria-label={`fingerprint ${value}`}>
      {fingerprintBlocks(value).map((b, i) => (
        <span key={i} className="fp-block">
          {b}
        </span>
      ))}
    </span>
  );
}

export function PartnersScreen({ owner }: { owner: Owner | null }) {
  const { report, clear } = useErrors();
  const [partners, setPartners] = useState<Partner[]>([]);
  const [card, setCard] = useState("");
  const [maxTlp, setMaxTlp] = useState("amber");
  const [verifying, setVerifying] = useState<string | null>(null);
  const [heard, setHeard] = useState("");
  const [copied, setCopied] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);

  const load = useCallback(() => {
    api.partnerList().then(setPartners).catch(report);
  }, [report]);
  useEffect(load, [load]);

  async function add(e: FormEvent) {
    e.preventDefault();
    if (!card.trim()) return;
    try {
      const p = await api.partnerAdd(card, maxTlp);
      clear();
      setCard("");
      setNotice(`Added ${p.name} (${p.org}). Call them and compare fingerprints before trusting what they send.`);
      load();
    } catch (err) {
      report(err);
    }
  }

  async function verify(e: FormEvent, name: string) {
    e.preventDefault();
    if (!heard.trim()) return;
    try {
      const p = await api.partnerVerify(name, heard.trim());
      clear();
      setVerifying(null);
      setHeard("");
      setNotice(`${p.name} is verified.`);
      load();
    } catch (err) {
      report(err);
    }
  }

  async function remove(name: string) {
    if (removing !== name) {
      setRemoving(name);
      return;
    }
    setRemoving(null);
    try {
      await api.partnerRemove(name);
      load();
    } catch (err) {
      report(err);
    }
  }

  async function copyCard() {
    if (!owner) return;
    try {
      await navigator.clipboard.writeText(owner.card);
    } catch {
      const ta = document.getElementById("own-card") as HTMLTextAreaElement | null;
      ta?.select();
      document.execCommand("copy");
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }

  return (
    <section className="page">
      <h1>Partners</h1>
      {notice && (
        <div className="notice" role="status">
          {notice}
        </div>
      )}
      <table className="grid">
        <thead>
          <tr>
            <th>Name</th>
            <th>Organisation</th>
            <th>Fingerprint</th>
            <th>Status</th>
            <th>Max TLP</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {partners.map((p) => (
            <tr key={p.name} data-testid="partner-row" data-partner={p.name}>
              <td className="strong">{p.name}</td>
              <td>{p.org}</td>
              <td>
                <Fingerprint value={p.fingerprint} />
              </td>
              <td>
                {p.verified ? (
                  <span className="badge ok" data-testid="verified-badge">
                    <CheckIcon /> verified
                  </span>
                ) : (
                  <span className="badge warn" data-testid="unverified-badge">
                    not verified
                  </span>
                )}
              </td>
              <td>
                <TlpBadge tlp={p.maxTlp} />
              </td>
              <td className="actions-cell">
                {verifying === p.name ? (
                  <form className="inline-form compact" onSubmit={(e) => void verify(e, p.name)}>
                    <input
                      className="mono"
                      data-testid="verify-input"
                      value={heard}
                      onChange={(e) => setHeard(e.target.value)}
                      placeholder="fingerprint as read to you"
                      aria-label={`Fingerprint ${p.name} read to you`}
                      autoFocus
                    />
                    <button type="submit" className="primary" data-testid="verify-submit" disabled={!heard.trim()}>
                      Verify
                    </button>
                    <button type="button" onClick={() => setVerifying(null)}>
                      Cancel
                    </button>
                  </form>
                ) : (
                  <>
                    {!p.verified && (
                      <button
                        type="button"
                        data-testid="verify-button"
                        onClick={() => {
                          setVerifying(p.name);
                          setHeard("");
                        }}
                      >
                        Verify…
                      </button>
                    )}
                    <button type="button" className="danger" onClick={() => void remove(p.name)} onBlur={() => setRemoving(null)}>
                      {removing === p.name ? "Click again to remove" : "Remove"}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {partners.length === 0 && <div className="empty">No partners yet.</div>}

      <div className="two-col">
        <form className="panel stack" onSubmit={add}>
          <h3>Add a partner</h3>
          <label>
            Their contact card
            <textarea
              data-testid="partner-card"
              className="mono"
              rows={8}
              value={card}
              onChange={(e) => setCard(e.target.value)}
              placeholder="-----BEGIN CASEBOOK CONTACT CARD-----"
            />
          </label>
          <div className="inline-form">
            <input
              type="file"
              accept=".txt,.card,text/plain"
              aria-label="Read the card from a file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (f) setCard(await f.text());
                e.target.value = "";
              }}
            />
            <label>
              Max TLP
              <select data-testid="partner-max-tlp" value={maxTlp} onChange={(e) => setMaxTlp(e.target.value)}>
                {TLPS.map((t) => (
                  <option key={t} value={t}>
                    TLP:{t.toUpperCase()}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" data-testid="partner-add" disabled={!card.trim()}>
              Add partner
            </button>
          </div>
        </form>
        {owner && (
          <section className="panel stack" aria-label="Your card">
            <h3>Your card</h3>
            <p className="small">
              Your fingerprint (read it to partners on the phone): <Fingerprint value={owner.fingerprint} />
            </p>
            <textarea id="own-card" className="mono" rows={8} readOnly value={owner.card} data-testid="own-card" />
            <div className="actions">
              <button type="button" onClick={() => void copyCard()}>
                <CopyIcon /> {copied ? "Copied" : "Copy card"}
              </button>
            </div>
          </section>
        )}
      </div>
    </section>
  );
}
