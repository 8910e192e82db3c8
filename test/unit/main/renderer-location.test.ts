// Specifies where the renderer comes from and the checks built on it: IPC sender URLs, the CSP, external links.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  isAllowedExternalUrl,
  isAllowedSender,
  rendererLocation,
  type RendererLocation,
} from '../../../electron/main/renderer-location.js';

const MAIN_DIR = join('/opt', 'Tokenry', 'resources', 'app.asar', 'out', 'main');
const INDEX = join(MAIN_DIR, '../renderer/index.html');
const FILE: RendererLocation = { kind: 'file', path: INDEX };
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
  const indexUrl = pathToFileURL(INDEX).href;

  it('accepts the very index.html, with any hash or query', () => {
    expect(isAllowedSender(indexUrl, FILE)).toBe(true);
    expect(isAllowedSender(`${indexUrl}#/accounts/work`, FILE)).toBe(true);
    expect(isAllowedSender(`${indexUrl}?screen=settings`, FILE)).toBe(true);
  });

  it('refuses other files, other schemes, remote pages and garbage', () => {
    expect(isAllowedSender(pathToFileURL(join(MAIN_DIR, '../renderer/other.html')).href, FILE)).toBe(false);
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
