// The add dialog's service picker in Chromium, through the web harness and the real core: every preset
// as a tile with its icon, a search that narrows them, only the chosen service's fields, the link to
// where a client is registered, the Advanced wire settings (basic encoding, timeout, assumed lifetime)
// with their problems by the field, and the accounts a GitHub and a Microsoft form store. Microsoft's
// issuer is discovered on adding, so its base URL points at a loopback server answering the discovery
// document Entra documents (a stand-in until the Entra emulator lands in test/fixtures). Screenshots of
// the picker, light and dark, go to test-results/screenshots/.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { chooseService } from '../helpers/add-account.js';
import { launchChromium } from '../helpers/browser.js';
import type { PageGlobals } from '../helpers/page-globals.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { screenshot } from '../helpers/screenshots.js';
import { startStack, type Stack } from '../helpers/stack.js';

/** A tenant id in the form Entra gives them (a GUID). */
const TENANT = '3f8a2c51-7d4e-4b1a-9c6f-0e2d5b7a9c13';

interface StoredAccount {
  readonly name: string;
  readonly provider: string;
  readonly overrides: Record<string, unknown>;
  readonly clientId?: string;
  readonly hasClientSecret: boolean;
  readonly scope: string[] | null;
}

/**
 * Entra's OpenID configuration for one tenant, shaped as
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc#find-your-apps-openid-configuration-document-uri
 * shows it, served for exactly `/{TENANT}/v2.0/.well-known/openid-configuration`; anything else is a 404.
 */
async function startEntraDiscovery(): Promise<{ readonly baseUrl: string; readonly requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  let baseUrl = '';
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    if (req.method !== 'GET' || req.url !== `/${TENANT}/v2.0/.well-known/openid-configuration`) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    const tenant = `${baseUrl}/${TENANT}`;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(
      JSON.stringify({
        token_endpoint: `${tenant}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${tenant}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
        authorization_endpoint: `${tenant}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${tenant}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${tenant}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
        kerberos_endpoint: `${tenant}/kerberos`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the add dialog\'s service picker', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let entra: Awaited<ReturnType<typeof startEntraDiscovery>>;

  const dialog = (name: string): Locator => page.getByRole('dialog', { name });
  const add = (): Locator => dialog('Add account');
  const tiles = (): Locator => add().getByRole('list', { name: 'Services' }).getByRole('button');
  const tileNames = async (): Promise<string[]> => (await tiles().evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''))).sort();
  const search = (): Locator => add().getByRole('searchbox', { name: 'Service' });

  async function openAdd(): Promise<void> {
    await page.getByRole('button', { name: 'Add account' }).click();
    await tiles().first().waitFor();
  }

  async function closeAdd(): Promise<void> {
    await add().getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => add().count()).toBe(0);
  }

  async function storedAccount(name: string): Promise<StoredAccount | undefined> {
    const file = JSON.parse(await readFile(join(stack.dataDir, 'accounts.json'), 'utf8')) as { accounts: StoredAccount[] };
    return file.accounts.find((a) => a.name === name);
  }

  /** The labels of the form's visible fields, in order (a closed Advanced section hides its own). */
  const visibleFieldLabels = (): Promise<string[]> =>
    add()
      .locator('form .field > label')
      .evaluateAll((labels) => labels.filter((l) => (l as unknown as { checkVisibility(): boolean }).checkVisibility()).map((l) => (l.textContent ?? '').replace(/\s*\*$/, '').trim()));

  beforeAll(async () => {
    await ensureRendererBuilt();
    [stack, browser, entra] = await Promise.all([startStack(), launchChromium(), startEntraDiscovery()]);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    context.setDefaultTimeout(10_000);
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
    await entra?.close();
  });

  it('shows every preset the core offers, each with its name and an icon, search box focused', async () => {
    await openAdd();
    const providers = await stack.harness.core.handlers['providers:list']();
    if (!providers.ok) throw new Error(providers.error.message);
    expect(await tileNames()).toEqual(providers.value.map((p) => p.label).sort());
    expect(await tiles().locator('.service-icon').count()).toBe(providers.value.length);
    // Brand marks are drawn (simple-icons paths, Microsoft's squares); the rest get a monogram.
    expect(await add().locator('[data-provider="github"] .service-icon svg path').count()).toBe(1);
    expect(await add().locator('[data-provider="microsoft"] .service-icon svg rect').count()).toBe(4);
    expect((await add().locator('[data-provider="sugarcrm"] .service-icon').textContent())?.trim()).toBe('S');
    await expect.poll(() => search().evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)).toBe(true);
    await screenshot(page, 'add-account-picker', { fullPage: false });
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'add-account-picker-dark', { fullPage: false });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('narrows the list as the person types: by name, by keyword, every word; says when nothing matches', async () => {
    await search().fill('git');
    await expect.poll(tileNames).toEqual(['GitHub', 'GitLab']);
    expect(await add().getByText('2 services').count()).toBe(1);
    await search().fill('azure');
    await expect.poll(tileNames).toEqual(['Microsoft (Entra ID)']);
    await search().fill('git self-managed');
    await expect.poll(tileNames).toEqual(['GitLab']);
    await search().fill('bitbucket');
    await expect.poll(tileNames).toEqual([]);
    expect(await add().getByText('No service matches “bitbucket”.', { exact: false }).count()).toBe(1);
    await search().fill('');
    await expect.poll(async () => (await tileNames()).length).toBeGreaterThan(10);
  });

  it('the arrow keys move through the tiles as they are laid out: Down from the box enters them, Up from the first row leaves', async () => {
    await search().fill('');
    /** The focused tile's provider, or "search" for the search box. */
    const focused = (): Promise<string | null> =>
      page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }).document.activeElement;
        return el === null ? null : (el.getAttribute('data-provider') ?? el.getAttribute('type'));
      });
    const order = await tiles().evaluateAll((els) => els.map((el) => el.getAttribute('data-provider')));
    const perRow = await tiles().evaluateAll((els) => {
      const top = els[0]?.getBoundingClientRect().top;
      const next = els.findIndex((el) => el.getBoundingClientRect().top !== top);
      return next === -1 ? els.length : next;
    });
    // The dialog lays the tiles out in rows of several, with more than two rows.
    expect(perRow).toBeGreaterThan(1);
    expect(order.length).toBeGreaterThan(2 * perRow);

    await search().press('ArrowDown');
    expect(await focused()).toBe(order[0]);
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe(order[1]);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(order[1 + perRow]);
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe(order[perRow]);
    await page.keyboard.press('End');
    expect(await focused()).toBe(order.at(-1));
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe(order.at(-1));
    await page.keyboard.press('Home');
    expect(await focused()).toBe(order[0]);
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe(order[0]);
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('search');
  });

  it('Enter in the search box takes the one match and leaves the form unsent', async () => {
    await search().fill('keycloak');
    await expect.poll(tileNames).toEqual(['Keycloak']);
    await search().press('Enter');
    await add().locator('form').waitFor();
    expect(await add().getByRole('region', { name: 'Service: Keycloak' }).count()).toBe(1);
    // Focus moved on to the first field, and nothing was submitted (no error shown).
    await expect.poll(() => add().getByLabel('Account name').evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)).toBe(true);
    expect(await add().locator('.field-error').count()).toBe(0);
    await closeAdd();
  });

  it('GitHub: asks only the client id and an optional secret, and links to where an OAuth app is registered', async () => {
    await openAdd();
    await chooseService(add(), 'GitHub');
    expect(await visibleFieldLabels()).toEqual(['Account name', 'Client ID', 'Client secret', 'Scope']);
    expect(await add().locator('label', { hasText: 'Client ID' }).textContent()).toContain('*');
    expect(await add().locator('label', { hasText: 'Client secret' }).textContent()).not.toContain('*');
    const link = add().getByRole('link', { name: 'Register a client at GitHub' });
    expect(await link.getAttribute('href')).toBe('https://github.com/settings/developers');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await add().getByLabel('Scope').inputValue()).toBe('read:user');
    // What github.com fills in waits under Advanced: the base URL and the API URL.
    await add().getByText('Advanced: how requests are sent').click();
    expect(await add().getByLabel('Base URL').inputValue()).toBe('https://github.com');
    expect(await add().getByLabel('API URL').inputValue()).toBe('https://api.github.com');
    await screenshot(page, 'add-account-github', { fullPage: false });
  });

  it('Microsoft, Keycloak, Auth0 and Okta each ask for what differs, named as the service names it', async () => {
    const expected: ReadonlyArray<readonly [string, string[], string | null]> = [
      ['Microsoft (Entra ID)', ['Account name', 'Tenant', 'Client ID', 'Client secret', 'Scope'], 'https://entra.microsoft.com/'],
      ['Keycloak', ['Account name', 'Keycloak URL', 'Realm', 'Client ID', 'Client secret', 'Scope'], 'https://www.keycloak.org/'],
      ['Auth0', ['Account name', 'Tenant domain', 'Client ID', 'Client secret', 'Scope'], 'https://manage.auth0.com/'],
      ['Okta', ['Account name', 'Okta org URL', 'Client ID', 'Client secret', 'Scope'], 'https://help.okta.com/'],
      ['Google', ['Account name', 'Client ID', 'Client secret', 'Scope'], 'https://console.cloud.google.com/'],
      ['GitLab', ['Account name', 'GitLab URL', 'Client ID', 'Client secret', 'Scope'], 'https://gitlab.com/'],
      // The legacy dialects keep their fields, and have no one place to register a client.
      ['Axosoft', ['Account name', 'Base URL', 'Client ID', 'Client secret', 'Scope'], null],
      ['OpenID Connect (any OpenID Provider or RFC 8414 server)', ['Account name', 'Issuer', 'Client ID', 'Client secret', 'Scope'], null],
    ];
    for (const [label, fields, register] of expected) {
      await add().getByRole('button', { name: 'Change service' }).click();
      await expect.poll(() => search().evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)).toBe(true);
      await chooseService(add(), label);
      expect({ label, fields: await visibleFieldLabels() }).toEqual({ label, fields });
      const link = add().getByRole('link', { name: /^Register a client at / });
      if (register === null) expect(await link.count()).toBe(0);
      else expect(await link.getAttribute('href')).toMatch(new RegExp(`^${register.replace(/[.]/g, '\\.')}`));
    }
    await add().getByRole('button', { name: 'Change service' }).click();
    await chooseService(add(), 'Microsoft (Entra ID)');
    expect(await add().getByLabel('Tenant').inputValue()).toBe('common');
    await add().getByRole('button', { name: 'Change service' }).click();
    await chooseService(add(), 'Okta');
    await add().getByText('Advanced: how requests are sent').click();
    expect(await add().getByLabel('Authorization server').inputValue()).toBe('default');
    await add().getByRole('button', { name: 'Change service' }).click();
    await chooseService(add(), 'Google');
    expect(await add().locator('label', { hasText: 'Client secret' }).textContent()).toContain('*');
  });

  it('explains what is missing beside each field, in our words, and the dialog stays where it is', async () => {
    await add().getByRole('button', { name: 'Change service' }).click();
    await chooseService(add(), 'Keycloak');
    const top = (await add().boundingBox())?.y;
    await add().getByLabel('Account name').fill('kc');
    await add().getByRole('button', { name: 'Add account' }).click();
    await add().getByText('Enter an address like https://id.example.com.').waitFor();
    expect(await add().getByLabel('Keycloak URL').getAttribute('aria-invalid')).toBe('true');
    expect(await add().getByText('Enter the client ID your app registration shows.').count()).toBe(1);
    await add().getByLabel('Keycloak URL').fill('https://id.example.com');
    await add().getByLabel('Client ID').fill('tokenry');
    await add().getByRole('button', { name: 'Add account' }).click();
    await add().getByText('Enter the realm.').waitFor();
    expect(await add().getByLabel('Realm').getAttribute('aria-invalid')).toBe('true');
    expect(await add().locator('.field.invalid label').allTextContents()).toEqual(['Realm *']);
    expect(await add().getByRole('alert').count()).toBe(0);

    // A lifetime out of bounds is refused by its field, under Advanced, which opens to show it.
    await add().getByLabel('Realm').fill('dev');
    await add().getByText('Advanced: how requests are sent').click();
    await add().getByLabel('Assumed token lifetime (seconds)').fill('59');
    await add().getByText('Advanced: how requests are sent').click();
    await add().getByRole('button', { name: 'Add account' }).click();
    await add().getByText('Enter whole seconds from 60 to 31,536,000.').waitFor();
    expect(await add().getByLabel('Assumed token lifetime (seconds)').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => add().getByLabel('Assumed token lifetime (seconds)').evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)).toBe(true);
    expect((await add().boundingBox())?.y).toBe(top);
    await screenshot(page, 'add-account-errors-keycloak', { fullPage: false });
    await closeAdd();
  });

  it('adding a GitHub account stores its client, the assumed lifetime and timeout, and nothing the preset already says', async () => {
    await openAdd();
    await chooseService(add(), 'GitHub');
    await add().getByLabel('Account name').fill('gh');
    await add().getByLabel('Client ID').fill('Iv1.8a61f9b3a7aba766');
    await add().getByLabel('Client secret').fill('gh-client-secret');
    await add().getByText('Advanced: how requests are sent').click();
    await add().getByLabel('Assumed token lifetime (seconds)').fill('28800');
    await add().getByText('28,800 seconds = 8h').waitFor();
    await add().getByLabel('Timeout (seconds)').fill('20');
    await add().getByRole('button', { name: 'Add account' }).click();
    // Next comes the sign-in dialog (no GitHub to sign in to here): cancelled.
    const signIn = dialog('Sign in to gh');
    await signIn.waitFor();
    await signIn.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => signIn.count()).toBe(0);

    expect(await storedAccount('gh')).toMatchObject({
      provider: 'github',
      clientId: 'Iv1.8a61f9b3a7aba766',
      hasClientSecret: true,
      scope: null,
      overrides: { assumeLifetimeSeconds: 28800, timeoutSeconds: 20 },
    });
    expect(Object.keys((await storedAccount('gh'))?.overrides ?? {}).sort()).toEqual(['assumeLifetimeSeconds', 'timeoutSeconds']);
    // The secret went to the vault, never into accounts.json.
    expect(await readFile(join(stack.dataDir, 'accounts.json'), 'utf8')).not.toContain('gh-client-secret');

    // The edit form opens on them.
    await page.locator('[data-account="gh"]').getByRole('button', { name: 'More actions for gh' }).click();
    await page.getByRole('menuitem', { name: 'Edit…' }).click();
    const edit = dialog('Edit gh');
    await edit.getByText('Advanced: how requests are sent').click();
    expect(await edit.getByLabel('Assumed token lifetime (seconds)').inputValue()).toBe('28800');
    expect(await edit.getByLabel('Timeout (seconds)').inputValue()).toBe('20');
    expect(await edit.getByLabel('Basic credentials').inputValue()).toBe('');
    await edit.getByLabel('Basic credentials').selectOption({ label: 'Raw, as typed' });
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => edit.count()).toBe(0);
    expect((await storedAccount('gh'))?.overrides).toEqual({ assumeLifetimeSeconds: 28800, timeoutSeconds: 20, basicEncoding: 'raw' });

    // Emptied (or Automatic), each goes back to what its hint says empty means: the account's own values are dropped.
    await page.locator('[data-account="gh"]').getByRole('button', { name: 'More actions for gh' }).click();
    await page.getByRole('menuitem', { name: 'Edit…' }).click();
    await edit.getByText('Advanced: how requests are sent').click();
    await edit.getByLabel('Timeout (seconds)').fill('');
    await edit.getByLabel('Assumed token lifetime (seconds)').fill('');
    await edit.getByLabel('Basic credentials').selectOption({ label: 'Automatic' });
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => edit.count()).toBe(0);
    expect((await storedAccount('gh'))?.overrides).toEqual({});
    await page.locator('[data-account="gh"]').getByRole('button', { name: 'More actions for gh' }).click();
    await page.getByRole('menuitem', { name: 'Edit…' }).click();
    await edit.getByText('Advanced: how requests are sent').click();
    expect(await edit.getByLabel('Timeout (seconds)').inputValue()).toBe('');
    expect(await edit.getByLabel('Assumed token lifetime (seconds)').inputValue()).toBe('');
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => edit.count()).toBe(0);
  });

  it('adding a Microsoft account stores its tenant, discovered from the tenant\'s issuer', async () => {
    await openAdd();
    await search().fill('entra');
    await search().press('Enter');
    await add().getByLabel('Account name').fill('work');
    await add().getByLabel('Tenant').fill(TENANT);
    await add().getByLabel('Client ID').fill('6731de76-14a6-49ae-97bc-6eba6914391e');
    await add().getByText('Advanced: how requests are sent').click();
    await add().getByLabel('Base URL').fill(entra.baseUrl);
    await add().getByRole('button', { name: 'Add account' }).click();
    const signIn = dialog('Sign in to work');
    await signIn.waitFor();
    await signIn.getByRole('button', { name: 'Cancel' }).click();

    expect(entra.requests).toEqual([`GET /${TENANT}/v2.0/.well-known/openid-configuration`]);
    const stored = await storedAccount('work');
    expect(stored).toMatchObject({
      provider: 'microsoft',
      clientId: '6731de76-14a6-49ae-97bc-6eba6914391e',
      hasClientSecret: false,
      overrides: { baseUrl: entra.baseUrl, urlParams: { tenant: TENANT } },
    });
    // Nothing else the person left alone was written as an override (the core may add what discovery decided).
    expect(stored?.overrides).not.toHaveProperty('issuer');
    expect(stored?.overrides).not.toHaveProperty('assumeLifetimeSeconds');
    const view = await stack.harness.core.handlers['accounts:get']('work');
    expect(view.ok && view.value.endpoints.issuer).toBe(`${entra.baseUrl}/${TENANT}/v2.0`);
  });
});
