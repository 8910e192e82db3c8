// The real renderer in Chromium, through the web harness and the real core, against the five
// provider emulators: add and sign in to an account of each preset, live countdowns and renewal,
// scopes requested against granted, token details, reveal and copy, readable errors, removal.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  APPLIXURE_DEFAULTS,
  AXOSOFT_DEFAULTS,
  SAASU_DEFAULTS,
  SUGARCRM_DEFAULTS,
  TEAMSERVER_DEFAULTS,
  startApplixure,
  startAxosoft,
  startSaasu,
  startSugarCrm,
  startTeamServer,
  type ApplixureHandle,
  type AxosoftHandle,
  type SaasuHandle,
  type SugarHandle,
  type TeamServerHandle,
} from '../../fixtures/emulators/index.js';
import { chooseService } from '../helpers/add-account.js';
import { launchChromium } from '../helpers/browser.js';
import type { PageGlobals } from '../helpers/page-globals.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { publish, screenshot } from '../helpers/screenshots.js';
import { startStack, type Stack } from '../helpers/stack.js';

interface NewAccountForm {
  readonly provider: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly scope?: string;
  readonly platform?: string;
}

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('renderer through the web harness', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let axosoft: AxosoftHandle;
  let sugar: SugarHandle;
  let teamserver: TeamServerHandle;
  let saasu: SaasuHandle;
  let applixure: ApplixureHandle;

  const row = (name: string): Locator => page.locator(`[data-account="${name}"]`);
  const dialog = (name: string): Locator => page.getByRole('dialog', { name });

  async function showAccounts(): Promise<void> {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Accounts' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Accounts', level: 2 }).isVisible()).toBe(true);
  }

  async function openDetails(name: string): Promise<void> {
    await showAccounts();
    // The name is the way in (there is no separate "Details" button).
    await row(name).getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { name, level: 2 }).waitFor();
  }

  /** Fills the add form and submits it; the sign-in dialog opens next. */
  async function addAccount(form: NewAccountForm): Promise<Locator> {
    await page.getByRole('button', { name: 'Add account' }).click();
    const add = dialog('Add account');
    await chooseService(add, form.provider);
    await add.getByLabel('Account name').fill(form.name);
    await add.getByLabel('Base URL').fill(form.baseUrl);
    if (form.clientId !== undefined) await add.getByLabel('Client ID').fill(form.clientId);
    if (form.clientSecret !== undefined) await add.getByLabel('Client secret').fill(form.clientSecret);
    if (form.scope !== undefined) await add.getByLabel('Scope').fill(form.scope);
    if (form.platform !== undefined) await add.getByLabel('Platform').selectOption(form.platform);
    await add.getByRole('button', { name: 'Add account' }).click();
    const signIn = dialog(`Sign in to ${form.name}`);
    await signIn.waitFor();
    return signIn;
  }

  beforeAll(async () => {
    await ensureRendererBuilt();
    [axosoft, sugar, teamserver, saasu, applixure, stack, browser] = await Promise.all([
      startAxosoft(),
      startSugarCrm(),
      startTeamServer(),
      startSaasu(),
      startApplixure(),
      startStack(),
      launchChromium(),
    ]);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', permissions: ['clipboard-read', 'clipboard-write'] });
    context.setDefaultTimeout(5000);
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
    await Promise.all([axosoft, sugar, teamserver, saasu, applixure].map((em) => em?.close()));
  });

  it('opens on an empty state that says what to do, and drops the key from the address bar', async () => {
    await page.goto(stack.harness.url);
    await expect.poll(() => page.getByText('No accounts yet.').isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Choose Add account, pick your service').isVisible()).toBe(true);
    expect(page.url()).not.toContain(stack.harness.secret);
    await screenshot(page, 'accounts-empty');
  });

  it('Axosoft: Escape closes the dialog; a wrong password is a readable error; Enter signs in; identity shows', async () => {
    await page.getByRole('button', { name: 'Add account' }).click();
    await dialog('Add account').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog('Add account').count()).toBe(0);

    const signIn = await addAccount({
      provider: 'Axosoft',
      name: 'axo',
      baseUrl: axosoft.baseUrl,
      clientId: AXOSOFT_DEFAULTS.clientId,
      clientSecret: AXOSOFT_DEFAULTS.clientSecret,
      scope: 'read write',
    });
    // Only the preset's fields: no one-time code for Axosoft.
    expect(await signIn.locator('input').count()).toBe(2);
    expect(await signIn.getByLabel('Verification code').count()).toBe(0);
    await signIn.getByLabel('Username').fill(AXOSOFT_DEFAULTS.username);
    await signIn.getByLabel('Password').fill('not the password');
    await signIn.getByLabel('Password').press('Enter');
    const alert = signIn.getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('aria-label')).toBe('The provider refused');
    expect(await alert.textContent()).toMatch(/Invalid username or password/);
    await screenshot(page, 'sign-in-error');

    await signIn.getByLabel('Password').fill(AXOSOFT_DEFAULTS.password);
    await signIn.getByLabel('Password').press('Enter');
    await expect.poll(() => dialog('Sign in to axo').count()).toBe(0);
    await expect.poll(() => row('axo').locator('[data-state]').getAttribute('data-state')).toBe('valid');
    expect(await row('axo').textContent()).toContain("Cathy O'Reilly (Dev) · Cathy.Oreilly@mycompany.com");
    expect(await row('axo').textContent()).toContain('no stated expiry');
    expect(axosoft.requests.at(-1)?.query.get('password')).toBe(AXOSOFT_DEFAULTS.password);
  });

  it('SugarCRM: the platform field follows the preset and reaches the provider', async () => {
    const signIn = await addAccount({ provider: 'SugarCRM', name: 'sugar', baseUrl: sugar.baseUrl, platform: 'mobile' });
    await signIn.getByLabel('Username').fill(SUGARCRM_DEFAULTS.username);
    await signIn.getByLabel('Password').fill(SUGARCRM_DEFAULTS.password);
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => row('sugar').locator('[data-state]').getAttribute('data-state')).toBe('valid');
    const body = JSON.parse(sugar.requests.at(-1)?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ grant_type: 'password', platform: 'mobile', client_id: 'sugar' });
    // An access token countdown and a refresh token countdown (two weeks).
    expect(await row('sugar').locator('time').count()).toBe(2);
    expect(await row('sugar').locator('time').nth(1).textContent()).toMatch(/^in 1[34]d/);
  });

  it('ER/Studio Team Server signs in', async () => {
    const signIn = await addAccount({
      provider: 'ER/Studio Team Server',
      name: 'teamserver',
      baseUrl: teamserver.baseUrl,
      clientId: TEAMSERVER_DEFAULTS.clientId,
      clientSecret: TEAMSERVER_DEFAULTS.clientSecret,
    });
    await signIn.getByLabel('Username').fill(TEAMSERVER_DEFAULTS.username);
    await signIn.getByLabel('Password').fill(TEAMSERVER_DEFAULTS.password);
    await signIn.getByLabel('Password').press('Enter');
    await expect.poll(() => row('teamserver').locator('[data-state]').getAttribute('data-state')).toBe('valid');
    expect(await row('teamserver').locator('time').first().textContent()).toMatch(/^in 23h 59m/);
  });

  it('Saasu: a user with a one-time code signs in with it', async () => {
    const signIn = await addAccount({ provider: 'Saasu', name: 'saasu', baseUrl: saasu.baseUrl });
    // Saasu authenticates no client: no client fields were asked; its sign-in has the code field.
    await signIn.getByLabel('Username').fill(SAASU_DEFAULTS.otpUsername);
    await signIn.getByLabel('Password').fill(SAASU_DEFAULTS.otpPassword);
    await signIn.getByLabel('Verification code').fill(SAASU_DEFAULTS.otp);
    await screenshot(page, 'sign-in');
    await signIn.getByLabel('Verification code').press('Enter');
    await expect.poll(() => row('saasu').locator('[data-state]').getAttribute('data-state')).toBe('valid');
    expect(JSON.parse(saasu.requests.at(-1)?.body ?? '{}')).toMatchObject({ verification_code: SAASU_DEFAULTS.otp });
  });

  it('Applixure: client credentials only, and a granted subset of the requested scopes', async () => {
    const signIn = await addAccount({
      provider: 'Applixure',
      name: 'appx',
      baseUrl: applixure.baseUrl,
      clientId: APPLIXURE_DEFAULTS.clientId,
      clientSecret: APPLIXURE_DEFAULTS.clientSecret,
      scope: 'account-all:read account-data:manage admin:write',
    });
    expect(await signIn.locator('input').count()).toBe(0);
    await signIn.getByRole('button', { name: 'Get a token' }).click();
    await expect.poll(() => row('appx').locator('[data-state]').getAttribute('data-state')).toBe('valid');

    await openDetails('appx');
    const scopes = page.getByRole('region', { name: 'Scopes' });
    await expect.poll(() => scopes.getByLabel('Missing scopes').textContent()).toContain('admin:write');
    expect(await scopes.textContent()).toContain('account-all:read');
    expect(await scopes.getByLabel('Extra scopes').count()).toBe(0);
    await screenshot(page, 'account-scopes');
  });

  it('shows every account with its status, countdowns and identity', async () => {
    await showAccounts();
    for (const name of ['axo', 'sugar', 'teamserver', 'saasu', 'appx']) {
      await expect.poll(() => row(name).locator('[data-state]').getAttribute('data-state')).toBe('valid');
    }
    const dismiss = page.getByRole('button', { name: /^Dismiss/ });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    const path = await screenshot(page, 'accounts');
    await publish(path, 'accounts.png');
    const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    await darkPage.goto(stack.harness.url);
    await darkPage.locator('[data-account="appx"]').waitFor();
    await publish(await screenshot(darkPage, 'accounts-dark'), 'accounts-dark.png');
    await dark.close();
  });

  it('a countdown ticks every second, and a short-lived token is renewed without anyone clicking', async () => {
    const countdown = row('sugar').locator('time').first();
    const first = await countdown.textContent();
    expect(first).toMatch(/^in 59m \d\ds$/);
    await expect.poll(() => countdown.textContent(), { timeout: 3000, interval: 200 }).not.toBe(first);

    // A 4-second token: renewal is due after half its life, and the engine waits at least 5 s
    // between renewals of one account, so the next one comes about 5 s after this refresh.
    await openDetails('sugar');
    sugar.knobs.accessLifetimeSeconds = 4;
    const callsBefore = sugar.tokenCalls();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => sugar.tokenCalls()).toBe(callsBefore + 1);
    sugar.knobs.accessLifetimeSeconds = 3600;
    const detail = page.getByRole('region', { name: 'Access token' }).locator('time').first();
    await expect.poll(() => detail.textContent(), { timeout: 3000 }).toMatch(/^(in [0-4]s|expired)/);
    await expect.poll(() => sugar.tokenCalls(), { timeout: 10_000, interval: 250 }).toBe(callsBefore + 2);
    expect(JSON.parse(sugar.requests.at(-1)?.body ?? '{}')).toMatchObject({ grant_type: 'refresh_token', platform: 'mobile' });
    await expect.poll(() => detail.textContent(), { timeout: 5000 }).toMatch(/^in (59m|1h)/);
    await expect.poll(() => page.locator('[data-state]').first().getAttribute('data-state')).toBe('valid');
  });

  it('token details decode the JWT claims and list the extra fields', async () => {
    await openDetails('saasu');
    const claims = page.getByRole('table', { name: 'JWT claims' });
    await claims.waitFor();
    expect(await claims.getByRole('row', { name: /^sub / }).textContent()).toContain('5102');
    expect(await claims.textContent()).toContain('exp');
    // Saasu grants the user's file ids on top of what was asked.
    expect(await page.getByRole('region', { name: 'Scopes' }).getByLabel('Extra scopes').textContent()).toContain('fileid:2045');
    await screenshot(page, 'token-details');

    await openDetails('axo');
    const extra = page.getByRole('table', { name: 'Extra fields' });
    await extra.waitFor();
    expect(await extra.textContent()).toContain('data');
    expect(await page.getByText('The access token is not a JWT').isVisible()).toBe(true);
  });

  it('reveals a token only on request, and copies it to the clipboard', async () => {
    await openDetails('appx');
    expect(await page.getByRole('status').filter({ hasText: 'Access token' }).count()).toBe(0);
    const issued = applixure.issued.accessTokens.at(-1);
    expect(await page.content()).not.toContain(issued);
    await page.getByRole('button', { name: 'Reveal token' }).click();
    const token = page.locator('output[aria-label="Access token"]');
    await expect.poll(() => token.textContent()).toBe(issued);
    await screenshot(page, 'token-revealed');
    await page.getByRole('button', { name: 'Hide token' }).click();
    expect(await token.count()).toBe(0);

    await page.getByRole('button', { name: 'Copy token' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Copied the token of appx');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText())).toBe(applixure.issued.accessTokens.at(-1));
  });

  it('a provider that is down is a readable error, in place and in the list', async () => {
    await openDetails('sugar');
    sugar.knobs.failNext = { status: 503, times: 1000 };
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const alert = page.getByRole('main').getByRole('alert').first();
    await alert.waitFor({ timeout: 10_000 });
    expect(`${await alert.getAttribute('aria-label')} ${await alert.textContent()}`).toMatch(/unavailable/i);
    await screenshot(page, 'provider-down');
    // The list says so too, with when the next attempt is due; the current token still counts down.
    await showAccounts();
    await expect.poll(() => row('sugar').locator('[data-state]').getAttribute('data-state')).toBe('error');
    expect(await row('sugar').locator('.status-detail').textContent()).toMatch(/Retrying at/);
    expect(await row('sugar').locator('time').first().textContent()).toMatch(/^in 59m/);
    sugar.knobs.failNext = null;

    // A server that is not there at all (a closed port).
    await showAccounts();
    const port = await closedPort();
    const signIn = await addAccount({ provider: 'OAuth 2.0 (RFC 6749)', name: 'down', baseUrl: `http://127.0.0.1:${port}`, clientId: 'c', clientSecret: 's' });
    await signIn.getByLabel('Username').fill('u');
    await signIn.getByLabel('Password').fill('p');
    await signIn.getByLabel('Password').press('Enter');
    const unreachable = signIn.getByRole('alert');
    await unreachable.waitFor();
    expect(await unreachable.textContent()).toMatch(/reach|connect|refused/i);
    await signIn.getByRole('button', { name: 'Cancel' }).click();
  });

  it('edits an account and removes accounts', async () => {
    await openDetails('axo');
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = dialog('Edit axo');
    await expect.poll(() => edit.getByLabel('Scope').inputValue()).toBe('read write');
    await edit.getByLabel('Scope').fill('read');
    await screenshot(page, 'account-edit');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved axo.');

    // The edit form opens on the account's current settings, learnt from the bridge: SugarCRM's
    // platform as chosen when adding, the base URL, the preset's client id and wire details, no scope.
    await openDetails('sugar');
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const editSugar = dialog('Edit sugar');
    await expect.poll(() => editSugar.getByLabel('Platform').inputValue()).toBe('mobile');
    expect(await editSugar.getByLabel('Base URL').inputValue()).toBe(sugar.baseUrl);
    expect(await editSugar.getByLabel('Client ID').inputValue()).toBe('sugar');
    expect(await editSugar.getByLabel('Token URL').inputValue()).toBe('{baseUrl}/rest/v10/oauth2/token');
    expect(await editSugar.getByLabel('Encoding').inputValue()).toBe('json');
    expect(await editSugar.getByLabel('Scope').count()).toBe(0);
    expect(await editSugar.getByLabel('Client secret').inputValue()).toBe('');
    await editSugar.getByLabel('Platform').selectOption('portal');
    await editSugar.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Saved sugar.');
    // Only the changed field was saved: everything else still follows the preset.
    const file = JSON.parse(await readFile(join(stack.dataDir, 'accounts.json'), 'utf8')) as { accounts: Array<{ name: string; overrides: unknown }> };
    expect(file.accounts.find((a) => a.name === 'sugar')?.overrides).toEqual({ baseUrl: sugar.baseUrl, extraParams: { platform: 'portal' } });
    // And it reaches the wire: the next sign-in asks for the portal platform.
    await page.getByRole('button', { name: 'Sign in again', exact: true }).click();
    const signInSugar = dialog('Sign in to sugar');
    await signInSugar.getByLabel('Username').fill(SUGARCRM_DEFAULTS.username);
    await signInSugar.getByLabel('Password').fill(SUGARCRM_DEFAULTS.password);
    await signInSugar.getByLabel('Password').press('Enter');
    await expect.poll(() => signInSugar.count()).toBe(0);
    const signInBody = sugar.requests.map((r) => JSON.parse(r.body || '{}') as Record<string, unknown>).findLast((b) => b['grant_type'] === 'password');
    expect(signInBody).toMatchObject({ platform: 'portal', client_id: 'sugar', username: SUGARCRM_DEFAULTS.username });

    for (const name of ['teamserver', 'down']) {
      await openDetails(name);
      await page.getByRole('button', { name: 'Remove', exact: true }).click();
      await dialog(`Remove ${name}?`).getByRole('button', { name: 'Remove account' }).click();
      await page.getByRole('heading', { name: 'Accounts', level: 2 }).waitFor();
      await expect.poll(() => page.getByRole('status').textContent()).toContain(`Removed ${name}.`);
      expect(await row(name).count()).toBe(0);
    }
    await expect.poll(() => page.locator('[data-account]').count()).toBe(4);
    const accounts = await stack.harness.core.handlers['accounts:list']();
    expect(accounts.ok && accounts.value.map((a) => a.name)).toEqual(['axo', 'sugar', 'saasu', 'appx']);
  });
});
