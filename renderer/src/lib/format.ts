// Formatting for people: durations, instants and scope comparisons. Pure functions, no Vue.

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A duration in the coarsest units that still move: seconds under an hour (so a countdown visibly
 * ticks when it matters), minutes under a day, hours beyond. The coarse units also mean a countdown
 * far from expiry changes its text, and so re-renders, at most once a minute.
 */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** "in 4m 05s" before `until`, "expired 12s ago" after it. */
export function countdownText(until: number, now: number): string {
  const left = until - now;
  // Rounded up while running, so "0s" never shows for a token that is still valid.
  return left > 0 ? `in ${formatDuration(Math.ceil(left / 1000) * 1000)}` : `expired ${formatDuration(-left)} ago`;
}

/**
 * One formatter per style, made on first use: Date#toLocaleString builds a new Intl.DateTimeFormat
 * on every call, which costs more than the formatting itself (and a screenful of rows calls it dozens of times).
 */
function formatter(options: Intl.DateTimeFormatOptions): (ms: number) => string {
  let format: Intl.DateTimeFormat | null = null;
  return (ms) => (format ??= new Intl.DateTimeFormat(undefined, options)).format(ms);
}

export const formatInstant = formatter({ dateStyle: 'medium', timeStyle: 'medium' });

// What the list shows while it first renders is formatted by hand: the first Intl.DateTimeFormat a
// page makes costs 30 to 120 ms on a loaded machine (the renderer bench's first render), for a string
// we can build in a microsecond. Local time, 24-hour clock, ISO-like dates: unambiguous everywhere.

/** "14:32:05", local time. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "2026-03-04 14:32:05", local time. */
export function formatStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatTime(ms)}`;
}

/** 1000 as "1,000". */
export const formatCount = (n: number): string => String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export interface ScopeComparison {
  /** Requested and granted. */
  readonly both: readonly string[];
  /** Requested but not granted. */
  readonly missing: readonly string[];
  /** Granted without being requested. */
  readonly extra: readonly string[];
}

/**
 * Requested against granted scope. `null` granted means the provider did not say, which RFC 6749
 * §5.1 reads as "as requested"; `null` requested means the provider's default was asked for.
 */
export function compareScopes(requested: readonly string[] | null, granted: readonly string[] | null, hasRefreshToken = false): ScopeComparison | null {
  if (requested === null || granted === null) return null;
  const want = new Set(requested);
  const got = new Set(granted);
  // `offline_access` asks for a refresh token (OIDC Core §11), not for access; servers such as Entra ID never
  // list it among the granted scopes. A refresh token that arrived is the grant.
  if (hasRefreshToken) got.add('offline_access');
  return {
    both: requested.filter((s) => got.has(s)),
    missing: requested.filter((s) => !got.has(s)),
    extra: granted.filter((s) => !want.has(s)),
  };
}

/** A JSON-ish value as one readable line. */
export function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** JWT NumericDate claims (RFC 7519 §2), shown as instants beside their raw value. */
export const DATE_CLAIMS: ReadonlySet<string> = new Set(['exp', 'iat', 'nbf', 'auth_time']);

/** An instant as a time today, or with its date on another day ("14:32", "2026-03-04 14:32"). */
export function formatUntil(ms: number, now: number): string {
  const at = new Date(ms);
  const clock = `${pad(at.getHours())}:${pad(at.getMinutes())}`;
  return at.toDateString() === new Date(now).toDateString() ? clock : `${formatStamp(ms).slice(0, 10)} ${clock}`;
}
