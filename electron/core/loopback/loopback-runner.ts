// The loopback token provider run by a long-lived shell (desktop app, web harness), started over the core's own client store: on the configured
// port while enabled, restarted when the settings change, announced in loopback.json for `tokenry token`.
import type { ErrorValue } from '../../../shared/errors.js';
import type { AppCore } from '../bridge/app-core.js';
import type { AuditApi, AuditRow } from '../bridge/handlers.js';
import { AuditLog, readAudit, removeLoopbackInfo, startLoopbackServer, writeLoopbackInfo, type AuditEntry, type LoopbackServer } from './index.js';
import type { Settings } from '../settings/settings-store.js';

/** Audit entries as the IPC contract's rows (time as epoch milliseconds). */
export function auditRows(entries: readonly AuditEntry[]): AuditRow[] {
  return entries.map((e) => ({ time: Date.parse(e.time), client: e.client, account: e.account, outcome: e.outcome, status: e.status }));
}

/** Reads the audit log from disk (before the provider runs, or while it is disabled). */
export function fileAuditApi(dataDir: string): AuditApi {
  return { read: async (limit) => auditRows(await readAudit(dataDir, { limit })) };
}

/** What the shell should do about the provider's settings: keep it, start it, stop it, or move it. */
export type LoopbackChange = 'keep' | 'start' | 'stop' | 'restart';

/** Pure: the change from what runs (`runningPort`, null when stopped) to what `settings` ask for. */
export function loopbackChange(runningPort: number | null, settings: Pick<Settings, 'loopbackEnabled' | 'loopbackPort'>): LoopbackChange {
  if (!settings.loopbackEnabled) return runningPort === null ? 'keep' : 'stop';
  if (runningPort === null) return 'start';
  return runningPort === settings.loopbackPort ? 'keep' : 'restart';
}

export interface LoopbackCallbacks {
  /** A program asked for an account's token, but the account needs the person to sign in. */
  readonly onNeedsSignIn?: (account: string) => void;
  /** The provider could not start (port in use...); the app keeps running without it. */
  readonly onProblem?: (error: ErrorValue) => void;
}

export interface LoopbackHandle {
  /** `http://127.0.0.1:<port>` while serving, else null. */
  url(): string | null;
  /** Audit rows, newest first (through the open log, so buffered entries are included). */
  readonly audit: AuditApi;
  /** Each audit entry as it is recorded (for a window's live log); returns the unsubscribe. */
  onAudit(listener: (entry: AuditEntry) => void): () => void;
  /** Follows changed settings (enable, disable, move to another port). */
  apply(settings: Settings): Promise<void>;
  close(): Promise<void>;
}

type LoopbackCore = Pick<AppCore, 'dataDir' | 'service' | 'clients' | 'settings'>;

/**
 * THE call site of the loopback token provider: starts it with the app, over the core's service
 * and its already-open client store (never a second ClientStore on the same clients.json).
 */
export async function startLoopback(core: LoopbackCore, callbacks: LoopbackCallbacks = {}): Promise<LoopbackHandle> {
  const auditLog = await AuditLog.open(core.dataDir);
  let server: LoopbackServer | null = null;
  let stopNeedsSignIn: (() => void) | null = null;
  let queue: Promise<void> = Promise.resolve();
  /** One change at a time: a quick port edit must not race a restart still in progress; a failure does not block the next. */
  const serially = (task: () => Promise<void>): Promise<void> => {
    const next = queue.then(task);
    queue = next.catch(() => undefined);
    return next;
  };

  const stop = async (): Promise<void> => {
    const running = server;
    if (running === null) return;
    server = null;
    stopNeedsSignIn?.();
    stopNeedsSignIn = null;
    await running.close();
    await removeLoopbackInfo(core.dataDir, process.pid).catch(() => undefined);
  };

  const start = async (port: number): Promise<void> => {
    const started = await startLoopbackServer({ service: core.service, clients: core.clients, audit: auditLog, port });
    if (!started.ok) {
      callbacks.onProblem?.(started.error);
      return;
    }
    server = started.value;
    if (callbacks.onNeedsSignIn !== undefined) stopNeedsSignIn = server.onNeedsSignIn(callbacks.onNeedsSignIn);
    await writeLoopbackInfo(core.dataDir, { url: server.url, pid: process.pid }).catch((error: unknown) => {
      console.warn('Tokenry: could not write loopback.json', error);
    });
  };

  const apply = (settings: Settings): Promise<void> =>
    serially(async () => {
      const change = loopbackChange(server?.port ?? null, settings);
      if (change === 'stop' || change === 'restart') await stop();
      if (change === 'start' || change === 'restart') await start(settings.loopbackPort);
    });

  await apply(core.settings.get());
  return {
    url: () => server?.url ?? null,
    audit: { read: async (limit) => auditRows(await auditLog.readAudit({ limit })) },
    onAudit: (listener) => auditLog.onAppend(listener),
    apply,
    close: () =>
      serially(async () => {
        await stop();
        await auditLog.close();
      }),
  };
}
