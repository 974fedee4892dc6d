import { useCallback, useEffect, useState, type FormEvent } from "react";
import { api, type KindCount, type Partner, type Progress, type ShareReport } from "../../ipc";
import { useErrors } from "../../components/errors";
import { TlpBadge } from "../../components/TlpBadge";
import { CheckIcon, CopyIcon } from "../../components/icons";
import { TLPS } from "../../lib/vocab";
import { formatBytes } from "../../lib/time";
import { countsText, withheldText } from "../../lib/counts";
import { HashGroups } from "../../components/HashGroups";
import { BrowseButton } from "../../components/BrowseButton";

/** `Ransomware at OPS` → `ransomware-at-ops` (file-name safe; `case` when nothing is left). */
export function slug(title: string): string {
  const s = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  return s || "case";
}

/** The folder holding `dir` (`/home/ana/casebook` → `/home/ana`), or null at the root or when empty. */
export function parentDir(dir: string): string | null {
  const d = dir.replace(/[\\/]+$/, "");
  const i = Math.max(d.lastIndexOf("/"), d.lastIndexOf("\\"));
  if (i < 0) return null;
  if (i === 0) return d[0];
  return d.slice(0, i);
}

/** `<vault dir>/../<case title slug>.casebundle`, or empty without a vault dir. */
export function defaultDest(vaultDir: string | null | undefined, title: string): string {
  const parent = vaultDir ? parentDir(vaultDir) : null;
  if (!parent) return "";
  const sep = parent.includes("\\") && !parent.includes("/") ? "\\" : "/";
  return (parent.endsWith(sep) ? parent : parent + sep) + slug(title) + ".casebundle";
}

const tlpRank = (t: string) => TLPS.indexOf(t.toLowerCase() as (typeof TLPS)[number]);

/** What an export at `tlp` keeps home; `counts` null while it is being worked out. */
export function WithheldPreview({ tlp, counts }: { tlp: string; counts: KindCount[] | null }) {
  const text = counts ? withheldText(tlp, counts) : "Working out what is withheld…";
  const some = !!counts && countsText(counts) !== "";
  return (
    <div className={"withheld" + (some ? " some" : "")} data-testid="share-withheld" role="status">
      {text}
    </div>
  );
}

type Props = { caseId: string; caseTitle: string; caseTlp: string };

export function ShareTab({ caseId, caseTitle, caseTlp }: Props) {
  const { report, clear } = useErrors();
  const [partners, setPartners] = useState<Partner[] | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [allowUnverified, setAllowUnverified] = useState(false);
  const [tlp, setTlp] = useState(caseTlp.toLowerCase());
  const [withheld, setWithheld] = useState<KindCount[] | null>(null);
  const [delta, setDelta] = useState(false);
  const [armor, setArmor] = useState(false);
  const [split, setSplit] = useState("");
  const [dest, setDest] = useState("");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [done, setDone] = useState<ShareReport | null>(null);

  const load = useCallback(() => {
    api.partnerList().then(setPartners).catch(report);
  }, [report]);
  useEffect(load, [load]);

  // Prefill the destination next to the vault folder, unless something was typed already.
  useEffect(() => {
    let stale = false;
    api
      .vaultStatus()
      .then((s) => {
        if (!stale) setDest((d) => d || defaultDest(s.dir, caseTitle));
      })
      .catch(() => {});
    return () => {
      stale = true;
    };
  }, [caseTitle]);

  useEffect(() => {
    let stale = false;
    setWithheld(null);
    api
      .sharePreview(caseId, tlp)
      .then((c) => {
        if (!stale) setWithheld(c);
      })
      .catch((e) => {
        if (!stale) report(e);
      });
    return () => {
      stale = true;
    };
  }, [caseId, tlp, report]);

  const picked = (partners ?? []).filter((p) => chosen.includes(p.name));
  const unverified = picked.filter((p) => !p.verified);
  const below = picked.filter((p) => tlpRank(p.maxTlp) < tlpRank(tlp));
  const splitText = split.trim();
  const splitMib = splitText === "" ? null : Number(splitText);
  const splitBad = splitMib !== null && !(Number.isInteger(splitMib) && splitMib >= 1 && splitMib <= 4096);
  const blocked =
    picked.length === 0 || !dest.trim() || (unverified.length > 0 && !allowUnverified) || splitBad || !!progress;

  function toggle(name: string, on: boolean) {
    setChosen((c) => (on ? [...c.filter((n) => n !== name), name] : c.filter((n) => n !== name)));
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (blocked) return;
    setDone(null);
    setProgress({ done: 0, total: null });
    try {
      const r = await api.shareExport(
        caseId,
        {
          to: picked.map((p) => p.name),
          tlp,
          delta,
          armor,
          splitMib: splitBad ? null : splitMib,
          allowUnverified,
          dest: dest.trim(),
        },
        setProgress,
      );
      clear();
      setDone(r);
    } catch (err) {
      report(err);
    } finally {
      setProgress(null);
    }
  }

  return (
    <div className="share stack">
      <form className="share-form stack" onSubmit={(e) => void submit(e)}>
        <fieldset className="panel stack">
          <legend>Send to</legend>
          {partners !== null && partners.length === 0 && (
            <div className="muted">No partners yet: add their contact cards under Partners first.</div>
          )}
          <ul className="share-partners">
            {(partners ?? []).map((p) => (
              <li key={p.name}>
                <label className="check">
                  <input
                    type="checkbox"
                    data-testid="share-partner"
                    data-partner={p.name}
                    checked={chosen.includes(p.name)}
                    onChange={(e) => toggle(p.name, e.target.checked)}
                    disabled={!!progress}
                  />
                  <span className="strong">{p.name}</span>
                  <span className="muted">{p.org}</span>
                  {p.verified ? (
                    <span className="badge ok">
                      <CheckIcon /> verified
                    </span>
                  ) : (
                    <span className="badge warn">not verified</span>
                  )}
                  <span className="muted small">max</span>
                  <TlpBadge tlp={p.maxTlp} />
                </label>
              </li>
            ))}
          </ul>
          {(partners ?? []).some((p) => !p.verified) && (
            <label className="check">
              <input
                type="checkbox"
                data-testid="share-allow-unverified"
                checked={allowUnverified}
                onChange={(e) => setAllowUnverified(e.target.checked)}
                disabled={!!progress}
              />
              Allow unverified partners (their fingerprint was never checked with them)
            </label>
          )}
          {unverified.length > 0 && !allowUnverified && (
            <div className="hint" data-testid="share-unverified-hint">
              {unverified.map((p) => p.name).join(", ")} {unverified.length === 1 ? "is" : "are"} not verified: verify
              their fingerprint under Partners, or tick “Allow unverified partners”.
            </div>
          )}
          {below.length > 0 && (
            <div className="hint">
              {below.map((p) => `${p.name} may receive at most TLP:${p.maxTlp.toUpperCase()}`).join("; ")}: lower the
              ceiling.
            </div>
          )}
        </fieldset>

        <div className="panel stack">
          <div className="inline-form">
            <label>
              TLP ceiling
              <select data-testid="share-tlp" value={tlp} onChange={(e) => setTlp(e.target.value)} disabled={!!progress}>
                {TLPS.map((t) => (
                  <option key={t} value={t}>
                    TLP:{t.toUpperCase()}
                  </option>
                ))}
              </select>
            </label>
            <WithheldPreview tlp={tlp} counts={withheld} />
          </div>
          <div className="inline-form">
            <label className="check">
              <input type="checkbox" checked={delta} onChange={(e) => setDelta(e.target.checked)} disabled={!!progress} />
              Only what they do not have yet
            </label>
            <label className="check">
              <input type="checkbox" checked={armor} onChange={(e) => setArmor(e.target.checked)} disabled={!!progress} />
              ASCII armor for e-mail
            </label>
            <label>
              Split into parts of (MiB, optional)
              <input
                type="number"
                min={1}
                step={1}
                className="num split-mib"
                data-testid="share-split"
                value={split}
                onChange={(e) => setSplit(e.target.value)}
                aria-invalid={splitBad}
                disabled={!!progress}
              />
            </label>
          </div>
          <label>
            Save the bundle as
            <span className="path-field">
              <input
                className="mono"
                data-testid="share-dest"
                value={dest}
                onChange={(e) => setDest(e.target.value)}
                placeholder="/media/usb/case.casebundle"
                disabled={!!progress}
              />
              <BrowseButton purpose="bundle_save" current={dest} onPick={setDest} onError={report} disabled={!!progress} testId="share-browse" />
            </span>
          </label>
          {splitBad && <div className="field-error">Parts are a whole number of MiB, 1 or more.</div>}
          <div className="actions">
            <button type="submit" className="primary" data-testid="share-submit" disabled={blocked}>
              Export bundle
            </button>
          </div>
        </div>
      </form>

      {progress && (
        <div className="progress-row" role="status">
          <progress aria-label="Writing the bundle" />
          <span className="muted small">{progress.done.toLocaleString()} changes written</span>
        </div>
      )}
      {done && <ShareReportView report={done} />}
    </div>
  );
}

export function ShareReportView({ report }: { report: ShareReport }) {
  const [copied, setCopied] = useState(false);
  // The report counts changes (ops) kept home, not records.
  const withheld = report.withheld
    .filter((c) => c.count > 0)
    .map((c) => `${c.count} ${c.kind} change${c.count === 1 ? "" : "s"}`)
    .join(", ");
  async function copy() {
    try {
      await navigator.clipboard.writeText(report.sha256);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      /* the groups stay on screen to read */
    }
  }
  return (
    <section className="panel share-report" data-testid="share-report" aria-label="Bundle written">
      <h3>Bundle written</h3>
      <dl className="facts">
        <dt>{report.files.length === 1 ? "File" : `Files (${report.files.length} parts)`}</dt>
        <dd>
          {report.files.map((f) => (
            <div key={f} className="mono break" data-testid="share-file">
              {f}
            </div>
          ))}
        </dd>
        <dt>Size</dt>
        <dd>{formatBytes(report.bytes)}</dd>
        <dt>SHA-256</dt>
        <dd className="sha-row">
          <HashGroups value={report.sha256} testId="share-sha256" />
          <button type="button" onClick={() => void copy()}>
            <CopyIcon /> {copied ? "Copied" : "Copy"}
          </button>
        </dd>
        <dt>Commits</dt>
        <dd>{report.commits ?? 0}</dd>
        <dt>Withheld by TLP</dt>
        <dd data-testid="share-report-withheld">{withheld || "nothing"}</dd>
      </dl>
      <p className="muted small">
        Read the SHA-256 to the recipients on the phone; their Casebook shows the same groups when the bundle arrives
        intact.
      </p>
    </section>
  );
}
