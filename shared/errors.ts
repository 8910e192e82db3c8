// Error values that cross process boundaries: a stable code, a kind to act on, a message a person can read.

/**
 * What a caller can do about an error. The CLI maps kinds to exit codes (needs_sign_in 3,
 * rejected 4, unavailable and network 5, invalid_input 2, the rest 1); the UI to actions.
 * `storage`: a file or the vault could not be written or read (disk full, permissions);
 * `cancelled`: the person (or a timeout they chose) stopped it; `internal`: a defect of ours.
 */
export type ErrorKind =
  | 'rejected'
  | 'needs_sign_in'
  | 'unavailable'
  | 'bad_response'
  | 'network'
  | 'config'
  | 'not_found'
  | 'invalid_input'
  | 'vault'
  | 'storage'
  | 'cancelled'
  | 'internal';

export interface ErrorValue {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly message: string;
  readonly status?: number;
  readonly providerCode?: string;
  readonly description?: string;
  readonly retryAfterMs?: number;
}
