// The browser sign-in (RFC 6749 §4.1 + PKCE, RFC 8252) end to end against oidc-provider, driven through its own
// login and consent pages in Chromium: discovery, PKCE, forged callbacks, denied consent, identity from the
// validated ID token, the token at the userinfo endpoint, refresh with rotation, revocation on logout and removal.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SignInProgress } from '../../../shared/accounts.js';
import { readTokenRecord, tokenEntry, VAULT_SERVICE } from '../../../electron/core/accounts/account-store.js';
import { launchChromium } from '../../e2e/helpers/browser.js';
import { deferred, type Deferred } from '../../fixtures/deferred.js';
import { OPENID_PROVIDER_DEFAULTS, startOpenIdProvider, type OpenIdProviderHandle } from '../../fixtures/openid-provider.js';
import { failure, loopbackOnly, openTestService, signInAtProvider, value, type OpenedService } from './support.js';

let op: OpenIdProviderHandle;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let opened: OpenedService;
/** The URL the service asked the browser to open, per sign-in. */
let asked: Deferred<string>;
let progress: SignInProgress[];

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
  asked = deferred<string>();
  progress = [];
  // The shell's opener: here it hands the URL to the test, which drives Chromium to it.
  opened = await openTestService({ openExternal: async (url) => asked.resolve(url) });
  opened.service.onSignInProgress((_name, p) => progress.push(p));
});
afterEach(async () => {
  await opened?.close();
  await context?.close();
});

async function addAccount(name = 'op'): Promise<void> {
  value(await opened.service.addAccount({ name, provider: 'oidc', overrides: { issuer: op.issuer }, clientId: op.clientId }));
}

async function storedRecord(name: string) {
  const stored = readTokenRecord(await opened.vault.getPassword(VAULT_SERVICE, tokenEntry(name)));
  return stored.kind === 'ok' ? stored.record : null;
}

async function userinfo(accessToken: string): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const response = await fetch(op.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}` } });
  const text = await response.text();
  return { status: response.status, body: response.ok ? (JSON.parse(text) as Record<string, unknown>) : null };
}

describe('browser sign-in against oidc-provider', () => {
  it('discovers the issuer, then signs in with PKCE S256: the token works at userinfo and the ID token names the person', async () => {
    await addAccount();
    const account = value(opened.service.account('op'));
    expect(account.discovery).toMatchObject({ issuer: op.issuer, source: 'openid-configuration' });
    expect(account.signInFlows).toEqual(['browser', 'device']);
    expect(account.endpoints.redirect).toBe('http://127.0.0.1:{port}/callback');

    const signIn = opened.service.signIn('op');
    const url = new URL(await asked.promise);
    expect(Object.fromEntries(['response_type', 'client_id', 'code_challenge_method', 'prompt'].map((k) => [k, url.searchParams.get(k)]))).toEqual({
      response_type: 'code',
      client_id: op.clientId,
      code_challenge_method: 'S256',
      // OIDC Core §11: offline_access means nothing without it, and oidc-provider drops it otherwise.
      prompt: 'consent',
    });
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const text = await signInAtProvider(page, url.href, { shots: 'flow-browser' });
    expect(text).toContain('You can close this tab');

    const view = value(await signIn);
    expect(view.identity).toEqual({ id: OPENID_PROVIDER_DEFAULTS.login, name: `Alice Example (${OPENID_PROVIDER_DEFAULTS.login})`, email: `${OPENID_PROVIDER_DEFAULTS.login}@example.test` });
    expect(view.hasRefreshToken).toBe(true);
    const exchange = op.seen.find((r) => r.params.get('grant_type') === 'authorization_code');
    // A public client says who it is in the body and proves the code with its verifier (RFC 7636 §4.5).
    expect([exchange?.params.get('client_id'), exchange?.params.get('code_verifier')?.length]).toEqual([op.clientId, 43]);
    expect(progress.map((p) => p.kind)).toEqual(['browser', 'exchanging']);

    const record = await storedRecord('op');
    expect((await userinfo(record?.accessToken ?? '')).body).toMatchObject({ sub: OPENID_PROVIDER_DEFAULTS.login, email: `${OPENID_PROVIDER_DEFAULTS.login}@example.test` });
  });

  it('renews with the refresh token, which the provider rotates: the new one is stored, the old one is dead', async () => {
    await addAccount();
    const signIn = opened.service.signIn('op');
    await signInAtProvider(page, await asked.promise);
    value(await signIn);
    const first = await storedRecord('op');

    value(await opened.service.refresh('op'));
    const second = await storedRecord('op');
    expect(second?.refreshToken).not.toBe(first?.refreshToken);
    expect(second?.accessToken).not.toBe(first?.accessToken);
    expect((await userinfo(second?.accessToken ?? '')).status).toBe(200);
    // The rotated-out refresh token no longer works.
    const reuse = await fetch(op.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first?.refreshToken ?? '', client_id: op.clientId }),
    });
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('refuses a forged callback with 400 and keeps waiting for the real one', async () => {
    await addAccount();
    const signIn = opened.service.signIn('op');
    const url = new URL(await asked.promise);
    const redirect = url.searchParams.get('redirect_uri') ?? '';
    const forged = await fetch(`${redirect}?code=forged-code&state=not-the-state`);
    expect(forged.status).toBe(400);
    const stateless = await fetch(`${redirect}?code=forged-code`);
    expect(stateless.status).toBe(400);
    await signInAtProvider(page, url.href);
    expect(value(await signIn).state.kind).toBe('valid');
    // The forged code never reached the token endpoint.
    expect(op.seen.some((r) => r.params.get('code') === 'forged-code')).toBe(false);
  });

  it('ends as refused (access_denied) when the person cancels at the provider, and stores nothing', async () => {
    await addAccount();
    const signIn = opened.service.signIn('op');
    const text = await signInAtProvider(page, await asked.promise, { deny: true, shots: 'flow-browser-denied' });
    expect(text).toContain('not given access');
    expect(failure(await signIn)).toMatchObject({ code: 'access_denied', kind: 'rejected' });
    expect(await storedRecord('op')).toBeNull();
    expect(value(opened.service.account('op')).state).toMatchObject({ kind: 'error', error: { code: 'access_denied' } });
  });

  it('cancelling stops the listener: its port refuses connections', async () => {
    await addAccount();
    const signIn = opened.service.signIn('op');
    const redirect = new URL(await asked.promise).searchParams.get('redirect_uri') ?? '';
    value(opened.service.cancelSignIn('op'));
    expect(failure(await signIn)).toMatchObject({ kind: 'cancelled' });
    await expect(fetch(redirect)).rejects.toThrow();
  });

  it('logout revokes the refresh and access tokens (RFC 7009) and forgets them; the account stays', async () => {
    await addAccount();
    const signIn = opened.service.signIn('op');
    await signInAtProvider(page, await asked.promise);
    value(await signIn);
    const record = await storedRecord('op');
    expect(op.refreshTokenLive(record?.refreshToken ?? '')).toBe(true);

    expect(value(await opened.service.logout('op'))).toEqual({ revocation: 'revoked', warning: null });
    const revoked = op.seen.filter((r) => r.path === '/token/revocation' && (r.params.get('token') === record?.refreshToken || r.params.get('token') === record?.accessToken));
    expect(revoked.map((r) => [r.params.get('token_type_hint'), r.params.get('client_id')])).toEqual([['refresh_token', op.clientId], ['access_token', op.clientId]]);
    expect(op.refreshTokenLive(record?.refreshToken ?? '')).toBe(false);
    expect((await userinfo(record?.accessToken ?? '')).status).toBe(401);
    expect(await storedRecord('op')).toBeNull();
    expect(value(opened.service.account('op'))).toMatchObject({ state: { kind: 'signed_out' }, identity: null });
  });

  it('account removal revokes first, then deletes', async () => {
    await addAccount();
    const signIn = opened.service.signIn('op');
    await signInAtProvider(page, await asked.promise);
    value(await signIn);
    const record = await storedRecord('op');

    expect(value(await opened.service.removeAccount('op'))).toEqual({ revocation: 'revoked', warning: null });
    expect((await userinfo(record?.accessToken ?? '')).status).toBe(401);
    expect(op.refreshTokenLive(record?.refreshToken ?? '')).toBe(false);
    expect(failure(opened.service.account('op')).code).toBe('not_found');
  });
});
