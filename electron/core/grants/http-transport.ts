// Sending a token request: injected fetch, a timeout, a cap on the answer's size, transport errors as values.

import { GrantError } from './grant-error.js';
import { safeExcerpt } from './redact.js';
import { displayUrl, type TokenHttpRequest } from './token-request.js';
import type { TokenHttpResponse } from './token-response.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  readonly fetch: FetchLike;
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Answers larger than this are refused as `bad_response` (DESIGN: 1 MiB). */
  readonly maxBodyBytes: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
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

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Maps what fetch throws to `tls`, `network` or `unavailable` (timeouts), without echoing the URL's query. */
export function transportError(error: unknown, request: TokenHttpRequest, timedOut: boolean): GrantError {
  const where = displayUrl(request.url);
  if (timedOut) {
    return new GrantError('unavailable', `The token endpoint ${where} did not answer in time.`, { cause: error });
  }
  const code = errorCode(error);
  if (code !== undefined && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.includes('CERT'))) {
    return new GrantError('tls', `The secure connection to ${where} failed (${code}).`, { cause: error });
  }
  const detail = code ?? (error instanceof Error ? safeExcerpt(error.message, request.secrets) : 'unknown error');
  return new GrantError('network', `Could not reach the token endpoint ${where} (${detail}).`, { cause: error });
}

async function readCapped(response: Response, maxBytes: number, request: TokenHttpRequest): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 'NaN');
  const tooBig = (): GrantError =>
    new GrantError('bad_response', `The token endpoint sent an answer larger than ${maxBytes} bytes (HTTP ${response.status}).`, {
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
      throw transportError(error, request, false);
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
export async function sendTokenRequest(request: TokenHttpRequest, options: TransportOptions): Promise<TokenHttpResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  try {
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
      throw transportError(error, request, timedOut);
    }
    let body: string;
    try {
      body = await readCapped(response, options.maxBodyBytes, request);
    } catch (error) {
      if (error instanceof GrantError && !timedOut) throw error;
      throw transportError(error, request, timedOut);
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      headers[key.toLowerCase()] = value;
    });
    return { status: response.status, headers, body };
  } finally {
    clearTimeout(timer);
  }
}
