// Where the renderer comes from, and the checks built on it: which IPC senders are ours, which CSP the window gets.
// Pure functions: no 'electron' import, unit-tested directly.
import { extname, join, resolve, sep } from 'node:path';
import { PRESETS } from '../core/providers/presets.js';

/** The app's own page: the built renderer served under app://tokenry/, or (unpackaged only) the electron-vite dev server. */
export type RendererLocation = { readonly kind: 'app'; readonly dir: string; readonly url: string } | { readonly kind: 'dev-server'; readonly url: string };

/**
 * The app loads from its own scheme, not file://: its origin is then app://tokenry alone (a file
 * page would share the file: origin with every file on the machine), and the file protocol's extra
 * privileges can be switched off (the GrantFileProtocolExtraPrivileges fuse, electron-builder.yml).
 */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://tokenry';
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;
/** Registered before the app is ready: a standard, secure scheme (like https) for the app's own files, nothing more. */
export const APP_SCHEME_PRIVILEGES = Object.freeze({ standard: true, secure: true, codeCache: true });

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The dev server is used only when the app is not packaged, ELECTRON_RENDERER_URL is set and it
 * names an http(s) server on this machine; anything else loads the built page through app://.
 */
export function rendererLocation(options: { readonly devUrl: string | undefined; readonly isPackaged: boolean; readonly mainDir: string }): RendererLocation {
  const app: RendererLocation = { kind: 'app', dir: join(options.mainDir, '../renderer'), url: APP_INDEX_URL };
  if (options.isPackaged || options.devUrl === undefined || options.devUrl === '') return app;
  const url = parseUrl(options.devUrl);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || !LOOPBACK_HOSTS.has(url.hostname)) return app;
  return { kind: 'dev-server', url: url.href };
}

/**
 * Whether a frame at `url` is the app's own page: app://tokenry/index.html (any hash or query),
 * or a page of the dev server's origin. Every IPC request is checked with this.
 */
export function isAllowedSender(url: string, expected: RendererLocation): boolean {
  const actual = parseUrl(url);
  if (actual === null) return false;
  if (expected.kind === 'dev-server') {
    const dev = parseUrl(expected.url);
    return dev !== null && actual.origin === dev.origin;
  }
  return `${actual.protocol}//${actual.host}` === APP_ORIGIN && actual.username === '' && actual.password === '' && actual.pathname === '/index.html';
}

/**
 * The file an app:// request asks for, inside the renderer's directory; null for anything else
 * (another host, a path that would leave the directory, however encoded). `/` is index.html.
 */
export function appFileFor(url: string, rendererDir: string): string | null {
  const parsed = parseUrl(url);
  if (parsed === null || `${parsed.protocol}//${parsed.host}` !== APP_ORIGIN || parsed.username !== '' || parsed.password !== '') return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path === '/') path = '/index.html';
  if (path.includes('\0') || path.includes('\\')) return null;
  const root = resolve(rendererDir);
  const file = resolve(root, `.${path}`);
  return file.startsWith(`${root}${sep}`) ? file : null;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The headers an app:// answer carries: its type, the window's CSP (custom schemes get no webRequest headers), no sniffing. */
export function appResponseHeaders(file: string, csp: string): Record<string, string> {
  const ext = extname(file).toLowerCase();
  return {
    'Content-Type': Object.hasOwn(CONTENT_TYPES, ext) ? (CONTENT_TYPES[ext] as string) : 'application/octet-stream',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
}

/**
 * The window's Content-Security-Policy: scripts only from the app itself (never inline, never
 * eval, never remote), no plugins, no frames, no forms, no base-uri tricks. The renderer talks
 * to main over IPC, so it needs no network beyond its own files; in development the dev
 * server's origin and its hot-reload websocket are allowed, and Vite's injected styles need
 * 'unsafe-inline'. renderer/index.html carries the same policy as a meta tag (less
 * frame-ancestors, which a meta tag cannot set); a test keeps the two equal.
 */
export function contentSecurityPolicy(location: RendererLocation): string {
  const connect = ["'self'"];
  if (location.kind === 'dev-server') {
    const dev = new URL(location.url);
    connect.push(dev.origin, `${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`);
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    // Vue's style bindings and (in development) Vite's injected <style> tags; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
  ].join('; ');
}

/** Where a person registers a client at each preset's service: the add form links to exactly these pages. */
const REGISTER_PAGES = Object.values(PRESETS).flatMap((p) => (p.registerUrl === undefined ? [] : [new URL(p.registerUrl).href]));

/** Web pages a link in the app may open in the system browser; everything else is dropped. */
export const ALLOWED_EXTERNAL_PREFIXES: readonly string[] = ['https://github.com/', 'https://datatracker.ietf.org/', 'https://www.rfc-editor.org/', ...REGISTER_PAGES];

/**
 * Whether `url` may be handed to the system browser: https only, after URL normalisation (so
 * `HTTPS://GitHub.com/` matches and `https://github.com.evil.example/` does not).
 */
export function isAllowedExternalUrl(url: string, allowList: readonly string[] = ALLOWED_EXTERNAL_PREFIXES): boolean {
  const parsed = parseUrl(url);
  if (parsed === null || parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false;
  return allowList.some((prefix) => parsed.href.startsWith(prefix));
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}
