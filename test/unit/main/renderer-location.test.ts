// Specifies where the renderer comes from and the checks built on it: IPC sender URLs, the CSP, external links.

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  appFileFor,
  appResponseHeaders,
  contentSecurityPolicy,
  isAllowedExternalUrl,
  isAllowedSender,
  rendererLocation,
  type RendererLocation,
} from '../../../electron/main/renderer-location.js';

const MAIN_DIR = join('/opt', 'Tokenry', 'resources', 'app.asar', 'out', 'main');
const RENDERER_DIR = join(MAIN_DIR, '../renderer');
const INDEX = join(RENDERER_DIR, 'index.html');
const FILE: RendererLocation = { kind: 'app', dir: RENDERER_DIR, url: 'app://tokenry/index.html' };
const DEV: RendererLocation = { kind: 'dev-server', url: 'http://localhost:5173/' };

describe('rendererLocation', () => {
  it('loads the built index.html next to out/main when packaged, even with ELECTRON_RENDERER_URL set', () => {
    expect(rendererLocation({ devUrl: 'http://localhost:5173', isPackaged: true, mainDir: MAIN_DIR })).toEqual(FILE);
  });

  it('uses the dev server only when unpackaged and the URL is http(s) on this machine', () => {
    expect(rendererLocation({ devUrl: 'http://localhost:5173', isPackaged: false, mainDir: MAIN_DIR })).toEqual(DEV);
    expect(rendererLocation({ devUrl: 'http://127.0.0.1:5174/', isPackaged: false, mainDir: MAIN_DIR })).toEqual({ kind: 'dev-server', url: 'http://127.0.0.1:5174/' });
    expect(rendererLocation({ devUrl: undefined, isPackaged: false, mainDir: MAIN_DIR })).toEqual(FILE);
    expect(rendererLocation({ devUrl: '', isPackaged: false, mainDir: MAIN_DIR })).toEqual(FILE);
  });

  it('ignores a dev URL that is remote, not http or not a URL', () => {
    for (const devUrl of ['https://evil.example/', 'file:///tmp/index.html', 'javascript:alert(1)', 'not a url', 'http://localhost.evil.example/']) {
      expect(rendererLocation({ devUrl, isPackaged: false, mainDir: MAIN_DIR })).toEqual(FILE);
    }
  });
});

describe('isAllowedSender', () => {
  const indexUrl = 'app://tokenry/index.html';

  it('accepts the very index.html, with any hash or query', () => {
    expect(isAllowedSender(indexUrl, FILE)).toBe(true);
    expect(isAllowedSender(`${indexUrl}#/accounts/work`, FILE)).toBe(true);
    expect(isAllowedSender(`${indexUrl}?screen=settings`, FILE)).toBe(true);
  });

  it('refuses other pages of the app, the same file by file://, other hosts and schemes, remote pages and garbage', () => {
    expect(isAllowedSender('app://tokenry/other.html', FILE)).toBe(false);
    expect(isAllowedSender('app://other/index.html', FILE)).toBe(false);
    expect(isAllowedSender('app://user:pw@tokenry/index.html', FILE)).toBe(false);
    expect(isAllowedSender(pathToFileURL(INDEX).href, FILE)).toBe(false);
    expect(isAllowedSender(pathToFileURL('/tmp/index.html').href, FILE)).toBe(false);
    expect(isAllowedSender('https://example.com/index.html', FILE)).toBe(false);
    expect(isAllowedSender('data:text/html,<h1>hi</h1>', FILE)).toBe(false);
    expect(isAllowedSender('about:blank', FILE)).toBe(false);
    expect(isAllowedSender('', FILE)).toBe(false);
    expect(isAllowedSender('file://remote-host/opt/Tokenry/resources/app.asar/out/renderer/index.html', FILE)).toBe(false);
  });

  it('accepts the dev server origin only', () => {
    expect(isAllowedSender('http://localhost:5173/', DEV)).toBe(true);
    expect(isAllowedSender('http://localhost:5173/#/settings', DEV)).toBe(true);
    expect(isAllowedSender('http://localhost:5174/', DEV)).toBe(false);
    expect(isAllowedSender('http://127.0.0.1:5173/', DEV)).toBe(false);
    expect(isAllowedSender('https://localhost:5173/', DEV)).toBe(false);
    expect(isAllowedSender(indexUrl, DEV)).toBe(false);
  });
});

describe('appFileFor and appResponseHeaders (the app:// scheme)', () => {
  it('maps app://tokenry/ paths to files of the renderer directory, / to index.html', () => {
    expect(appFileFor('app://tokenry/', RENDERER_DIR)).toBe(resolve(INDEX));
    expect(appFileFor('app://tokenry/index.html#/accounts', RENDERER_DIR)).toBe(resolve(INDEX));
    expect(appFileFor('app://tokenry/assets/index-abc.js?v=1', RENDERER_DIR)).toBe(resolve(RENDERER_DIR, 'assets/index-abc.js'));
    expect(appFileFor('app://tokenry/assets/a%20b.css', RENDERER_DIR)).toBe(resolve(RENDERER_DIR, 'assets/a b.css'));
  });

  it.each([
    'app://tokenry/../main/index.js',
    'app://tokenry/%2e%2e/main/index.js',
    'app://tokenry/assets/%2e%2e%2f%2e%2e%2fmain%2findex.js',
    'app://tokenry/..%5cmain%5cindex.js',
    'app://tokenry/%00index.html',
    'app://tokenry/%E0%A4%A',
    'app://other/index.html',
    'app://user@tokenry/index.html',
    'file:///etc/passwd',
    'not a url',
  ])('refuses %s', (url) => {
    const file = appFileFor(url, RENDERER_DIR);
    expect(file === null || file.startsWith(`${resolve(RENDERER_DIR)}/`)).toBe(true);
    if (!url.startsWith('app://tokenry/') || url.includes('%00') || url.includes('%E0') || url.includes('%5c') || url.includes('%2f')) expect(file).toBeNull();
  });

  it('answers with the type, the window CSP and nosniff', () => {
    expect(appResponseHeaders('/x/index.html', 'CSP')).toEqual({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': 'CSP', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' });
    expect(appResponseHeaders('/x/a.js', 'CSP')['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(appResponseHeaders('/x/constructor', 'CSP')['Content-Type']).toBe('application/octet-stream');
  });
});

describe('the renderer\'s own meta CSP (renderer/index.html, issue 12, item 7)', () => {
  const directives = (csp: string): Map<string, string[]> =>
    new Map(csp.split(';').map((d) => d.trim()).filter((d) => d !== '').map((d) => d.split(/\s+/)).map(([name, ...values]) => [name ?? '', values]));

  it('is the window\'s policy (less frame-ancestors, which a meta tag cannot set): no socket, no wildcard, nothing the app does not need', async () => {
    const html = await readFile(resolve(import.meta.dirname, '../../../renderer/index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html)?.[1];
    expect(meta).toBeDefined();
    const expected = directives(contentSecurityPolicy(FILE));
    expected.delete('frame-ancestors');
    expect(directives(meta ?? '')).toEqual(expected);
    expect(meta).not.toMatch(/ws:|wss:|\*|unsafe-eval/);
  });
});

describe('contentSecurityPolicy', () => {
  const directives = (csp: string): Map<string, string[]> =>
    new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name ?? '', values]));

  it('allows scripts only from the app: no eval, no inline, no remote', () => {
    const csp = directives(contentSecurityPolicy(FILE));
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy(FILE)).not.toContain('unsafe-eval');
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
  });

  it('lets the dev page reach its dev server and hot-reload socket, still without eval', () => {
    const csp = contentSecurityPolicy(DEV);
    expect(directives(csp).get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(directives(csp).get('script-src')).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-eval');
  });
});

describe('isAllowedExternalUrl', () => {
  it('opens https pages under the allow-list, after normalisation', () => {
    expect(isAllowedExternalUrl('https://github.com/tokenry/tokenry')).toBe(true);
    expect(isAllowedExternalUrl('HTTPS://GITHUB.COM/tokenry')).toBe(true);
    expect(isAllowedExternalUrl('https://datatracker.ietf.org/doc/html/rfc6749#section-5.2')).toBe(true);
  });

  it('opens the page where each preset\'s service registers clients (the add form links there), and no other page of those hosts', () => {
    expect(isAllowedExternalUrl('https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade')).toBe(true);
    expect(isAllowedExternalUrl('https://console.cloud.google.com/apis/credentials')).toBe(true);
    expect(isAllowedExternalUrl('https://www.keycloak.org/docs/latest/server_admin/#_oidc_clients')).toBe(true);
    expect(isAllowedExternalUrl('https://console.cloud.google.com/billing')).toBe(false);
  });

  it('refuses look-alike hosts, plain http, other schemes, credentials and garbage', () => {
    for (const url of [
      'https://github.com.evil.example/',
      'https://evil.example/https://github.com/',
      'http://github.com/tokenry',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://github.com/share',
      'https://user:pass@github.com/',
      'not a url',
      '',
    ]) {
      expect(isAllowedExternalUrl(url), url).toBe(false);
    }
  });

  it('takes another allow-list', () => {
    expect(isAllowedExternalUrl('https://docs.example/x', ['https://docs.example/'])).toBe(true);
    expect(isAllowedExternalUrl('https://github.com/', ['https://docs.example/'])).toBe(false);
  });
});
