// Loopback clients in the real renderer: create one (its key shown once), let it fetch a token from
// the real loopback endpoint, see the audit rows, revoke it; and the settings screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { APPLIXURE_DEFAULTS, startApplixure, type ApplixureHandle } from '../../fixtures/emulators/index.js';
import { launchChromium } from '../helpers/browser.js';
import type { PageGlobals } from '../helpers/page-globals.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { screenshot } from '../helpers/screenshots.js';
import { E2E_PASSPHRASE, startStack, type Stack } from '../helpers/stack.js';
import { readFile } from 'node:fs/promises';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { secretsPath } from '../../../electron/core/vault/secret-store.js';

describe('loopback clients and settings', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let applixure: ApplixureHandle;
  let key = '';

  const loopbackUrl = (): string => {
    const server = stack.harness.loopback();
    if (server === null) throw new Error('the harness started no loopback endpoint');
    return server.url;
  };
  const fetchToken = (bearer: string, account = 'appx'): Promise<Response> =>
    fetch(`${loopbackUrl()}/v1/accounts/${account}/token`, { headers: { Authorization: `Bearer ${bearer}` } });

  beforeAll(async () => {
    await ensureRendererBuilt();
    [applixure, stack, browser] = await Promise.all([startApplixure(), startStack(), launchChromium()]);
    // The account itself is set up through the core: this file is about clients.
    const handlers = stack.harness.core.handlers;
    const added = await handlers['accounts:add']({
      name: 'appx',
      provider: 'applixure',
      overrides: { baseUrl: applixure.baseUrl },
      clientId: APPLIXURE_DEFAULTS.clientId,
      clientSecret: APPLIXURE_DEFAULTS.clientSecret,
    });
    expect(added.ok).toBe(true);
    expect((await handlers['accounts:sign-in']('appx', {})).ok).toBe(true);
    expect((await handlers['accounts:add']({ name: 'other', provider: 'applixure', overrides: { baseUrl: applixure.baseUrl } })).ok).toBe(true);
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['clipboard-read', 'clipboard-write'] });
    context.setDefaultTimeout(5000);
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(stack.harness.url);
    await page.locator('[data-account="appx"]').waitFor();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
    await applixure?.close();
  });

  it('starts with empty states that say what to do', async () => {
    await page.getByRole('link', { name: 'Loopback clients' }).click();
    await page.getByRole('heading', { name: 'Loopback clients', level: 2 }).waitFor();
    await page.getByText('No clients yet.').waitFor();
    await page.getByText('No requests yet.').waitFor();
  });

  it('the allowed-accounts picker filters, selects all shown, and asks for at least one', async () => {
    await page.getByLabel('Client name').fill('picky');
    await page.getByRole('button', { name: 'Create client' }).click();
    await page.getByText('Allow at least one account.').waitFor();
    const filter = page.getByRole('searchbox', { name: 'Filter accounts' });
    await filter.fill('oth');
    await expect.poll(() => page.getByRole('checkbox', { name: 'appx' }).count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Select all shown' }).check();
    expect(await page.getByRole('checkbox', { name: 'other' }).isChecked()).toBe(true);
    await page.getByText('1 of 2 selected').waitFor();
    await filter.fill('');
    await page.getByRole('checkbox', { name: 'Select all' }).check();
    await page.getByText('2 of 2 selected').waitFor();
    await page.getByRole('checkbox', { name: 'Select all' }).uncheck();
    await page.getByText('0 of 2 selected').waitFor();
    await page.getByLabel('Client name').fill('');
  });

  it('creates a client: its key is shown once, then gone from the page', async () => {
    await page.getByLabel('Client name').fill('deploy');
    await page.getByLabel('appx').check();
    await page.getByLabel('Client name').press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Key for deploy' });
    await dialog.waitFor();
    key = (await dialog.locator('output[aria-label="Client key"]').textContent()) ?? '';
    expect(key).toMatch(/^tkr_[A-Za-z0-9_-]{43}$/);
    expect(await dialog.textContent()).toContain('shown only once');
    // The example speaks the README's and the CLI's variable.
    const example = (await dialog.locator('pre.example').textContent()) ?? '';
    expect(example).toContain('export TOKENRY_CLIENT_KEY=');
    expect(example).toContain('Bearer $TOKENRY_CLIENT_KEY');
    expect(example).toContain('/v1/accounts/appx/token');
    await screenshot(page, 'client-key');
    await dialog.getByRole('button', { name: 'Copy key' }).click();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText())).toBe(key);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    const row = page.getByRole('table', { name: 'Clients' }).getByRole('row', { name: /deploy/ });
    expect(await row.textContent()).toContain('appx');
    expect(await row.textContent()).toContain('never');
  });

  it('the client gets a token from the loopback endpoint, and the audit log shows it', async () => {
    const ok = await fetchToken(key);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { access_token: string }).access_token).toBe(applixure.issued.accessTokens.at(-1));
    expect((await fetchToken(key, 'other')).status).toBe(403);
    expect((await fetchToken('tkr_not-a-key')).status).toBe(401);

    // Nothing to click: the core pushes each request to the page as it is recorded.
    const audit = page.getByRole('table', { name: 'Audit log' });
    await expect.poll(async () => (await audit.count()) > 0 && (await audit.getByRole('row').count()), { timeout: 5000 }).toBe(4);
    const rows = await audit.getByRole('row').allTextContents();
    expect(rows.some((r) => r.includes('deploy') && r.includes('appx') && r.includes('ok') && r.includes('200'))).toBe(true);
    expect(rows.some((r) => r.includes('other') && r.includes('account_not_allowed'))).toBe(true);
    expect(rows.some((r) => r.includes('(unauthenticated)') && r.includes('invalid_client_key'))).toBe(true);
    await screenshot(page, 'clients');
  });

  it('revokes the client: its key stops working', async () => {
    await page.getByRole('button', { name: 'Revoke deploy' }).click();
    await page.getByRole('dialog', { name: 'Revoke deploy?' }).getByRole('button', { name: 'Revoke client' }).click();
    await page.getByText('No clients yet.').waitFor();
    expect((await fetchToken(key)).status).toBe(401);
  });

  it('settings: lead time, clipboard timeout, port, and the vault protection', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 2 }).waitFor();
    const lead = page.getByLabel('Renew this many seconds before expiry');
    await expect.poll(() => lead.inputValue()).toBe('300');
    await lead.fill('120');
    await page.getByLabel('Clear a copied token from the clipboard after (seconds)').fill('15');
    await page.getByLabel('Port on 127.0.0.1').fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    // Our own check (not the browser's bubble) stops the form, and says why by the field.
    await page.getByText('Enter a whole number: a port between 1024 and 65535.').waitFor();
    expect(await page.getByLabel('Port on 127.0.0.1').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('Settings saved.').count()).toBe(0);
    await page.getByLabel('Port on 127.0.0.1').fill('47999');
    await page.getByLabel('Port on 127.0.0.1').press('Enter');
    await page.getByText('Settings saved.').waitFor();
    expect(stack.harness.core.settings.get()).toMatchObject({ leadSeconds: 120, clipboardClearSeconds: 15, loopbackPort: 47999 });
    expect(await page.getByRole('region', { name: 'Vault protection' }).textContent()).toContain('your passphrase (scrypt)');
    await screenshot(page, 'settings');
  });

  it('settings: changes the vault passphrase, rewrapping only the data key', async () => {
    const vault = page.getByRole('region', { name: 'Vault protection' });
    const entriesBefore = JSON.parse(await readFile(secretsPath(stack.dataDir), 'utf8')).entries as unknown;
    await vault.getByRole('button', { name: 'Change passphrase' }).click();
    const form = vault.getByRole('form', { name: 'Change passphrase' });
    await form.getByLabel('Current passphrase').fill('not the passphrase');
    await form.getByLabel(/^New passphrase\s*\*?$/).fill('a new vault passphrase');
    await form.getByLabel('New passphrase again').fill('a new vault passphrase');
    await form.getByRole('button', { name: 'Change passphrase' }).click();
    await form.getByText('That is not the current passphrase.').waitFor();
    expect(await form.getByLabel('Current passphrase').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Current passphrase').fill(E2E_PASSPHRASE);
    await form.getByLabel('New passphrase again').fill('a different one');
    await form.getByRole('button', { name: 'Change passphrase' }).click();
    await form.getByText('The two passphrases differ.').waitFor();
    await form.getByLabel('New passphrase again').fill('a new vault passphrase');
    await screenshot(page, 'settings-passphrase');
    await form.getByRole('button', { name: 'Change passphrase' }).click();
    await expect.poll(() => page.locator('.notices').textContent()).toContain('Changed the vault passphrase.');
    const core = stack.harness.core.vault;
    expect(await core.unlocks(passphraseProtector('a new vault passphrase', { scrypt: TEST_SCRYPT }))).toBe(true);
    expect(await core.unlocks(passphraseProtector(E2E_PASSPHRASE, { scrypt: TEST_SCRYPT }))).toBe(false);
    // Only the data key's wrapping changed: every secret's ciphertext is as it was.
    expect(JSON.parse(await readFile(secretsPath(stack.dataDir), 'utf8')).entries).toEqual(entriesBefore);
  });
});
