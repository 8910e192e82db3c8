// Whether a token may be handed out to a caller that needs it valid for a while (`token --min-valid`, `?min_valid=`).

import type { TokenRecord } from './token-record.js';

/**
 * - `usable`: hand it out.
 * - `renew`: renew first, then ask again with `justRenewed`.
 * - `cannot_meet`: even a fresh token from this provider does not last `minValidMs`: hand it out
 *   with `warning` (one line for stderr), and do not renew before the normal lead time, since a
 *   renewal would not help and would hit the provider on every call.
 * - `expired`: never hand it out (exit 3 when it cannot be renewed without the person, 5 when the
 *   renewal failed for a temporary reason, as the renewal's error says).
 */
export type TokenFitness =
  | { readonly kind: 'usable'; readonly remainingMs: number | null }
  | { readonly kind: 'renew'; readonly remainingMs: number | null }
  | { readonly kind: 'cannot_meet'; readonly remainingMs: number; readonly lifetimeMs: number; readonly warning: string }
  | { readonly kind: 'expired'; readonly expiredForMs: number };

export interface FitnessInput {
  readonly record: Pick<TokenRecord, 'issuedAt' | 'expiresAt'>;
  readonly now: number;
  /** What the caller needs: the token must stay valid at least this long. */
  readonly minValidMs: number;
  /** The refresh engine's lead time: it renews this long before expiry anyway. */
  readonly leadMs: number;
  /** The record comes straight from a renewal made for this call: it will not get any fresher. */
  readonly justRenewed?: boolean;
  /** Whether the account can get a new token without the person (a refresh token, its client credentials). */
  readonly canRenew?: boolean;
}

const seconds = (ms: number): string => `${Math.max(0, Math.floor(ms / 1000))} s`;

/**
 * Decides what to do with a token for a caller asking for `minValidMs` of validity. An expired one
 * is never usable (a JWT whose `exp` is past, `expires_in: 0`). A token whose whole lifetime is
 * shorter than `minValidMs` cannot meet it however often it is renewed: it is handed out with a
 * warning until the normal lead time.
 *
 * A token whose server stated no lifetime (no `expires_in`, no JWT `exp`, none assumed) is valid
 * until the provider refuses it, as far as anyone knows: nothing renews it ahead of time. Its age is
 * the only measure there is, so `min_valid=N` asks for one issued within the last N seconds: an
 * older one is renewed first when the account can renew unattended, else handed out as it is. A
 * caller asking N thus causes at most one renewal every N seconds (docs/technical/provider-presets.md).
 */
export function tokenFitness(input: FitnessInput): TokenFitness {
  const { record, now, minValidMs, leadMs } = input;
  if (record.expiresAt === null) {
    const young = now - record.issuedAt < minValidMs;
    return minValidMs > 0 && !young && input.canRenew === true && input.justRenewed !== true
      ? { kind: 'renew', remainingMs: null }
      : { kind: 'usable', remainingMs: null };
  }
  const remainingMs = record.expiresAt - now;
  if (remainingMs <= 0) return { kind: 'expired', expiredForMs: -remainingMs };
  if (remainingMs > minValidMs) return { kind: 'usable', remainingMs };
  const lifetimeMs = record.expiresAt - record.issuedAt;
  const freshCannotMeet = lifetimeMs <= minValidMs;
  if (input.justRenewed || (freshCannotMeet && remainingMs > leadMs)) {
    return {
      kind: 'cannot_meet',
      remainingMs,
      lifetimeMs,
      warning: `warning: the token is valid for ${seconds(remainingMs)}, less than the ${seconds(minValidMs)} asked for: the provider issues tokens for ${seconds(lifetimeMs)} at most.`,
    };
  }
  return { kind: 'renew', remainingMs };
}
