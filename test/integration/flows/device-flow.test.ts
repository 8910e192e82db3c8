// The device authorization grant (RFC 8628) end to end against oidc-provider: the code shown, a person approving
// it in Chromium on the provider's pages, polling on a fake clock (pending, slow_down), denial, expiry, the
// identity from the ID token, and the token at the userinfo endpoint.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SignInProgress } from '../../../shared/accounts.js';
import { readTokenRecord, tokenEntry, VAULT_SERVICE } from '../../../electron/core/accounts/account-store.js';
import { launchChromium } from '../../e2e/helpers/browser.js';
import { deferred, type Deferred } from '../../fixtures/deferred.js';
import { FakeClock } from '../../fixtures/fake-clock.js';
import { OPENID_PROVIDER_DEFAULTS, startOpenIdProvider, type OpenIdProviderHandle } from '../../fixtures/openid-provider.js';
import { approveDevice, failure, loopbackOnly, openTestService, pollingDeps, value, type OpenedService } from './support.js';

type DeviceProgress = Extract<SignInProgress, { kind: 'device' }>;

let op: OpenIdProviderHandle;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let opened: OpenedService;
let clock: FakeClock;
let nextWait: () => Promise<number>;
let shown: Deferred<DeviceProgress>;

beforeAll(async () => {
  [op, browser] = await Promise.all([startOpenIdProvider(), launchChromium()]);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await op?.close();
});

beforeEach(async () => {
  context = await browser.newContext();
  await loopbackOnly(context);
  page = await context.newPage();
  clock = new FakeClock(Date.now());
  const polling = pollingDeps(clock);
  nextWait = polling.nextWait;
  shown = deferred<DeviceProgress>();
  opened = await openTestService({ clock, grantDeps: polling.deps });
  opened.service.onSignInProgress((_name, p) => {
    if (p.kind === 'device') shown.resolve(p);
  });
  value(await opened.service.addAccount({ name: 'op', provider: 'oidc', overrides: { issuer: op.issuer }, clientId: op.clientId }));
});
afterEach(async () => {
  await opened?.close();
  await context?.close();
});

/** Device code polls sent since the test began. */
const polls = (): number => op.seen.filter((r) => r.params.get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code').length;

async function storedRecord(name: string) {
  const stored = readTokenRecord(await opened.vault.getPassword(VAULT_SERVICE, tokenEntry(name)));
  return stored.kind === 'ok' ? stored.record : null;
}

/** Lets the poller's wait run out, then waits until it has polled and waits again (or finished). */
async function pollOnce(ms: number): Promise<void> {
  const next = nextWait();
  await clock.advance(ms);
  await Promise.race([next, settled]);
}
let settled: Promise<unknown>;

describe('device code sign-in against oidc-provider', () => {
  it('shows the code and where to enter it, keeps polling while pending, and signs in once the person approves', async () => {
    const signIn = opened.service.signIn('op', { flow: 'device' });
    settled = signIn;
    const codes = await shown.promise;
    expect(codes.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(codes.verificationUri).toBe(`${op.issuer}/device`);
    expect(codes.verificationUriComplete).toBe(`${op.issuer}/device?user_code=${encodeURIComponent(codes.userCode)}`);
    // RFC 8628 §3.2: no interval given means 5 s; the first poll waits it too.
    expect(await nextWait()).toBe(5000);

    const before = polls();
    await pollOnce(5000);
    expect(polls()).toBe(before + 1);
    expect(op.seen.at(-1)?.params.get('client_id')).toBe(op.clientId);

    expect(await approveDevice(page, codes.verificationUriComplete ?? '', { shots: 'flow-device' })).toBe('Sign-in Success');
    await clock.advance(5000);
    const view = value(await signIn);
    expect(view.identity?.id).toBe(OPENID_PROVIDER_DEFAULTS.login);
    expect(view.hasRefreshToken).toBe(true);
    const record = await storedRecord('op');
    const me = await fetch(op.userinfoUrl, { headers: { authorization: `Bearer ${record?.accessToken ?? ''}` } });
    expect(me.status).toBe(200);
  });

  it('slow_down adds 5 s to the interval for good (RFC 8628 §3.5)', async () => {
    const signIn = opened.service.signIn('op', { flow: 'device' });
    settled = signIn;
    await shown.promise;
    expect(await nextWait()).toBe(5000);
    op.slowDownNext(1);
    const next = nextWait();
    await clock.advance(5000);
    expect(await next).toBe(10_000);
    const afterSlowDown = polls();
    // Five seconds are no longer enough for the next poll.
    await clock.advance(5000);
    expect(polls()).toBe(afterSlowDown);
    const again = nextWait();
    await clock.advance(5000);
    expect(await again).toBe(10_000);
    expect(polls()).toBe(afterSlowDown + 1);
    value(opened.service.cancelSignIn('op'));
    expect(failure(await signIn).kind).toBe('cancelled');
  });

  it('ends as refused (access_denied, exit 4) when the person aborts on the other device', async () => {
    const signIn = opened.service.signIn('op', { flow: 'device' });
    settled = signIn;
    const codes = await shown.promise;
    await nextWait();
    await approveDevice(page, codes.verificationUriComplete ?? '', { deny: true, shots: 'flow-device-denied' });
    await clock.advance(5000);
    expect(failure(await signIn)).toMatchObject({ code: 'access_denied', kind: 'rejected' });
    expect(await storedRecord('op')).toBeNull();
  });

  it('ends as expired_token when the provider says the code expired', async () => {
    const signIn = opened.service.signIn('op', { flow: 'device' });
    settled = signIn;
    await shown.promise;
    await nextWait();
    op.expireDeviceCodes();
    await clock.advance(5000);
    expect(failure(await signIn)).toMatchObject({ code: 'expired_token', kind: 'cancelled' });
  });

  it('ends as expired_token without polling once the code has run out on the clock', async () => {
    const signIn = opened.service.signIn('op', { flow: 'device', timeoutSeconds: 3600 });
    settled = signIn;
    const codes = await shown.promise;
    await nextWait();
    const before = polls();
    // oidc-provider's codes last 600 s: jump past that while the poller waits.
    clock.time = codes.expiresAt;
    await clock.advance(5000);
    expect(failure(await signIn)).toMatchObject({ code: 'expired_token' });
    expect(polls()).toBe(before);
  });
});
