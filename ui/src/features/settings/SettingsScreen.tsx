import { useState } from "react";
import { DEFAULT_IDLE_MINUTES, getIdleMinutes, setIdleMinutes } from "../vault/idle";

export function SettingsScreen() {
  const [minutes, setMinutes] = useState(String(getIdleMinutes()));
  const [saved, setSaved] = useState(false);
  const n = Number(minutes);
  const valid = minutes.trim() !== "" && Number.isInteger(n) && n >= 0 && n <= 1440;
  return (
    <section className="page narrow">
      <h1>Settings</h1>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (!valid) return;
          setIdleMinutes(n);
          setSaved(true);
        }}
      >
        <label>
          Lock the vault after this many minutes without input (0 = never; default {DEFAULT_IDLE_MINUTES})
          <input
            data-testid="idle-minutes"
            type="number"
            min={0}
            max={1440}
            value={minutes}
            onChange={(e) => {
              setMinutes(e.target.value);
              setSaved(false);
            }}
          />
        </label>
        {!valid && <div className="field-error">A whole number of minutes from 0 to 1440.</div>}
        <div className="actions">
          <button type="submit" className="primary" disabled={!valid}>
            Save
          </button>
          {saved && <span className="muted" role="status">Saved.</span>}
        </div>
      </form>
    </section>
  );
}
