// Specifies the loopback endpoint's answers: which status each error code has, how service errors map onto them,
// and the Retry-After header.
import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../../../shared/errors.js';
import { loopbackCodeFor, retryAfterHeader, STATUS_OF } from '../../../../electron/core/loopback/answers.js';

describe('loopbackCodeFor()', () => {
  it.each([
    ['needs_sign_in', 'needs_sign_in'],
    ['not_found', 'not_found'],
    ['unavailable', 'provider_unavailable'],
    ['network', 'provider_unreachable'],
    ['rejected', 'provider_rejected'],
    ['bad_response', 'provider_bad_response'],
    ['config', 'internal_error'],
    ['vault', 'internal_error'],
    ['storage', 'internal_error'],
    ['cancelled', 'internal_error'],
    ['internal', 'internal_error'],
    ['invalid_input', 'internal_error'],
  ] as const)('answers a service error of kind %s as %s', (kind: ErrorKind, code) => {
    expect(loopbackCodeFor({ code: 'x', kind, message: 'x' })).toBe(code);
  });
});

describe('STATUS_OF', () => {
  it('gives each error code the status the README documents', () => {
    expect(STATUS_OF).toEqual({
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
    });
  });
});

describe('retryAfterHeader()', () => {
  it.each([
    [1, '1'],
    [999, '1'],
    [1000, '1'],
    [1001, '2'],
    [0, '1'],
    [90_000, '90'],
  ])('says %i ms as Retry-After: %s whole seconds, at least one', (ms, seconds) => {
    expect(retryAfterHeader(ms)).toEqual(['Retry-After', seconds]);
  });
});
