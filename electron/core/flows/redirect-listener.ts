// The browser flow's one-shot loopback listener (RFC 8252 §7.3, §8.3): 127.0.0.1 only, Host checked,
// a callback with a wrong or missing state refused while it keeps waiting for the real one, closed
// after it, on a timeout (the injected clock) or when the sign-in is cancelled.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { err, type Result } from '../../../shared/result.js';
import { parseAuthorizationResponse, type AuthorizationCode, type CallbackExpectation } from '../grants/authorization-response.js';
import { GrantError } from '../grants/grant-error.js';
import type { SetTimer } from '../grants/http-transport.js';

/** Where the redirect goes: always the loopback interface; the URI may name `localhost` where a provider registered it so. */
export interface RedirectTarget {
  readonly hostname: '127.0.0.1' | 'localhost';
  /** 0: any free port (RFC 8252 §7.3 lets the port vary). */
  readonly port: number;
  readonly path: string;
}

export const DEFAULT_REDIRECT_PATH = '/callback';

/**
 * The target for a profile's redirect settings: a full URI, a port, or the loopback on any free port at /callback,
 * named 127.0.0.1 (RFC 8252 §8.3) unless the provider registers `localhost` redirects (Entra's `http://localhost`).
 */
export function redirectTarget(settings: {
  readonly redirectUri?: string;
  readonly redirectPort?: number;
  readonly redirectHost?: '127.0.0.1' | 'localhost';
}): RedirectTarget {
  if (settings.redirectUri !== undefined) {
    const uri = new URL(settings.redirectUri);
    const hostname = uri.hostname === 'localhost' ? 'localhost' : '127.0.0.1';
    return { hostname, port: Number(uri.port === '' ? '80' : uri.port), path: uri.pathname === '' ? '/' : uri.pathname };
  }
  return { hostname: settings.redirectHost ?? '127.0.0.1', port: settings.redirectPort ?? 0, path: DEFAULT_REDIRECT_PATH };
}

export interface ListenOptions {
  readonly target: RedirectTarget;
  /** How long the person has; then the sign-in ends as `sign_in_timeout`. */
  readonly timeoutMs: number;
  readonly setTimer: SetTimer;
  readonly signal?: AbortSignal;
}

export interface RedirectListener {
  /** The redirect URI to send in the authorization request (and again in the code exchange). */
  readonly redirectUri: string;
  /**
   * The code of the first callback that carries this sign-in's state, or the error that ends it
   * (refused at the provider, wrong issuer, timeout, cancelled). Call once the request is built and
   * before the browser opens: until then every callback is refused.
   */
  wait(expected: CallbackExpectation): Promise<Result<AuthorizationCode, GrantError>>;
  /** Stops listening (idempotent); a wait still pending ends as cancelled. */
  close(): Promise<void>;
}

export type RedirectListen = (options: ListenOptions) => Promise<RedirectListener>;

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  // The page's URL holds the code: nothing on it may take it elsewhere.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
} as const;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1b1f24}h1{font-size:1.3rem}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></body></html>`;
}

function answer(res: ServerResponse, status: number, title: string, body: string): void {
  const html = page(title, body);
  res.writeHead(status, { ...PAGE_HEADERS, 'Content-Length': Buffer.byteLength(html) });
  res.end(html);
}

/**
 * Starts listening on 127.0.0.1 (never another interface) at the target's port, 0 for any free one.
 * A fixed port that is taken fails at once as `invalid_config` (another program holds it).
 */
export const listenForRedirect: RedirectListen = async (options) => {
  const { target } = options;
  let expected: CallbackExpectation | null = null;
  let settle: ((result: Result<AuthorizationCode, GrantError>) => void) | null = null;
  let outcome: Result<AuthorizationCode, GrantError> | null = null;
  const settled = new Promise<Result<AuthorizationCode, GrantError>>((resolve) => {
    settle = (result) => {
      if (outcome !== null) return;
      outcome = result;
      resolve(result);
    };
  });
  let allowedHosts: ReadonlySet<string> = new Set();

  const server = createServer({ requireHostHeader: false, headersTimeout: 10_000, requestTimeout: 30_000 }, (req: IncomingMessage, res: ServerResponse) => {
    // Exactly one Host naming this listener: a page elsewhere cannot reach it through DNS rebinding.
    const hosts = req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i]?.toLowerCase() === 'host').length;
    if (hosts !== 1 || !allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      answer(res, 403, 'Forbidden', 'This address answers only to the sign-in Tokenry started.');
      return;
    }
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      answer(res, 405, 'Method not allowed', 'Tokenry expects the provider to send you back here with a GET request.');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== target.path) {
      answer(res, 404, 'Not found', 'Tokenry is waiting for the provider to send you back to its sign-in address.');
      return;
    }
    if (outcome !== null || expected === null) {
      answer(res, 400, 'No sign-in is waiting here', 'Tokenry is not waiting for this sign-in any more. Start it again from Tokenry.');
      return;
    }
    const result = parseAuthorizationResponse(url.searchParams, expected);
    if (!result.ok && result.error.code === 'state_mismatch') {
      // Not this sign-in's answer (forged, or another tab's): refuse it and keep waiting for the real one.
      answer(res, 400, 'This is not the sign-in Tokenry is waiting for', 'Tokenry ignored this request. Finish signing in in the tab Tokenry opened, or start again.');
      return;
    }
    if (result.ok) {
      answer(res, 200, 'Signed in to Tokenry', 'Tokenry received your sign-in. You can close this tab and go back to Tokenry.');
    } else if (result.error.code === 'access_denied') {
      answer(res, 200, 'Tokenry was not given access', 'The sign-in was refused. You can close this tab.');
    } else {
      answer(res, 400, 'The sign-in did not succeed', `${result.error.message} You can close this tab.`);
    }
    settle?.(result);
    // Closed once the page has gone out whole: the browser shows it, then its idle connection is cut.
    res.once('finish', () => void close());
  });

  const listening = await new Promise<Result<number, GrantError>>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? `port ${target.port} is in use by another program` : (error.code ?? 'it failed');
      resolve(err(new GrantError('invalid_config', `Could not listen for the sign-in's redirect on 127.0.0.1 (${why}).`, { cause: error })));
    });
    server.listen({ host: '127.0.0.1', port: target.port, exclusive: true }, () => resolve({ ok: true, value: (server.address() as AddressInfo).port }));
  });
  if (!listening.ok) throw listening.error;
  const port = listening.value;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      timer.cancel();
      options.signal?.removeEventListener('abort', onAbort);
      settle?.(err(new GrantError('cancelled', 'The sign-in was cancelled.')));
      server.close(() => resolve());
      // Idle keep-alive connections would hold the port open; one still writing an answer finishes first.
      server.closeIdleConnections();
      const cut = setTimeout(() => server.closeAllConnections(), 1000);
      cut.unref();
      server.once('close', () => clearTimeout(cut));
    });
    return closing;
  };
  const timer = options.setTimer(() => {
    settle?.(err(new GrantError('sign_in_timeout', `The sign-in was not finished within ${Math.round(options.timeoutMs / 1000)} s: nobody came back from the browser.`)));
    void close();
  }, options.timeoutMs);
  const onAbort = (): void => {
    settle?.(err(new GrantError('cancelled', 'The sign-in was cancelled.')));
    void close();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    redirectUri: `http://${target.hostname}:${port}${target.path}`,
    wait(expectation) {
      expected = expectation;
      return settled;
    },
    close,
  };
};
