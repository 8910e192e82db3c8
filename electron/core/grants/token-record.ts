// The normalised token record every provider's answer becomes (DESIGN "Tokens").

/**
 * Where the expiry comes from: `expires_in`, the access token's JWT `exp`, the account's assumed lifetime
 * (the server stated neither), or nowhere (`unknown`: no stated expiry).
 */
export type ExpirySource = 'expires_in' | 'jwt_exp' | 'assumed' | 'unknown';

export interface TokenRecord {
  readonly accessToken: string;
  /** RFC 6750 token types are case-insensitive: `bearer` and `Bearer` both become `Bearer`. */
  readonly tokenType: string;
  /** Epoch milliseconds when the answer arrived. */
  readonly issuedAt: number;
  /** Epoch milliseconds, or `null` when neither `expires_in` nor a JWT `exp` says and no lifetime is assumed. */
  readonly expiresAt: number | null;
  readonly expirySource: ExpirySource;
  readonly refreshToken: string | null;
  /** From `refresh_expires_in` (SugarCRM) or `refresh_token_expires_in` (GitHub Apps, Google), else `null`. */
  readonly refreshExpiresAt: number | null;
  /** Granted scope as the provider stated it; `null` when it said nothing (RFC 6749 §5.1: same as requested). */
  readonly grantedScope: readonly string[] | null;
  readonly requestedScope: readonly string[] | null;
  /** Every other field of the answer (Axosoft's `data`, SugarCRM's `download_token`, ...). */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** RFC 6749 §3.3: a scope is a list of space-delimited, case-sensitive strings. */
export function parseScope(scope: string | readonly string[] | null | undefined): readonly string[] | null {
  if (scope === null || scope === undefined) return null;
  const items = typeof scope === 'string' ? scope.split(/\s+/) : scope;
  return [...new Set(items.map((s) => s.trim()).filter((s) => s.length > 0))];
}

/** The scope an access token is good for: what was granted, or what was requested when the provider said nothing. */
export const effectiveScope = (record: TokenRecord): readonly string[] | null =>
  record.grantedScope ?? record.requestedScope;
