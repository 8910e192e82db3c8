// What the loopback server answers: JSON bodies with no-store, the error codes and their HTTP statuses.
import type { ServerResponse } from 'node:http';
import type { ErrorValue } from '../../../shared/errors.js';

/** Every error the loopback endpoint answers, as `{error, error_description}`. */
export type LoopbackErrorCode =
  | 'missing_client_key'
  | 'invalid_client_key'
  | 'rate_limited'
  | 'forbidden_host'
  | 'forbidden_origin'
  | 'forbidden_browser'
  | 'account_not_allowed'
  | 'not_found'
  | 'method_not_allowed'
  | 'invalid_request'
  | 'needs_sign_in'
  | 'provider_rejected'
  | 'provider_bad_response'
  | 'provider_unavailable'
  | 'provider_unreachable'
  | 'internal_error';

export const STATUS_OF: Readonly<Record<LoopbackErrorCode, number>> = {
  missing_client_key: 401,
  invalid_client_key: 401,
  rate_limited: 429,
  forbidden_host: 403,
  forbidden_origin: 403,
  forbidden_browser: 403,
  account_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  invalid_request: 400,
  needs_sign_in: 409,
  provider_rejected: 502,
  provider_bad_response: 502,
  provider_unavailable: 503,
  provider_unreachable: 503,
  internal_error: 500,
};

/**
 * Headers on every answer. `no-store`: a token must not land in any cache. `nosniff`: never
 * rendered as anything but JSON. No Access-Control-* header, ever: browsers are not clients.
 */
const BASE_HEADERS = ['Content-Type', 'application/json; charset=utf-8', 'Cache-Control', 'no-store', 'X-Content-Type-Options', 'nosniff'] as const;

/** Writes a JSON answer; `body` is already serialised, so the hot path stringifies exactly once. */
export function sendJson(res: ServerResponse, status: number, body: string, extra: readonly string[] = []): void {
  const length = String(Buffer.byteLength(body, 'utf8'));
  res.writeHead(status, extra.length === 0 ? [...BASE_HEADERS, 'Content-Length', length] : [...BASE_HEADERS, ...extra, 'Content-Length', length]);
  res.end(body);
}

export function sendError(res: ServerResponse, code: LoopbackErrorCode, description: string, extra: readonly string[] = []): void {
  sendJson(res, STATUS_OF[code], JSON.stringify({ error: code, error_description: description }), extra);
}

/** How a service error reaches a loopback client. */
export function loopbackCodeFor(error: ErrorValue): LoopbackErrorCode {
  switch (error.kind) {
    case 'needs_sign_in':
      return 'needs_sign_in';
    case 'not_found':
      return 'not_found';
    case 'unavailable':
      return 'provider_unavailable';
    case 'network':
      return 'provider_unreachable';
    case 'rejected':
      return 'provider_rejected';
    case 'bad_response':
      return 'provider_bad_response';
    case 'config':
    case 'vault':
    case 'storage':
    case 'cancelled':
    case 'internal':
    case 'invalid_input':
      return 'internal_error';
  }
}

/** Retry-After in whole seconds (RFC 9110 §10.2.3), at least 1. */
export function retryAfterHeader(ms: number): string[] {
  return ['Retry-After', String(Math.max(1, Math.ceil(ms / 1000)))];
}
