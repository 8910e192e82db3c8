// Moving the vault from its passphrase to the OS keyring in the settings, in the real renderer, with a
// real Secret Service: gnome-keyring under a private D-Bus session (dbus-run-session), in which a child
// process runs the web harness. Afterwards the keyring opens the vault, the passphrase no longer does,
// and the secrets are all there. Skipped, with the reason, where the tools are missing (CI has them).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { ensureRendererBuilt, RENDERER_OUT, ROOT } from '../helpers/renderer-build.js';
import { screenshot } from '../helpers/screenshots.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'keyring-harness.ts');
const PASSPHRASE = 'the e2e vault passphrase';
const onLinux = process.platform === 'linux';
const hasTool = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const missing = onLinux ? ['dbus-run-session', 'gnome-keyring-daemon'].filter((tool) => !hasTool(tool)) : ['a Linux Secret Service'];
const mustRun = onLinux && process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
if (missing.length > 0 && !mustRun) console.warn(`[vault protection browser test] skipped: ${missing.join(' and ')} not available`);

/** The environment minus anything that could reach the developer's own session keyring. */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('DBUS_') && !key.startsWith('XDG_') && !key.startsWith('GNOME_KEYRING')) env[key] = value;
  }
  return { ...env, HOME: home };
}

describe.skipIf(missing.length > 0 && !mustRun)('vault protection: passphrase to the OS keyring, in the settings', () => {
  let dir: string;
  let child: ChildProcessWithoutNullStreams;
  let lines: Interface;
  let browser: Browser;
  let page: Page;
  const stderr: string[] = [];

  const nextLine = (): Promise<Record<string, string>> =>
    new Promise((resolve, reject) => {
      const onLine = (line: string): void => {
        if (!line.startsWith('{')) return;
        lines.off('line', onLine);
        resolve(JSON.parse(line) as Record<string, string>);
      };
      lines.on('line', onLine);
      child.once('exit', (code) => reject(new Error(`harness exited (${code}): ${stderr.join('')}`)));
    });

  beforeAll(async () => {
    expect(missing, `${missing.join(' and ')} not installed (apt-get install -y --no-install-recommends gnome-keyring dbus)`).toEqual([]);
    await ensureRendererBuilt();
    dir = await mkdtemp(join(tmpdir(), 'tokenry-e2e-keyring-'));
    // gnome-keyring creates and unlocks a "login" collection with a throwaway password in the temp HOME.
    const script = 'printf %s "throwaway-unlock-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" --import tsx "$@"';
    child = spawn('dbus-run-session', ['--', 'sh', '-c', script, process.execPath, CHILD, join(dir, 'data'), RENDERER_OUT, 'Tokenry e2e', PASSPHRASE], {
      cwd: ROOT,
      env: isolatedEnv(dir),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    lines = createInterface({ input: child.stdout });
    const { url } = await nextLine();
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(url ?? '');
  });

  afterAll(async () => {
    await browser?.close();
    if (child !== undefined && child.exitCode === null) child.kill('SIGTERM');
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('moves the vault to the OS keyring after the passphrase confirms it', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const vault = page.getByRole('region', { name: 'Vault protection' });
    await expect.poll(() => vault.textContent()).toContain('your passphrase (scrypt)');
    await vault.getByRole('button', { name: 'Use the OS keyring instead' }).click();
    const form = vault.getByRole('form', { name: 'Use the OS keyring' });
    await form.getByLabel('Current passphrase').fill('wrong');
    await form.getByRole('button', { name: 'Use the OS keyring' }).click();
    await form.getByText('That is not the current passphrase.').waitFor();
    await form.getByLabel('Current passphrase').fill(PASSPHRASE);
    await form.getByRole('button', { name: 'Use the OS keyring' }).click();
    await expect.poll(() => vault.locator('.vault-summary').textContent()).toContain('the operating system keyring');
    expect(await vault.locator('.vault-summary').textContent()).not.toContain('passphrase');
    // Now the way back is offered instead.
    await vault.getByRole('button', { name: 'Use a passphrase instead' }).waitFor();
    await screenshot(page, 'settings-os-keyring');

    child.stdin.write('close\n');
    const reopened = await nextLine();
    expect(reopened).toEqual({ keyring: 'ok:keyring:1', passphrase: 'no_matching_protector' });
  });
});
