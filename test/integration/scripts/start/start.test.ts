// `npm start` where Electron's binary is missing: one line saying so, then the real web harness over its own data directory,
// reachable at the printed address and through the redirect file the desktop opener is given.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../e2e/helpers/browser.js';
import { ensureRendererBuilt, RENDERER_OUT, ROOT } from '../../../e2e/helpers/renderer-build.js';
import { openInBrowser, type Spawner } from '../../../../scripts/start/open-in-browser.js';
import { startWebFallback, type RunningFallback } from '../../../../scripts/start/web-fallback.js';

const START = join(ROOT, 'scripts/start/start.ts');

/** Resolves with the first line of `stream` that matches, and everything read so far. */
function lineMatching(stream: Readable, pattern: RegExp, seen: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      seen.text += chunk.toString('utf8');
      const line = seen.text.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        stream.off('data', onData);
        resolve(line);
      }
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`ended before a line matching ${pattern}:\n${seen.text}`)));
  });
}

describe('npm start without an Electron binary (scripts/start/start.ts as a child process)', () => {
  let work: string;
  let child: ChildProcessByStdio<null, Readable, Readable>;
  const stdout = { text: '' };
  let stderr = '';
  let urlLine: string;

  beforeAll(async () => {
    await ensureRendererBuilt();
    work = await mkdtemp(join(tmpdir(), 'tokenry-start-'));
    const env: NodeJS.ProcessEnv = { ...process.env, TOKENRY_PASSPHRASE: 'start test passphrase', ELECTRON_OVERRIDE_DIST_PATH: join(work, 'no-electron') };
    delete env['DISPLAY'];
    delete env['WAYLAND_DISPLAY'];
    delete env['TOKENRY_DATA_DIR'];
    child = spawn(process.execPath, ['--import', 'tsx', START, '--data-dir', join(work, 'data'), '--renderer-dir', RENDERER_OUT, '--loopback-port', '0', '--no-open'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    urlLine = await lineMatching(child.stdout, /^Tokenry \(web harness\): /, stdout);
  }, 60_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await rm(work, { recursive: true, force: true });
  });

  it('says in its first line, and one line only, that Electron is missing and the browser is used instead', () => {
    expect(stdout.text.split('\n')[0]).toBe(
      `Electron's binary is not installed (ELECTRON_OVERRIDE_DIST_PATH has no ${join(work, 'no-electron', 'electron')}) and there is no display to show it on: ` +
        'running Tokenry in your browser through the web harness instead (same renderer, same core).',
    );
  });

  it('serves the renderer with its bridge at the printed address, key in the fragment', async () => {
    const url = /^Tokenry \(web harness\): (http:\/\/127\.0\.0\.1:\d+\/#k=[\w-]+)$/.exec(urlLine)?.[1];
    expect(url).toBeDefined();
    const response = await fetch(new URL(url!).origin + '/');
    expect([response.status, (await response.text()).includes('<script src="/web-bridge.js">')]).toEqual([200, true]);
  });

  it('keeps its data where --data-dir says, with the vault it created there', () => {
    expect(existsSync(join(work, 'data', 'secrets.json'))).toBe(true);
  });

  it('prints nothing on stderr and never the passphrase', () => {
    expect([stderr, stdout.text.includes('start test passphrase')]).toEqual(['', false]);
  });

  it('stops cleanly on Ctrl+C (SIGINT), releasing the data directory', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect([await exited, existsSync(join(work, 'data', 'tokenry.lock'))]).toEqual([0, false]);
  });
});

describe('the redirect file given to the desktop opener', () => {
  let work: string;
  let running: RunningFallback;
  let browser: Browser;
  const lines: string[] = [];
  const opened: Array<readonly string[]> = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    work = await mkdtemp(join(tmpdir(), 'tokenry-open-'));
    [running, browser] = await Promise.all([
      startWebFallback({
        dataDir: join(work, 'data'),
        port: 0,
        rendererDir: RENDERER_OUT,
        open: false,
        loopbackPort: null,
        terminal: { env: { TOKENRY_PASSPHRASE: 'redirect test' }, stdin: process.stdin, stderr: process.stderr, isTTY: false },
        out: (line) => lines.push(line),
      }),
      launchChromium(),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('takes a real browser from file:// to the running harness with its key, where the bridge answers', async () => {
    const record: Spawner = (_command, args) => (opened.push(args), { on: () => undefined, unref: () => undefined });
    const page = await openInBrowser(running.harness.url, { dir: join(work, 'data'), platform: 'linux', env: { DISPLAY: ':0' }, spawn: record });
    const file = opened[0]?.[0];
    expect([page.started, file]).toEqual([true, join(work, 'data', 'open-tokenry.html')]);

    const tab = await browser.newPage();
    await tab.goto(pathToFileURL(file!).href);
    await tab.waitForURL(running.harness.url);
    type Bridge = { tokenry?: { vaultStatus(): Promise<{ ok: boolean; value?: { protectors: string[] } }> } };
    await tab.waitForFunction(() => (globalThis as unknown as Bridge).tokenry !== undefined);
    const status = await tab.evaluate(() => (globalThis as unknown as Bridge).tokenry!.vaultStatus());
    expect(status).toMatchObject({ ok: true, value: { protectors: ['passphrase'] } });
    await page.cleanup();
  });

  it('announces the address, the data directory and how the vault is protected, never the passphrase', () => {
    expect(lines.slice(0, 2)).toEqual([`Tokenry (web harness): ${running.harness.url}`, `Data directory: ${join(work, 'data')} (vault protected by a passphrase (TOKENRY_PASSPHRASE))`]);
  });
});
