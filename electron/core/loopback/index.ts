// The loopback token provider's public face: open it over a data directory and a service, serve, close.
import type { ErrorValue } from '../../../shared/errors.js';
import { ok, type Result } from '../../../shared/result.js';
import { AuditLog, type AuditLogOptions } from './audit-log.js';
import { ClientStore, type ClientStoreOptions } from './client-store.js';
import { startLoopbackServer, type LoopbackServer, type LoopbackTokenSource, type NeedsSignInListener } from './loopback-server.js';
import type { RateLimit } from './rate-limiter.js';

export { AUDIT_FILE, AUDIT_FILE_OLD, AuditLog, readAudit, type AuditEntry, type AuditLogOptions, type AuditRoute } from './audit-log.js';
export { STATUS_OF, type LoopbackErrorCode } from './answers.js';
export { CLIENT_KEY_PATTERN, CLIENT_KEY_PREFIX, hashClientKey, newClientKey } from './client-keys.js';
export { CLIENT_NAME, ClientStore, clientsFileSchema, EMPTY_CLIENTS, type ClientStoreOptions, type ClientView, type ClientsFile, type LoopbackClient } from './client-store.js';
export { isLoopbackUrl, LOOPBACK_INFO_FILE, loopbackInfoPath, readLoopbackInfo, removeLoopbackInfo, writeLoopbackInfo, type LoopbackInfo } from './discovery.js';
export {
  DEFAULT_LOOPBACK_PORT,
  startLoopbackServer,
  type LoopbackServer,
  type LoopbackServerOptions,
  type LoopbackStats,
  type LoopbackTokenSource,
  type NeedsSignInListener,
} from './loopback-server.js';
export { DEFAULT_AUTH_RATE_LIMIT, type RateLimit } from './rate-limiter.js';

export interface OpenLoopbackOptions {
  readonly dataDir: string;
  readonly service: LoopbackTokenSource;
  /** Default DEFAULT_LOOPBACK_PORT; 0 for any free port. */
  readonly port?: number;
  readonly authRateLimit?: RateLimit;
  readonly onNeedsSignIn?: NeedsSignInListener;
  readonly clientStore?: ClientStoreOptions;
  readonly auditLog?: AuditLogOptions;
}

/** A running provider with its client store and audit log, all closed together. */
export interface OpenedLoopback {
  readonly server: LoopbackServer;
  readonly clients: ClientStore;
  readonly audit: AuditLog;
  close(): Promise<void>;
}

/**
 * Opens clients.json and the audit log in `dataDir` and starts serving. The caller owns the
 * data directory (holds its lock) for as long as this runs; damaged files throw `damaged_file`.
 */
export async function openLoopback(options: OpenLoopbackOptions): Promise<Result<OpenedLoopback, ErrorValue>> {
  const clients = await ClientStore.open(options.dataDir, options.clientStore);
  const audit = await AuditLog.open(options.dataDir, options.auditLog);
  const started = await startLoopbackServer({
    service: options.service,
    clients,
    audit,
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.authRateLimit === undefined ? {} : { authRateLimit: options.authRateLimit }),
    ...(options.onNeedsSignIn === undefined ? {} : { onNeedsSignIn: options.onNeedsSignIn }),
  });
  if (!started.ok) return started;
  const server = started.value;
  return ok({
    server,
    clients,
    audit,
    async close() {
      await server.close();
      await Promise.all([clients.close(), audit.close()]);
    },
  });
}
