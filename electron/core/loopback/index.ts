// The loopback token provider's public face: a host over a data directory and a service (loopback-host.ts), and its parts.

export { AUDIT_DIR, AUDIT_FILE, AUDIT_FILE_OLD, AuditLog, readAudit, type AuditEntry, type AuditLogOptions, type AuditRoute } from './audit-log.js';
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
export { auditRows, openLoopbackHost, wantedPort, type LoopbackHost, type LoopbackHostOptions } from './loopback-host.js';
