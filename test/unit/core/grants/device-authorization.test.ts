// Specifies the device authorization grant (RFC 8628): the request, the answer, and polling on a fake clock.
import { describe, expect, it } from 'vitest';
import {
  buildDeviceAuthorizationRequest,
  pollDeviceToken,
  processDeviceAuthorizationResponse,
  type DeviceAuthorization,
} from '../../../../electron/core/grants/device-authorization.js';
import type { TokenOutcome } from '../../../../electron/core/grants/grant-client.js';
import { GrantError, type GrantErrorCode } from '../../../../electron/core/grants/grant-error.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import { err, ok, type Result } from '../../../../shared/result.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';
import { errorOf } from './support.js';

const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const answer = { device_code: 'dc-1', user_code: 'WDJB-MJHT', verification_uri: 'https://id.example.test/device', expires_in: 900 };

describe('buildDeviceAuthorizationRequest()', () => {
  const endpoint = new URL('https://id.example.test/device/code');

  it('posts a form with client_id and scope for a public client (RFC 8628 §3.1)', () => {
    const request = buildDeviceAuthorizationRequest(resolveProfile('oidc'), endpoint, { clientId: 'app' }, { scope: ['openid', 'email'] });
    expect([request.method, request.url, Object.fromEntries(new URLSearchParams(request.body))]).toEqual(['POST', endpoint.href, { client_id: 'app', scope: 'openid email' }]);
  });

  it('authenticates a confidential client as at the token endpoint, and still names it', () => {
    const request = buildDeviceAuthorizationRequest(resolveProfile('oauth2'), endpoint, { clientId: 'app', clientSecret: 's3cret-value' }, { scope: null });
    expect([request.headers['authorization']?.startsWith('Basic '), new URLSearchParams(request.body).get('client_id'), request.secrets.includes('s3cret-value')]).toEqual([true, 'app', true]);
  });

  it('refuses a missing client id with invalid_config', () => {
    expect(errorOf(() => buildDeviceAuthorizationRequest(resolveProfile('oidc'), endpoint, {}, { scope: null })).code).toBe('invalid_config');
  });
});

describe('processDeviceAuthorizationResponse()', () => {
  it('reads the codes, the expiry and the default interval of 5 s (RFC 8628 §3.2)', () => {
    expect(processDeviceAuthorizationResponse(json(200, answer), { now: 1000 })).toEqual({
      deviceCode: 'dc-1',
      userCode: 'WDJB-MJHT',
      verificationUri: 'https://id.example.test/device',
      verificationUriComplete: null,
      expiresAt: 901_000,
      intervalMs: 5000,
      message: null,
    });
  });

  it("reads Google's verification_url, the complete URI, the interval and Microsoft's message", () => {
    const { verification_uri: _uri, ...rest } = answer;
    const got = processDeviceAuthorizationResponse(
      json(200, { ...rest, verification_url: 'https://www.example.test/device', verification_uri_complete: 'https://www.example.test/device?code=WDJB', interval: 8, message: 'Go there.' }),
      { now: 0 },
    );
    expect([got.verificationUri, got.verificationUriComplete, got.intervalMs, got.message]).toEqual(['https://www.example.test/device', 'https://www.example.test/device?code=WDJB', 8000, 'Go there.']);
  });

  it.each([
    ['device_code', { ...answer, device_code: undefined }],
    ['user_code', { ...answer, user_code: '' }],
    ['expires_in', { ...answer, expires_in: undefined }],
    ['an http(s) verification_uri', { ...answer, verification_uri: 'javascript:alert(1)' }],
  ])('refuses an answer without %s with bad_response', (_what, body) => {
    expect(errorOf(() => processDeviceAuthorizationResponse(json(200, body), { now: 0 })).code).toBe('bad_response');
  });

  it('drops a verification_uri_complete that is not a web address', () => {
    expect(processDeviceAuthorizationResponse(json(200, { ...answer, verification_uri_complete: 'file:///etc/passwd' }), { now: 0 }).verificationUriComplete).toBeNull();
  });

  it('takes an RFC 6749 error body for what it says', () => {
    expect(errorOf(() => processDeviceAuthorizationResponse(json(400, { error: 'invalid_client' }), { now: 0 })).code).toBe('invalid_client');
  });
});

describe('pollDeviceToken()', () => {
  const codes = (clock: FakeClock, patch: Partial<DeviceAuthorization> = {}): DeviceAuthorization => ({
    deviceCode: 'dc',
    userCode: 'UC',
    verificationUri: 'https://id.example.test/device',
    verificationUriComplete: null,
    expiresAt: clock.now() + 600_000,
    intervalMs: 5000,
    message: null,
    ...patch,
  });
  const outcome = { record: { accessToken: 'at' }, attempts: 1 } as unknown as TokenOutcome;
  const refusal = (code: GrantErrorCode): Result<TokenOutcome, GrantError> => err(new GrantError(code, code, { status: 400 }));

  /** Answers the polls in turn, noting when each came. */
  function script(clock: FakeClock, answers: Array<Result<TokenOutcome, GrantError>>) {
    const at: number[] = [];
    return {
      at,
      poll: async () => {
        at.push(clock.now());
        return answers.shift() ?? refusal('authorization_pending');
      },
    };
  }

  it('waits the interval before each poll and keeps polling while authorization_pending', async () => {
    const clock = new FakeClock(0);
    const polls = script(clock, [refusal('authorization_pending'), refusal('authorization_pending'), ok(outcome)]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000 });
    await clock.advance(15_000);
    expect([await done, polls.at]).toEqual([ok(outcome), [5000, 10_000, 15_000]]);
  });

  it('adds 5 s to the interval for every slow_down, for good (RFC 8628 §3.5)', async () => {
    const clock = new FakeClock(0);
    const polls = script(clock, [refusal('slow_down'), refusal('authorization_pending'), refusal('slow_down'), ok(outcome)]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000 });
    await clock.advance(60_000);
    expect([(await done).ok, polls.at]).toEqual([true, [5000, 15_000, 25_000, 40_000]]);
  });

  it.each([
    ['access_denied', 'access_denied'],
    ['expired_token', 'expired_token'],
    ['invalid_client', 'invalid_client'],
  ] as const)('ends at once on %s', async (answered, code) => {
    const clock = new FakeClock(0);
    const polls = script(clock, [refusal(answered)]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000 });
    await clock.advance(20_000);
    const result = await done;
    expect([result.ok ? 'ok' : result.error.code, polls.at.length]).toEqual([code, 1]);
  });

  it('ends as expired_token without a poll once the codes have run out', async () => {
    const clock = new FakeClock(0);
    const polls = script(clock, []);
    const done = pollDeviceToken(codes(clock, { expiresAt: 12_000 }), polls.poll, clock, { deadline: 300_000 });
    await clock.advance(20_000);
    const result = await done;
    expect([result.ok ? 'ok' : result.error.code, polls.at]).toEqual(['expired_token', [5000, 10_000]]);
  });

  it("ends as sign_in_timeout at the sign-in's own deadline", async () => {
    const clock = new FakeClock(0);
    const polls = script(clock, []);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 7000 });
    await clock.advance(10_000);
    const result = await done;
    expect([result.ok ? 'ok' : [result.error.code, result.error.kind], polls.at]).toEqual([['sign_in_timeout', 'cancelled'], [5000]]);
  });

  it('ends as cancelled when the signal aborts during a wait, without polling', async () => {
    const clock = new FakeClock(0);
    const polls = script(clock, []);
    const controller = new AbortController();
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000, signal: controller.signal });
    await clock.advance(1000);
    controller.abort();
    const result = await done;
    expect([result.ok ? 'ok' : result.error.code, polls.at]).toEqual(['cancelled', []]);
  });
});
