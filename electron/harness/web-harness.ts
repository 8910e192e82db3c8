// The web harness: the built renderer in any browser, over the real core, behind the same IPC contract.
//
//   node --import tsx electron/harness/web-harness.ts --data-dir DIR --port N
//
// It serves out/renderer at http://127.0.0.1:N/ with a small script (renderer/harness/web-bridge.ts,
// bundled by esbuild at start) that builds window.tokenry with createBridge() over a WebSocket; the
// server answers every call with dispatch(handlers, channel, args) and pushes the core's events.
//
// The page can see and use every account, so it is guarded like the loopback endpoint:
// - it listens on 127.0.0.1 only;
// - every request must name 127.0.0.1:N or localhost:N as Host (DNS rebinding is refused);
// - a WebSocket upgrade must come from our own Origin (any other page, or `null`, is refused);
// - the socket is useless until its first message carries the per-run secret, which the harness
//   prints once, in the URL fragment (#k=...), which browsers never send to a server.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { CHANGES_ACCOUNTS, EVENTS, type Channel, type EventChannel, type EventPayload } from '../../shared/ipc.js';
import type { ErrorValue } from '../../shared/errors.js';
import { openAppCore, type AppCore } from '../core/bridge/app-core.js';
import { answerRequest } from '../core/bridge/handlers.js';
import type { GrantDeps } from '../core/grants/grant-client.js';
import type { Logger } from '../core/log/logger.js';
import type { LoopbackServer } from '../core/loopback/loopback-server.js';
import type { KeyProtector } from '../core/vault/protector.js';
import { passphraseFromEnvOrPrompt } from '../core/vault/protectors/passphrase-prompt.js';
import { passphraseProtector } from '../core/vault/protectors/passphrase.js';
import { keyringProblem, keyringProtector } from '../core/vault/protectors/keyring.js';
import type { OsStore } from '../core/vault/protection-change.js';
import { forwardAuditRows } from '../core/loopback/audit-events.js';
import { withHarnessSocket } from './harness-csp.js';
import { parseVaultFile } from '../core/vault/vault-file.js';
import { readFileIfExists } from '../core/vault/atomic-file.js';
import { secretsPath } from '../core/vault/secret-store.js';
import { systemBrowser } from '../core/flows/system-browser.js';
import { isWebUrl } from '../core/flows/web-url.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const DEFAULT_RENDERER_DIR = join(ROOT, 'out/renderer');
const BRIDGE_ENTRY = join(ROOT, 'renderer/harness/web-bridge.ts');
const BRIDGE_PATH = '/web-bridge.js';
const SOCKET_PATH = '/ipc';
const HELLO_TIMEOUT_MS = 5000;
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** Close codes the bridge understands: 4401 wrong or missing secret (do not retry). */
const CLOSE_REFUSED = 4401;
const CLOSE_TIMEOUT = 4408;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const clientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), secret: z.string().max(200) }),
  z.object({ type: z.literal('call'), id: z.number().int().nonnegative(), channel: z.string().max(100), args: z.array(z.unknown()).max(10) }),
]);

export interface WebHarnessOptions {
  readonly dataDir: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  readonly port: number;
  readonly protector: KeyProtector;
  /** The built renderer (electron-vite build). Default out/renderer. */
  readonly rendererDir?: string;
  /**
   * The loopback token endpoint: a port (0: any free one) to serve on regardless of settings,
   * `null` for none, or undefined to follow the settings (enabled, port) like the app does.
   */
  readonly loopbackPort?: number | null;
  readonly vaultWarning?: string | null;
  readonly grantDeps?: GrantDeps;
  /** The per-run secret; random by default (tests may fix it). */
  readonly secret?: string;
  /** Where to report loopback trouble (a port in use); default stderr. */
  readonly log?: (line: string) => void;
  /** The core's log; by default it goes to logs/tokenry.log in the data directory, as the app's does. */
  readonly logger?: Logger;
  /** The OS store the settings may move the vault to; default the OS keyring, null for none. */
  readonly osStore?: OsStore | null;
  /** A passphrase protector at this harness's scrypt cost (tests pass a cheap one). */
  readonly passphraseProtector?: (passphrase: string) => KeyProtector;
  /**
   * Opens a browser sign-in's page: the tests open it in a second page, the command line in the
   * platform's browser. Absent: the address is only logged (and shown in the page).
   */
  readonly openExternal?: (url: string) => void | Promise<void>;
}

/** The OS keyring as the harness's OS store (a Secret Service on Linux). */
export function keyringOsStore(service?: string): OsStore {
  const options = service === undefined ? {} : { service };
  return { kind: 'keyring', protector: () => keyringProtector(options), problem: () => keyringProblem(options) };
}

export interface WebHarness {
  /** The address to open, secret included: http://127.0.0.1:N/#k=SECRET. */
  readonly url: string;
  /** http://127.0.0.1:N */
  readonly origin: string;
  readonly port: number;
  readonly secret: string;
  readonly core: AppCore;
  /** The loopback token endpoint, when one is running. */
  loopback(): LoopbackServer | null;
  close(): Promise<void>;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
const sameSecret = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

/** Bundles the page-side bridge (and the contract it imports) into one classic script. */
async function bundleBridge(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [BRIDGE_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error('esbuild produced no web bridge');
  return file.text;
}

/**
 * The built index.html with the bridge script at the end of its head. A classic script, it runs as
 * soon as it has arrived, so it opens the socket (and asks for the accounts) while the app's code
 * still loads; the app's module is deferred, so it runs after the bridge all the same. At the end,
 * the app's scripts and styles are already being fetched when the parser waits for the bridge.
 */
function injectBridge(html: string): string {
  const tag = `<script src="${BRIDGE_PATH}"></script>`;
  const at = html.indexOf('</head>');
  if (at !== -1) return `${html.slice(0, at)}  ${tag}\n  ${html.slice(at)}`;
  return `${tag}\n${html}`;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // frame-ancestors is ignored in a <meta> CSP: only a header keeps the page out of frames.
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cache = 'no-store'): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': cache });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Starts the harness: opens the core over `dataDir`, then serves the renderer and the socket. */
export async function startWebHarness(options: WebHarnessOptions): Promise<WebHarness> {
  const rendererDir = resolve(options.rendererDir ?? DEFAULT_RENDERER_DIR);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const [indexHtml, bridgeJs] = await Promise.all([
    readFile(join(rendererDir, 'index.html'), 'utf8').catch((error: unknown) => {
      throw new Error(`No built renderer at ${rendererDir} (run \`npx electron-vite build\` first): ${error instanceof Error ? error.message : String(error)}`);
    }),
    bundleBridge(),
  ]);
  // Known once the server listens: the page's policy names the harness's own socket (see harness-csp.ts).
  let page = '';
  const secret = options.secret ?? randomBytes(32).toString('base64url');

  const core = await openAppCore({
    dataDir: options.dataDir,
    protector: options.protector,
    purpose: 'tokenry web harness',
    // The core cannot reach the browser's clipboard; the page copies revealed tokens itself (web-bridge.ts).
    copyToClipboard: () => Promise.reject(new Error('The web harness cannot reach your clipboard; the page copies tokens itself.')),
    vaultWarning: options.vaultWarning ?? null,
    ...(options.logger === undefined ? {} : { log: options.logger }),
    ...(options.loopbackPort === undefined ? {} : { loopbackPort: options.loopbackPort }),
    onLoopbackProblem: (error) =>
      log(`Loopback endpoint not started: ${error.message}${error.code === 'port_in_use' ? ' Choose another with --loopback-port N (0: any free port), or run without it: --no-loopback.' : ''}`),
    onLockLost: (error) => log(`Stopped writing: ${error.message}. Stop this harness.`),
    ...(options.grantDeps === undefined ? {} : { grantDeps: options.grantDeps }),
    osStore: options.osStore === undefined ? keyringOsStore() : options.osStore,
    ...(options.passphraseProtector === undefined ? {} : { passphraseProtector: options.passphraseProtector }),
    openExternal: async (url) => {
      if (!isWebUrl(url)) throw new Error('Only http(s) addresses are opened.');
      log(`Sign-in page: ${url}`);
      if (options.openExternal === undefined) throw new Error('This harness opens no browser: open the address yourself.');
      await options.openExternal(url);
    },
  });
  const opened: AppCore = core;

  const sockets = new Set<WebSocket>();
  const authed = new WeakSet<WebSocket>();
  const broadcast = <E extends EventChannel>(event: E, payload: EventPayload<E>): void => {
    // Checked here against the contract: the page's bridge leaves zod out to load fast, and trusts this socket.
    const checked = EVENTS[event].safeParse(payload);
    if (!checked.success) return;
    const text = JSON.stringify({ type: 'event', event, payload: checked.data });
    for (const ws of sockets) if (authed.has(ws) && ws.readyState === ws.OPEN) ws.send(text);
  };
  const stopStates = opened.onState((name, state) => broadcast('accounts:state', { name, state }));
  const stopProgress = opened.onSignInProgress((name, progress) => broadcast('accounts:sign-in-progress', { name, progress }));
  // Loopback requests reach the page as they happen (batched), so its audit log is live.
  const auditRows = forwardAuditRows((rows) => broadcast('audit:appended', rows));
  const stopAudit = opened.loopback.auditLog.onAppend((entry) => auditRows.add(entry));
  // Changes `tokenry` commands made through the control channel, and programs asking for more accounts.
  const stopChanged = opened.events.on('accounts:changed', () => broadcast('accounts:changed', null));
  const stopAccess = opened.events.on('clients:access-requested', (request) => broadcast('clients:access-requested', request));
  const unsubscribe = (): void => {
    stopChanged();
    stopAccess();
    stopStates();
    stopProgress();
    stopAudit();
    auditRows.close();
  };

  let allowedHosts: ReadonlySet<string> = new Set();
  let allowedOrigins: ReadonlySet<string> = new Set();
  const hostOk = (req: IncomingMessage): boolean => {
    const hosts = req.rawHeaders.filter((_, i) => i % 2 === 0).filter((h) => h.toLowerCase() === 'host').length;
    return hosts === 1 && allowedHosts.has((req.headers.host ?? '').toLowerCase());
  };

  const serveFile = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', page);
    if (path === BRIDGE_PATH) return send(res, 200, 'text/javascript; charset=utf-8', bridgeJs);
    if (path === '/favicon.ico') {
      res.writeHead(204, SECURITY_HEADERS);
      res.end();
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return send(res, 400, 'text/plain; charset=utf-8', 'Bad path\n');
    }
    const file = resolve(rendererDir, `.${decoded}`);
    if (!file.startsWith(rendererDir + sep) || decoded.includes('\0')) return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
    try {
      const body = await readFile(file);
      // Vite's asset names carry a content hash: they may be cached for good.
      const cache = decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-store';
      send(res, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body, cache);
    } catch {
      send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
    }
  };

  const server: Server = createServer({ requireHostHeader: false, headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    if (!hostOk(req)) {
      send(res, 403, 'text/plain; charset=utf-8', 'Forbidden: this server answers only to 127.0.0.1 or localhost with its port.\n');
      return;
    }
    serveFile(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error\n');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (!hostOk(req)) return refuseUpgrade(socket, 403, 'Forbidden');
    // Browsers always send Origin on WebSocket handshakes: a missing, foreign or `null` one is not our page.
    if (!allowedOrigins.has((req.headers.origin ?? '').toLowerCase())) return refuseUpgrade(socket, 403, 'Forbidden');
    if (path !== SOCKET_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  const accept = (ws: WebSocket): void => {
    sockets.add(ws);
    const helloTimer = setTimeout(() => ws.close(CLOSE_TIMEOUT, 'hello expected'), HELLO_TIMEOUT_MS);
    ws.on('close', () => {
      clearTimeout(helloTimer);
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text only');
      let message: z.infer<typeof clientMessageSchema>;
      try {
        const parsed = clientMessageSchema.safeParse(JSON.parse(String(data)));
        if (!parsed.success) return ws.close(1008, 'bad message');
        message = parsed.data;
      } catch {
        return ws.close(1008, 'bad message');
      }
      if (!authed.has(ws)) {
        if (message.type !== 'hello' || !sameSecret(message.secret, secret)) return ws.close(CLOSE_REFUSED, 'wrong key');
        clearTimeout(helloTimer);
        authed.add(ws);
        ws.send(JSON.stringify({ type: 'ready' }));
        return;
      }
      if (message.type !== 'call') return;
      void answer(ws, message.id, message.channel, message.args);
    });
  };

  const answer = async (ws: WebSocket, id: number, channel: string, args: unknown[]): Promise<void> => {
    let response: Awaited<ReturnType<typeof answerRequest>>;
    if (channel === 'tokens:copy') {
      const error: ErrorValue = { code: 'clipboard_unavailable', kind: 'config', message: 'The web harness cannot reach your clipboard; the page copies revealed tokens itself.' };
      response = { ok: false, error };
    } else {
      response = await answerRequest(opened.handlers, channel, args, opened.log);
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id, response }));
    if (response.ok && CHANGES_ACCOUNTS.has(channel as Channel)) broadcast('accounts:changed', null);
  };

  const listening = await new Promise<Result<number>>((resolveListen) => {
    server.once('error', (error) => resolveListen({ ok: false, error }));
    server.listen({ port: options.port, host: '127.0.0.1', exclusive: true }, () => resolveListen({ ok: true, value: (server.address() as AddressInfo).port }));
  });
  if (!listening.ok) {
    unsubscribe();
    await opened.close();
    throw listening.error;
  }
  const port = listening.value;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  page = injectBridge(withHarnessSocket(indexHtml, port));
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  const origin = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/#k=${secret}`,
    origin,
    port,
    secret,
    core: opened,
    loopback: () => opened.loopback.server(),
    close() {
      closing ??= (async () => {
        unsubscribe();
        for (const ws of sockets) ws.close(1001, 'harness closing');
        wss.close();
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeAllConnections();
        await closed;
        await opened.close();
      })();
      return closing;
    },
  };
}

type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error };

// --- command line ---

const USAGE = 'usage: node --import tsx electron/harness/web-harness.ts --data-dir DIR [--port N] [--loopback-port N | --no-loopback]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string', default: '5174' },
      'loopback-port': { type: 'string' },
      'no-loopback': { type: 'boolean', default: false },
      'renderer-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\nThe vault passphrase comes from TOKENRY_PASSPHRASE, or is asked on the terminal.\n`);
    return;
  }
  const dataDir = values['data-dir'] ?? process.env['TOKENRY_DATA_DIR'];
  const port = Number(values.port);
  if (dataDir === undefined || dataDir === '' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const loopbackFlag = values['loopback-port'];
  const loopbackPort = values['no-loopback'] ? null : loopbackFlag === undefined ? undefined : Number(loopbackFlag);
  // A vault moved to the OS keyring in the settings opens from it; otherwise the passphrase.
  const secrets = secretsPath(resolve(dataDir));
  const bytes = await readFileIfExists(secrets);
  const kinds = bytes === null ? null : parseVaultFile(bytes, secrets).protectors.map((p) => p.kind);
  const useKeyring = kinds !== null && kinds.includes('keyring') && !kinds.includes('passphrase');
  const passphrase = useKeyring ? '' : await passphraseFromEnvOrPrompt({
    env: process.env,
    stdin: process.stdin,
    stderr: process.stderr,
    isTTY: process.stdin.isTTY === true,
    prompt: 'Vault passphrase: ',
  });
  const harness = await startWebHarness({
    dataDir: resolve(dataDir),
    port,
    protector: useKeyring ? keyringProtector() : passphraseProtector(passphrase),
    ...(values['renderer-dir'] === undefined ? {} : { rendererDir: values['renderer-dir'] }),
    ...(loopbackPort === undefined ? {} : { loopbackPort }),
    // A browser sign-in opens the system browser, as the desktop app does.
    openExternal: systemBrowser(),
  });
  const lb = harness.loopback();
  process.stdout.write(`Tokenry web harness: ${harness.url}\n`);
  if (lb !== null) process.stdout.write(`Loopback token endpoint: ${lb.url}\n`);
  process.stdout.write('Open the address above (the key after #k= is needed). Ctrl+C stops.\n');

  let stoppingAt: number | null = null;
  const stop = (signal: NodeJS.Signals): void => {
    if (stoppingAt !== null) {
      // write-file-atomic's signal-exit re-raises the first signal: only a later one means "now".
      if (Date.now() - stoppingAt < 1000) return;
      process.stderr.write(`Second ${signal}: exiting at once.\n`);
      process.exit(1);
    }
    stoppingAt = Date.now();
    harness.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Closing failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    const inUse = error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
    const hint = inUse ? ': choose another port for the page with --port N (0: any free port)' : '';
    process.stderr.write(`tokenry web harness: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
    process.exitCode = 1;
  });
}
