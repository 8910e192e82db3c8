// Sending a token request: injected fetch, a timeout, a cap on the answer's size, transport errors as values.

import type { GrantType } from '../providers/profile.js';
import { GrantError } from './grant-error.js';
import { safeExcerpt } from './redact.js';
import { displayUrl } from './token-request.js';
import type { TokenHttpResponse } from './token-response.js';

/**
 * Any request to an authorization server as plain data: a token request (TokenHttpRequest), or a
 * discovery, JWKS, device authorization or revocation request.
 */
export interface OutgoingRequest {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Values sent with this request that no error or log may contain. */
  readonly secrets: readonly string[];
  /** The grant a token request is for (a timeout explains itself by it); absent for other requests. */
  readonly grant?: GrantType;
  /** What the endpoint is, for messages; "token endpoint" when absent. */
  readonly endpoint?: string;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** A cancellable timer, so that tests can drive timeouts with a fake clock (the refresh engine's Clock fits). */
export type SetTimer = (fn: () => void, ms: number) => { cancel(): void };

export const systemSetTimer: SetTimer = (fn, ms) => {
  const handle = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(handle) };
};

export interface TransportOptions {
  readonly fetch: FetchLike;
  /** Per attempt: the account's timeout (DESIGN: default 30 s). */
  readonly timeoutMs: number;
  /** Answers larger than this are refused as `bad_response` (DESIGN: 1 MiB). */
  readonly maxBodyBytes: number;
  /** Arms the timeout; real timers by default. */
  readonly setTimer?: SetTimer;
  /** The caller's cancellation: aborts the request, which then fails with `cancelled`. */
  readonly signal?: AbortSignal;
}

/** The default per-account timeout: long enough for a slow provider, since a timed-out refresh is not resent. */
export const DEFAULT_TIMEOUT_SECONDS = 30;
export const DEFAULT_TIMEOUT_MS = DEFAULT_TIMEOUT_SECONDS * 1000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/**
 * Failures that happen before a connection exists: nothing of the request reached the provider,
 * so it cannot have acted on it (a resend cannot make a rotating server see a refresh token twice).
 */
const UNSENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT']);

/** What the common connection failures mean, in words. */
const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  EADDRNOTAVAIL: 'address not available',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Why the request was aborted, if it was. */
export type AbortCause = 'timeout' | 'cancelled' | null;

/** What a timeout means for the grant that timed out, in words a person can act on. */
function timeoutAdvice(request: OutgoingRequest): string {
  switch (request.grant) {
    case undefined:
      return 'Try again later.';
    case 'authorization_code':
      return 'The authorization code was not sent again (a code is good for one use only): sign in again.';
    case 'device_code':
      return 'The poll was not sent again; the sign-in goes on with the next poll.';
    case 'refresh_token':
      return (
        'The refresh token was not sent again: the provider may already have renewed the token and retired that refresh token, ' +
        'and a rotating provider takes a second use of it as theft and ends the session. Try again later; ' +
        'if the provider then refuses the refresh token, sign in again.'
      );
    case 'password':
      return 'The sign-in was not sent again, so that a slow provider does not count it twice towards a lockout; try again.';
    case 'client_credentials':
      return 'The provider may be overloaded; try again later.';
  }
}

/** Maps what fetch throws to `timeout`, `cancelled`, `tls` or `network`, without echoing the URL's query. */
export function transportError(error: unknown, request: OutgoingRequest, aborted: AbortCause, timeoutMs = DEFAULT_TIMEOUT_MS): GrantError {
  const where = displayUrl(request.url);
  const endpoint = request.endpoint ?? 'token endpoint';
  const grant = request.grant;
  if (aborted === 'cancelled') {
    return new GrantError('cancelled', `The request to the ${endpoint} ${where} was cancelled.`, { cause: error, grant });
  }
  if (aborted === 'timeout') {
    const seconds = Math.round(timeoutMs / 100) / 10;
    return new GrantError('timeout', `The ${endpoint} ${where} did not answer within ${seconds} s. ${timeoutAdvice(request)}`, {
      cause: error,
      grant,
    });
  }
  const code = errorCode(error);
  // One sentence whatever the cause, so that a person (and a script) reads every network failure the same way.
  if (code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.includes('CERT'))) {
    return new GrantError('tls', `Could not reach the ${endpoint} ${where}: secure connection failed (${code}).`, { cause: error, grant });
  }
  const detail = code ?? (error instanceof Error ? safeExcerpt(error.message, request.secrets) : 'unknown error');
  const reason = code !== undefined && Object.hasOwn(NETWORK_REASONS, code) ? NETWORK_REASONS[code] : undefined;
  return new GrantError('network', `Could not reach the ${endpoint} ${where}: ${reason ?? 'connection failed'} (${detail}).`, {
    cause: error,
    grant,
    unsent: code !== undefined && UNSENT_CODES.has(code),
  });
}

async function readCapped(response: Response, maxBytes: number, request: OutgoingRequest, aborted: () => AbortCause, timeoutMs: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 'NaN');
  const tooBig = (): GrantError =>
    new GrantError('bad_response', `The ${request.endpoint ?? 'token endpoint'} sent an answer larger than ${maxBytes} bytes (HTTP ${response.status}).`, {
      status: response.status,
    });
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig();
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw transportError(error, request, aborted(), timeoutMs);
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(chunk.value);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks));
}

/** One attempt: sends the request, returns the answer as plain data or throws a transport GrantError. */
export async function sendTokenRequest(request: OutgoingRequest, options: TransportOptions): Promise<TokenHttpResponse> {
  const controller = new AbortController();
  let aborted: AbortCause = null;
  const external = options.signal;
  const onCancel = (): void => {
    aborted ??= 'cancelled';
    controller.abort();
  };
  if (external?.aborted) onCancel();
  external?.addEventListener('abort', onCancel, { once: true });
  const timer = (options.setTimer ?? systemSetTimer)(() => {
    aborted ??= 'timeout';
    controller.abort();
  }, options.timeoutMs);
  try {
    if (aborted !== null) throw transportError(new Error('aborted before sending'), request, aborted, options.timeoutMs);
    let response: Response;
    try {
      response = await options.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        // Credentials must never follow a redirect to another place.
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (error) {
      throw transportError(error, request, aborted, options.timeoutMs);
    }
    let body: string;
    try {
      body = await readCapped(response, options.maxBodyBytes, request, () => aborted, options.timeoutMs);
    } catch (error) {
      if (error instanceof GrantError && aborted === null) throw error;
      throw transportError(error, request, aborted, options.timeoutMs);
    }
    // An answer that arrived in full wins over a cancellation that came in after it.
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    return { status: response.status, headers, body };
  } finally {
    timer.cancel();
    external?.removeEventListener('abort', onCancel);
  }
}

/** The same one attempt, for requests that are not token requests (discovery, JWKS, device authorization, revocation). */
export const sendRequest = sendTokenRequest;
