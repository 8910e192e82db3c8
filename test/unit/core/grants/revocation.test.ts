// Specifies token revocation (RFC 7009): the request (§2.1) and what its answers mean (§2.2).
import { describe, expect, it } from 'vitest';
import { buildRevocationRequest, processRevocationResponse } from '../../../../electron/core/grants/revocation.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { errorOf } from './support.js';

const endpoint = new URL('https://id.example.test/revoke');
const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('buildRevocationRequest()', () => {
  it('posts the token with its type hint and the public client id (RFC 7009 §2.1)', () => {
    const request = buildRevocationRequest(resolveProfile('oidc'), endpoint, { clientId: 'app' }, { value: 'rt-1234567890abcdef', hint: 'refresh_token' });
    expect([request.method, Object.fromEntries(new URLSearchParams(request.body))]).toEqual(['POST', { token: 'rt-1234567890abcdef', token_type_hint: 'refresh_token', client_id: 'app' }]);
  });

  it('authenticates a confidential client with HTTP Basic, and counts the token and secret as secrets', () => {
    const request = buildRevocationRequest(resolveProfile('oauth2'), endpoint, { clientId: 'app', clientSecret: 'secret-1' }, { value: 'at-1', hint: 'access_token' });
    expect([request.headers['authorization']?.startsWith('Basic '), request.secrets.includes('at-1'), request.secrets.includes('secret-1')]).toEqual([true, true, true]);
  });
});

describe('processRevocationResponse()', () => {
  it('takes 200 as revoked, whatever the body (§2.2: also for a token that was already invalid)', () => {
    expect(() => processRevocationResponse({ status: 200, headers: {}, body: '' }, { now: 0 })).not.toThrow();
  });

  it.each([
    ['unsupported_token_type (§2.2.1)', json(400, { error: 'unsupported_token_type' }), 'provider_error'],
    ['a refused client', json(401, { error: 'invalid_client' }), 'invalid_client'],
    ['503 (§2.2.1: try again later)', json(503, {}), 'unavailable'],
    ['a redirect', { status: 302, headers: {}, body: '' }, 'bad_response'],
  ])('refuses %s', (_what, response, code) => {
    expect(errorOf(() => processRevocationResponse(response, { now: 0 })).code).toBe(code);
  });
});
