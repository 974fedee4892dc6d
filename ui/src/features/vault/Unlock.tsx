import { useState, type FormEvent } from "react";
import { api, toAppError, type Owner } from "../../ipc";

/** Unlock an existing vault. A wrong passphrase shows the core's message under the field. */
export function Unlock({ dir, onUnlocked }: { dir: string; onUnlocked: (o: Owner) => void }) {
  const [pass, setPass] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!pass || busy) return;
    setBusy(true);
    setError(null);
    try {
      const owner = await api.vaultUnlock(pass);
      setPass("");
      onUnlocked(owner);
    } catch (err) {
      setError(toAppError(err).message);
      setPass("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="gate">
      <form className="gate-card" onSubmit={submit}>
        <h1>Unlock Casebook</h1>
        {dir && <p className="muted small">Vault: {dir}</p>}
        <label>
          Passphrase
          <input
            data-testid="unlock-passphrase"
            type="password"
            autoComplete="current-password"
            value={pass}
            onChange={(e) => setPass(e.target.value)}
            autoFocus
            aria-invalid={error !== null}
            aria-describedby={error ? "unlock-error" : undefined}
          />
        </label>
        {error && (
          <div className="field-error" id="unlock-error" data-testid="unlock-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" className="primary" data-testid="unlock-submit" disabled={!pass || busy}>
          {busy ? "Unlocking…" : "Unlock"}
        </button>
      </form>
    </div>
  );
}
