// The device authorization grant (RFC 8628): the device authorization request (§3.1) and its answer
// (§3.2) as plain data, and the polling of the token endpoint (§3.4, §3.5) on an injected clock.

import { err, ok, type Result } from '../../../shared/result.js';
import type { BasicCredentialEncoding, ProviderProfile } from '../providers/profile.js';
import { clientAuthStrategy, type ClientCredentials } from './client-auth.js';
import { formEncode } from './encoders.js';
import type { GrantDeps, TokenOutcome } from './grant-client.js';
import { GrantError } from './grant-error.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_SECONDS, sendRequest, type OutgoingRequest } from './http-transport.js';
import { processJsonAnswer } from './json-answer.js';
import { USER_AGENT } from './token-request.js';
import type { AnswerDialect, TokenHttpResponse } from './token-response.js';

/** What the person is shown, and what the poller needs (RFC 8628 §3.2). */
export interface DeviceAuthorization {
  /** Secret: only ever sent to the token endpoint. */
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string | null;
  /** Epoch milliseconds when the codes expire. */
  readonly expiresAt: number;
  /** How long to wait between polls (§3.2 `interval`, default 5 s). */
  readonly intervalMs: number;
  /** Instructions some providers add (Microsoft's `message`). */
  readonly message: string | null;
}

/** RFC 8628 §3.2: without `interval` the client waits 5 seconds between polls; §3.5: slow_down adds 5. */
export const DEFAULT_INTERVAL_MS = 5000;
export const SLOW_DOWN_MS = 5000;

/**
 * RFC 8628 §3.1: POST a form with the client's identity (authenticated as at the token endpoint,
 * or `client_id` for a public client) and the scope.
 */
export function buildDeviceAuthorizationRequest(
  profile: ProviderProfile,
  endpoint: URL,
  client: ClientCredentials,
  options: { readonly scope: readonly string[] | null; readonly basicEncoding?: BasicCredentialEncoding },
): OutgoingRequest {
  const clientId = client.clientId ?? profile.defaultClientId;
  if (clientId === undefined || clientId === '') throw new GrantError('invalid_config', `Signing in with a code needs a client id for ${profile.label}.`);
  const auth = clientAuthStrategy(profile.clientAuth, options.basicEncoding ?? profile.basicEncoding ?? 'form')(
    { clientId, ...(client.clientSecret === undefined ? {} : { clientSecret: client.clientSecret }) },
    { idParam: profile.clientIdParam, secretParam: profile.clientSecretParam, sendEmptySecret: profile.sendEmptySecret },
  );
  const params: Array<readonly [string, string]> = [...auth.params];
  // A public client (noAuth) already says who it is; the others may authenticate by header.
  if (!params.some(([name]) => name === profile.clientIdParam)) params.push(['client_id', clientId]);
  if (options.scope !== null && options.scope.length > 0 && profile.scopeParam !== null) params.push([profile.scopeParam, options.scope.join(' ')]);
  const authorization = auth.headers['authorization'];
  return {
    url: endpoint.href,
    method: 'POST',
    headers: { accept: 'application/json', 'user-agent': USER_AGENT, 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', ...auth.headers },
    body: formEncode(params),
    secrets: [...(client.clientSecret ? [client.clientSecret] : []), ...(authorization ? [authorization, authorization.slice(6)] : [])],
    endpoint: 'device authorization endpoint',
  };
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : null);

/** A URL the person may be sent to: http(s) only, so that nothing else is shown to copy or opened. */
function webUrl(value: string | null): string | null {
  if (value === null) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

function positiveSeconds(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(n) && n > 0 ? n : null;
}

/**
 * RFC 8628 §3.2: `device_code`, `user_code`, `verification_uri` and `expires_in` are required.
 * Google says `verification_url` (the draft's name): it is read too.
 */
export function processDeviceAuthorizationResponse(
  response: TokenHttpResponse,
  context: { readonly now: number; readonly secrets?: readonly string[]; readonly dialect?: AnswerDialect },
): DeviceAuthorization {
  const fields = processJsonAnswer(response, {
    endpoint: 'device authorization endpoint',
    now: context.now,
    ...(context.secrets === undefined ? {} : { secrets: context.secrets }),
    ...(context.dialect === undefined ? {} : { dialect: context.dialect }),
  });
  const deviceCode = text(fields['device_code']);
  const userCode = text(fields['user_code']);
  const verificationUri = webUrl(text(fields['verification_uri']) ?? text(fields['verification_url']));
  const expiresIn = positiveSeconds(fields['expires_in']);
  const missing = [
    deviceCode === null ? 'device_code' : null,
    userCode === null ? 'user_code' : null,
    verificationUri === null ? 'an http(s) verification_uri' : null,
    expiresIn === null ? 'expires_in' : null,
  ].filter((m): m is string => m !== null);
  if (missing.length > 0 || deviceCode === null || userCode === null || verificationUri === null || expiresIn === null) {
    throw new GrantError('bad_response', `The device authorization endpoint answered without ${missing.join(', ')} (RFC 8628 §3.2).`, { status: response.status });
  }
  const interval = positiveSeconds(fields['interval']);
  return {
    deviceCode,
    userCode: userCode.slice(0, 100),
    verificationUri,
    verificationUriComplete: webUrl(text(fields['verification_uri_complete'])),
    expiresAt: context.now + expiresIn * 1000,
    intervalMs: interval === null ? DEFAULT_INTERVAL_MS : interval * 1000,
    message: text(fields['message'])?.slice(0, 500) ?? null,
  };
}

/** Asks the device authorization endpoint for a device code and a user code. */
export async function requestDeviceAuthorization(
  request: OutgoingRequest,
  deps: GrantDeps,
  options: { readonly timeoutSeconds?: number; readonly signal?: AbortSignal; readonly dialect?: AnswerDialect } = {},
): Promise<Result<DeviceAuthorization, GrantError>> {
  try {
    const response = await sendRequest(request, {
      fetch: deps.fetch,
      timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    return ok(processDeviceAuthorizationResponse(response, { now: deps.now(), secrets: request.secrets, ...(options.dialect === undefined ? {} : { dialect: options.dialect }) }));
  } catch (error) {
    if (error instanceof GrantError) return err(error);
    throw error;
  }
}

/** Waits `ms` on the injected clock, or until the signal aborts (then false). */
async function wait(clock: Pick<GrantDeps, 'sleep'>, ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return false;
  if (signal === undefined) {
    await clock.sleep(ms);
    return true;
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<false>((resolve) => {
    onAbort = () => resolve(false);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([clock.sleep(ms, signal).then(() => !signal.aborted), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}

export interface PollOptions {
  /** When the sign-in gives up (its own time limit), epoch milliseconds; the codes' expiry ends it too. */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /** Told each time the wait between polls grows (slow_down). */
  readonly onSlowDown?: (intervalMs: number) => void;
}

/**
 * Polls the token endpoint (RFC 8628 §3.4) until the person has decided: waits the interval before
 * each poll; `authorization_pending` waits again, `slow_down` adds 5 s to the interval for good
 * (§3.5); `access_denied` and `expired_token` end it, as does any other error; the codes' expiry
 * ends it as `expired_token`, the sign-in's own time limit as `sign_in_timeout`, the signal as
 * `cancelled`. `poll` runs one token request with the device code.
 */
export async function pollDeviceToken(
  authorization: DeviceAuthorization,
  poll: () => Promise<Result<TokenOutcome, GrantError>>,
  clock: Pick<GrantDeps, 'now' | 'sleep'>,
  options: PollOptions,
): Promise<Result<TokenOutcome, GrantError>> {
  let interval = authorization.intervalMs;
  const cancelled = (): Result<never, GrantError> => err(new GrantError('cancelled', 'Signing in with a code was cancelled.', { grant: 'device_code' }));
  const expired = (): Result<never, GrantError> =>
    err(new GrantError('expired_token', 'The code expired before the sign-in was finished (RFC 8628 §3.5): sign in again for a new one.', { grant: 'device_code' }));
  const timedOut = (): Result<never, GrantError> =>
    err(new GrantError('sign_in_timeout', 'The sign-in was not finished in time: nobody entered the code and approved it.', { grant: 'device_code' }));
  for (;;) {
    const now = clock.now();
    const end = Math.min(options.deadline, authorization.expiresAt);
    if (now >= end) return now >= authorization.expiresAt ? expired() : timedOut();
    if (!(await wait(clock, Math.min(interval, end - now), options.signal))) return cancelled();
    if (clock.now() >= authorization.expiresAt) return expired();
    if (clock.now() >= options.deadline) return timedOut();
    const result = await poll();
    if (options.signal?.aborted) return cancelled();
    if (result.ok) return result;
    switch (result.error.code) {
      case 'authorization_pending':
        continue;
      case 'slow_down':
        interval += SLOW_DOWN_MS;
        options.onSlowDown?.(interval);
        continue;
      case 'expired_token':
        return err(new GrantError('expired_token', 'The code expired before the sign-in was finished (RFC 8628 §3.5): sign in again for a new one.', { grant: 'device_code', status: result.error.status ?? 400 }));
      case 'access_denied':
        return err(new GrantError('access_denied', 'The sign-in was refused on the other device (RFC 8628 §3.5: access_denied).', { grant: 'device_code', status: result.error.status ?? 400 }));
      default:
        return result;
    }
  }
}
