// One error banner for the window: any failed command reports here and the responder sees the
// core's message (and its code) until they dismiss it or the next success of the same action.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { toAppError } from "../ipc";

type ErrorState = { code: string; message: string } | null;
type Ctx = { error: ErrorState; report: (e: unknown) => void; clear: () => void };

const ErrorContext = createContext<Ctx>({ error: null, report: () => {}, clear: () => {} });

export function ErrorProvider({ children }: { children: ReactNode }) {
  const [error, setError] = useState<ErrorState>(null);
  const report = useCallback((e: unknown) => {
    const a = toAppError(e);
    setError({ code: a.code, message: a.message });
  }, []);
  const clear = useCallback(() => setError(null), []);
  const value = useMemo(() => ({ error, report, clear }), [error, report, clear]);
  return <ErrorContext.Provider value={value}>{children}</ErrorContext.Provider>;
}

export function useErrors(): Ctx {
  return useContext(ErrorContext);
}

export function ErrorBanner() {
  const { error, clear } = useErrors();
  if (!error) return null;
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <span className="error-code">{error.code}</span>
      <span className="error-message">{error.message}</span>
      <button type="button" className="link" onClick={clear} aria-label="Dismiss error">
        Dismiss
      </button>
    </div>
  );
}
