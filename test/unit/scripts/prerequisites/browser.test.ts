// findBrowser(): the documented search order, on machines described by which files are executable.
import { describe, expect, it } from 'vitest';
import { DEBIAN_CHROMIUM, findBrowser, type BrowserSearch } from '../../../../scripts/prerequisites/browser.js';

const PLAYWRIGHT = '/root/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome';

/** A machine where exactly `present` are executable files. */
function machine(present: readonly string[], overrides: Partial<BrowserSearch> = {}): BrowserSearch {
  const files = new Set(present);
  return { env: {}, platform: 'linux', isExecutable: (path) => files.has(path), playwrightChromium: () => PLAYWRIGHT, ...overrides };
}

describe('findBrowser()', () => {
  it('takes CHROMIUM_PATH first, over every installed browser', () => {
    const found = findBrowser(machine(['/opt/my/chrome', DEBIAN_CHROMIUM, '/opt/google/chrome/chrome', PLAYWRIGHT], { env: { CHROMIUM_PATH: '/opt/my/chrome' } }));
    expect(found).toEqual({ found: true, source: 'CHROMIUM_PATH', executablePath: '/opt/my/chrome', launch: { executablePath: '/opt/my/chrome' } });
  });

  it('refuses a CHROMIUM_PATH that is not there instead of quietly using another browser', () => {
    const found = findBrowser(machine([DEBIAN_CHROMIUM], { env: { CHROMIUM_PATH: '/nowhere/chrome' } }));
    expect(found).toMatchObject({ found: false, installable: false, reason: expect.stringContaining('CHROMIUM_PATH is /nowhere/chrome') });
  });

  it("takes Debian's /usr/bin/chromium when CHROMIUM_PATH is unset or empty", () => {
    expect(findBrowser(machine([DEBIAN_CHROMIUM, '/opt/google/chrome/chrome'], { env: { CHROMIUM_PATH: '' } }))).toEqual({
      found: true,
      source: 'debian',
      executablePath: DEBIAN_CHROMIUM,
      launch: { executablePath: DEBIAN_CHROMIUM },
    });
  });

  it("launches an installed Google Chrome through Playwright's chrome channel", () => {
    expect(findBrowser(machine(['/opt/google/chrome/chrome', '/opt/microsoft/msedge/msedge', PLAYWRIGHT]))).toEqual({
      found: true,
      source: 'chrome',
      executablePath: '/opt/google/chrome/chrome',
      launch: { channel: 'chrome' },
    });
  });

  it("launches Microsoft Edge through the msedge channel when there is no Chrome", () => {
    expect(findBrowser(machine(['/opt/microsoft/msedge/msedge', PLAYWRIGHT]))).toMatchObject({ source: 'msedge', launch: { channel: 'msedge' } });
  });

  it('finds Chrome on macOS in /Applications', () => {
    const path = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findBrowser(machine([path], { platform: 'darwin' }))).toMatchObject({ source: 'chrome', executablePath: path });
  });

  it('finds Edge on Windows under Program Files, not Debian paths', () => {
    const path = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    const found = findBrowser(machine([path, DEBIAN_CHROMIUM], { platform: 'win32', env: { 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)' } }));
    expect(found).toMatchObject({ source: 'msedge', executablePath: path, launch: { channel: 'msedge' } });
  });

  it("falls back to a Chromium installed by Playwright", () => {
    expect(findBrowser(machine([PLAYWRIGHT]))).toEqual({ found: true, source: 'playwright', executablePath: PLAYWRIGHT, launch: { executablePath: PLAYWRIGHT } });
  });

  it('survives a playwright-core that names no Chromium for this platform', () => {
    const found = findBrowser(machine([], { playwrightChromium: () => { throw new Error('unsupported platform'); } }));
    expect(found.found).toBe(false);
  });

  it("names what to install on Linux when there is no browser at all, apt's chromium first", () => {
    expect(findBrowser(machine([]))).toEqual({
      found: false,
      installable: true,
      reason:
        "No Chromium-based browser for the browser tests: install Debian's chromium (apt-get install -y chromium), Google Chrome or Microsoft Edge, or set CHROMIUM_PATH to a Chromium-based browser",
    });
  });

  it('names Chrome or Edge, not apt, on macOS', () => {
    const found = findBrowser(machine([], { platform: 'darwin' }));
    expect(found.found ? null : found.reason).toBe(
      'No Chromium-based browser for the browser tests: install Google Chrome or Microsoft Edge, or set CHROMIUM_PATH to a Chromium-based browser',
    );
  });
});
