// Specifies GrantError: stable codes, the kind the UI and CLI act on, a serialisable copy without cause or stack.

import { describe, expect, it } from 'vitest';
import { GrantError, isOAuthErrorCode, kindOf, OAUTH_ERROR_CODES, type GrantErrorCode } from '../../../../electron/core/grants/grant-error.js';

describe('kindOf()', () => {
  it.each([
    ['invalid_request', 'rejected'],
    ['invalid_client', 'rejected'],
    ['invalid_grant', 'rejected'],
    ['unauthorized_client', 'rejected'],
    ['unsupported_grant_type', 'rejected'],
    ['invalid_scope', 'rejected'],
    ['provider_error', 'rejected'],
    ['refused', 'rejected'],
    ['needs_sign_in', 'needs_sign_in'],
    ['unavailable', 'unavailable'],
    ['timeout', 'unavailable'],
    ['cancelled', 'cancelled'],
    ['bad_response', 'bad_response'],
    ['network', 'network'],
    ['tls', 'network'],
    ['insecure_url', 'config'],
    ['invalid_config', 'config'],
  ] as const)('maps %s to %s', (code: GrantErrorCode, kind) => {
    expect(kindOf(code)).toBe(kind);
  });
});

describe('isOAuthErrorCode()', () => {
  it('knows the six RFC 6749 §5.2 codes', () => {
    expect(OAUTH_ERROR_CODES.every(isOAuthErrorCode)).toBe(true);
  });

  it.each(['need_login', 'temporarily_unavailable', 'INVALID_GRANT', ''])('does not take %j for one', (code) => {
    expect(isOAuthErrorCode(code)).toBe(false);
  });
});

describe('GrantError', () => {
  const error = new GrantError('unavailable', 'The provider is unavailable (HTTP 503)', {
    status: 503,
    retryAfterMs: 1000,
    excerpt: 'Down',
    cause: new Error('inner with a secret'),
  });

  it('is an Error named GrantError with its kind', () => {
    expect({ isError: error instanceof Error, name: error.name, kind: error.kind }).toEqual({ isError: true, name: 'GrantError', kind: 'unavailable' });
  });

  it('serialises to plain data without cause, stack or excerpt', () => {
    expect(error.toJSON()).toEqual({
      code: 'unavailable',
      kind: 'unavailable',
      message: 'The provider is unavailable (HTTP 503)',
      status: 503,
      retryAfterMs: 1000,
    });
  });

  it('leaves absent details out of its serialised form', () => {
    expect(Object.keys(new GrantError('network', 'x').toJSON())).toEqual(['code', 'kind', 'message']);
  });

  it('copies itself with the number of attempts, keeping every detail', () => {
    const copy = error.withAttempts(3);
    expect({ attempts: copy.attempts, status: copy.status, retryAfterMs: copy.retryAfterMs, excerpt: copy.excerpt, cause: copy.cause }).toEqual({
      attempts: 3,
      status: 503,
      retryAfterMs: 1000,
      excerpt: 'Down',
      cause: error.cause,
    });
  });
});

describe('GrantError.withHint()', () => {
  it('adds a sentence to the message and keeps every detail', () => {
    const error = new GrantError('invalid_client', 'Refused (HTTP 401)', { status: 401, unsent: false, grant: 'password' }).withHint('Check the secret.');
    expect([error.message, error.code, error.status, error.grant]).toEqual(['Refused (HTTP 401). Check the secret.', 'invalid_client', 401, 'password']);
  });
});

describe('GrantError details', () => {
  const full = new GrantError('provider_error', 'The provider refused the request (need_login, HTTP 400): log in', {
    status: 400,
    providerCode: 'need_login',
    description: 'log in',
    excerpt: 'need_login',
    retryAfterMs: 2000,
    attempts: 2,
    unsent: true,
    grant: 'refresh_token',
    cause: new Error('inner'),
  });

  it('serialises the provider code and description with the rest', () => {
    expect(full.toJSON()).toEqual({
      code: 'provider_error',
      kind: 'rejected',
      message: 'The provider refused the request (need_login, HTTP 400): log in',
      status: 400,
      providerCode: 'need_login',
      description: 'log in',
      retryAfterMs: 2000,
    });
  });

  it('keeps every detail, and its cause, in a copy with the number of attempts', () => {
    const copy = full.withAttempts(3);
    expect({ ...copy.toJSON(), excerpt: copy.excerpt, attempts: copy.attempts, unsent: copy.unsent, grant: copy.grant, cause: copy.cause }).toEqual({
      ...full.toJSON(),
      excerpt: 'need_login',
      attempts: 3,
      unsent: true,
      grant: 'refresh_token',
      cause: full.cause,
    });
  });

  it('keeps every detail, the number of attempts included, in a copy with a hint', () => {
    const hinted = full.withHint('Sign in again.');
    expect({ ...hinted.toJSON(), excerpt: hinted.excerpt, attempts: hinted.attempts, unsent: hinted.unsent, grant: hinted.grant, cause: hinted.cause }).toEqual({
      ...full.toJSON(),
      message: 'The provider refused the request (need_login, HTTP 400): log in. Sign in again.',
      excerpt: 'need_login',
      attempts: 2,
      unsent: true,
      grant: 'refresh_token',
      cause: full.cause,
    });
  });

  it('does not double the full stop of a message that has one when adding a hint', () => {
    expect(new GrantError('refused', 'Refused.').withHint('Check it.').message).toBe('Refused. Check it.');
  });

  it('has no cause, and was sent, when none is given', () => {
    const bare = new GrantError('network', 'x');
    expect({ hasCause: 'cause' in bare, unsent: bare.unsent, copyHasCause: 'cause' in bare.withAttempts(2) }).toEqual({ hasCause: false, unsent: false, copyHasCause: false });
  });
});

describe('kindOf() for the codes of the sign-in flows', () => {
  it.each([
    ['access_denied', 'rejected'],
    ['authorization_pending', 'unavailable'],
    ['slow_down', 'unavailable'],
    ['sign_in_timeout', 'cancelled'],
    ['expired_token', 'cancelled'],
    ['state_mismatch', 'bad_response'],
    ['issuer_mismatch', 'bad_response'],
    ['id_token_invalid', 'bad_response'],
    ['discovery_failed', 'config'],
  ] as const)('maps %s to %s', (code: GrantErrorCode, kind) => {
    expect(kindOf(code)).toBe(kind);
  });
});
