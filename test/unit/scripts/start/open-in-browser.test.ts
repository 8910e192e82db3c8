// openInBrowser(): a private redirect file handed to the desktop's opener, never the URL itself; desktopOpener() per platform.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desktopOpener, openInBrowser, redirectPage, type Spawner } from '../../../../scripts/start/open-in-browser.js';
import { makeTempDir } from '../../core/vault/vault-test-helpers.js';

const URL_WITH_KEY = 'http://127.0.0.1:5174/#k=per-run-key_0123456789';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('tokenry-open-')));
afterEach(async () => cleanup());

function recordingSpawner(): { spawn: Spawner; calls: Array<{ command: string; args: readonly string[] }> } {
  const calls: Array<{ command: string; args: readonly string[] }> = [];
  return { calls, spawn: (command, args) => (calls.push({ command, args }), { on: () => undefined, unref: () => undefined }) };
}

describe('desktopOpener()', () => {
  it('uses xdg-open on Linux with an X display', () => {
    expect(desktopOpener('linux', { DISPLAY: ':0' })?.args('/f.html')).toEqual(['/f.html']);
  });

  it('uses xdg-open in a Wayland session', () => {
    expect(desktopOpener('linux', { WAYLAND_DISPLAY: 'wayland-0' })?.command).toBe('xdg-open');
  });

  it('opens nothing on Linux without a display, where xdg-open would start a text browser in the terminal', () => {
    expect(desktopOpener('linux', {})).toBeNull();
  });

  it('uses open on macOS', () => {
    expect(desktopOpener('darwin', {})?.command).toBe('open');
  });

  it("uses cmd's start on Windows, with an empty window title first", () => {
    expect(desktopOpener('win32', {})?.args('C:\\t\\f.html')).toEqual(['/d', '/s', '/c', '"start "" "C:\\t\\f.html""']);
  });
});

describe('redirectPage()', () => {
  it('sends the browser on to the URL at once and offers a link', () => {
    const page = redirectPage(URL_WITH_KEY);
    expect([page.includes(`content="0;url=${URL_WITH_KEY}"`), page.includes(`<a href="${URL_WITH_KEY}">`)]).toEqual([true, true]);
  });

  it('escapes what could end the attribute', () => {
    expect(redirectPage('http://x/"><script>&')).toContain('url=http://x/&quot;&gt;&lt;script&gt;&amp;"');
  });
});

describe('openInBrowser()', () => {
  it('hands the opener an owner-only file that redirects to the URL, so the key is in no process arguments', async () => {
    const { spawn, calls } = recordingSpawner();
    const opened = await openInBrowser(URL_WITH_KEY, { dir, platform: 'linux', env: { DISPLAY: ':0' }, spawn });
    const file = join(dir, 'open-tokenry.html');
    expect(opened.started).toBe(true);
    expect(calls).toEqual([{ command: 'xdg-open', args: [file] }]);
    expect(await readFile(file, 'utf8')).toBe(redirectPage(URL_WITH_KEY));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('removes the file on cleanup', async () => {
    const { spawn } = recordingSpawner();
    const opened = await openInBrowser(URL_WITH_KEY, { dir, platform: 'darwin', env: {}, spawn });
    await opened.cleanup();
    await expect(stat(join(dir, 'open-tokenry.html'))).rejects.toThrow(/ENOENT/);
  });

  it('writes nothing and starts nothing where no browser can be opened', async () => {
    const { spawn, calls } = recordingSpawner();
    const opened = await openInBrowser(URL_WITH_KEY, { dir, platform: 'linux', env: {}, spawn });
    expect([opened.started, calls.length]).toEqual([false, 0]);
    await expect(stat(join(dir, 'open-tokenry.html'))).rejects.toThrow(/ENOENT/);
  });

  it('never fails the start: an unwritable folder just means nothing is opened', async () => {
    const { spawn, calls } = recordingSpawner();
    const opened = await openInBrowser(URL_WITH_KEY, { dir: join(dir, 'no', 'such', 'folder'), platform: 'darwin', env: {}, spawn });
    expect([opened.started, calls.length]).toEqual([false, 0]);
  });

  it('survives an opener that is not installed', async () => {
    const opened = await openInBrowser(URL_WITH_KEY, { dir, platform: 'linux', env: { DISPLAY: ':0', PATH: join(dir, 'empty') } });
    expect(opened.started).toBe(true);
    await opened.cleanup();
  });
});
