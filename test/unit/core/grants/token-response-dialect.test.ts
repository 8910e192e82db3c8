// Specifies how processTokenResponse() reads a provider's documented deviations from its profile: its own error codes,
// a comma-separated scope, refresh_token_expires_in, Entra's AADSTS first line, and an assumed lifetime.

import { describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../../../electron/core/grants/token-record.js';
import { processTokenResponse, type ProcessContext, type TokenHttpResponse } from '../../../../electron/core/grants/token-response.js';
import { github, microsoft } from '../../../../electron/core/providers/service-presets.js';
import { errorOf } from './support.js';

const NOW = Date.UTC(2026, 3, 1, 9, 0, 0);
const json = (status: number, body: unknown): TokenHttpResponse => ({ status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
const read = (response: TokenHttpResponse, context: Partial<ProcessContext> = {}): TokenRecord =>
  processTokenResponse(response, { now: NOW, requestedScope: ['read:user'], ...context });
const refusal = (response: TokenHttpResponse, context: Partial<ProcessContext> = {}) => errorOf(() => read(response, context));

describe('processTokenResponse() with a provider dialect', () => {
  it("reads GitHub's HTTP 200 bad_verification_code as invalid_grant, keeping GitHub's code in the message", () => {
    const error = refusal(json(200, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' }), {
      grant: 'authorization_code',
      dialect: github,
    });
    expect([error.code, error.kind, error.providerCode, error.message]).toEqual([
      'invalid_grant',
      'rejected',
      'bad_verification_code',
      'The provider refused the request (bad_verification_code, HTTP 200): The code passed is incorrect or expired.',
    ]);
  });

  it.each([
    ['authorization_pending', 'authorization_pending'],
    ['slow_down', 'slow_down'],
    ['access_denied', 'access_denied'],
    ['expired_token', 'expired_token'],
    ['token_expired', 'expired_token'],
    ['incorrect_device_code', 'invalid_grant'],
    ['device_flow_disabled', 'unauthorized_client'],
    ['incorrect_client_credentials', 'invalid_client'],
  ])("reads GitHub's device poll answer %s (HTTP 200) as %s", (said, code) => {
    expect(refusal(json(200, { error: said }), { grant: 'device_code', dialect: github }).code).toBe(code);
  });

  it("reads Entra's authorization_declined as access_denied", () => {
    expect(refusal(json(400, { error: 'authorization_declined' }), { grant: 'device_code', dialect: microsoft }).code).toBe('access_denied');
  });

  it('keeps an unmapped code of the provider as provider_error', () => {
    expect(refusal(json(400, { error: 'consent_required' }), { grant: 'refresh_token', dialect: microsoft })).toMatchObject({
      code: 'provider_error',
      providerCode: 'consent_required',
    });
  });

  it('does not map codes without the dialect (another provider may mean something else by them)', () => {
    expect(refusal(json(200, { error: 'bad_verification_code' }), { grant: 'authorization_code' }).code).toBe('provider_error');
  });

  it("shows the first line of Entra's description: its AADSTS code and sentence, not the trace ids", () => {
    const description =
      "AADSTS70011: The provided value for the input parameter 'scope' is not valid.\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: 2016-01-09 02:02:12Z";
    expect(refusal(json(400, { error: 'invalid_scope', error_description: description, error_codes: [70011] }), { dialect: microsoft }).message).toBe(
      "The provider refused the request (invalid_scope, HTTP 400): AADSTS70011: The provided value for the input parameter 'scope' is not valid.",
    );
  });

  it("splits GitHub's comma-separated granted scope", () => {
    expect(read(json(200, { access_token: 'gho_x', token_type: 'bearer', scope: 'repo,gist' }), { dialect: github }).grantedScope).toEqual(['repo', 'gist']);
  });

  it("reads a GitHub App's expires_in and refresh_token_expires_in, which stays out of the other fields", () => {
    const record = read(json(200, { access_token: 'ghu_x', expires_in: 28800, refresh_token: 'ghr_x', refresh_token_expires_in: 15811200, scope: '', token_type: 'bearer' }), {
      dialect: github,
    });
    expect([record.expiresAt, record.expirySource, record.refreshExpiresAt, record.extra]).toEqual([NOW + 28_800_000, 'expires_in', NOW + 15_811_200_000, {}]);
  });

  it.each([
    ['negative', -1],
    ['text', 'six months'],
    ['a list', [1]],
  ])('refuses a refresh_token_expires_in that is %s as bad_response', (_what, value) => {
    expect(refusal(json(200, { access_token: 'ghu_x', refresh_token: 'ghr_x', refresh_token_expires_in: value })).code).toBe('bad_response');
  });

  it("keeps Entra's ext_expires_in with the token's other fields", () => {
    expect(read(json(200, { access_token: 'at', token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599 }), { dialect: microsoft }).extra).toEqual({ ext_expires_in: 3599 });
  });
});

describe('processTokenResponse() with an assumed lifetime', () => {
  const hour = 3_600_000;

  it('takes the assumed lifetime when the answer states none (a GitHub OAuth app token), marking the expiry assumed', () => {
    const record = read(json(200, { access_token: 'gho_x', token_type: 'bearer', scope: 'repo' }), { assumeLifetimeMs: 8 * hour });
    expect([record.expiresAt, record.expirySource]).toEqual([NOW + 8 * hour, 'assumed']);
  });

  it('prefers expires_in to the assumption', () => {
    const record = read(json(200, { access_token: 'at', expires_in: 60 }), { assumeLifetimeMs: 8 * hour });
    expect([record.expiresAt, record.expirySource]).toEqual([NOW + 60_000, 'expires_in']);
  });

  it("prefers a JWT's exp to the assumption", () => {
    const exp = Math.floor(NOW / 1000) + 120;
    const jwt = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp })).toString('base64url')}.sig`;
    const record = read(json(200, { access_token: jwt }), { assumeLifetimeMs: 8 * hour });
    expect([record.expiresAt, record.expirySource]).toEqual([exp * 1000, 'jwt_exp']);
  });

  it('says no stated expiry without an assumption', () => {
    const record = read(json(200, { access_token: 'gho_x' }));
    expect([record.expiresAt, record.expirySource]).toEqual([null, 'unknown']);
  });
});
