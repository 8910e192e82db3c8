// The desktop UI's browser and device sign-in, through the web harness and the real core, against oidc-provider:
// the harness's opener opens the provider's page in a second Chromium page (instead of the system browser), where
// a person signs in and consents. A screenshot of each step goes to test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { deferred, type Deferred } from '../../fixtures/deferred.js';
import { startOpenIdProvider, type OpenIdProviderHandle } from '../../fixtures/openid-provider.js';
import { approveDevice, loopbackOnly, signInAtProvider } from '../../integration/flows/support.js';
import { chooseService } from '../helpers/add-account.js';
import { launchChromium } from '../helpers/browser.js';
import type { PageGlobals } from '../helpers/page-globals.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { screenshot } from '../helpers/screenshots.js';
import { startStack, type Stack } from '../helpers/stack.js';

describe('signing in with the browser and with a code in the desktop UI', () => {
  let op: OpenIdProviderHandle;
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The page the core asked the "system browser" to open, each time it asks. */
  let opened: Deferred<string>;

  const row = (name: string): Locator => page.locator(`[data-account="${name}"]`);
  const dialog = (name: string): Locator => page.getByRole('dialog', { name });

  async function openDetails(name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Accounts' }).click();
    await row(name).getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { name, level: 2 }).waitFor();
  }

  /** A second page of the same browser, where "the system browser" shows the provider. */
  async function providerTab(): Promise<Page> {
    const tab = await context.newPage();
    return tab;
  }

  beforeAll(async () => {
    await ensureRendererBuilt();
    [op, browser] = await Promise.all([startOpenIdProvider(), launchChromium()]);
    opened = deferred<string>();
    // The opener returns at once, as shell.openExternal does: the dialog shows the address meanwhile.
    stack = await startStack({ openExternal: (url) => opened.resolve(url) });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', permissions: ['clipboard-read', 'clipboard-write'] });
    await loopbackOnly(context);
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(stack.harness.url);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
    await op?.close();
  });

  it('adds an account from the issuer alone: the sign-in dialog offers the browser and a code', async () => {
    await page.getByRole('button', { name: 'Add account' }).click();
    const add = dialog('Add account');
    await chooseService(add, 'OpenID Connect (any OpenID Provider or RFC 8414 server)');
    await add.getByLabel('Account name').fill('op');
    expect(await add.getByLabel('Base URL').count()).toBe(0);
    await add.getByLabel('Issuer').fill(op.issuer);
    await add.getByLabel('Client ID').fill(op.clientId);
    await screenshot(page, 'oidc-1-add-account');
    await add.getByRole('button', { name: 'Add account' }).click();
    const signIn = dialog('Sign in to op');
    await signIn.waitFor();
    expect(await signIn.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r.parentElement?.textContent ?? '').trim()))).toEqual([
      'Sign in with browser',
      'Sign in with a code',
    ]);
    await screenshot(page, 'oidc-2-sign-in-choice');
  });

  it('signs in with the browser: the dialog shows the address with Copy and Open again while it waits', async () => {
    const signIn = dialog('Sign in to op');
    await signIn.getByRole('button', { name: 'Sign in with browser' }).click();
    const url = await opened.promise;
    await signIn.getByText('Waiting for the browser…').first().waitFor();
    expect(await signIn.locator('output').textContent()).toBe(url);
    await signIn.getByRole('button', { name: 'Copy address' }).click();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText())).toBe(url);
    // Open again hands the same address to the opener.
    opened = deferred<string>();
    await signIn.getByRole('button', { name: 'Open again' }).click();
    expect(await opened.promise).toBe(url);
    await screenshot(page, 'oidc-3-waiting-for-browser');

    const tab = await providerTab();
    await signInAtProvider(tab, url, { shots: 'oidc-4-browser' });
    await expect.poll(() => dialog('Sign in to op').count()).toBe(0);
    await expect.poll(() => row('op').locator('[data-state]').getAttribute('data-state')).toBe('valid');
    expect(await row('op').textContent()).toContain('Alice Example (alice)');
    await screenshot(page, 'oidc-5-signed-in');
    await tab.close();
  });

  it("shows who signed in and the provider's endpoints on the account's page", async () => {
    await openDetails('op');
    const text = await page.locator('main').textContent();
    expect(text).toContain('Alice Example (alice)');
    expect(text).toContain(`${op.issuer}/auth`);
    expect(text).toContain('OpenID Connect discovery');
    await screenshot(page, 'oidc-6-account-page');
  });

  it('signs out: the tokens are revoked at the provider, the account stays', async () => {
    await page.getByRole('button', { name: 'Reveal token' }).click();
    const token = (await page.locator('#revealed-token').textContent()) ?? '';
    expect((await fetch(op.userinfoUrl, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await dialog('Sign out of op?').getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('The provider revoked its tokens.').waitFor();
    await expect.poll(() => page.locator('main [data-state]').first().getAttribute('data-state')).toBe('signed_out');
    expect((await fetch(op.userinfoUrl, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    await screenshot(page, 'oidc-7-signed-out');
  });

  it('signs in with a code: the dialog shows it and where to enter it, and closes once the person approves', async () => {
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    const signIn = dialog('Sign in to op');
    await signIn.getByLabel('Sign in with a code').check();
    opened = deferred<string>();
    await signIn.getByRole('button', { name: 'Get a code' }).click();
    const code = signIn.getByRole('status', { name: 'Code to enter' }).or(signIn.locator('output.device-code'));
    await code.first().waitFor();
    const userCode = ((await code.first().textContent()) ?? '').trim();
    expect(userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(await signIn.textContent()).toContain(`${op.issuer}/device`);
    await screenshot(page, 'oidc-8-device-code');
    await signIn.getByRole('button', { name: 'Open the page with the code' }).click();
    const uri = await opened.promise;
    expect(uri).toContain(encodeURIComponent(userCode));

    const tab = await providerTab();
    expect(await approveDevice(tab, uri, { shots: 'oidc-9-device' })).toBe('Sign-in Success');
    // The core polls every 5 s (oidc-provider's interval): the dialog closes on the next poll.
    await expect.poll(() => dialog('Sign in to op').count(), { timeout: 20_000 }).toBe(0);
    await expect.poll(() => page.locator('main [data-state]').first().getAttribute('data-state')).toBe('valid');
    await screenshot(page, 'oidc-10-device-signed-in');
    await tab.close();
  }, 60_000);

  it('Cancel stops a waiting browser sign-in and says so', async () => {
    await page.getByRole('button', { name: 'Sign in again' }).click();
    const signIn = dialog('Sign in to op');
    opened = deferred<string>();
    await signIn.getByRole('button', { name: 'Sign in with browser' }).click();
    const url = await opened.promise;
    const redirect = new URL(url).searchParams.get('redirect_uri') ?? '';
    await signIn.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog('Sign in to op').count()).toBe(0);
    // The listener is gone.
    await expect.poll(() => fetch(redirect).then(() => 'open', () => 'closed')).toBe('closed');
    await screenshot(page, 'oidc-11-cancelled');
  });
});
