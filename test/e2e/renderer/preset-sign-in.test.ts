// Each everyday service's preset signed in from the desktop UI, through the web harness and the real core, against
// its emulator: the account is added through the service picker (only the fields the picker shows for that service,
// the Advanced section for the base URL it hides), then signed in with the browser (the harness's opener opens the
// authorization URL in a second Chromium page, which the emulator redirects back to Tokenry's loopback listener) and
// with a code (the person approves it at the emulator). A screenshot of each signed-in account goes to
// test-results/screenshots/signed-in-<preset>.png (and -device.png).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { deferred, type Deferred } from '../../fixtures/deferred.js';
import { AUTH0_DEFAULTS, startAuth0 } from '../../fixtures/emulators/auth0.js';
import { GITHUB_DEFAULTS, startGithub } from '../../fixtures/emulators/github.js';
import { GITLAB_DEFAULTS, startGitlab } from '../../fixtures/emulators/gitlab.js';
import { GOOGLE_DEFAULTS, startGoogle } from '../../fixtures/emulators/google.js';
import { DEFAULT_PRESET_USER, DEVICE_CODE_GRANT, type InteractiveHandle } from '../../fixtures/emulators/interactive-provider.js';
import { KEYCLOAK_DEFAULTS, startKeycloak } from '../../fixtures/emulators/keycloak.js';
import { MICROSOFT_DEFAULTS, startMicrosoft } from '../../fixtures/emulators/microsoft.js';
import { OKTA_DEFAULTS, startOkta } from '../../fixtures/emulators/okta.js';
import { loopbackOnly } from '../../integration/flows/support.js';
import { chooseService } from '../helpers/add-account.js';
import { launchChromium } from '../helpers/browser.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { screenshot } from '../helpers/screenshots.js';
import { startStack, type Stack } from '../helpers/stack.js';

type PresetId = 'github' | 'google' | 'microsoft' | 'gitlab' | 'keycloak' | 'auth0' | 'okta';

/** How a person adds one preset's account in the picker, pointed at its emulator. */
interface UiPreset {
  readonly id: PresetId;
  /** The name on the service's tile. */
  readonly tile: string;
  start(): Promise<InteractiveHandle>;
  readonly clientId: string;
  readonly clientSecret?: string;
  /** Fills the fields this service's form shows for where it lives (the emulator's address `base`). */
  fillLocation(add: Locator, base: string): Promise<void>;
  /** The "Signed in as" line: the identity line and the id shown beside it. */
  readonly signedInAs: string;
}

const ADVANCED = 'Advanced: how requests are sent';
const u = DEFAULT_PRESET_USER;
const oidcSignedInAs = `${u.name} · ${u.email} (id ${u.sub})`;

async function openAdvanced(add: Locator): Promise<void> {
  await add.getByText(ADVANCED).click();
  await add.getByLabel('Token URL').waitFor();
}

const PRESETS: readonly UiPreset[] = [
  {
    id: 'github',
    tile: 'GitHub',
    start: () => startGithub(),
    clientId: GITHUB_DEFAULTS.clientId,
    clientSecret: GITHUB_DEFAULTS.clientSecret,
    fillLocation: async (add, base) => {
      await openAdvanced(add);
      await add.getByLabel('Base URL').fill(base);
      await add.getByLabel('API URL').fill(base);
    },
    // GitHub names the person by login, and its ids are numbers.
    signedInAs: `${u.login} · ${u.email} (id ${u.numericId})`,
  },
  {
    id: 'google',
    tile: 'Google',
    start: () => startGoogle(),
    clientId: GOOGLE_DEFAULTS.clientId,
    clientSecret: GOOGLE_DEFAULTS.clientSecret,
    fillLocation: async (add, base) => {
      await openAdvanced(add);
      await add.getByLabel('Base URL').fill(base);
    },
    signedInAs: oidcSignedInAs,
  },
  {
    id: 'microsoft',
    tile: 'Microsoft (Entra ID)',
    start: () => startMicrosoft(),
    clientId: MICROSOFT_DEFAULTS.clientId,
    fillLocation: async (add, base) => {
      expect(await add.getByLabel('Tenant').inputValue()).toBe('common');
      await openAdvanced(add);
      await add.getByLabel('Base URL').fill(base);
    },
    signedInAs: oidcSignedInAs,
  },
  {
    id: 'gitlab',
    tile: 'GitLab',
    start: () => startGitlab(),
    clientId: GITLAB_DEFAULTS.clientId,
    fillLocation: async (add, base) => {
      await add.getByLabel('GitLab URL').fill(base);
    },
    signedInAs: oidcSignedInAs,
  },
  {
    id: 'keycloak',
    tile: 'Keycloak',
    start: () => startKeycloak(),
    clientId: KEYCLOAK_DEFAULTS.clientId,
    fillLocation: async (add, base) => {
      await add.getByLabel('Keycloak URL').fill(base);
      await add.getByLabel('Realm').fill(KEYCLOAK_DEFAULTS.realm);
    },
    signedInAs: oidcSignedInAs,
  },
  {
    id: 'auth0',
    tile: 'Auth0',
    start: () => startAuth0(),
    clientId: AUTH0_DEFAULTS.clientId,
    fillLocation: async (add, base) => {
      await add.getByLabel('Tenant domain').fill(base);
    },
    signedInAs: oidcSignedInAs,
  },
  {
    id: 'okta',
    tile: 'Okta',
    start: () => startOkta(),
    clientId: OKTA_DEFAULTS.clientId,
    fillLocation: async (add, base) => {
      await add.getByLabel('Okta org URL').fill(base);
      await openAdvanced(add);
      expect(await add.getByLabel('Authorization server').inputValue()).toBe(OKTA_DEFAULTS.authorizationServer);
    },
    signedInAs: oidcSignedInAs,
  },
];

describe('signing in to each everyday service from the desktop UI, against its emulator', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const emulators = new Map<PresetId, InteractiveHandle>();
  /** The page the core asked the "system browser" to open, each time it asks. */
  let opened: Deferred<string> = deferred<string>();

  const row = (name: string): Locator => page.locator(`[data-account="${name}"]`);
  const dialog = (name: string): Locator => page.getByRole('dialog', { name });
  const emulator = (id: PresetId): InteractiveHandle => {
    const found = emulators.get(id);
    if (found === undefined) throw new Error(`no emulator for ${id}`);
    return found;
  };
  /** The form parameters of the last request that reached the emulator's token endpoint. */
  const lastTokenRequest = (id: PresetId): URLSearchParams =>
    new URLSearchParams(emulator(id).requests.filter((r) => r.reachedTokenEndpoint).at(-1)?.body ?? '');

  async function openDetails(name: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Accounts' }).click();
    await row(name).getByRole('link', { name, exact: true }).click();
    await page.getByRole('heading', { name, level: 2 }).waitFor();
  }

  /** The "Signed in as" line on the account's page. */
  async function signedInAs(): Promise<string> {
    const text = await page.locator('dt', { hasText: 'Signed in as' }).locator('xpath=following-sibling::dd[1]').textContent();
    return (text ?? '').replace(/\s+/g, ' ').trim();
  }

  /** The titles of the account page's panels whose content is wider than the panel. */
  const overflowingPanels = (): Promise<string[]> =>
    page
      .locator('main .panel')
      .evaluateAll((panels) => panels.filter((p) => p.scrollWidth > p.clientWidth).map((p) => p.querySelector('h3')?.textContent?.trim() ?? '?'));

  beforeAll(async () => {
    await ensureRendererBuilt();
    const started = await Promise.all(PRESETS.map(async (p) => [p.id, await p.start()] as const));
    for (const [id, handle] of started) emulators.set(id, handle);
    browser = await launchChromium();
    // The opener returns at once, as shell.openExternal does.
    stack = await startStack({ openExternal: (url) => opened.resolve(url) });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    await loopbackOnly(context, { localhost: true });
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
    await Promise.all([...emulators.values()].map((e) => e.close()));
  });

  describe.each(PRESETS.map((p) => [p.tile, p] as const))('%s', (_tile, preset) => {
    it('is added through the picker and signs in with the browser: the row and the account page say who signed in', async () => {
      const base = emulator(preset.id).baseUrl;
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Accounts' }).click();
      await page.getByRole('button', { name: 'Add account' }).click();
      const add = dialog('Add account');
      await chooseService(add, preset.tile);
      await add.getByLabel('Account name').fill(preset.id);
      await add.getByLabel('Client ID').fill(preset.clientId);
      if (preset.clientSecret !== undefined) await add.getByLabel('Client secret').fill(preset.clientSecret);
      await preset.fillLocation(add, base);
      await add.getByRole('button', { name: 'Add account' }).click();

      const signIn = dialog(`Sign in to ${preset.id}`);
      await signIn.waitFor();
      expect(await signIn.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r.parentElement?.textContent ?? '').trim()))).toEqual([
        'Sign in with browser',
        'Sign in with a code',
      ]);
      opened = deferred<string>();
      await signIn.getByRole('button', { name: 'Sign in with browser' }).click();
      const url = await opened.promise;
      expect(url.startsWith(base)).toBe(true);
      await signIn.getByText('Waiting for the browser…').first().waitFor();

      // "The system browser": the emulator's authorization endpoint sends the person straight back to Tokenry.
      const tab = await context.newPage();
      const landed = await tab.goto(url);
      expect(landed?.status()).toBe(200);
      expect(new URL(tab.url()).pathname).toBe('/callback');
      await tab.close();

      await expect.poll(() => signIn.count()).toBe(0);
      await expect.poll(() => row(preset.id).locator('[data-state]').getAttribute('data-state')).toBe('valid');
      expect(await row(preset.id).textContent()).toContain(preset.signedInAs.replace(/ \(id .*\)$/, ''));
      // The code was exchanged with its PKCE verifier (RFC 7636 §4.5).
      expect(lastTokenRequest(preset.id).get('code_verifier')?.length).toBe(43);

      await openDetails(preset.id);
      expect(await signedInAs()).toBe(preset.signedInAs);
      // Long unbroken values (client ids, URLs) wrap inside their panel rather than spill over the next one.
      expect(await overflowingPanels()).toEqual([]);
      await screenshot(page, `signed-in-${preset.id}`);
    });

    it('signs in again with a code the person approves on another device', async () => {
      const handle = emulator(preset.id);
      await page.getByRole('button', { name: /^Sign in( again)?$/ }).click();
      const signIn = dialog(`Sign in to ${preset.id}`);
      await signIn.getByLabel('Sign in with a code').check();
      await signIn.getByRole('button', { name: 'Get a code' }).click();
      const code = signIn.getByRole('status', { name: 'Code to enter' }).or(signIn.locator('output.device-code'));
      await code.first().waitFor();
      const userCode = ((await code.first().textContent()) ?? '').trim();
      expect(userCode).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
      expect((await signIn.locator('a').first().getAttribute('href'))?.startsWith(handle.baseUrl)).toBe(true);
      await screenshot(page, `signed-in-${preset.id}-device-code`);

      handle.approveDevice(userCode);
      // The core polls at the provider's interval (5 s at every emulator): the dialog closes on the next poll.
      await expect.poll(() => signIn.count(), { timeout: 25_000 }).toBe(0);
      expect(lastTokenRequest(preset.id).get('grant_type')).toBe(DEVICE_CODE_GRANT);
      await expect.poll(() => page.locator('main [data-state]').first().getAttribute('data-state')).toBe('valid');
      expect(await signedInAs()).toBe(preset.signedInAs);
      await screenshot(page, `signed-in-${preset.id}-device`);
    }, 60_000);
  });
});
