// The everyday services' documented deviations, met end to end against their emulators: GitHub's tokens without
// expiry and 200-status refusals, Google's offline access and non-rotating refresh tokens, Entra's AADSTS
// descriptions, device messages and declined sign-ins, and what each asks of the authorization request.
import { afterEach, describe, expect, it } from 'vitest';
import type { SignInProgress } from '../../../shared/accounts.js';
import { readTokenRecord, tokenEntry, VAULT_SERVICE } from '../../../electron/core/accounts/account-store.js';
import type { TokenRecord } from '../../../electron/core/grants/token-record.js';
import { deferred, type Deferred } from '../../fixtures/deferred.js';
import { FakeClock } from '../../fixtures/fake-clock.js';
import type { InteractiveHandle, InteractiveKnobs } from '../../fixtures/emulators/interactive-provider.js';
import { failure, openTestService, pollingDeps, value, type OpenedService } from '../flows/support.js';
import { PRESET_CASES, type PresetCase, type PresetId } from './support.js';

type DeviceProgress = Extract<SignInProgress, { kind: 'device' }>;

let clock: FakeClock;
let nextWait: () => Promise<number>;
let opened: OpenedService;
let emulator: InteractiveHandle;
let asked: Deferred<string>;
let shown: Deferred<DeviceProgress>;

const presetCase = (id: PresetId): PresetCase => PRESET_CASES.find((p) => p.id === id) as PresetCase;

async function setUp(id: PresetId, options: { knobs?: Partial<InteractiveKnobs>; overrides?: Record<string, unknown>; clientSecret?: string } = {}): Promise<PresetCase> {
  const preset = presetCase(id);
  clock = new FakeClock(Date.UTC(2026, 10, 27, 9, 0, 0));
  const polling = pollingDeps(clock);
  nextWait = polling.nextWait;
  asked = deferred<string>();
  shown = deferred<DeviceProgress>();
  emulator = await preset.start({ clock: () => clock.now(), ...(options.knobs === undefined ? {} : { knobs: options.knobs }) });
  opened = await openTestService({ clock, grantDeps: polling.deps, openExternal: async (url) => asked.resolve(url) });
  opened.service.onSignInProgress((_name, p) => {
    if (p.kind === 'device') shown.resolve(p);
  });
  const secret = options.clientSecret ?? preset.clientSecret;
  value(
    await opened.service.addAccount({
      name: id,
      provider: id,
      overrides: { ...preset.overrides(emulator.baseUrl), ...options.overrides },
      clientId: preset.clientId,
      ...(secret === undefined ? {} : { clientSecret: secret }),
    }),
  );
  return preset;
}

afterEach(async () => {
  await opened?.close();
  await emulator?.close();
});

async function storedRecord(name: string): Promise<TokenRecord | null> {
  const stored = readTokenRecord(await opened.vault.getPassword(VAULT_SERVICE, tokenEntry(name)));
  return stored.kind === 'ok' ? stored.record : null;
}

async function browserSignIn(id: PresetId): Promise<{ url: URL; result: Awaited<ReturnType<OpenedService['service']['signIn']>> }> {
  const signIn = opened.service.signIn(id, { flow: 'browser' });
  const url = new URL(await asked.promise);
  await emulator.follow(url.href);
  return { url, result: await signIn };
}

/** Starts a device sign-in, lets one poll be answered pending, then has the person approve or decline. */
async function deviceSignIn(id: PresetId, person: 'approve' | 'deny') {
  const signIn = opened.service.signIn(id, { flow: 'device' });
  const codes = await shown.promise;
  await nextWait();
  if (person === 'approve') emulator.approveDevice(codes.userCode);
  else emulator.denyDevice(codes.userCode);
  await clock.advance(5000);
  return { codes, result: await signIn };
}

describe('github', () => {
  it('an OAuth app token states no expiry: stored without one, shown as no stated expiry, no refresh token', async () => {
    await setUp('github', { knobs: { statesLifetime: false, issueRefreshTokens: false } });
    value((await browserSignIn('github')).result);
    const record = await storedRecord('github');
    expect([record?.expiresAt, record?.expirySource, record?.refreshToken]).toEqual([null, 'unknown', null]);
    const view = value(opened.service.account('github'));
    expect([view.expiresAt, view.expirySource, view.hasRefreshToken]).toEqual([null, 'unknown', false]);
  });

  it('an account that assumes a lifetime gives such a token that expiry', async () => {
    await setUp('github', { knobs: { statesLifetime: false, issueRefreshTokens: false }, overrides: { assumeLifetimeSeconds: 3600 } });
    value((await browserSignIn('github')).result);
    const record = await storedRecord('github');
    expect([record?.expiresAt, record?.expirySource]).toEqual([clock.now() + 3_600_000, 'assumed']);
  });

  it('asks for JSON and sends the client as parameters; a wrong secret, refused with HTTP 200, is invalid_client with GitHub\'s code', async () => {
    await setUp('github', { clientSecret: 'not-the-secret' });
    const { result } = await browserSignIn('github');
    const exchange = emulator.requests.find((r) => r.reachedTokenEndpoint);
    expect([exchange?.headers.accept, exchange?.response?.status, new URLSearchParams(exchange?.body).get('client_id')]).toEqual(['application/json', 200, presetCase('github').clientId]);
    const error = failure(result);
    expect([error.code, error.kind, error.message.includes('incorrect_client_credentials')]).toEqual(['invalid_client', 'rejected', true]);
  });

  it('a GitHub App refresh token is good once: the renewal stores the new one and the old one is dead', async () => {
    await setUp('github');
    value((await browserSignIn('github')).result);
    const first = await storedRecord('github');
    value(await opened.service.refresh('github'));
    const second = await storedRecord('github');
    expect([second?.refreshToken === first?.refreshToken, emulator.refreshTokenLive(first?.refreshToken ?? ''), emulator.refreshTokenLive(second?.refreshToken ?? '')]).toEqual([false, false, true]);
  });

  it('a person who declines on the other device ends the sign-in as refused', async () => {
    await setUp('github');
    const { result } = await deviceSignIn('github', 'deny');
    expect([failure(result).code, failure(result).kind]).toEqual(['access_denied', 'rejected']);
  });
});

describe('google', () => {
  it('asks for offline access with access_type=offline and prompt=consent, never the offline_access scope', async () => {
    await setUp('google');
    const { url, result } = await browserSignIn('google');
    value(result);
    expect([url.searchParams.get('access_type'), url.searchParams.get('prompt'), url.searchParams.get('scope')?.split(' ').includes('offline_access')]).toEqual(['offline', 'consent', false]);
  });

  it('sends the desktop client secret and keeps the refresh token, which refresh answers do not repeat', async () => {
    await setUp('google');
    value((await browserSignIn('google')).result);
    const first = await storedRecord('google');
    value(await opened.service.refresh('google'));
    const renewal = emulator.requests.filter((r) => r.reachedTokenEndpoint).at(-1);
    // Its discovery document offers client_secret_basic and client_secret_post: either way the secret goes along.
    const basic = Buffer.from((renewal?.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
    expect(new URLSearchParams(renewal?.body).get('client_secret') ?? basic.split(':')[1]).toBe(presetCase('google').clientSecret);
    expect((await storedRecord('google'))?.refreshToken).toBe(first?.refreshToken);
  });

  it('reads the device answer\'s verification_url as the place to enter the code', async () => {
    await setUp('google');
    const { codes, result } = await deviceSignIn('google', 'approve');
    value(result);
    expect(codes.verificationUri).toBe(`${emulator.baseUrl}/device`);
  });

  it('revokes at its revocation endpoint on logout', async () => {
    await setUp('google');
    value((await browserSignIn('google')).result);
    const record = await storedRecord('google');
    expect(value(await opened.service.logout('google')).revocation).toBe('revoked');
    expect(emulator.revoked).toContain(record?.refreshToken);
  });
});

describe('microsoft', () => {
  it('redirects to localhost and validates the ID token of the person\'s own tenant under the {tenantid} issuer', async () => {
    await setUp('microsoft');
    const { url, result } = await browserSignIn('microsoft');
    value(result);
    expect(new URL(url.searchParams.get('redirect_uri') ?? '').hostname).toBe('localhost');
    expect(url.searchParams.get('prompt')).toBeNull();
  });

  it('keeps ext_expires_in, sends the scope on refresh and stores the rotated refresh token', async () => {
    await setUp('microsoft');
    value((await browserSignIn('microsoft')).result);
    const first = await storedRecord('microsoft');
    expect(first?.extra['ext_expires_in']).toBe(8872);
    value(await opened.service.refresh('microsoft'));
    const renewal = emulator.requests.filter((r) => r.reachedTokenEndpoint).at(-1);
    expect(new URLSearchParams(renewal?.body).get('scope')).toBe('openid profile email offline_access');
    expect(emulator.refreshTokenLive(first?.refreshToken ?? '')).toBe(false);
  });

  it('shows the AADSTS sentence of a refusal, without its trace and correlation ids', async () => {
    await setUp('microsoft');
    value((await browserSignIn('microsoft')).result);
    emulator.revokeRefreshTokens();
    const error = failure(await opened.service.refresh('microsoft'));
    expect([error.kind, /\(AADSTS70000: The provided grant is invalid or malformed\. \(the refresh token is revoked\)\)/.test(error.message), /Trace ID|Correlation ID/.test(error.message)]).toEqual([
      'needs_sign_in',
      true,
      false,
    ]);
  });

  it('shows the device answer\'s message, and a declined sign-in (authorization_declined) is access_denied', async () => {
    await setUp('microsoft');
    const { codes, result } = await deviceSignIn('microsoft', 'deny');
    expect(codes.message).toBe(`To sign in, use a web browser to open the page ${emulator.baseUrl}/devicelogin and enter the code ${codes.userCode} to authenticate.`);
    expect([failure(result).code, failure(result).kind]).toEqual(['access_denied', 'rejected']);
  });

  it('signs in at a single tenant, whose issuer has no placeholder', async () => {
    await setUp('microsoft', { overrides: { urlParams: { tenant: 'contoso-tenant-id' } } });
    value((await browserSignIn('microsoft')).result);
    expect(value(opened.service.account('microsoft')).endpoints.issuer).toBe(`${emulator.baseUrl}/contoso-tenant-id/v2.0`);
  });
});

describe('the discovery-based presets', () => {
  it('gitlab: the device endpoint its discovery document leaves out comes from the preset', async () => {
    await setUp('gitlab');
    expect(value(opened.service.account('gitlab')).endpoints.deviceAuthorization).toBe(`${emulator.baseUrl}/oauth/authorize_device`);
  });

  it('keycloak: a realm is asked for, and an unknown realm is not found at discovery', async () => {
    await setUp('keycloak');
    expect(value(opened.service.account('keycloak')).endpoints.issuer).toBe(`${emulator.baseUrl}/realms/engineering`);
    const other = await opened.service.addAccount({ name: 'other', provider: 'keycloak', overrides: { baseUrl: emulator.baseUrl, urlParams: { realm: 'nowhere' } }, clientId: 'x' });
    expect(failure(other).kind).not.toBe('internal');
    const missing = await opened.service.addAccount({ name: 'norealm', provider: 'keycloak', overrides: { baseUrl: emulator.baseUrl }, clientId: 'x' });
    expect([failure(missing).kind, failure(missing).message]).toEqual(['invalid_input', 'Keycloak needs its realm.']);
  });

  it('auth0: the issuer keeps its trailing slash, in discovery and in the ID token', async () => {
    await setUp('auth0');
    expect(value(opened.service.account('auth0')).endpoints.issuer).toBe(`${emulator.baseUrl}/`);
  });

  it('okta: the default authorization server unless the account names another', async () => {
    await setUp('okta');
    expect(value(opened.service.account('okta')).endpoints.issuer).toBe(`${emulator.baseUrl}/oauth2/default`);
  });
});
