// Where the renderer comes from, and the checks built on it: which IPC senders are ours, which CSP the window gets.
// Pure functions: no 'electron' import, unit-tested directly.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PRESETS } from '../core/providers/presets.js';

/** The app's own page: the built index.html on disk, or (unpackaged only) the electron-vite dev server. */
export type RendererLocation = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'dev-server'; readonly url: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The dev server is used only when the app is not packaged, ELECTRON_RENDERER_URL is set and it
 * names an http(s) server on this machine; anything else loads the built page from disk.
 */
export function rendererLocation(options: { readonly devUrl: string | undefined; readonly isPackaged: boolean; readonly mainDir: string }): RendererLocation {
  const file: RendererLocation = { kind: 'file', path: join(options.mainDir, '../renderer/index.html') };
  if (options.isPackaged || options.devUrl === undefined || options.devUrl === '') return file;
  const url = parseUrl(options.devUrl);
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || !LOOPBACK_HOSTS.has(url.hostname)) return file;
  return { kind: 'dev-server', url: url.href };
}

/**
 * Whether a frame at `url` is the app's own page: the very index.html file (any hash or query),
 * or a page of the dev server's origin. Every IPC request is checked with this.
 */
export function isAllowedSender(url: string, expected: RendererLocation): boolean {
  const actual = parseUrl(url);
  if (actual === null) return false;
  if (expected.kind === 'dev-server') {
    const dev = parseUrl(expected.url);
    return dev !== null && actual.origin === dev.origin;
  }
  if (actual.protocol !== 'file:' || actual.host !== '') return false;
  actual.hash = '';
  actual.search = '';
  return actual.href === pathToFileURL(expected.path).href;
}

/**
 * The window's Content-Security-Policy: scripts only from the app itself (never inline, never
 * eval, never remote), no plugins, no frames, no forms, no base-uri tricks. The renderer talks
 * to main over IPC, so it needs no network at all; in development the dev server's origin and
 * its hot-reload websocket are allowed, and Vite's injected styles need 'unsafe-inline'.
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
