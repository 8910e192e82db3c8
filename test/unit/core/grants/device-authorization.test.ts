// Specifies the device authorization grant (RFC 8628): the request, the answer, and polling on a fake clock.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  buildDeviceAuthorizationRequest,
  pollDeviceToken,
  processDeviceAuthorizationResponse,
  requestDeviceAuthorization,
  type DeviceAuthorization,
} from '../../../../electron/core/grants/device-authorization.js';
import type { GrantDeps, TokenOutcome } from '../../../../electron/core/grants/grant-client.js';
import { GrantError, type GrantErrorCode } from '../../../../electron/core/grants/grant-error.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_SECONDS, type FetchLike } from '../../../../electron/core/grants/http-transport.js';
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

/** What a device authorization answer gave: the codes, expiring in 10 minutes, polled every 5 seconds. */
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

describe('pollDeviceToken()', () => {
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

/** Whether `promise` has settled once pending jobs have run (the fake clock does not move). */
async function settled(clock: FakeClock, promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await clock.flush();
  return done;
}

const basicPair = (header: string | undefined): string => Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');

describe('buildDeviceAuthorizationRequest(): the request', () => {
  const endpoint = new URL('https://id.example.test/device/code');
  const oauth2 = resolveProfile('oauth2');
  const oidc = resolveProfile('oidc');

  it('refuses an empty client id with invalid_config', () => {
    expect(errorOf(() => buildDeviceAuthorizationRequest(oidc, endpoint, { clientId: '' }, { scope: null })).code).toBe('invalid_config');
  });

  it('says that a client id is missing, and for which provider', () => {
    const message = errorOf(() => buildDeviceAuthorizationRequest(oidc, endpoint, {}, { scope: null })).message;
    expect([message.includes('client id'), message.includes(oidc.label)]).toEqual([true, true]);
  });

  it('sends Basic credentials of the client id and secret, form-encoded by default (RFC 6749 §2.3.1)', () => {
    const request = buildDeviceAuthorizationRequest(oauth2, endpoint, { clientId: 'app', clientSecret: 'a b:c' }, { scope: null });
    expect(basicPair(request.headers['authorization'])).toBe('app:a+b%3Ac');
  });

  it('sends the credentials raw when the caller asks for it', () => {
    const request = buildDeviceAuthorizationRequest(oauth2, endpoint, { clientId: 'app', clientSecret: 'a b:c' }, { scope: null, basicEncoding: 'raw' });
    expect(basicPair(request.headers['authorization'])).toBe('app:a b:c');
  });

  it('sends the credentials raw when the profile says its server never decodes them', () => {
    const request = buildDeviceAuthorizationRequest({ ...oauth2, basicEncoding: 'raw' }, endpoint, { clientId: 'app', clientSecret: 'a b:c' }, { scope: null });
    expect(basicPair(request.headers['authorization'])).toBe('app:a b:c');
  });

  it('sends an empty secret in Basic for a confidential client without one', () => {
    const request = buildDeviceAuthorizationRequest(oauth2, endpoint, { clientId: 'app' }, { scope: null });
    expect(basicPair(request.headers['authorization'])).toBe('app:');
  });

  it('puts the client id and secret in the form for a profile that authenticates in the body', () => {
    const request = buildDeviceAuthorizationRequest({ ...oauth2, clientAuth: 'body' }, endpoint, { clientId: 'app', clientSecret: 's3cret-value' }, { scope: null });
    expect([...new URLSearchParams(request.body)]).toEqual([
      ['client_id', 'app'],
      ['client_secret', 's3cret-value'],
    ]);
  });

  it('names a public client once', () => {
    const request = buildDeviceAuthorizationRequest(oidc, endpoint, { clientId: 'app' }, { scope: null });
    expect(new URLSearchParams(request.body).getAll('client_id')).toEqual(['app']);
  });

  it('sends no scope when it is empty', () => {
    const request = buildDeviceAuthorizationRequest(oidc, endpoint, { clientId: 'app' }, { scope: [] });
    expect(new URLSearchParams(request.body).has('scope')).toBe(false);
  });

  it('sends no scope to a provider that takes none', () => {
    const request = buildDeviceAuthorizationRequest({ ...oidc, scopeParam: null }, endpoint, { clientId: 'app' }, { scope: ['openid'] });
    expect(request.body).toBe('client_id=app');
  });

  it('asks for JSON and says the body is a form', () => {
    const request = buildDeviceAuthorizationRequest(oidc, endpoint, { clientId: 'app' }, { scope: null });
    expect([request.headers['accept'], request.headers['content-type']]).toEqual(['application/json', 'application/x-www-form-urlencoded;charset=UTF-8']);
  });

  it('lists the secret, the Authorization header and its credentials as secrets never to echo', () => {
    const request = buildDeviceAuthorizationRequest(oauth2, endpoint, { clientId: 'app', clientSecret: 's3cret-value' }, { scope: null });
    const header = request.headers['authorization'] ?? '';
    expect(request.secrets).toEqual(['s3cret-value', header, header.slice('Basic '.length)]);
  });

  it('lists no secret for a public client', () => {
    expect(buildDeviceAuthorizationRequest(oidc, endpoint, { clientId: 'app' }, { scope: null }).secrets).toEqual([]);
  });

  it('names the device authorization endpoint for messages', () => {
    expect(buildDeviceAuthorizationRequest(oidc, endpoint, { clientId: 'app' }, { scope: null }).endpoint).toBe('device authorization endpoint');
  });
});

describe('processDeviceAuthorizationResponse(): reading the answer', () => {
  const read = (body: Record<string, unknown>) => processDeviceAuthorizationResponse(json(200, body), { now: 0 });
  const refusal = (body: Record<string, unknown>) => errorOf(() => read(body));

  it('reads numeric codes as text', () => {
    const got = read({ ...answer, device_code: 1234, user_code: 5678 });
    expect([got.deviceCode, got.userCode]).toEqual(['1234', '5678']);
  });

  it.each([
    ['a blank user_code', { ...answer, user_code: '   ' }],
    ['a verification_uri that is no URL', { ...answer, verification_uri: 'not a url' }],
    ['expires_in 0', { ...answer, expires_in: 0 }],
    ['a negative expires_in', { ...answer, expires_in: -5 }],
    ['expires_in written as 1e3', { ...answer, expires_in: '1e3' }],
    ['expires_in written as a word', { ...answer, expires_in: 'soon' }],
  ])('refuses %s with bad_response', (_what, body) => {
    expect(refusal(body).code).toBe('bad_response');
  });

  it('accepts a plain http verification_uri (a server on the local network)', () => {
    expect(read({ ...answer, verification_uri: 'http://192.168.1.10/device' }).verificationUri).toBe('http://192.168.1.10/device');
  });

  it('drops a verification_uri_complete that is no URL', () => {
    expect(read({ ...answer, verification_uri_complete: 'not a url' }).verificationUriComplete).toBeNull();
  });

  it.each([
    ['900', 900_000],
    [' 900 ', 900_000],
    ['7', 7000],
  ])('reads expires_in given as the string "%s"', (value, ms) => {
    expect(read({ ...answer, expires_in: value }).expiresAt).toBe(ms);
  });

  it('keeps the default interval when the answer gives 0', () => {
    expect(read({ ...answer, interval: 0 }).intervalMs).toBe(5000);
  });

  it.each([
    ['device_code', { ...answer, device_code: undefined }],
    ['user_code', { ...answer, user_code: undefined }],
    ['verification_uri', { ...answer, verification_uri: undefined }],
    ['expires_in', { ...answer, expires_in: undefined }],
  ])('names the missing %s in its message (RFC 8628 §3.2)', (field, body) => {
    expect(refusal(body).message).toContain(field);
  });

  it('names every field missing, and the status of the answer', () => {
    const error = refusal({ expires_in: 900, verification_uri: answer.verification_uri });
    expect([error.message.includes('device_code, user_code'), error.status]).toEqual([true, 200]);
  });

  it('says which endpoint refused', () => {
    const error = errorOf(() => processDeviceAuthorizationResponse(json(503, {}), { now: 0 }));
    expect(error.message).toContain('device authorization endpoint');
  });

  it('removes the secrets it is given from an error it reports', () => {
    const error = errorOf(() =>
      processDeviceAuthorizationResponse(json(401, { error: 'invalid_client', error_description: 'wrong hunter2-hunter2 here' }), { now: 0, secrets: ['hunter2-hunter2'] }),
    );
    expect(error.description).not.toContain('hunter2-hunter2');
  });

  it("reads the provider's own error codes through its dialect (GitHub's device_flow_disabled)", () => {
    const error = errorOf(() =>
      processDeviceAuthorizationResponse(json(400, { error: 'device_flow_disabled' }), { now: 0, dialect: { errorCodes: { device_flow_disabled: 'unauthorized_client' } } }),
    );
    expect(error.code).toBe('unauthorized_client');
  });

  it('cuts a user code to 100 characters and a message to 500', () => {
    const got = read({ ...answer, user_code: 'U'.repeat(150), message: 'm'.repeat(600) });
    expect([got.userCode.length, got.message?.length]).toEqual([100, 500]);
  });
});

describe('requestDeviceAuthorization()', () => {
  const endpoint = new URL('https://id.example.test/device/code');
  const request = buildDeviceAuthorizationRequest(resolveProfile('oidc'), endpoint, { clientId: 'app' }, { scope: ['openid'] });

  function depsOf(clock: FakeClock, fetch: FetchLike, patch: Partial<GrantDeps> = {}): GrantDeps {
    return { fetch, now: () => clock.now(), sleep: (ms) => clock.sleep(ms), random: () => 0.5, setTimer: (fn, ms) => clock.setTimer(fn, ms), ...patch };
  }
  const answering =
    (status: number, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): FetchLike =>
    async () =>
      new Response(body, { status, headers });
  /** A server that never answers, until the request is aborted. */
  const silent: FetchLike = (_url, init) =>
    new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true }));

  it('returns the codes, their expiry counted from when the answer came', async () => {
    const clock = new FakeClock(10_000);
    const result = await requestDeviceAuthorization(request, depsOf(clock, answering(200, JSON.stringify(answer))));
    expect(result.ok ? [result.value.userCode, result.value.expiresAt] : result.error.code).toEqual(['WDJB-MJHT', 910_000]);
  });

  it("returns the endpoint's refusal as an error", async () => {
    const clock = new FakeClock(0);
    const result = await requestDeviceAuthorization(request, depsOf(clock, answering(400, JSON.stringify({ error: 'invalid_client' }))));
    expect(result.ok ? 'ok' : result.error.code).toBe('invalid_client');
  });

  it("reads the provider's own error codes through the dialect it is given", async () => {
    const clock = new FakeClock(0);
    const result = await requestDeviceAuthorization(request, depsOf(clock, answering(400, JSON.stringify({ error: 'device_flow_disabled' }))), {
      dialect: { errorCodes: { device_flow_disabled: 'unauthorized_client' } },
    });
    expect(result.ok ? 'ok' : result.error.code).toBe('unauthorized_client');
  });

  it('lets an error that is not a grant error through (a bug is not a refusal)', async () => {
    const clock = new FakeClock(0);
    const deps = depsOf(clock, answering(200, JSON.stringify(answer)), {
      now: () => {
        throw new TypeError('clock broken');
      },
    });
    await expect(requestDeviceAuthorization(request, deps)).rejects.toThrow(TypeError);
  });

  it('gives up after the timeout it is given, on the injected timer', async () => {
    const clock = new FakeClock(0);
    const done = requestDeviceAuthorization(request, depsOf(clock, silent), { timeoutSeconds: 7 });
    await clock.advance(6999);
    const early = await settled(clock, done);
    await clock.advance(1);
    const late = await settled(clock, done);
    const result = await done;
    expect([early, late, result.ok ? 'ok' : [result.error.code, result.error.message.includes('within 7 s')]]).toEqual([false, true, ['timeout', true]]);
  });

  it('gives up after the default timeout when none is given', async () => {
    const clock = new FakeClock(0);
    const done = requestDeviceAuthorization(request, depsOf(clock, silent));
    await clock.advance(DEFAULT_TIMEOUT_SECONDS * 1000 - 1);
    const early = await settled(clock, done);
    await clock.advance(1);
    const late = await settled(clock, done);
    const result = await done;
    expect([early, late, result.ok ? 'ok' : [result.error.code, result.error.message.includes(`within ${DEFAULT_TIMEOUT_SECONDS} s`)]]).toEqual([
      false,
      true,
      ['timeout', true],
    ]);
  });

  it('ends as cancelled when the signal aborts', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const done = requestDeviceAuthorization(request, depsOf(clock, silent), { signal: controller.signal });
    controller.abort();
    const early = await settled(clock, done);
    const result = await done;
    expect([early, result.ok ? 'ok' : result.error.code]).toEqual([true, 'cancelled']);
  });

  it('refuses an answer larger than the limit it is given', async () => {
    const clock = new FakeClock(0);
    const result = await requestDeviceAuthorization(request, depsOf(clock, answering(200, JSON.stringify(answer)), { maxBodyBytes: 64 }));
    expect(result.ok ? 'ok' : [result.error.code, result.error.message.includes('larger than 64 bytes')]).toEqual(['bad_response', true]);
  });

  it('refuses an answer larger than the default limit when none is given', async () => {
    const clock = new FakeClock(0);
    const big = JSON.stringify({ ...answer, message: 'm'.repeat(DEFAULT_MAX_BODY_BYTES) });
    const result = await requestDeviceAuthorization(request, depsOf(clock, answering(200, big)));
    expect(result.ok ? 'ok' : [result.error.code, result.error.message.includes(`larger than ${DEFAULT_MAX_BODY_BYTES} bytes`)]).toEqual(['bad_response', true]);
  });
});

describe('pollDeviceToken(): ends and messages', () => {
  const counting = (answers: Array<Result<TokenOutcome, GrantError>>) => {
    const calls: number[] = [];
    return {
      calls,
      poll: async () => {
        calls.push(calls.length);
        return answers.shift() ?? err(new GrantError('authorization_pending', 'pending', { status: 400 }));
      },
    };
  };
  const describeError = (result: Result<TokenOutcome, GrantError>) =>
    result.ok ? 'ok' : { code: result.error.code, grant: result.error.grant, status: result.error.status, message: result.error.message };

  it('polls and returns the token with a signal that never aborts, leaving no listener on it', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const polls = counting([err(new GrantError('authorization_pending', 'pending')), ok(outcome)]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000, signal: controller.signal });
    await clock.advance(10_000);
    expect([await done, getEventListeners(controller.signal, 'abort').length]).toEqual([ok(outcome), 0]);
  });

  it('ends as cancelled at once, without polling, when the signal has already aborted', async () => {
    const clock = new FakeClock(0);
    const polls = counting([ok(outcome)]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000, signal: AbortSignal.abort() });
    const early = await settled(clock, done);
    const result = await done;
    expect([early, result.ok ? 'ok' : result.error.code, polls.calls.length]).toEqual([true, 'cancelled', 0]);
  });

  it('ends as cancelled when the signal aborts while a poll is under way, whatever the poll answers', async () => {
    const clock = new FakeClock(0);
    const controller = new AbortController();
    const poll = async (): Promise<Result<TokenOutcome, GrantError>> => {
      controller.abort();
      return ok(outcome);
    };
    const done = pollDeviceToken(codes(clock), poll, clock, { deadline: 300_000, signal: controller.signal });
    await clock.advance(5000);
    const result = await done;
    expect(describeError(result)).toMatchObject({ code: 'cancelled', grant: 'device_code', message: expect.stringContaining('cancelled') });
  });

  it('ends at once as expired_token when the codes have already run out', async () => {
    const clock = new FakeClock(0);
    const polls = counting([]);
    const done = pollDeviceToken(codes(clock, { expiresAt: 0 }), polls.poll, clock, { deadline: 300_000 });
    const early = await settled(clock, done);
    expect([early, describeError(await done)]).toEqual([
      true,
      { code: 'expired_token', grant: 'device_code', status: undefined, message: expect.stringContaining('sign in again') },
    ]);
  });

  it('ends at once as sign_in_timeout when the deadline has already passed', async () => {
    const clock = new FakeClock(0);
    const polls = counting([]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 0 });
    const early = await settled(clock, done);
    expect([early, describeError(await done)]).toEqual([
      true,
      { code: 'sign_in_timeout', grant: 'device_code', status: undefined, message: expect.stringContaining('not finished in time') },
    ]);
  });

  it('ends as sign_in_timeout when the deadline passes during a poll', async () => {
    const clock = new FakeClock(0);
    const poll = async (): Promise<Result<TokenOutcome, GrantError>> => {
      clock.time = 8000;
      return err(new GrantError('authorization_pending', 'pending'));
    };
    const done = pollDeviceToken(codes(clock), poll, clock, { deadline: 7000 });
    await clock.advance(5000);
    const early = await settled(clock, done);
    const result = await done;
    expect([early, result.ok ? 'ok' : result.error.code]).toEqual([true, 'sign_in_timeout']);
  });

  it('waits only until the deadline, not a whole interval past it', async () => {
    const clock = new FakeClock(0);
    const polls = counting([]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 7000 });
    await clock.advance(7000);
    const atDeadline = await settled(clock, done);
    const result = await done;
    expect([atDeadline, result.ok ? 'ok' : result.error.code, polls.calls.length]).toEqual([true, 'sign_in_timeout', 1]);
  });

  it('waits only until the codes expire when they expire before the deadline', async () => {
    const clock = new FakeClock(0);
    const polls = counting([]);
    const done = pollDeviceToken(codes(clock, { expiresAt: 7000 }), polls.poll, clock, { deadline: 300_000 });
    await clock.advance(7000);
    const atExpiry = await settled(clock, done);
    const result = await done;
    expect([atExpiry, result.ok ? 'ok' : result.error.code]).toEqual([true, 'expired_token']);
  });

  it('reports the provider saying the code expired as expired_token, with its status, telling to sign in again', async () => {
    const clock = new FakeClock(0);
    const polls = counting([err(new GrantError('expired_token', 'expired_token', { status: 401 }))]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000 });
    await clock.advance(5000);
    expect(describeError(await done)).toEqual({ code: 'expired_token', grant: 'device_code', status: 401, message: expect.stringContaining('sign in again') });
  });

  it('reports access_denied as refused on the other device, with status 400 when the poll had none', async () => {
    const clock = new FakeClock(0);
    const polls = counting([err(new GrantError('access_denied', 'access_denied'))]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000 });
    await clock.advance(5000);
    expect(describeError(await done)).toEqual({ code: 'access_denied', grant: 'device_code', status: 400, message: expect.stringContaining('refused on the other device') });
  });

  it('reports expired_token with status 400 when the poll had none', async () => {
    const clock = new FakeClock(0);
    const polls = counting([err(new GrantError('expired_token', 'expired_token'))]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000 });
    await clock.advance(5000);
    expect(describeError(await done)).toMatchObject({ code: 'expired_token', status: 400 });
  });

  it('keeps the status of an access_denied answer', async () => {
    const clock = new FakeClock(0);
    const polls = counting([err(new GrantError('access_denied', 'access_denied', { status: 403 }))]);
    const done = pollDeviceToken(codes(clock), polls.poll, clock, { deadline: 300_000 });
    await clock.advance(5000);
    expect(describeError(await done)).toMatchObject({ code: 'access_denied', status: 403 });
  });
});
