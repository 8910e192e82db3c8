// What the sign-in flow tests against oidc-provider share: a service over a real vault in a temp dir, and a
// person in Chromium who goes through the provider's own login and consent pages (loopback addresses only).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { accountsFileSchema, EMPTY_ACCOUNTS } from '../../../electron/core/accounts/account-store.js';
import { TokenryService, type ServiceOptions } from '../../../electron/core/service.js';
import { openDataStore } from '../../../electron/core/vault/data-store.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { openOrCreateVault, type Vault } from '../../../electron/core/vault/secret-store.js';
import type { ErrorValue } from '../../../shared/errors.js';
import type { Result } from '../../../shared/result.js';
import type { GrantDeps } from '../../../electron/core/grants/grant-client.js';
import { deferred, type Deferred } from '../../fixtures/deferred.js';
import type { FakeClock } from '../../fixtures/fake-clock.js';
import { OPENID_PROVIDER_DEFAULTS } from '../../fixtures/openid-provider.js';
import { screenshot } from '../../e2e/helpers/screenshots.js';

export interface OpenedService {
  readonly service: TokenryService;
  readonly vault: Vault;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The service as the CLI opens it (no background timers), over a vault with cheap scrypt in a fresh directory. */
export async function openTestService(options: Partial<Omit<ServiceOptions, 'secrets' | 'accounts'>> = {}): Promise<OpenedService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tokenry-flows-'));
  const vault = await openOrCreateVault({ dataDir, protector: passphraseProtector('flows test', { scrypt: TEST_SCRYPT }) });
  const accounts = await openDataStore({ dataDir, name: 'accounts', schema: accountsFileSchema, defaults: EMPTY_ACCOUNTS });
  const service = await TokenryService.open({ background: false, ...options, secrets: vault, accounts });
  return {
    service,
    vault,
    dataDir,
    async close() {
      service.close();
      await service.flush();
      await vault.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function value<T>(result: Result<T, ErrorValue>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export function failure<T>(result: Result<T, ErrorValue>): ErrorValue {
  if (result.ok) throw new Error('expected an error, got ok');
  return result.error;
}

/**
 * A browser context that reaches loopback addresses only (the provider's pages import a web font); with
 * `localhost`, that name too (Entra's redirect names localhost, which the "system browser" reaches on 127.0.0.1).
 */
export async function loopbackOnly(context: BrowserContext, options: { readonly localhost?: boolean } = {}): Promise<void> {
  const foreign = options.localhost === true ? /^https?:\/\/(?!(?:127\.0\.0\.1|localhost)[:/])/ : /^https?:\/\/(?!127\.0\.0\.1[:/])/;
  await context.route(foreign, (route) => route.abort());
}

/** Takes a screenshot of the step when a name is given (test-results/screenshots/NAME.png). */
async function step(page: Page, name: string | undefined): Promise<void> {
  if (name !== undefined) await screenshot(page, name);
}

export interface BrowserSignIn {
  /** `deny`: the person cancels on the provider's login page (access_denied). */
  readonly deny?: boolean;
  /** Screenshot name prefix; none: no screenshots. */
  readonly shots?: string;
}

/** Signs in on the provider's login page and consents, whichever of them the provider still needs (it may remember the person). */
async function loginAndConsent(page: Page, shot: (name: string) => string | undefined, done: string): Promise<void> {
  const login = page.locator('input[name="login"]');
  const consent = page.getByRole('button', { name: 'Continue' });
  const finished = page.locator(done);
  for (let i = 0; i < 3; i += 1) {
    await login.or(consent).or(finished).first().waitFor();
    if (await finished.count() > 0) return;
    if (await login.count() > 0) {
      await login.fill(OPENID_PROVIDER_DEFAULTS.login);
      await page.locator('input[name="password"]').fill(OPENID_PROVIDER_DEFAULTS.password);
      await page.locator('button[type="submit"]').click();
      await login.waitFor({ state: 'detached' });
      continue;
    }
    await step(page, shot('2-provider-consent'));
    await consent.click();
    await consent.waitFor({ state: 'detached' });
  }
}

/**
 * The person in the browser: opens the authorization URL, signs in on oidc-provider's login page,
 * consents, and lands on Tokenry's loopback page, which it returns the text of.
 */
export async function signInAtProvider(page: Page, url: string, options: BrowserSignIn = {}): Promise<string> {
  const shot = (name: string): string | undefined => (options.shots === undefined ? undefined : `${options.shots}-${name}`);
  await page.goto(url);
  await page.locator('input[name="login"]').or(page.getByRole('button', { name: 'Continue' })).first().waitFor();
  await step(page, shot('1-provider-login'));
  if (options.deny) {
    await page.getByRole('link', { name: '[ Cancel ]' }).click();
  } else {
    await loginAndConsent(page, shot, 'h1:has-text("Tokenry")');
  }
  await page.waitForURL(/\/callback\?/);
  await page.locator('h1').waitFor();
  await step(page, shot(options.deny ? '2-tokenry-refused' : '3-tokenry-signed-in'));
  return (await page.locator('body').innerText()).trim();
}

/**
 * The person on another device: opens the verification URI with the code in it, confirms the
 * code (or aborts), signs in and consents; returns the provider's last page's heading.
 */
export async function approveDevice(page: Page, uri: string, options: BrowserSignIn = {}): Promise<string> {
  const shot = (name: string): string | undefined => (options.shots === undefined ? undefined : `${options.shots}-${name}`);
  await page.goto(uri);
  const confirm = page.getByRole('button', { name: 'Continue' });
  await confirm.waitFor();
  await step(page, shot('1-provider-confirm-code'));
  if (options.deny) {
    await page.getByRole('button', { name: '[ Abort ]' }).click();
    await page.locator('h1').waitFor();
  } else {
    await confirm.click();
    // The confirmation page's Continue is not the consent page's: wait until it has gone.
    await page.locator('code').waitFor({ state: 'detached' });
    await loginAndConsent(page, shot, 'h1:has-text("Sign-in Success")');
  }
  await step(page, shot(options.deny ? '2-provider-aborted' : '3-provider-success'));
  return (await page.locator('h1').innerText()).trim();
}

/**
 * The grant engine's clock for polling tests: a FakeClock, with every wait the poller starts
 * announced, so that a test advances time exactly when the poller is waiting (no real sleeps).
 */
export function pollingDeps(clock: FakeClock): { deps: GrantDeps; nextWait(): Promise<number> } {
  const waits: number[] = [];
  let waiting: Deferred<number> | null = null;
  const deps: GrantDeps = {
    fetch: (input, init) => fetch(input, init),
    now: () => clock.now(),
    random: () => 0.5,
    setTimer: (fn, ms) => clock.setTimer(fn, ms),
    sleep: (ms) => {
      const asleep = clock.sleep(ms);
      if (waiting !== null) {
        const w = waiting;
        waiting = null;
        w.resolve(ms);
      } else {
        waits.push(ms);
      }
      return asleep;
    },
  };
  return {
    deps,
    nextWait() {
      const queued = waits.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      waiting = deferred<number>();
      return waiting.promise;
    },
  };
}
