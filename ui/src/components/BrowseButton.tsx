import { useState } from "react";
import { api, type PathPurpose } from "../ipc";

/**
 * "Browse…" beside a path field: the desktop's own open or save dialog, shown by the app, fills
 * the field. Cancelling the dialog leaves the field as it was.
 */
export function BrowseButton({
  purpose,
  current,
  onPick,
  onError,
  disabled,
  testId,
}: {
  purpose: PathPurpose;
  current: string;
  onPick: (path: string) => void;
  onError: (e: unknown) => void;
  disabled?: boolean;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  async function browse() {
    setOpen(true);
    try {
      const picked = await api.pathPick(purpose, current.trim() || null);
      if (picked !== null) onPick(picked);
    } catch (e) {
      onError(e);
    } finally {
      setOpen(false);
    }
  }
  return (
    <button type="button" onClick={() => void browse()} disabled={disabled || open} data-testid={testId}>
      Browse…
    </button>
  );
}
