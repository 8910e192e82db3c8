// The accounts list as a person uses it, at more accounts than fit on a screen: only the rows in view
// exist; search (Ctrl/Cmd+K), filters and sorting; one primary action per row by state and the rest in
// a menu; keyboard selection, Enter and Ctrl/Cmd+C; the state told truthfully (needs sign-in with a
// token that still works); the sign-in and add dialogs; the detail page; narrow windows; screenshots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  APPLIXURE_DEFAULTS,
  SUGARCRM_DEFAULTS,
  startApplixure,
  startSugarCrm,
  type ApplixureHandle,
  type SugarHandle,
} from '../../fixtures/emulators/index.js';
import { deferred } from '../../fixtures/deferred.js';
import { chooseService } from '../helpers/add-account.js';
import { launchChromium } from '../helpers/browser.js';
import type { PageGlobals } from '../helpers/page-globals.js';
import { ensureRendererBuilt } from '../helpers/renderer-build.js';
import { screenshot } from '../helpers/screenshots.js';
import { startStack, type Stack } from '../helpers/stack.js';

/** More than fit on a screen, few enough to add through the core in a test's time. */
const MANY = 120;
const pad = (i: number): string => String(i).padStart(3, '0');

describe('accounts list, dialogs and detail page', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let applixure: ApplixureHandle;
  let sugar: SugarHandle;

  const row = (name: string): Locator => page.locator(`[data-account="${name}"]`);
  const grid = (): Locator => page.getByRole('grid', { name: 'Accounts and their tokens' });
  const dialog = (name: string): Locator => page.getByRole('dialog', { name });
  const clipboard = (): Promise<string> => page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText());

  async function showList(): Promise<void> {
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Accounts' }).click();
    await grid().waitFor();
  }

  /** Shows only the accounts matching `text` (the list renders only what is in view). */
  async function find(text: string): Promise<void> {
    await page.getByRole('searchbox', { name: 'Search accounts' }).fill(text);
  }

  /**
   * After a failed or cancelled first sign-in the row says what the core says of the account: its
   * state, Sign in as its action (there is no token), and, when the core keeps the failure on the
   * account (state error), that error in one line with the whole of it on hover.
   */
  async function expectRowTellsCoreState(name: string): Promise<void> {
    const listed = await stack.harness.core.handlers['accounts:list']();
    const account = listed.ok ? listed.value.find((a) => a.name === name) : undefined;
    if (account === undefined) throw new Error(`no account ${name}`);
    await expect.poll(() => row(name).locator('[data-state]').getAttribute('data-state')).toBe(account.state.kind);
    expect(await row(name).getByRole('button', { name: `Sign in to ${name}` }).count()).toBe(1);
    if (account.state.kind === 'error') {
      const detail = row(name).locator('.status-detail');
      expect(await detail.textContent()).toContain(account.state.error.message);
      expect(await detail.getAttribute('title')).toBe(await detail.textContent());
    }
  }

  async function dismissNotices(): Promise<void> {
    const dismiss = page.getByRole('button', { name: /^Dismiss/ });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
  }

  beforeAll(async () => {
    await ensureRendererBuilt();
    [applixure, sugar, stack, browser] = await Promise.all([startApplixure(), startSugarCrm(), startStack(), launchChromium()]);
    const h = stack.harness.core.handlers;
    const must = <T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T => {
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    };
    for (let i = 0; i < MANY; i++) {
      must(
        await h['accounts:add']({
          name: `acct-${pad(i)}`,
          provider: 'applixure',
          overrides: { baseUrl: applixure.baseUrl },
          clientId: APPLIXURE_DEFAULTS.clientId,
          clientSecret: APPLIXURE_DEFAULTS.clientSecret,
        }),
      );
    }
    for (let i = 0; i < 3; i++) must(await h['accounts:sign-in'](`acct-${pad(i)}`, {}));
    must(await h['accounts:add']({ name: 'work', provider: 'sugarcrm', overrides: { baseUrl: sugar.baseUrl } }));
    must(await h['accounts:sign-in']('work', { username: SUGARCRM_DEFAULTS.username, password: SUGARCRM_DEFAULTS.password }));
    must(await h['accounts:add']({ name: 'late', provider: 'sugarcrm', overrides: { baseUrl: sugar.baseUrl } }));
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', permissions: ['clipboard-read', 'clipboard-write'] });
    context.setDefaultTimeout(5000);
    page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(stack.harness.url);
    await row('acct-000').waitFor();
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
    await Promise.all([applixure?.close(), sugar?.close()]);
  });

  it('renders only the rows in view, and the last account by scrolling to it', async () => {
    expect(await grid().getAttribute('aria-rowcount')).toBe(String(MANY + 2 + 1));
    const rendered = await page.locator('[data-account]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(40);
    // The shared clock ticks only countdowns that exist: those of the rows in view (two per row at most).
    expect(await page.locator('time.countdown').count()).toBeLessThanOrEqual(2 * rendered);
    expect(await page.locator('.list-count').textContent()).toBe(`${MANY + 2} accounts`);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).scrollTo(0, (globalThis as unknown as PageGlobals).document.body.scrollHeight));
    await row('work').waitFor();
    expect(await row('acct-000').count()).toBe(0);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).scrollTo(0, 0));
    await row('acct-000').waitFor();
  });

  it('searches from Ctrl+K, filters by status and provider, and sorts by expiry', async () => {
    await page.keyboard.press('Control+k');
    const search = page.getByRole('searchbox', { name: 'Search accounts' });
    expect(await search.evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)).toBe(true);
    await page.keyboard.type('acct-11');
    await expect.poll(() => page.locator('[data-account]').count()).toBe(10);
    expect(await page.locator('.list-count').textContent()).toBe(`10 of ${MANY + 2} accounts`);
    await page.keyboard.press('Escape');
    await expect.poll(() => search.inputValue()).toBe('');

    await page.getByLabel('Provider', { exact: true }).selectOption({ label: 'SugarCRM' });
    await expect.poll(() => page.locator('[data-account]').count()).toBe(2);
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Signed out' });
    await expect.poll(() => page.locator('[data-account]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-account')))).toEqual(['late']);
    await page.getByLabel('Provider', { exact: true }).selectOption({ label: 'All providers' });
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'All statuses' });

    await page.getByLabel('Sort by', { exact: true }).selectOption({ label: 'Expiry (soonest first)' });
    // Applixure's tokens last an hour, SugarCRM's too but it was signed in last: an Applixure one leads.
    await expect.poll(() => page.locator('[data-account]').first().getAttribute('data-account')).toMatch(/^acct-00[0-2]$/);
    await page.getByLabel('Sort by', { exact: true }).selectOption({ label: 'Name' });
    await expect.poll(() => page.locator('[data-account]').first().getAttribute('data-account')).toBe('acct-000');
  });

  it('offers one primary action per row by state, and the rest in a menu', async () => {
    expect(await row('acct-000').getByRole('button', { name: 'Copy token of acct-000' }).count()).toBe(1);
    expect(await row('acct-000').getByRole('button', { name: 'Sign in to acct-000' }).count()).toBe(0);
    expect(await row('acct-005').getByRole('button', { name: 'Sign in to acct-005' }).count()).toBe(1);
    expect(await row('acct-005').getByRole('button', { name: 'Copy token of acct-005' }).count()).toBe(0);
    // No "Details" button beside the name: the name is the way in.
    expect(await row('acct-005').getByRole('button', { name: /Details/ }).count()).toBe(0);

    const more = row('acct-007').getByRole('button', { name: 'More actions for acct-007' });
    await more.click();
    const menu = page.getByRole('menu', { name: 'Actions for acct-007' });
    expect((await menu.getByRole('menuitem').allTextContents()).map((t) => t.trim())).toEqual(['Open details', 'Pin to tray', 'Edit…', 'Remove…']);
    expect(await menu.getByRole('menuitem').first().evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    expect(await more.evaluate((el) => el === (globalThis as unknown as PageGlobals).document.activeElement)).toBe(true);

    // Pinned accounts lead the tray's menu when there are too many to list.
    await more.click();
    await menu.getByRole('menuitem', { name: 'Pin to tray' }).click();
    await expect.poll(() => stack.harness.core.settings.get().pinnedAccounts).toEqual(['acct-007']);
    await more.click();
    expect(await menu.getByRole('menuitem', { name: 'Unpin from tray' }).count()).toBe(1);
    await page.keyboard.press('Escape');

    await more.click();
    await menu.getByRole('menuitem', { name: 'Remove…' }).click();
    await dialog('Remove acct-007?').getByRole('button', { name: 'Remove account' }).click();
    await expect.poll(() => row('acct-007').count()).toBe(0);
    const listed = await stack.harness.core.handlers['accounts:list']();
    expect(listed.ok && listed.value.some((a) => a.name === 'acct-007')).toBe(false);
    await dismissNotices();
  });

  it('arrow keys move the selection, Ctrl+C copies the selected token, Enter opens it', async () => {
    await grid().focus();
    await expect.poll(() => row('acct-000').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Control+c');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Copied the token of acct-000');
    expect(applixure.issued.accessTokens).toContain(await clipboard());
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => row('acct-001').getAttribute('aria-selected')).toBe('true');
    expect(await row('acct-000').getAttribute('aria-selected')).toBe('false');
    expect(await grid().getAttribute('aria-activedescendant')).toBe(await row('acct-001').getAttribute('id'));
    await page.keyboard.press('End');
    await expect.poll(() => row('work').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'acct-001', level: 2 }).waitFor();
    await dismissNotices();
  });

  it('the detail page has one primary action by state, each fact once, and a heading per section', async () => {
    const toolbar = page.getByRole('toolbar', { name: 'Account actions' });
    const primary = toolbar.locator('button:not(.secondary):not(.danger)');
    expect((await primary.allTextContents()).map((t) => t.trim())).toEqual(['Copy token']);
    for (const section of ['Account', 'Access token', 'Refresh token', 'Scopes', 'Token details']) {
      expect(await page.getByRole('region', { name: section }).count(), section).toBe(1);
    }
    const text = (await page.getByRole('main').textContent()) ?? '';
    expect(text.match(/Issued/g)?.length).toBe(1);
    expect(text).not.toContain('(not stated)');
    await screenshot(page, 'account-detail');

    await showList();
    await row('acct-005').getByRole('link', { name: 'acct-005' }).click();
    await page.getByRole('heading', { name: 'acct-005', level: 2 }).waitFor();
    expect((await page.getByRole('toolbar', { name: 'Account actions' }).locator('button:not(.secondary):not(.danger)').allTextContents()).map((t) => t.trim())).toEqual(['Sign in']);
    expect(await page.getByRole('region', { name: 'Access token' }).textContent()).toContain('None yet: sign in to get one.');
  });

  it('an account that needs sign-in keeps Copy while its token still works, and says until when', async () => {
    sugar.revokeRefreshTokens();
    const result = await stack.harness.core.handlers['accounts:refresh']('work');
    expect(result.ok).toBe(false);
    await showList();
    await find('work');
    await expect.poll(() => row('work').locator('[data-state]').getAttribute('data-state')).toBe('needs_sign_in');
    expect(await row('work').getByRole('button', { name: 'Copy token of work' }).count()).toBe(1);
    const detail = row('work').locator('.status-detail');
    expect(await detail.textContent()).toMatch(/The current token still works until \d\d:\d\d\./);
    // One line, whatever its length: the whole sentence is on hover (and on the detail page).
    expect(await detail.evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).whiteSpace)).toBe('nowrap');
    expect(await detail.getAttribute('title')).toBe(await detail.textContent());
    expect(Math.round((await row('work').boundingBox())?.height ?? 0)).toBe(58);
    await row('work').getByRole('button', { name: 'Copy token of work' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Copied the token of work');
    expect(await clipboard()).toBe(sugar.issued.accessTokens.at(-1));
    await dismissNotices();
  });

  it('sign-in shows Signing in… with its fields locked, and Cancel stops the request', async () => {
    await find('late');
    await row('late').getByRole('button', { name: 'Sign in to late' }).click();
    const signIn = dialog('Sign in to late');
    await signIn.getByLabel('Username').fill(SUGARCRM_DEFAULTS.username);
    await signIn.getByLabel('Password').fill(SUGARCRM_DEFAULTS.password);
    const gate = deferred<void>();
    sugar.knobs.hold = gate.promise;
    const before = sugar.requests.length;
    await signIn.getByLabel('Password').press('Enter');
    await sugar.arrived(before + 1);
    const busy = signIn.getByRole('button', { name: 'Signing in…' });
    await busy.waitFor();
    expect(await busy.isDisabled()).toBe(true);
    expect(await signIn.getByLabel('Username').isDisabled()).toBe(true);
    expect(await signIn.getByLabel('Password').isDisabled()).toBe(true);
    await screenshot(page, 'sign-in-busy');
    await signIn.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => signIn.count()).toBe(0);
    gate.resolve();
    sugar.knobs.hold = null;
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Cancelled signing in to late');
    // The sign-in never completed: the account holds no token.
    const listed = await stack.harness.core.handlers['accounts:list']();
    const late = listed.ok ? listed.value.find((a) => a.name === 'late') : undefined;
    expect(late?.issuedAt).toBeNull();
    await expectRowTellsCoreState('late');
    await dismissNotices();
  });

  it('a wrong password is said once, in the dialog', async () => {
    await row('late').getByRole('button', { name: 'Sign in to late' }).click();
    const signIn = dialog('Sign in to late');
    await signIn.getByLabel('Username').fill(SUGARCRM_DEFAULTS.username);
    await signIn.getByLabel('Password').fill('not the password');
    await signIn.getByLabel('Password').press('Enter');
    const alert = signIn.getByRole('alert');
    await alert.waitFor();
    const text = ((await alert.textContent()) ?? '').trim();
    const first = text.split(/(?<=[.!?”])\s/)[0] ?? text;
    expect(text.split(first).length - 1).toBe(1);
    expect(text).not.toMatch(/refused\W+[^.]*refused/i);
    // Required fields are marked; an empty one is ours to explain, beside it.
    await signIn.getByLabel('Password').fill('');
    await signIn.getByRole('button', { name: 'Sign in' }).click();
    await signIn.getByText('Enter your password.').waitFor();
    expect(await signIn.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    expect(await signIn.locator('label', { hasText: 'Password' }).textContent()).toContain('*');
    await signIn.getByRole('button', { name: 'Cancel' }).click();
    await expectRowTellsCoreState('late');
  });

  it('the add form marks required fields, explains problems by the field, and does not jump', async () => {
    await find('');
    await page.getByRole('button', { name: 'Add account' }).click();
    const add = dialog('Add account');
    await add.getByRole('list', { name: 'Services' }).waitFor();
    const top = (await add.boundingBox())?.y;
    await chooseService(add, 'Applixure');
    expect(await add.locator('form').getAttribute('novalidate')).not.toBeNull();
    expect(await add.locator('label', { hasText: 'Account name' }).textContent()).toContain('*');
    // Changing the service, back and forth, grows and shrinks the dialog downwards: its top stays put.
    for (const label of ['Saasu', 'SugarCRM']) {
      await add.getByRole('button', { name: 'Change service' }).click();
      expect((await add.boundingBox())?.y).toBe(top);
      await chooseService(add, label);
      expect((await add.boundingBox())?.y).toBe(top);
    }

    await add.getByRole('button', { name: 'Add account' }).click();
    await add.getByText('Choose a name for the account.').waitFor();
    expect(await add.getByLabel('Account name').getAttribute('aria-invalid')).toBe('true');
    expect(await add.getByText('Enter the address of your server.').count()).toBe(1);
    await screenshot(page, 'account-add-errors');

    // The core's refusal lands by its field too.
    await add.getByLabel('Account name').fill('acct-000');
    await add.getByLabel('Base URL').fill(sugar.baseUrl);
    await add.getByRole('button', { name: 'Add account' }).click();
    await add.getByText('An account named "acct-000" already exists.').waitFor();
    expect(await add.locator('.field.invalid').count()).toBe(1);
    expect(await add.getByRole('alert').count()).toBe(0);
    await add.getByRole('button', { name: 'Cancel' }).click();
  });

  it('the edit form shows its client authentication whole', async () => {
    await row('acct-000').getByRole('button', { name: 'More actions for acct-000' }).click();
    await page.getByRole('menuitem', { name: 'Edit…' }).click();
    const edit = dialog('Edit acct-000');
    await edit.getByText('Advanced: how requests are sent').click();
    const select = edit.getByLabel('Client authentication');
    await select.waitFor();
    expect(await select.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);
    await screenshot(page, 'account-edit-advanced');
    await edit.getByRole('button', { name: 'Cancel' }).click();
  });

  it('shows at most two notices at once', async () => {
    for (const name of ['acct-000', 'acct-001', 'acct-002']) await row(name).getByRole('button', { name: `Copy token of ${name}` }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('acct-002');
    expect(await page.locator('.notice').count()).toBeLessThanOrEqual(2);
    await dismissNotices();
  });

  it('keeps every cell meaningful at 640 px, and takes the screenshots (light and dark)', async () => {
    await page.evaluate(() => (globalThis as unknown as PageGlobals).scrollTo(0, 0));
    await screenshot(page, 'accounts-list', { fullPage: false });
    const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    await darkPage.goto(stack.harness.url);
    await darkPage.locator('[data-account="acct-000"]').waitFor();
    await screenshot(darkPage, 'accounts-list-dark', { fullPage: false });
    await dark.close();

    await page.setViewportSize({ width: 640, height: 800 });
    await expect.poll(() => row('acct-000').locator('.cell-label', { hasText: 'Access token' }).isVisible()).toBe(true);
    expect(await row('acct-005').locator('.cell-refresh').textContent()).toMatch(/Refresh token\s*none/);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(640);
    await screenshot(page, 'accounts-narrow', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
