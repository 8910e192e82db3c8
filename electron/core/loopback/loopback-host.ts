// The loopback token provider the one way every owner runs it (the desktop app, `tokenry serve`, the web harness):
// its client store and audit log opened once, the server started, moved or stopped on request, announced in loopback.json.
import type { ErrorValue } from '../../../shared/errors.js';
import type { AuditRow } from '../../../shared/ipc.js';
import { ok, type Result } from '../../../shared/result.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { StoreOpener } from '../vault/data-store.js';
import { SerialQueue } from '../vault/serial-queue.js';
import type { WriteGuard } from '../vault/write-guard.js';
import { AuditLog, type AuditEntry, type AuditLogOptions } from './audit-log.js';
import { ClientStore, type ClientStoreOptions } from './client-store.js';
import { removeLoopbackInfo, writeLoopbackInfo } from './discovery.js';
import type { LoopbackServer, LoopbackTokenSource } from './loopback-server.js';
import type { RateLimit } from './rate-limiter.js';

/** Audit entries as the IPC contract's rows (time as epoch milliseconds); a row of counted refusals says how many and from where. */
export function auditRows(entries: readonly AuditEntry[]): AuditRow[] {
  return entries.map((e) => ({ time: Date.parse(e.time), client: e.client, account: e.account, outcome: describeOutcome(e), status: e.status }));
}

function describeOutcome(e: AuditEntry): string {
  if (e.count === undefined) return e.outcome;
  const from = e.source === undefined ? '' : e.source === '*' ? ' from other addresses' : ` from ${e.source}`;
  return `${e.outcome} ×${e.count} in that minute${from}`;
}

/** The port the provider should serve on: a fixed one (tests, `--loopback-port`) wins; else the settings; null: none. */
export function wantedPort(settings: { readonly loopbackEnabled: boolean; readonly loopbackPort: number }, fixed?: number | null): number | null {
  if (fixed !== undefined) return fixed;
  return settings.loopbackEnabled ? settings.loopbackPort : null;
}

export interface LoopbackHostOptions {
  readonly dataDir: string;
  readonly service: LoopbackTokenSource;
  readonly log?: Logger;
  /** A program asked for an account's token, but the account needs the person to sign in. */
  readonly onNeedsSignIn?: (account: string) => void;
  /** A client asked for an account outside its list (it got 403); throttled per client and account. */
  readonly onAccessRequested?: (client: string, account: string) => void;
  readonly authRateLimit?: RateLimit;
  /** clients.json through conf by default; the desktop app passes electron-store. */
  readonly openStore?: StoreOpener;
  readonly clientStore?: Omit<ClientStoreOptions, 'openStore'>;
  readonly auditLog?: AuditLogOptions;
  /** The owner's lock, checked before every write of the audit log and loopback.json (clients.json: through `openStore`). */
  readonly guard?: WriteGuard;
}

export interface LoopbackHost {
  /** The loopback clients (clients.json), open for as long as the host is. */
  readonly clients: ClientStore;
  /** The audit log, open for as long as the host is. */
  readonly auditLog: AuditLog;
  /** Audit rows as the IPC contract has them, newest first, buffered entries included. */
  readonly audit: { read(limit: number): Promise<AuditRow[]> };
  /** `http://127.0.0.1:<port>` while serving, else null. */
  url(): string | null;
  server(): LoopbackServer | null;
  /**
   * Serves on `port` (0: any free port), moving if it serves elsewhere; `null` stops serving.
   * Changes run one at a time in call order. A port in use is an error value; the host keeps running without a server.
   */
  serve(port: number | null): Promise<Result<null, ErrorValue>>;
  /** Stops serving, then writes and closes the audit log and the client store. */
  close(): Promise<void>;
}

/**
 * Opens the client store and the audit log of `dataDir`; serves nothing until `serve`. The caller
 * owns the data directory (holds its lock) for as long as the host is open.
 */
export async function openLoopbackHost(options: LoopbackHostOptions): Promise<LoopbackHost> {
  const log = options.log ?? silentLogger;
  const clients = await ClientStore.open(options.dataDir, { ...options.clientStore, ...(options.openStore === undefined ? {} : { openStore: options.openStore }) });
  let auditLog: AuditLog;
  try {
    auditLog = await AuditLog.open(options.dataDir, { ...options.auditLog, ...(options.guard === undefined ? {} : { guard: options.guard }) });
  } catch (error) {
    await clients.close();
    throw error;
  }
  const changes = new SerialQueue();
  let running: { server: LoopbackServer; requested: number; stopListening: () => void } | null = null;
  let closed = false;

  const stop = async (): Promise<void> => {
    const current = running;
    if (current === null) return;
    running = null;
    current.stopListening();
    await current.server.close();
    await removeLoopbackInfo(options.dataDir, process.pid).catch((error: unknown) => log.warn('could not remove loopback.json', { cause: error }));
    log.info('loopback provider stopped', { url: current.server.url });
  };

  const start = async (port: number): Promise<Result<null, ErrorValue>> => {
    // The HTTP server's code loads when something serves (a one-shot CLI owner never does).
    const { startLoopbackServer } = await import('./loopback-server.js');
    const started = await startLoopbackServer({
      service: options.service,
      clients,
      audit: auditLog,
      port,
      log: log.child('server'),
      ...(options.authRateLimit === undefined ? {} : { authRateLimit: options.authRateLimit }),
    });
    if (!started.ok) {
      log.warn('loopback provider did not start', { port, code: started.error.code });
      return started;
    }
    const server = started.value;
    const stopNeeds = options.onNeedsSignIn === undefined ? () => undefined : server.onNeedsSignIn(options.onNeedsSignIn);
    const stopAccess = options.onAccessRequested === undefined ? () => undefined : server.onAccessRequested(options.onAccessRequested);
    const stopListening = (): void => {
      stopNeeds();
      stopAccess();
    };
    running = { server, requested: port, stopListening };
    // `tokenry token` with TOKENRY_CLIENT_KEY finds the server here; serving goes on without it.
    await (options.guard?.verify() ?? Promise.resolve())
      .then(() => writeLoopbackInfo(options.dataDir, { url: server.url, pid: process.pid }))
      .catch((error: unknown) =>
      log.warn('could not write loopback.json', { cause: error }),
    );
    log.info('loopback provider serving', { url: server.url });
    return ok(null);
  };

  return {
    clients,
    auditLog,
    audit: { read: async (limit) => auditRows(await auditLog.readAudit({ limit })) },
    url: () => running?.server.url ?? null,
    server: () => running?.server ?? null,
    serve: (port) =>
      changes.run(async () => {
        if (closed) return ok(null);
        if (running !== null && running.requested === port) return ok(null);
        await stop();
        return port === null ? ok(null) : start(port);
      }),
    close: () =>
      changes.run(async () => {
        if (closed) return;
        closed = true;
        await stop();
        await auditLog.close();
        await clients.close();
      }),
  };
}
