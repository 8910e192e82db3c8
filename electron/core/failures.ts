// What a thrown exception becomes when it reaches a boundary (IPC, CLI, loopback, a renewal): an honest error value.
import type { ErrorValue } from '../../shared/errors.js';
import { GrantError } from './grants/grant-error.js';
import { nodeErrorCode, VaultError } from './vault/vault-error.js';

/** Vault codes that mean the disk, not the data, failed us. */
const STORAGE_CODES: ReadonlySet<string> = new Set(['io']);

/**
 * The error value for something thrown: a grant error keeps its kind; a failed read or write is
 * `storage`, naming the file and the system's reason (ENOSPC, EACCES...); another vault error is
 * `vault`; anything else is `internal`, with a message that holds nothing of the exception (its
 * text may hold anything). The caller logs the exception itself (the log is redacted).
 */
export function thrownToError(error: unknown): ErrorValue {
  if (error instanceof GrantError) return error.toJSON();
  if (error instanceof VaultError) {
    if (STORAGE_CODES.has(error.code)) return { code: 'storage_failed', kind: 'storage', message: `${error.message}.` };
    return { code: error.code, kind: 'vault', message: error.message };
  }
  const errno = nodeErrorCode(error);
  if (errno !== undefined && /^E[A-Z]+$/.test(errno)) {
    return { code: 'storage_failed', kind: 'storage', message: `A file operation failed (${errno}).` };
  }
  return { code: 'internal_error', kind: 'internal', message: 'Tokenry hit an unexpected problem; the log in the data directory has the details.' };
}
