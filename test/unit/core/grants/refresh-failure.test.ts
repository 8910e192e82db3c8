// Specifies refreshFailure(): what a failed refresh means for the refresh token (issue 11 items 7 and 8).

import { describe, expect, it } from 'vitest';
import { GrantError, type GrantErrorCode } from '../../../../electron/core/grants/grant-error.js';
import { deadAfterRetry, refreshFailure, type RefreshFailure } from '../../../../electron/core/grants/refresh-failure.js';

const error = (code: GrantErrorCode, details: { status?: number; description?: string; providerCode?: string; excerpt?: string } = {}): GrantError =>
  new GrantError(code, 'The provider refused the request.', details);

describe('refreshFailure()', () => {
  const cases: ReadonlyArray<readonly [string, GrantError, RefreshFailure]> = [
    ['invalid_grant (RFC 6749 §5.2)', error('invalid_grant', { status: 400 }), 'dead'],
    ['needs_sign_in', error('needs_sign_in'), 'dead'],
    ['invalid_request "Token has been revoked" (@jmondi/oauth2-server)', error('invalid_request', { status: 400, description: 'Token has been revoked' }), 'dead'],
    ['invalid_request "refresh token expired"', error('invalid_request', { status: 400, description: 'The refresh token expired' }), 'dead'],
    ['unauthorized_client "invalid refresh token"', error('unauthorized_client', { status: 400, description: 'Invalid refresh token' }), 'dead'],
    ['a code outside RFC 6749: invalid_token', error('provider_error', { status: 400, providerCode: 'invalid_token' }), 'dead'],
    ['a code outside RFC 6749: expired_token', error('provider_error', { status: 401, providerCode: 'expired_token' }), 'dead'],
    ['a code outside RFC 6749 whose description says the token is revoked', error('provider_error', { status: 400, providerCode: 'bad_token', description: 'token revoked' }), 'dead'],
    ['a bare 400 whose text says the token is unknown', error('refused', { status: 400, excerpt: 'refresh token not found' }), 'dead'],
    ['a bare 400 (Glewlwyd, revoked token)', error('refused', { status: 400 }), 'retry_then_dead'],
    ['invalid_request without a reason', error('invalid_request', { status: 400, description: 'Check the `refresh_token` parameter' }), 'retry_then_dead'],
    ['an unknown code with a 400', error('provider_error', { status: 400, providerCode: 'oops' }), 'retry_then_dead'],
    ['a bare 403', error('refused', { status: 403 }), 'other'],
    ['a bare 404', error('refused', { status: 404 }), 'other'],
    ['invalid_client', error('invalid_client', { status: 401 }), 'other'],
    ['invalid_scope', error('invalid_scope', { status: 400 }), 'other'],
    ['unsupported_grant_type', error('unsupported_grant_type', { status: 400 }), 'other'],
    ['bad_response', error('bad_response', { status: 200 }), 'other'],
    ['cancelled', error('cancelled'), 'other'],
    ['invalid_config', error('invalid_config'), 'other'],
    ['unavailable (5xx, 429)', error('unavailable', { status: 503 }), 'temporary'],
    ['timeout', error('timeout'), 'temporary'],
    ['network', error('network'), 'temporary'],
    ['tls', error('tls'), 'temporary'],
  ];

  it.each(cases)('classifies %s', (_, failure, expected) => {
    expect(refreshFailure(failure)).toBe(expected);
  });
});

describe('deadAfterRetry()', () => {
  it('takes a second bare 400 as a dead refresh token', () => {
    expect(deadAfterRetry(error('refused', { status: 400 }))).toBe(true);
  });

  it('takes invalid_grant on the retry as a dead refresh token', () => {
    expect(deadAfterRetry(error('invalid_grant', { status: 400 }))).toBe(true);
  });

  it('does not take a 503 on the retry as a dead refresh token', () => {
    expect(deadAfterRetry(error('unavailable', { status: 503 }))).toBe(false);
  });
});

describe('refreshFailure() reading descriptions and codes', () => {
  it.each([
    'revoked',
    'expired',
    'invalid',
    'not valid',
    'no longer valid',
    'not found',
    'unknown',
    'does not exist',
    "doesn't exist",
    'reuse',
    'reused',
    'already used',
    'inactive',
    'malformed',
  ])('takes invalid_request saying the token is %s as a dead refresh token', (word) => {
    expect(refreshFailure(error('invalid_request', { status: 400, description: `The token is ${word}` }))).toBe('dead');
  });

  it.each(['refresh_token revoked', 'Refresh Token expired', 'refreshtoken expired', 'Tokens expired', 'Grant is invalid', 'grants revoked'])(
    'takes invalid_request saying "%s" as a dead refresh token',
    (description) => {
      expect(refreshFailure(error('invalid_request', { status: 400, description }))).toBe('dead');
    },
  );

  it.each(['client revoked', 'tokenization invalid', 'the token is fine', 'revokedtoken'])('does not take "%s" as naming a dead token', (description) => {
    expect(refreshFailure(error('invalid_request', { status: 400, description }))).toBe('retry_then_dead');
  });

  it.each(['invalid_token', 'expired_token', 'revoked_token', 'invalid_refresh_token', 'refresh_token_expired', 'token_revoked', 'token_invalid', 'INVALID_TOKEN'])(
    'takes the provider code %s as a dead refresh token',
    (providerCode) => {
      expect(refreshFailure(error('provider_error', { status: 401, providerCode }))).toBe('dead');
    },
  );

  it.each(['xinvalid_token', 'invalid_token_x', 'invalid_tokens', 'token_expiredx', 'stale_token'])('does not take the provider code %s as naming a dead token', (providerCode) => {
    expect(refreshFailure(error('provider_error', { status: 400, providerCode }))).toBe('retry_then_dead');
  });

  it('takes a code outside RFC 6749 with a status other than 400 and no dead token named as another problem', () => {
    expect(refreshFailure(error('provider_error', { status: 401, providerCode: 'oops' }))).toBe('other');
  });

  it('takes a code outside RFC 6749 without a provider code or description as retry_then_dead on a 400', () => {
    expect(refreshFailure(error('provider_error', { status: 400 }))).toBe('retry_then_dead');
  });

  it('takes invalid_request without a status (no HTTP answer to go by) as retry_then_dead', () => {
    expect(refreshFailure(error('invalid_request'))).toBe('retry_then_dead');
  });

  it('takes unauthorized_client with a 401 and no dead token named as another problem', () => {
    expect(refreshFailure(error('unauthorized_client', { status: 401 }))).toBe('other');
  });

  it('takes a bare 401 whose text says the token expired as a dead refresh token', () => {
    expect(refreshFailure(error('refused', { status: 401, excerpt: 'Token expired' }))).toBe('dead');
  });
});

describe('deadAfterRetry() on other answers', () => {
  it('takes a retry refused for another reason (invalid_client) as not dead', () => {
    expect(deadAfterRetry(error('invalid_client', { status: 401 }))).toBe(false);
  });

  it('takes a retry that says the token is revoked as dead', () => {
    expect(deadAfterRetry(error('invalid_request', { status: 400, description: 'token revoked' }))).toBe(true);
  });
});

describe('refreshFailure() on the codes of other grants and of the sign-in flows', () => {
  it('takes an expired device code (expired_token) as dead', () => {
    expect(refreshFailure(error('expired_token', { status: 400 }))).toBe('dead');
  });

  it.each([
    'insecure_url',
    'invalid_config',
    'access_denied',
    'authorization_pending',
    'slow_down',
    'state_mismatch',
    'issuer_mismatch',
    'id_token_invalid',
    'sign_in_timeout',
    'discovery_failed',
  ] as const)('takes %s as another problem: the refresh token is kept', (code) => {
    expect(refreshFailure(error(code))).toBe('other');
  });
});
