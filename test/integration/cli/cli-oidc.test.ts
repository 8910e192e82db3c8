// End to end from a clean data directory, as the "done when" says: `tokenry account add … --issuer`, then
// `tokenry login NAME` (browser) and `tokenry login NAME --device` against oidc-provider, a person in Chromium going
// through its pages; the token works at userinfo, `refresh` renews it, `logout` revokes it.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../e2e/helpers/browser.js';
import { startOpenIdProvider, type OpenIdProviderHandle } from '../../fixtures/openid-provider.js';
import { approveDevice, loopbackOnly, signInAtProvider } from '../flows/support.js';
import { expectNoLeaks, expectSuccess, live, makeSandbox, runLive, type CliSandbox } from './cli-harness.js';

describe('tokenry against an OpenID Provider (oidc-provider)', () => {
  let op: OpenIdProviderHandle;
  let box: CliSandbox;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const accessTokens: string[] = [];

  beforeAll(async () => {
    [op, box, browser] = await Promise.all([startOpenIdProvider(), makeSandbox(), launchChromium()]);
  }, 60_000);
  // A person with a fresh browser each time (no session at the provider left from the last test).
  beforeEach(async () => {
    context = await browser.newContext();
    await loopbackOnly(context);
    page = await context.newPage();
  });
  afterEach(async () => {
    for (const child of live) child.kill('SIGKILL');
    await context?.close();
  });
  afterAll(async () => {
    await browser?.close();
    await op?.close();
    await box?.cleanup();
  });

  const userinfo = async (token: string): Promise<number> => (await fetch(op.userinfoUrl, { headers: { authorization: `Bearer ${token}` } })).status;

  it('adds the account from the issuer alone and shows what it discovered', async () => {
    const add = await box.run(['account', 'add', 'op', '--provider', 'oidc', '--issuer', op.issuer, '--client-id', op.clientId]);
    expectSuccess(add);
    expect(add.stdout).toContain(`Discovered ${op.issuer} (browser, code on another device)`);
    const show = await box.run(['account', 'show', 'op']);
    expect(show.stdout).toContain(`issuer:          ${op.issuer}`);
    expect(show.stdout).toContain(`authorization:   ${op.issuer}/auth`);
    expect(show.stdout).toContain(`device auth:     ${op.issuer}/device/auth`);
    expect(show.stdout).toContain(`revocation:      ${op.issuer}/token/revocation`);
    expect(show.stdout).toMatch(/discovered: .* from OpenID Connect discovery/);
  });

  it('`login` prints the authorization URL on a line of its own, the person signs in, and it exits 0', async () => {
    const login = runLive(box, ['login', 'op', '--no-browser']);
    const url = await login.line(/^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
    await signInAtProvider(page, url, { shots: 'cli-browser' });
    const run = await login.done;
    expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^Signed in to op; token expires /)]);
    expect(run.stderr).toContain('Open this address in a browser to sign in to op:');

    const token = await box.run(['token', 'op']);
    expectSuccess(token);
    accessTokens.push(token.stdout.trim());
    expect(await userinfo(token.stdout.trim())).toBe(200);
    expect((await box.run(['account', 'show', 'op'])).stdout).toContain('signed in as:    Alice Example (alice) <alice@example.test> #alice');
  });

  it('`refresh` renews with the rotated refresh token; the new token works', async () => {
    const before = await box.readRecord('op');
    expectSuccess(await box.run(['refresh', 'op']));
    const after = await box.readRecord('op');
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    accessTokens.push(after?.accessToken ?? '');
    expect(await userinfo(after?.accessToken ?? '')).toBe(200);
  });

  it('`logout` revokes at the provider and forgets the tokens; the account stays', async () => {
    const record = await box.readRecord('op');
    const run = await box.run(['logout', 'op']);
    expectSuccess(run);
    expect(run.stdout).toBe('Signed out of op; the provider revoked its tokens.\n');
    expect([await userinfo(record?.accessToken ?? ''), op.refreshTokenLive(record?.refreshToken ?? ''), await box.readRecord('op')]).toEqual([401, false, null]);
    expect((await box.run(['account', 'show', 'op'])).stdout).toContain('status:          signed out');
  });

  it('`login --device` prints the code and where to enter it, and signs in once the person approves', async () => {
    const login = runLive(box, ['login', 'op', '--device']);
    const complete = await login.line(/^http:\/\/127\.0\.0\.1:\d+\/device\?user_code=/);
    const code = await login.line(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(complete).toContain(encodeURIComponent(code));
    await approveDevice(page, complete, { shots: 'cli-device' });
    const run = await login.done;
    expect([run.code, run.stdout]).toEqual([0, expect.stringMatching(/^Signed in to op; token expires /)]);
    expect(run.stderr).toContain(`To sign in to op, open ${op.issuer}/device on any device and enter the code:`);
    const token = await box.run(['token', 'op']);
    accessTokens.push(token.stdout.trim());
    expect(await userinfo(token.stdout.trim())).toBe(200);
  }, 60_000);

  it('`login` opens the browser $BROWSER names with the same URL it prints; a refusal exits 4', async () => {
    const opened = join(box.dataDir, 'opened.txt');
    const script = join(box.dataDir, 'browser.sh');
    await writeFile(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
    await chmod(script, 0o700);
    const login = runLive(box, ['login', 'op'], { BROWSER: script });
    const url = await login.line(/^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
    await signInAtProvider(page, url, { deny: true });
    const run = await login.done;
    expect([run.code, run.stdout]).toEqual([4, '']);
    expect(run.stderr).toContain('Opened your browser to sign in to op');
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^tokenry: The sign-in was refused at the provider \(access_denied\)/);
    expect((await readFile(opened, 'utf8')).trim()).toBe(url);
  });

  it('`account remove` revokes before it deletes', async () => {
    const record = await box.readRecord('op');
    const run = await box.run(['account', 'remove', 'op']);
    expectSuccess(run);
    expect(run.stdout).toBe('Removed op; the provider revoked its tokens.\n');
    expect(await userinfo(record?.accessToken ?? '')).toBe(401);
  });

  it('never shows a refresh token, and an access token only from `token`', async () => {
    expectNoLeaks(box.transcript, [], accessTokens);
  });
});
