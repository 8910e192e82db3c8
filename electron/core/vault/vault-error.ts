// The one error type of the vault: a stable code to act on and a message that never holds a secret.

/**
 * Stable codes. Callers (service, CLI exit codes, UI) branch on these, never on messages.
 */
export type VaultErrorCode =
  /** The passphrase does not unwrap the data key (GCM authentication failed). */
  | 'wrong_passphrase'
  /** No passphrase given: not in TOKENRY_PASSPHRASE and no terminal to ask on. */
  | 'passphrase_required'
  /** The two passphrases typed when choosing one differ. */
  | 'passphrase_mismatch'
  /** The person cancelled a prompt (Ctrl-C, end of input). */
  | 'prompt_cancelled'
  /** A file is not what we wrote (not JSON, wrong shape). It is reported and left untouched. */
  | 'damaged_file'
  /** A ciphertext fails authentication: it was altered or moved to another entry. */
  | 'tampered'
  /** The file was written by a newer format version than this build understands. */
  | 'unsupported_version'
  /** Another live process owns the data directory. */
  | 'locked_by_other'
  /** This process no longer holds the data directory's lock (removed or taken): it stopped writing. */
  | 'lock_lost'
  /** A file changed on disk since this process read it: it is not overwritten from memory. */
  | 'changed_on_disk'
  /** A data file fails its authentication code (altered, planted, or from before data files had one): not used, not overwritten. */
  | 'unauthenticated_file'
  /** A data file that belongs beside the vault is missing: not read as empty. */
  | 'missing_file'
  /** secrets.json is missing while the directory holds accounts or clients: no new vault is made over them. */
  | 'vault_missing'
  /** The OS keyring cannot be reached or refused the operation. */
  | 'keyring_unavailable'
  /** Only a non-persistent keyring (Linux kernel keyutils) is available: the key would be lost. */
  | 'keyring_not_persistent'
  /** The key-encryption key this vault needs is no longer in the OS keyring. */
  | 'key_not_found'
  /** Electron safeStorage cannot encrypt or decrypt on this machine right now. */
  | 'safe_storage_unavailable'
  /** safeStorage would use a backend that does not really protect data (Linux basic_text). */
  | 'weak_backend'
  /** No secrets file in the data directory yet. */
  | 'no_vault'
  /** A secrets file already exists where a new vault was to be created. */
  | 'vault_exists'
  /** The vault is not protected by the kind of protector offered. */
  | 'no_matching_protector'
  /** Removing this protector would leave the data key unrecoverable. */
  | 'last_protector'
  /** A caller passed something the vault cannot store (programming error, not user data). */
  | 'invalid_argument'
  /** The vault was closed; its data key is gone from memory. */
  | 'closed'
  /** A filesystem operation failed (permissions, disk full, ...). */
  | 'io';

export interface VaultErrorOptions {
  /** The file concerned, when there is one; included so the person can find it. */
  readonly path?: string;
  /** The underlying error, kept for debugging. Never pass anything that may contain a secret. */
  readonly cause?: unknown;
}

export class VaultError extends Error {
  override readonly name = 'VaultError';
  readonly code: VaultErrorCode;
  readonly path: string | undefined;

  constructor(code: VaultErrorCode, message: string, options: VaultErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }
}

/** True when `value` is a VaultError, optionally with the given code. */
export function isVaultError(value: unknown, code?: VaultErrorCode): value is VaultError {
  return value instanceof VaultError && (code === undefined || value.code === code);
}

/**
 * Wraps a Node filesystem error as `io`. Node's messages carry the syscall and path only,
 * never file contents, so they are safe to keep as the cause.
 */
export function ioError(action: string, path: string, cause: unknown): VaultError {
  const errno = nodeErrorCode(cause);
  const detail = errno === undefined ? '' : ` (${errno})`;
  return new VaultError('io', `Could not ${action} ${path}${detail}`, { path, cause });
}

/** The `code` of a Node system error (ENOENT, EEXIST, ...), if it is one. */
export function nodeErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
