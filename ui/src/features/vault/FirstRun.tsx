import { useEffect, useState, type FormEvent } from "react";
import { api, type Owner, type Strength } from "../../ipc";
import { useErrors } from "../../components/errors";
import { StrengthMeter } from "./StrengthMeter";

/** First run: create the vault and its owner identity. */
export function FirstRun({ dir, onCreated }: { dir: string; onCreated: (o: Owner) => void }) {
  const { report, clear } = useErrors();
  const [name, setName] = useState("");
  const [org, setOrg] = useState("");
  const [pass, setPass] = useState("");
  const [confirm, setConfirm] = useState("");
  // The verdict and the passphrase, name and org it was for: a stale verdict never enables submit.
  const [judged, setJudged] = useState<{ key: string; strength: Strength } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!pass) {
      setJudged(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      api
        .passphraseStrength(pass, name, org)
        .then((s) => live && setJudged({ key: JSON.stringify([pass, name, org]), strength: s }))
        .catch(report);
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [pass, name, org, report]);

  const strength = judged && judged.key === JSON.stringify([pass, name, org]) ? judged.strength : null;
  const shown = judged?.strength ?? null;
  const mismatch = confirm.length > 0 && confirm !== pass;
  const acceptable =
    !!strength && strength.problem === null && pass.length > 0 && pass === confirm && name.trim() !== "" && org.trim() !== "";

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!acceptable || busy) return;
    setBusy(true);
    try {
      const owner = await api.vaultCreate(pass, name.trim(), org.trim());
      clear();
      onCreated(owner);
    } catch (err) {
      report(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="gate">
      <form className="gate-card" onSubmit={submit}>
        <h1>Create your Casebook vault</h1>
        <p className="muted">
          The vault keeps every case encrypted on this machine{dir ? ` (${dir})` : ""}. Your name and organisation go on
          the contact card partners add.
        </p>
        <label>
          Your name
          <input data-testid="setup-name" value={name} onChange={(e) => setName(e.target.value)} autoFocus required />
        </label>
        <label>
          Organisation
          <input data-testid="setup-org" value={org} onChange={(e) => setOrg(e.target.value)} required />
        </label>
        <label>
          Passphrase
          <input
            data-testid="setup-passphrase"
            type="password"
            autoComplete="new-password"
            value={pass}
            onChange={(e) => setPass(e.target.value)}
          />
        </label>
        <StrengthMeter strength={strength ?? shown} empty={!pass} />
        <label>
          Passphrase again
          <input
            data-testid="setup-confirm"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            aria-invalid={mismatch}
          />
        </label>
        {mismatch && <div className="field-error">The two passphrases differ.</div>}
        <p className="muted small">There is no recovery: without the passphrase the vault cannot be opened.</p>
        <button type="submit" className="primary" data-testid="setup-submit" disabled={!acceptable || busy}>
          {busy ? "Creating…" : "Create vault"}
        </button>
      </form>
    </div>
  );
}
