// The UI's only door to the Rust core. Every command is an async function that returns its value
// or throws an `AppError {code, message}`; long work reports progress through a callback.
// `bindings.ts` is generated from src-tauri by tauri-specta (do not edit it); the wire types the
// features use are re-exported here under plain names (the `_Serialize` shapes the core sends).
import { Channel } from "@tauri-apps/api/core";
import { commands } from "./bindings";
import type * as B from "./bindings";

export type ErrorKind = B.ErrorKind;
export type Asset = B.Asset;
export type Bucket = B.Bucket;
export type BundlePreview = B.BundlePreview;
export type CaseDetail = B.CaseDetail_Serialize;
export type CaseSummary = B.CaseSummary_Serialize;
export type CommitInfo = B.CommitInfo;
export type Conflict = B.Conflict;
export type ConflictValue = B.ConflictValue;
export type Cursor = B.Cursor;
export type CustodyEntry = B.CustodyEntry_Serialize;
export type Evidence = B.Evidence_Serialize;
export type EventRow = B.EventRow_Serialize;
export type ImportReport = B.ImportReport;
export type InboxItem = B.InboxItem_Serialize;
export type InboxNotice = B.InboxNotice_Serialize;
export type KindCount = B.KindCount;
export type NewAsset = B.NewAsset_Serialize;
export type NewCase = B.NewCase_Serialize;
export type Note = B.Note;
export type Observable = B.Observable_Serialize;
export type Owner = B.Owner;
export type Partner = B.Partner;
/** What a native file dialog is for: open a timeline, open an evidence file, save a bundle. */
export type PathPurpose = B.PathPurpose;
export type Playbook = B.Playbook;
/** Progress of long work, normalized: units done and, when known, the total. */
export type Progress = { done: number; total: number | null };
export type QuickEvent = B.QuickEvent_Serialize;
export type ShareReport = B.ShareReport;
export type ShareRequest = B.ShareRequest_Serialize;
export type Strength = B.Strength_Serialize;
export type Task = B.Task;
export type TimelineFilter = B.TimelineFilter_Serialize;
export type TimelinePage = B.TimelinePage_Serialize;
export type VaultStatus = B.VaultStatus_Serialize;
type IpcError = B.IpcError;
type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

/** A failed command, as the core reported it. `code` is one of the closed `ErrorKind` words. */
export class AppError extends Error {
  readonly code: ErrorKind;
  constructor(code: ErrorKind, message: string) {
    super(message);
    this.name = "AppError";
    this.code = code;
  }
}

/** Turns anything thrown into an AppError (an `invoke` rejection carries `{code, message}`). */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  if (e && typeof e === "object" && "code" in e && "message" in e) {
    const x = e as IpcError;
    return new AppError(x.code, String(x.message));
  }
  if (e instanceof Error) return new AppError("internal", e.message);
  return new AppError("internal", String(e));
}

async function unwrap<T>(p: Promise<Result<T, IpcError>>): Promise<T> {
  let r: Result<T, IpcError>;
  try {
    r = await p;
  } catch (e) {
    throw toAppError(e);
  }
  if (r.status === "error") throw toAppError(r.error);
  return r.data;
}

async function plain<T>(p: Promise<T>): Promise<T> {
  try {
    return (await p) as T;
  } catch (e) {
    throw toAppError(e);
  }
}

/** A progress callback: units done and, when known, the total. */
export type OnProgress = (p: Progress) => void;

function channel(on?: OnProgress): Channel<B.Progress_Deserialize> {
  const ch = new Channel<B.Progress_Deserialize>();
  ch.onmessage = (p) => on?.({ done: p.done ?? 0, total: p.total ?? null });
  return ch;
}

function inboxItem(i: B.InboxItem_Deserialize): InboxItem {
  return { ...i, preview: i.preview ?? null };
}

/** Receives what the inbox watcher sees, as it happens. */
export type OnInboxNotice = (n: InboxNotice) => void;

/** The system's IANA time zone, sent with naive times. */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export const api = {
  vaultStatus: (): Promise<VaultStatus> => plain(commands.vaultStatus()),
  passphraseStrength: (passphrase: string, name: string, org: string): Promise<Strength> =>
    plain(commands.passphraseStrength(passphrase, name, org)),
  vaultCreate: (passphrase: string, name: string, org: string): Promise<Owner> =>
    unwrap(commands.vaultCreate(passphrase, name, org)),
  vaultUnlock: (passphrase: string): Promise<Owner> => unwrap(commands.vaultUnlock(passphrase)),
  vaultLock: async (): Promise<void> => {
    await plain(commands.vaultLock());
  },
  workCancel: async (): Promise<void> => {
    await plain(commands.workCancel());
  },

  caseList: (): Promise<CaseSummary[]> => unwrap(commands.caseList()),
  playbookList: (): Promise<Playbook[]> => unwrap(commands.playbookList()),
  caseCreate: (c: NewCase): Promise<string> => unwrap(commands.caseCreate(c)),
  caseGet: (caseId: string): Promise<CaseDetail> => unwrap(commands.caseGet(caseId)),
  caseSetPhase: (caseId: string, phase: string): Promise<CaseDetail> =>
    unwrap(commands.caseSetPhase(caseId, phase)),

  /** A page in time order: after `after`, before `before` (at most one of the two), or from the start. */
  timelinePage: (
    caseId: string,
    filter: TimelineFilter,
    after: Cursor | null,
    before: Cursor | null,
    limit: number,
  ): Promise<TimelinePage> => unwrap(commands.timelinePage(caseId, filter, after, before, limit)),
  timelineBuckets: (caseId: string, buckets: number): Promise<Bucket[]> =>
    unwrap(commands.timelineBuckets(caseId, buckets)),
  eventAdd: (caseId: string, event: QuickEvent): Promise<string> => unwrap(commands.eventAdd(caseId, event)),
  eventFlag: async (caseId: string, event: string, key: boolean): Promise<void> => {
    await unwrap(commands.eventFlag(caseId, event, key));
  },
  /** Imports a timeline file; `on` gets rows read so far. Cancel with `workCancel`. */
  /** `skipBad`: import the good rows and report the bad ones instead of stopping at the first. */
  timelineImport: (caseId: string, path: string, on?: OnProgress, skipBad = false): Promise<ImportReport> =>
    unwrap(commands.timelineImport(caseId, path, systemTimeZone(), skipBad, channel(on))),

  observableList: (caseId: string): Promise<Observable[]> => unwrap(commands.observableList(caseId)),
  /** Returns true when the value merged into an observable the case already had. */
  observableAdd: (caseId: string, kind: string | null, value: string, ioc: boolean, note: string | null): Promise<boolean> =>
    unwrap(commands.observableAdd(caseId, kind, value, ioc, note)),
  taskList: (caseId: string): Promise<Task[]> => unwrap(commands.taskList(caseId)),
  taskAdd: (caseId: string, title: string, phase: string): Promise<string> =>
    unwrap(commands.taskAdd(caseId, title, phase)),
  taskSetStatus: async (caseId: string, task: string, status: string): Promise<void> => {
    await unwrap(commands.taskSetStatus(caseId, task, status));
  },
  noteList: (caseId: string): Promise<Note[]> => unwrap(commands.noteList(caseId)),
  noteAdd: (caseId: string, title: string | null, body: string): Promise<string> =>
    unwrap(commands.noteAdd(caseId, title, body)),
  assetList: (caseId: string): Promise<Asset[]> => unwrap(commands.assetList(caseId)),
  assetAdd: (caseId: string, asset: NewAsset): Promise<string> => unwrap(commands.assetAdd(caseId, asset)),
  evidenceList: (caseId: string): Promise<Evidence[]> => unwrap(commands.evidenceList(caseId)),
  /** Hashes and stores a file as evidence; `on` gets bytes read and the file size. */
  evidenceAdd: (caseId: string, path: string, description: string | null, on?: OnProgress): Promise<Evidence> =>
    unwrap(commands.evidenceAdd(caseId, path, description, channel(on))),
  custodyList: (caseId: string, evidence: string): Promise<CustodyEntry[]> =>
    unwrap(commands.custodyList(caseId, evidence)),
  custodyAdd: async (caseId: string, evidence: string, action: string, location: string | null, note: string | null): Promise<void> => {
    await unwrap(commands.custodyAdd(caseId, evidence, action, location, note));
  },

  history: (caseId: string): Promise<CommitInfo[]> => unwrap(commands.history(caseId)),
  conflictList: (caseId: string): Promise<Conflict[]> => unwrap(commands.conflictList(caseId)),
  conflictResolve: async (caseId: string, kind: string, record: string, field: string, value: string): Promise<void> => {
    await unwrap(commands.conflictResolve(caseId, kind, record, field, value));
  },

  partnerList: (): Promise<Partner[]> => unwrap(commands.partnerList()),
  partnerAdd: (card: string, maxTlp: string): Promise<Partner> => unwrap(commands.partnerAdd(card, maxTlp)),
  partnerVerify: (name: string, fingerprint: string): Promise<Partner> =>
    unwrap(commands.partnerVerify(name, fingerprint)),
  partnerRemove: async (name: string): Promise<void> => {
    await unwrap(commands.partnerRemove(name));
  },

  /** Live records an export at this TLP ceiling would keep home, per kind. */
  sharePreview: (caseId: string, tlp: string): Promise<KindCount[]> => unwrap(commands.sharePreview(caseId, tlp)),
  /** Writes the bundle; `on` gets bytes written (no total). */
  shareExport: (caseId: string, request: ShareRequest, on?: OnProgress): Promise<ShareReport> =>
    unwrap(commands.shareExport(caseId, request, channel(on))),

  /** Shows the desktop's open or save dialog; the path picked, or null when cancelled. */
  pathPick: (purpose: PathPurpose, current: string | null): Promise<string | null> =>
    unwrap(commands.pathPick(purpose, current)),

  inboxList: (): Promise<InboxItem[]> => unwrap(commands.inboxList()),
  inboxFolders: (): Promise<string[]> => unwrap(commands.inboxFolders()),
  /** Applies a pending item, or a held one when `trustNewSender` (or its sender was verified since). */
  inboxAccept: (id: number, trustNewSender: boolean): Promise<BundlePreview> =>
    unwrap(commands.inboxAccept(id, trustNewSender)),
  inboxReject: (id: number): Promise<InboxItem> => unwrap(commands.inboxReject(id)),
  /**
   * Sends the inbox watcher's notices to `on` from now on (the core keeps one subscriber: a new
   * subscription replaces the last). The returned function stops `on` from being called.
   */
  inboxSubscribe: async (on: OnInboxNotice): Promise<() => void> => {
    let live = true;
    const ch = new Channel<B.InboxNotice_Deserialize>();
    ch.onmessage = (n) => {
      if (live) on({ kind: n.kind, message: n.message, item: n.item ? inboxItem(n.item) : null });
    };
    await plain(commands.inboxSubscribe(ch));
    return () => {
      live = false;
    };
  },
};

export type Api = typeof api;
