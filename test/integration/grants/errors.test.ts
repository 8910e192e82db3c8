// Every failure of a token endpoint maps to the right GrantError code and kind, readable and free of secrets.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deferred } from '../../fixtures/deferred.js';
import { FakeClock } from '../../fixtures/fake-clock.js';
import { DEFAULT_MAX_BODY_BYTES, requestToken, type ClientCredentials, type GrantInput } from '../../../electron/core/grants/index.js';
import { resolveProfile, type ProfileOverrides } from '../../../electron/core/providers/index.js';
import {
  APPLIXURE_DEFAULTS,
  APPLIXURE_KNOBS,
  AXOSOFT_DEFAULTS,
  AXOSOFT_KNOBS,
  SAASU_DEFAULTS,
  SAASU_KNOBS,
  startApplixure,
  startAxosoft,
  startSaasu,
  startSugarCrm,
  startTeamServer,
  SUGARCRM_DEFAULTS,
  SUGARCRM_KNOBS,
  TEAMSERVER_DEFAULTS,
  TEAMSERVER_KNOBS,
  type EmulatorHandle,
  type Knobs,
} from '../../fixtures/emulators/index.js';
import { basicHeader, closedPort, expectNoSecrets, failure, FIXED, last, recordingDeps, requestsSince, unwrap } from './support.js';

interface Rejection {
  readonly status: number;
  readonly description: string;
}

/** One provider: how to reach it, a grant that works, and what each refusal looks like. */
interface ProviderCase {
  readonly name: string;
  readonly start: () => Promise<EmulatorHandle<Knobs>>;
  readonly defaults: Readonly<Knobs>;
  readonly preset: string;
  readonly overrides?: ProfileOverrides;
  readonly client: ClientCredentials;
  readonly input: GrantInput;
  readonly wrongPassword: (Rejection & { readonly input: GrantInput }) | null;
  readonly wrongSecret: (Rejection & { readonly client: ClientCredentials; readonly requests: number }) | null;
  /** Status and description of a refused refresh token, for providers that refresh. */
  readonly refreshRefused: Rejection | null;
  /** Password, client secret, Authorization header values: none may show in an error. */
  readonly secrets: readonly string[];
}

const WRONG_PASSWORD = 'Wr0ng pässword&=+';
const WRONG_SECRET = 'wr0ng-s3cret/+=';

const axosoftClient = { clientId: AXOSOFT_DEFAULTS.clientId, clientSecret: AXOSOFT_DEFAULTS.clientSecret };
const teamClient = { clientId: TEAMSERVER_DEFAULTS.clientId, clientSecret: TEAMSERVER_DEFAULTS.clientSecret };
const applixureClient = { clientId: APPLIXURE_DEFAULTS.clientId, clientSecret: APPLIXURE_DEFAULTS.clientSecret };
const applixureHeaders = [
  basicHeader(APPLIXURE_DEFAULTS.clientId, APPLIXURE_DEFAULTS.clientSecret, 'form'),
  basicHeader(APPLIXURE_DEFAULTS.clientId, APPLIXURE_DEFAULTS.clientSecret, 'raw'),
  basicHeader(APPLIXURE_DEFAULTS.clientId, WRONG_SECRET, 'form'),
  basicHeader(APPLIXURE_DEFAULTS.clientId, WRONG_SECRET, 'raw'),
];

const CASES: readonly ProviderCase[] = [
  {
    name: 'axosoft',
    start: () => startAxosoft({ clock: () => FIXED }),
    defaults: AXOSOFT_KNOBS,
    preset: 'axosoft',
    client: axosoftClient,
    input: { grant: 'password', username: AXOSOFT_DEFAULTS.username, password: AXOSOFT_DEFAULTS.password },
    wrongPassword: {
      input: { grant: 'password', username: AXOSOFT_DEFAULTS.username, password: WRONG_PASSWORD },
      status: 400,
      description: 'Invalid username or password',
    },
    wrongSecret: {
      client: { ...axosoftClient, clientSecret: WRONG_SECRET },
      requests: 1,
      status: 400,
      description: 'Invalid client_id or client_secret',
    },
    refreshRefused: null,
    secrets: [AXOSOFT_DEFAULTS.password, AXOSOFT_DEFAULTS.clientSecret, WRONG_PASSWORD, WRONG_SECRET],
  },
  {
    name: 'sugarcrm',
    start: () => startSugarCrm({ clock: () => FIXED }),
    defaults: SUGARCRM_KNOBS,
    preset: 'sugarcrm',
    client: {},
    input: { grant: 'password', username: SUGARCRM_DEFAULTS.username, password: SUGARCRM_DEFAULTS.password },
    // Sugar's own shape: `error_message`, not `error_description`.
    wrongPassword: {
      input: { grant: 'password', username: SUGARCRM_DEFAULTS.username, password: WRONG_PASSWORD },
      status: 401,
      description: 'You must specify a valid username and password.',
    },
    wrongSecret: { client: { clientSecret: WRONG_SECRET }, requests: 1, status: 400, description: 'The client credentials are invalid' },
    refreshRefused: { status: 401, description: 'Invalid refresh token' },
    secrets: [SUGARCRM_DEFAULTS.password, WRONG_PASSWORD, WRONG_SECRET],
  },
  {
    name: 'teamserver',
    start: () => startTeamServer({ clock: () => FIXED }),
    defaults: TEAMSERVER_KNOBS,
    preset: 'teamserver',
    client: teamClient,
    input: { grant: 'password', username: TEAMSERVER_DEFAULTS.username, password: TEAMSERVER_DEFAULTS.password },
    wrongPassword: {
      input: { grant: 'password', username: TEAMSERVER_DEFAULTS.username, password: WRONG_PASSWORD },
      status: 400,
      description: 'Bad credentials',
    },
    wrongSecret: { client: { ...teamClient, clientSecret: WRONG_SECRET }, requests: 1, status: 401, description: 'Bad client credentials' },
    refreshRefused: { status: 400, description: 'Invalid refresh token' },
    secrets: [TEAMSERVER_DEFAULTS.password, TEAMSERVER_DEFAULTS.clientSecret, WRONG_PASSWORD, WRONG_SECRET],
  },
  {
    name: 'saasu',
    start: () => startSaasu({ clock: () => FIXED }),
    defaults: SAASU_KNOBS,
    preset: 'saasu',
    client: {},
    input: { grant: 'password', username: SAASU_DEFAULTS.username, password: SAASU_DEFAULTS.password },
    wrongPassword: {
      input: { grant: 'password', username: SAASU_DEFAULTS.username, password: WRONG_PASSWORD },
      status: 400,
      description: 'The user name or password is incorrect.',
    },
    // Saasu has no client authentication.
    wrongSecret: null,
    refreshRefused: { status: 400, description: 'invalid refresh token' },
    secrets: [SAASU_DEFAULTS.password, WRONG_PASSWORD],
  },
  {
    name: 'saasu (XML)',
    start: () => startSaasu({ clock: () => FIXED }),
    defaults: SAASU_KNOBS,
    preset: 'saasu',
    overrides: { encoding: 'xml' },
    client: {},
    input: { grant: 'password', username: SAASU_DEFAULTS.username, password: SAASU_DEFAULTS.password },
    wrongPassword: {
      input: { grant: 'password', username: SAASU_DEFAULTS.username, password: WRONG_PASSWORD },
      status: 400,
      description: 'The user name or password is incorrect.',
    },
    wrongSecret: null,
    refreshRefused: { status: 400, description: 'invalid refresh token' },
    secrets: [SAASU_DEFAULTS.password, WRONG_PASSWORD],
  },
  {
    name: 'applixure',
    start: () => startApplixure({ clock: () => FIXED }),
    defaults: APPLIXURE_KNOBS,
    preset: 'applixure',
    client: applixureClient,
    input: { grant: 'client_credentials' },
    // client_credentials: there is no password.
    wrongPassword: null,
    // Refused in form-encoded Basic, then once more in raw Basic.
    wrongSecret: {
      client: { ...applixureClient, clientSecret: WRONG_SECRET },
      requests: 2,
      status: 401,
      description: 'invalid client credentials',
    },
    refreshRefused: null,
    secrets: [APPLIXURE_DEFAULTS.clientSecret, WRONG_SECRET, ...applixureHeaders, ...applixureHeaders.map((h) => h.slice(6))],
  },
];

describe.each(CASES)('$name preset: failures of its emulator', (c) => {
  let emulator: EmulatorHandle<Knobs>;
  beforeAll(async () => {
    emulator = await c.start();
  });
  afterEach(() => {
    Object.assign(emulator.knobs, c.defaults);
  });
  afterAll(async () => emulator.close());

  const profile = () => resolveProfile(c.preset, { ...c.overrides, baseUrl: emulator.baseUrl });

  const wrongPassword = c.wrongPassword;
  if (wrongPassword !== null) {
    it("maps a wrong password to invalid_grant with the provider's description", async () => {
      const error = failure(await requestToken(profile(), wrongPassword.input, c.client, {}, recordingDeps().deps));

      expect(error.code).toBe('invalid_grant');
      expect(error.kind).toBe('rejected');
      expect(error.status).toBe(wrongPassword.status);
      expect(error.description).toBe(wrongPassword.description);
      expect(error.message).toBe(
        `The provider refused the request (invalid_grant, HTTP ${wrongPassword.status}): ${wrongPassword.description}`,
      );
      expect(error.attempts).toBeUndefined();
      expectNoSecrets(error, c.secrets);
    });
  }

  const wrongSecret = c.wrongSecret;
  if (wrongSecret !== null) {
    it('maps a wrong client secret to invalid_client', async () => {
      const before = emulator.requests.length;

      const error = failure(await requestToken(profile(), c.input, wrongSecret.client, {}, recordingDeps().deps));

      expect(error.code).toBe('invalid_client');
      expect(error.kind).toBe('rejected');
      expect(error.status).toBe(wrongSecret.status);
      expect(error.description).toBe(wrongSecret.description);
      expect(error.message).toContain(`invalid_client, HTTP ${wrongSecret.status}`);
      expect(requestsSince(emulator, before)).toHaveLength(wrongSecret.requests);
      expectNoSecrets(error, c.secrets);
    });
  }

  const refreshRefused = c.refreshRefused;
  if (refreshRefused !== null) {
    it('maps a revoked refresh token to invalid_grant without echoing the token', async () => {
      const { record } = unwrap(await requestToken(profile(), c.input, c.client, {}, recordingDeps().deps));
      emulator.revokeRefreshTokens();
      const refreshToken = record.refreshToken ?? '';
      expect(refreshToken).not.toBe('');

      const error = failure(
        await requestToken(profile(), { grant: 'refresh_token', refreshToken }, c.client, { previous: record }, recordingDeps().deps),
      );

      expect(error.code).toBe('invalid_grant');
      expect(error.kind).toBe('rejected');
      expect(error.status).toBe(refreshRefused.status);
      expect(error.description).toBe(refreshRefused.description);
      expectNoSecrets(error, [...c.secrets, refreshToken, record.accessToken]);
    });
  }

  it('retries 503s, waiting as long as Retry-After says, then succeeds', async () => {
    emulator.knobs.failNext = { status: 503, times: 2, retryAfter: '2' };
    const before = emulator.tokenCalls();
    const { deps, delays } = recordingDeps();

    const outcome = unwrap(await requestToken(profile(), c.input, c.client, {}, deps));

    expect(outcome.attempts).toBe(3);
    expect(delays).toEqual([2_000, 2_000]);
    expect(emulator.tokenCalls() - before).toBe(3);
    expect(outcome.record.accessToken).toBe(last(emulator.issued.accessTokens));
  });

  it('reads a Retry-After HTTP date against the injected clock', async () => {
    emulator.knobs.failNext = { status: 503, times: 1, retryAfter: new Date(FIXED + 5_000).toUTCString() };
    const { deps, delays } = recordingDeps();

    const outcome = unwrap(await requestToken(profile(), c.input, c.client, {}, deps));

    expect(outcome.attempts).toBe(2);
    expect(delays).toEqual([5_000]);
  });

  it('retries a 500 with jittered backoff when there is no Retry-After', async () => {
    emulator.knobs.failNext = { status: 500, times: 1 };
    const { deps, delays } = recordingDeps({ random: () => 0.5 });

    const outcome = unwrap(await requestToken(profile(), c.input, c.client, {}, deps));

    expect(outcome.attempts).toBe(2);
    // Equal jitter over 500 ms: 250 + 0.5 * 250.
    expect(delays).toEqual([375]);
  });

  it('gives up with unavailable after 3 attempts when the 503s never end', async () => {
    emulator.knobs.failNext = { status: 503, times: 1_000 };
    const before = emulator.tokenCalls();
    const { deps, delays } = recordingDeps({ random: () => 0.5 });

    const error = failure(await requestToken(profile(), c.input, c.client, {}, deps));

    expect(error.code).toBe('unavailable');
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(3);
    expect(error.message).toBe('The provider is unavailable (HTTP 503): service temporarily unavailable');
    expect(emulator.tokenCalls() - before).toBe(3);
    expect(delays).toEqual([375, 750]);
    expectNoSecrets(error, c.secrets);
  });

  it("retries a proxy's 502 HTML page (a 5xx is temporary whatever its body) and succeeds", async () => {
    emulator.knobs.htmlErrorNext = 1;

    const outcome = unwrap(await requestToken(profile(), c.input, c.client, {}, recordingDeps().deps));

    expect(outcome.attempts).toBe(2);
  });

  it("reports a proxy's 502 HTML page that persists as unavailable, naming HTTP 502", async () => {
    emulator.knobs.htmlErrorNext = 3;

    const error = failure(await requestToken(profile(), c.input, c.client, {}, recordingDeps().deps));

    expect(error.code).toBe('unavailable');
    expect(error.status).toBe(502);
    expect(error.attempts).toBe(3);
    expect(error.message).toContain('HTTP 502');
    expect(error.message).not.toContain('<');
    expectNoSecrets(error, c.secrets);
  });

  it('maps an empty 200 answer to bad_response, without retrying', async () => {
    emulator.knobs.emptyNext = 1;
    const before = emulator.tokenCalls();

    const error = failure(await requestToken(profile(), c.input, c.client, {}, recordingDeps().deps));

    expect(error.code).toBe('bad_response');
    expect(error.kind).toBe('bad_response');
    expect(error.status).toBe(200);
    expect(error.message).toBe('The token endpoint sent an empty answer (HTTP 200)');
    expect(emulator.tokenCalls() - before).toBe(1);
    expectNoSecrets(error, c.secrets);
  });

  it('maps a truncated answer to bad_response with a short excerpt that shows no token', async () => {
    emulator.knobs.malformedNext = 1;
    const before = emulator.requests.length;

    const error = failure(await requestToken(profile(), c.input, c.client, {}, recordingDeps().deps));

    expect(error.code).toBe('bad_response');
    expect(error.status).toBe(200);
    expect(error.message).toContain('neither valid JSON nor valid XML (HTTP 200)');
    const [request] = requestsSince(emulator, before);
    const sent = request?.response?.body ?? '';
    expect(sent).not.toBe('');
    // The partial access token of the truncated body stays out of the error.
    const partialToken = /access_token(?:>|":")([^"<]+)/.exec(sent)?.[1] ?? '';
    expect(partialToken.length).toBeGreaterThan(8);
    expectNoSecrets(error, [...c.secrets, partialToken]);
  });

  it('maps an answer over 1 MiB to bad_response', async () => {
    emulator.knobs.hugeBody = true;

    const error = failure(await requestToken(profile(), c.input, c.client, {}, recordingDeps().deps));

    expect(error.code).toBe('bad_response');
    expect(error.status).toBe(200);
    expect(error.message).toBe(`The token endpoint sent an answer larger than ${DEFAULT_MAX_BODY_BYTES} bytes (HTTP 200).`);
    expectNoSecrets(error, c.secrets);
  });

  it('maps an answer slower than the timeout to timeout, sending again only an idempotent grant', async () => {
    const held = deferred<void>();
    emulator.knobs.hold = held.promise;
    const clock = new FakeClock();
    const before = emulator.requests.length;
    const { deps } = recordingDeps({ setTimer: (fn, ms) => clock.setTimer(fn, ms) });
    // client_credentials is idempotent: resent up to 3 times; password and refresh grants are never resent.
    const expected = c.input.grant === 'client_credentials' ? 3 : 1;

    const pending = requestToken(profile(), c.input, c.client, {}, deps);
    for (let n = 1; n <= expected; n++) {
      await emulator.arrived(before + n);
      await clock.advance(30_000);
    }
    const error = failure(await pending);
    held.resolve();

    expect(error.code).toBe('timeout');
    expect(error.kind).toBe('unavailable');
    expect(emulator.requests.length - before).toBe(expected);
    expect(error.message).toMatch(/^The token endpoint http:\/\/127\.0\.0\.1:\d+\/\S+ did not answer within 30 s\. /);
    expectNoSecrets(error, c.secrets);
  });
});

describe('failures before or below HTTP', () => {
  const input = { grant: 'password', username: AXOSOFT_DEFAULTS.username, password: AXOSOFT_DEFAULTS.password } as const;
  const secrets = [AXOSOFT_DEFAULTS.password, AXOSOFT_DEFAULTS.clientSecret];
  let emulator: EmulatorHandle<Knobs>;
  beforeAll(async () => {
    emulator = await startAxosoft({ clock: () => FIXED });
  });
  afterAll(async () => emulator.close());

  it('maps a closed port to network, retried since nothing reached the provider', async () => {
    const port = await closedPort();
    const profile = resolveProfile('axosoft', { baseUrl: `http://127.0.0.1:${port}` });
    const { deps, fetched, delays } = recordingDeps();

    const error = failure(await requestToken(profile, input, axosoftClient, {}, deps));

    expect(error.code).toBe('network');
    expect(error.kind).toBe('network');
    expect(error.message).toBe(`Could not reach the token endpoint http://127.0.0.1:${port}/api/oauth2/token: connection refused (ECONNREFUSED).`);
    expect(fetched).toHaveLength(3);
    expect(delays).toEqual([375, 750]);
    expectNoSecrets(error, secrets);
  });

  it('maps https spoken to a plain http server to tls', async () => {
    const profile = resolveProfile('axosoft', { baseUrl: emulator.baseUrl.replace(/^http:/, 'https:') });
    const before = emulator.requests.length;

    const error = failure(await requestToken(profile, input, axosoftClient, {}, recordingDeps().deps));

    expect(error.code).toBe('tls');
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/^Could not reach the token endpoint https:\/\/127\.0\.0\.1:\d+\/api\/oauth2\/token: secure connection failed \([A-Z_]+\)\.$/);
    // The TLS handshake never became an HTTP request: nothing (no password) reached the server.
    expect(emulator.requests.length).toBe(before);
    expectNoSecrets(error, secrets);
  });

  it('refuses plain http to a non-loopback host as insecure_url without any network call', async () => {
    const profile = resolveProfile('axosoft', { baseUrl: 'http://axosoft.example.com' });
    const { deps, fetched } = recordingDeps();

    const error = failure(await requestToken(profile, input, axosoftClient, {}, deps));

    expect(error.code).toBe('insecure_url');
    expect(error.kind).toBe('config');
    expect(error.message).toContain('plain http to axosoft.example.com');
    expect(fetched).toEqual([]);
    expectNoSecrets(error, secrets);
  });

  it('gives up at once when Retry-After asks for longer than the retry budget', async () => {
    emulator.knobs.failNext = { status: 503, times: 1, retryAfter: '120' };
    const profile = resolveProfile('axosoft', { baseUrl: emulator.baseUrl });
    const { deps, delays } = recordingDeps();

    const error = failure(await requestToken(profile, input, axosoftClient, {}, deps));

    expect(error.code).toBe('unavailable');
    expect(error.retryAfterMs).toBe(120_000);
    expect(error.attempts).toBe(1);
    expect(delays).toEqual([]);
    expect(error.toJSON()).toMatchObject({ code: 'unavailable', kind: 'unavailable', status: 503, retryAfterMs: 120_000 });
  });
});

describe('other RFC 6749 §5.2 refusals', () => {
  let axosoft: EmulatorHandle<Knobs>;
  let applixure: EmulatorHandle<Knobs>;
  beforeAll(async () => {
    axosoft = await startAxosoft({ clock: () => FIXED });
    applixure = await startApplixure({ clock: () => FIXED });
  });
  afterAll(async () => {
    await axosoft.close();
    await applixure.close();
  });

  it('maps a scope Axosoft does not know to invalid_scope', async () => {
    const profile = resolveProfile('axosoft', { baseUrl: axosoft.baseUrl });
    const input = { grant: 'password', username: AXOSOFT_DEFAULTS.username, password: AXOSOFT_DEFAULTS.password } as const;

    const error = failure(await requestToken(profile, input, axosoftClient, { scope: 'admin' }, recordingDeps().deps));

    expect(error.code).toBe('invalid_scope');
    expect(error.kind).toBe('rejected');
    expect(error.status).toBe(400);
    expect(error.description).toBe(`invalid scope 'admin': use read, write or "read write"`);
    expectNoSecrets(error, [AXOSOFT_DEFAULTS.password, AXOSOFT_DEFAULTS.clientSecret]);
  });

  it('maps an Applixure request whose scopes are all refused to invalid_scope, without a Basic fallback', async () => {
    const profile = resolveProfile('applixure', { baseUrl: applixure.baseUrl });
    const before = applixure.requests.length;
    const options = { scope: 'account-admin:write' };

    const error = failure(await requestToken(profile, { grant: 'client_credentials' }, applixureClient, options, recordingDeps().deps));

    expect(error.code).toBe('invalid_scope');
    expect(error.description).toBe('none of the requested scopes are allowed for this client');
    expect(requestsSince(applixure, before)).toHaveLength(1);
    expectNoSecrets(error, [APPLIXURE_DEFAULTS.clientSecret, ...applixureHeaders, ...applixureHeaders.map((h) => h.slice(6))]);
  });
});
