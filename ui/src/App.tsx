import { useCallback, useEffect, useState } from "react";
import { api, type Owner, type VaultStatus } from "./ipc";
import { ErrorBanner, ErrorProvider, useErrors } from "./components/errors";
import { LockIcon } from "./components/icons";
import { FirstRun } from "./features/vault/FirstRun";
import { Unlock } from "./features/vault/Unlock";
import { useIdleLock } from "./features/vault/idle";
import { CaseList } from "./features/cases/CaseList";
import { CaseView } from "./features/cases/CaseView";
import { PartnersScreen } from "./features/partners/PartnersScreen";
import { SettingsScreen } from "./features/settings/SettingsScreen";
import { InboxScreen } from "./features/inbox/InboxScreen";
import { useInbox } from "./features/inbox/useInbox";

type View =
  | { name: "cases" }
  | { name: "case"; id: string }
  | { name: "inbox" }
  | { name: "partners" }
  | { name: "settings" };

export function App() {
  return (
    <ErrorProvider>
      <Shell />
    </ErrorProvider>
  );
}

function Shell() {
  const { report, clear } = useErrors();
  const [status, setStatus] = useState<VaultStatus | null>(null);
  const [view, setView] = useState<View>({ name: "cases" });

  const refresh = useCallback(() => {
    api.vaultStatus().then(setStatus).catch(report);
  }, [report]);
  useEffect(refresh, [refresh]);

  const unlocked = !!status?.unlocked;
  const onOpened = (owner: Owner) => {
    clear();
    setStatus((s) => ({ dir: s?.dir ?? "", exists: true, unlocked: true, owner }));
  };

  const lock = useCallback(async () => {
    try {
      await api.vaultLock();
    } catch (e) {
      report(e);
    }
    clear();
    // Nothing of a case stays on screen while locked; unlocking starts from the case list.
    setView({ name: "cases" });
    setStatus((s) => (s ? { ...s, unlocked: false, owner: null } : s));
  }, [report, clear]);

  useIdleLock(unlocked, () => void lock());
  // One subscription to the inbox watcher per unlock; the nav badge counts items waiting.
  const inbox = useInbox(unlocked, report);

  if (!status) {
    return (
      <div className="app">
        <ErrorBanner />
        <div className="gate muted">Opening…</div>
      </div>
    );
  }
  if (!status.exists) {
    return (
      <div className="app">
        <ErrorBanner />
        <FirstRun dir={status.dir} onCreated={onOpened} />
      </div>
    );
  }
  if (!status.unlocked) {
    return (
      <div className="app">
        <ErrorBanner />
        <Unlock dir={status.dir} onUnlocked={onOpened} />
      </div>
    );
  }

  const nav = (v: View) => {
    clear();
    setView(v);
  };
  const section = view.name === "case" ? "cases" : view.name;
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Casebook</span>
        <nav aria-label="Main">
          {(
            [
              ["cases", "Cases"],
              ["inbox", "Inbox"],
              ["partners", "Partners"],
              ["settings", "Settings"],
            ] as const
          ).map(([id, label]) => (
            <button
              key={id}
              type="button"
              data-testid={`nav-${id}`}
              className={section === id ? "active" : ""}
              aria-current={section === id ? "page" : undefined}
              onClick={() => nav({ name: id })}
            >
              {label}
              {id === "inbox" && inbox.waiting > 0 && (
                <span className="nav-count" data-testid="inbox-count" aria-label={`${inbox.waiting} waiting`}>
                  {inbox.waiting}
                </span>
              )}
            </button>
          ))}
        </nav>
        <span className="spacer" />
        {status.owner && (
          <span className="who" title={`Fingerprint ${status.owner.fingerprint}`}>
            {status.owner.name} · {status.owner.org}
          </span>
        )}
        <button type="button" className="lock" data-testid="lock-button" onClick={() => void lock()} title="Lock the vault">
          <LockIcon /> Lock
        </button>
      </header>
      <ErrorBanner />
      <main>
        {view.name === "cases" && <CaseList onOpen={(id) => nav({ name: "case", id })} />}
        {view.name === "case" && <CaseView key={view.id} caseId={view.id} onBack={() => nav({ name: "cases" })} />}
        {view.name === "inbox" && <InboxScreen items={inbox.items} notices={inbox.notices} refresh={inbox.refresh} />}
        {view.name === "partners" && <PartnersScreen owner={status.owner} />}
        {view.name === "settings" && <SettingsScreen />}
      </main>
    </div>
  );
}
