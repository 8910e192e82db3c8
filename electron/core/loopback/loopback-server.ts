// The loopback token provider: an HTTP server on 127.0.0.1 handing current tokens to authenticated local clients.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AccountView, TokenView } from '../../../shared/accounts.js';
import type { ErrorValue } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { ACCOUNT_NAME } from '../accounts/account-store.js';
import { loopbackCodeFor, retryAfterHeader, sendError, sendJson, STATUS_OF, type LoopbackErrorCode } from './answers.js';
import type { AuditLog, AuditRoute } from './audit-log.js';
import { bearerKey } from './client-keys.js';
import type { ClientStore, LoopbackClient } from './client-store.js';
import { DEFAULT_AUTH_RATE_LIMIT, FailureLimiter, type RateLimit } from './rate-limiter.js';
import { silentLogger, type Logger } from '../log/logger.js';

/**
 * The documented default port. Below 32768, so that no common OS's ephemeral range (Linux
 * 32768-60999, Windows and macOS 49152-65535) can hand it to an outgoing connection first.
 */
export const DEFAULT_LOOPBACK_PORT = 27813;

/** The part of TokenryService the server calls. */
export interface LoopbackTokenSource {
  /** A token valid for at least `minValidSeconds`, renewed first if need be (single flight). */
  token(name: string, options: { minValidSeconds?: number }): Promise<Result<TokenView, ErrorValue>>;
  /**
   * The current token without waiting, or `null` when `token` must renew (or wait for a
   * renewal). Optional: without it every answer goes through `token`, a little slower.
   */
  cachedToken?(name: string, minValidSeconds: number): TokenView | null;
  accounts(): AccountView[];
}

export type NeedsSignInListener = (account: string) => void;
/** A client asked for an account outside its list (and got 403): the owner may ask the person to allow it. */
export type AccessRequestListener = (client: string, account: string) => void;

export interface LoopbackServerOptions {
  readonly service: LoopbackTokenSource;
  readonly clients: ClientStore;
  readonly audit: AuditLog;
  /** Default DEFAULT_LOOPBACK_PORT; 0 picks a free port (tests). */
  readonly port?: number;
  /** Failed authentications per remote address. */
  readonly authRateLimit?: RateLimit;
  /** Called when a client's request finds an account that needs the person to sign in. */
  readonly onNeedsSignIn?: NeedsSignInListener;
  readonly now?: () => number;
  /** Where a failure that the client only sees as 500 is told in full (never a key or a token). */
  readonly log?: Logger;
}

/** What the server has answered since it started, by status: for the app's status view and for tests. */
export interface LoopbackStats {
  readonly requests: number;
  readonly byStatus: Readonly<Record<number, number>>;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  stats(): LoopbackStats;
  /**
   * Subscribes to needs-sign-in events: once per account until it next succeeds, or again after
   * 15 minutes if it still needs the person. Returns the unsubscribe.
   */
  onNeedsSignIn(listener: NeedsSignInListener): () => void;
  /** Subscribes to access requests: once per client and account, again after 15 minutes if it asks again. */
  onAccessRequested(listener: AccessRequestListener): () => void;
  /** Stops accepting, ends idle and in-flight connections, writes the audit log and client use times. */
  close(): Promise<void>;
}

/** The rate limiter's one key: failed authentications are counted for all local sources together. */
const LOCAL_SOURCES = 'loopback';

/** An account that still needs sign-in is announced again after this long. */
const ANNOUNCE_AGAIN_MS = 15 * 60_000;
/** min_valid above a day is a client bug: it would renew on every request. */
const MAX_MIN_VALID_SECONDS = 86_400;
const TOKEN_PATH = /^\/v1\/accounts\/([^/]+)\/token$/;
const MIN_VALID = /^(?:0|[1-9][0-9]{0,5})$/;

interface Route {
  readonly route: AuditRoute;
  /** The account named in the path, once it is known to be a valid name. */
  readonly account: string | null;
  readonly query: string;
  readonly known: boolean;
}

/** Starts listening on 127.0.0.1; `port_in_use` (kind config) when the port is taken. */
export async function startLoopbackServer(options: LoopbackServerOptions): Promise<Result<LoopbackServer, ErrorValue>> {
  const handler = new LoopbackHandler(options);
  const server = createServer(
    {
      // A missing Host is ours to refuse (403, audited), not Node's 400.
      requireHostHeader: false,
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      keepAliveTimeout: 5_000,
    },
    (req, res) => handler.handle(req, res),
  );
  const port = options.port ?? DEFAULT_LOOPBACK_PORT;
  const listening = await listen(server, port);
  if (!listening.ok) return listening;
  const bound = (server.address() as AddressInfo).port;
  handler.bind(bound);
  const url = `http://127.0.0.1:${bound}`;
  let closing: Promise<void> | undefined;
  return ok({
    url,
    port: bound,
    stats: () => handler.stats(),
    onNeedsSignIn: (listener) => handler.addNeedsSignInListener(listener),
    onAccessRequested: (listener) => handler.addAccessRequestListener(listener),
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        // In-flight requests get a moment to finish (a renewal may be on its way), then are cut.
        const cut = setTimeout(() => server.closeAllConnections(), 2_000);
        cut.unref();
        await closed;
        clearTimeout(cut);
        await Promise.allSettled([options.audit.flush(), options.clients.flush()]);
      })();
      return closing;
    },
  });
}

function listen(server: Server, port: number): Promise<Result<null, ErrorValue>> {
  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const inUse = error.code === 'EADDRINUSE';
      resolve(
        err({
          code: inUse ? 'port_in_use' : 'listen_failed',
          kind: 'config',
          message: inUse
            ? // Each shell names its own way to choose another (`serve --port`, the harness's --loopback-port, the app's settings).
              `Port ${port} on 127.0.0.1 is in use: is another Tokenry serving?`
            : `Cannot listen on 127.0.0.1:${port}: ${error.message}`,
        }),
      );
    };
    server.once('error', onError);
    // IPv4 loopback only: never a wildcard address, never a LAN interface.
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', onError);
      resolve(ok(null));
    });
  });
}

class LoopbackHandler {
  private allowedHosts: ReadonlySet<string> = new Set();
  private readonly limiter: FailureLimiter;
  private readonly listeners = new Set<NeedsSignInListener>();
  private readonly accessListeners = new Set<AccessRequestListener>();
  /**
   * When each account was last announced as needing sign-in: a polling script must not flood the
   * person with notifications, yet a problem that outlives the first one is announced again.
   */
  private readonly announced = new Map<string, number>();
  /** When each (client, account) access request was last announced: a retrying script asks the person once. */
  private readonly accessAnnounced = new Map<string, number>();
  private readonly now: () => number;
  private readonly counts = new Map<number, number>();
  /**
   * Each token view serialised once: the service hands out the same view object for as long as
   * the token and its expires_in stay the same, and a new object after a renewal, so a body can
   * never outlive its token.
   */
  private readonly bodies = new WeakMap<TokenView, string>();
  private readonly log: Logger;
  private total = 0;

  constructor(private readonly options: LoopbackServerOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? silentLogger;
    this.limiter = new FailureLimiter(options.authRateLimit ?? DEFAULT_AUTH_RATE_LIMIT, this.now);
    if (options.onNeedsSignIn) this.listeners.add(options.onNeedsSignIn);
  }

  /** Only the address we listen on, by number or as localhost, with our port: anything else is DNS rebinding. */
  bind(port: number): void {
    this.allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  }

  addNeedsSignInListener(listener: NeedsSignInListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addAccessRequestListener(listener: AccessRequestListener): () => void {
    this.accessListeners.add(listener);
    return () => this.accessListeners.delete(listener);
  }

  stats(): LoopbackStats {
    return { requests: this.total, byStatus: Object.fromEntries(this.counts) };
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.serve(req, res);
    } catch (error) {
      this.log.error('request failed', { cause: error });
      this.fail(res);
    }
  }

  /** A bug or a vault failure: the client learns only that it failed. */
  private fail(res: ServerResponse): void {
    if (!res.headersSent) this.refuse(res, null, null, 'other', 'internal_error', 'The token provider failed; see the app.');
    else res.destroy();
  }

  /** Synchronous up to the service call: no promise is made for a request that is refused. */
  private serve(req: IncomingMessage, res: ServerResponse): void {
    // One pass over the raw headers: Node folds duplicate Host headers into one, rawHeaders does not.
    const raw = req.rawHeaders;
    let hosts = 0;
    let host = '';
    let origin = false;
    let browser = false;
    let authorization: string | undefined;
    let authorizations = 0;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      switch (name.length) {
        case 4:
          if (name.toLowerCase() === 'host') {
            hosts += 1;
            host = raw[i + 1] ?? '';
          }
          break;
        case 6:
          if (name.toLowerCase() === 'origin') origin = true;
          break;
        case 13:
          if (name.toLowerCase() === 'authorization') {
            authorizations += 1;
            authorization = raw[i + 1];
          }
          break;
        case 14: {
          // Fetch metadata: browsers send Sec-Fetch-Site and -Dest; Node's fetch sends only -Mode, so that one is not a sign.
          const lower = name.toLowerCase();
          if (lower === 'sec-fetch-site' || lower === 'sec-fetch-dest') browser = true;
          break;
        }
      }
    }
    const route = parseRoute(req.url ?? '');
    if (hosts !== 1 || !this.allowedHosts.has(host.toLowerCase())) {
      return this.refuse(res, null, route.account, route.route, 'forbidden_host', 'Requests must name 127.0.0.1 or localhost with this port as Host (DNS rebinding is refused).');
    }
    // Any Origin, `null` included, means a browser or something posing as one.
    if (origin) return this.refuse(res, null, route.account, route.route, 'forbidden_origin', 'Requests from web pages are refused.');
    if (browser) return this.refuse(res, null, route.account, route.route, 'forbidden_browser', 'Requests from browsers are refused.');
    if (req.method !== 'GET') {
      return this.refuse(res, null, route.account, route.route, 'method_not_allowed', 'Only GET is served.', ['Allow', 'GET']);
    }

    // Two Authorization headers: which one counts is not ours to guess (RFC 6750 §3.1: invalid_request).
    if (authorizations > 1) return this.refuseAuth(res, route, 'duplicate');
    const key = bearerKey(authorization);
    const client = key === null ? null : this.options.clients.authenticate(key);
    if (client === null) return this.refuseAuth(res, route, key === null ? 'missing' : 'invalid');
    if (!route.known) return this.refuse(res, client.name, null, 'other', 'not_found', 'No such endpoint: use /v1/accounts or /v1/accounts/{name}/token.');
    this.options.clients.markUsed(client.name);

    if (route.route === 'accounts') return this.listAccounts(res, client);
    const account = route.account;
    if (account === null) return this.refuse(res, client.name, null, 'token', 'not_found', 'There is no account by that name.');
    // A one-time grant the person gave ("Allow once") lets exactly one request through.
    if (!client.accounts.has(account) && !this.options.clients.useGrant(client.name, account)) {
      this.announceAccessRequest(client.name, account);
      return this.refuse(res, client.name, account, 'token', 'account_not_allowed', `This client may not use the account "${account}".`);
    }
    let minValidSeconds = 0;
    if (route.query !== '') {
      const text = new URLSearchParams(route.query).get('min_valid');
      if (text !== null) {
        if (!MIN_VALID.test(text) || Number(text) > MAX_MIN_VALID_SECONDS) {
          return this.refuse(res, client.name, account, 'token', 'invalid_request', `min_valid must be a whole number of seconds from 0 to ${MAX_MIN_VALID_SECONDS}.`);
        }
        minValidSeconds = Number(text);
      }
    }
    // A cached token is answered in this tick: answering from a promise costs a visible share of throughput.
    const cached = this.options.service.cachedToken?.(account, minValidSeconds) ?? null;
    if (cached !== null) return this.answerToken(res, client.name, account, cached);
    this.options.service.token(account, { minValidSeconds }).then(
      (result) => (result.ok ? this.answerToken(res, client.name, account, result.value) : this.serviceError(res, client.name, account, result.error)),
      (error: unknown) => {
        this.log.error('token request failed', { account, cause: error });
        this.fail(res);
      },
    );
  }

  private answerToken(res: ServerResponse, client: string, account: string, view: TokenView): void {
    if (this.announced.size > 0) this.announced.delete(account);
    this.count(200);
    this.options.audit.record(client, account, 'token', 200, 'ok');
    sendJson(res, 200, this.body(view));
  }

  /** The answer's JSON, serialised once per view (per token and second) rather than once per request. */
  private body(view: TokenView): string {
    let body = this.bodies.get(view);
    if (body === undefined) {
      body = JSON.stringify(view);
      this.bodies.set(view, body);
    }
    return body;
  }

  private listAccounts(res: ServerResponse, client: LoopbackClient): void {
    const accounts = this.options.service
      .accounts()
      .filter((a) => client.accounts.has(a.name))
      .map((a) => ({
        name: a.name,
        provider: a.provider,
        status: a.state.kind,
        expires_at: a.expiresAt === null ? null : new Date(a.expiresAt).toISOString(),
        scope: (a.grantedScope ?? a.requestedScope)?.join(' ') ?? null,
      }));
    this.count(200);
    this.options.audit.record(client.name, null, 'accounts', 200, 'ok');
    sendJson(res, 200, JSON.stringify({ accounts }));
  }

  private refuseAuth(res: ServerResponse, route: Route, problem: 'missing' | 'invalid' | 'duplicate'): void {
    // One bucket for every source: the server listens on 127.0.0.1 only, so every request is local, and a
    // local process can send from any of 127.0.0.0/8's 16 million addresses.
    const retryMs = this.limiter.fail(LOCAL_SOURCES);
    if (retryMs > 0) {
      return this.refuse(res, null, route.account, route.route, 'rate_limited', 'Too many failed authentications: wait before trying again.', retryAfterHeader(retryMs));
    }
    // RFC 6750 §3: a Bearer challenge, with an error code only when a credential was offered.
    switch (problem) {
      case 'missing':
        return this.refuse(res, null, route.account, route.route, 'missing_client_key', 'Send the client key as "Authorization: Bearer tkr_...".', ['WWW-Authenticate', 'Bearer realm="tokenry"']);
      case 'invalid':
        return this.refuse(res, null, route.account, route.route, 'invalid_client_key', 'The client key is not valid (unknown or revoked).', [
          'WWW-Authenticate',
          'Bearer realm="tokenry", error="invalid_token"',
        ]);
      case 'duplicate':
        return this.refuse(res, null, route.account, route.route, 'invalid_request', 'Send exactly one Authorization header.', [
          'WWW-Authenticate',
          'Bearer realm="tokenry", error="invalid_request"',
        ]);
    }
  }

  private serviceError(res: ServerResponse, client: string, account: string, error: ErrorValue): void {
    const code = loopbackCodeFor(error);
    if (code === 'needs_sign_in') this.announceNeedsSignIn(account);
    const extra = error.retryAfterMs !== undefined && STATUS_OF[code] === 503 ? retryAfterHeader(error.retryAfterMs) : [];
    // Service messages are written for people and hold no secrets.
    this.refuse(res, client, account, 'token', code, error.message, extra);
  }

  private announceNeedsSignIn(account: string): void {
    const now = this.now();
    const last = this.announced.get(account);
    if (last !== undefined && now - last < ANNOUNCE_AGAIN_MS) return;
    this.announced.set(account, now);
    for (const listener of this.listeners) {
      try {
        listener(account);
      } catch (error) {
        // A failing notifier must not turn a 409 into a 500.
        this.log.warn('a needs-sign-in listener failed', { account, cause: error });
      }
    }
  }

  private announceAccessRequest(client: string, account: string): void {
    if (this.accessListeners.size === 0) return;
    const key = `${client}\n${account}`;
    const now = this.now();
    const last = this.accessAnnounced.get(key);
    if (last !== undefined && now - last < ANNOUNCE_AGAIN_MS) return;
    // Bounded: a client cycling through made-up names cannot grow this map without end.
    if (this.accessAnnounced.size >= 10_000) this.accessAnnounced.clear();
    this.accessAnnounced.set(key, now);
    for (const listener of this.accessListeners) {
      try {
        listener(client, account);
      } catch (error) {
        this.log.warn('an access-request listener failed', { client, account, cause: error });
      }
    }
  }

  private refuse(res: ServerResponse, client: string | null, account: string | null, route: AuditRoute, code: LoopbackErrorCode, description: string, extra: readonly string[] = []): void {
    const status = STATUS_OF[code];
    this.count(status);
    // Refusals are counted per minute by reason and source (the address, before authentication): see audit-log.ts.
    this.options.audit.record(client, account, route, status, code, res.req.socket.remoteAddress ?? null);
    sendError(res, code, description, extra);
  }

  private count(status: number): void {
    this.total += 1;
    this.counts.set(status, (this.counts.get(status) ?? 0) + 1);
  }
}

/** Splits path and query without building a URL object on the hot path. */
function parseRoute(url: string): Route {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q + 1);
  if (path === '/v1/accounts') return { route: 'accounts', account: null, query, known: true };
  const match = TOKEN_PATH.exec(path);
  if (match === null) return { route: 'other', account: null, query, known: false };
  let name: string;
  try {
    name = decodeURIComponent(match[1] ?? '');
  } catch {
    return { route: 'token', account: null, query, known: true };
  }
  // Only a well-formed name reaches the audit log or the service.
  return { route: 'token', account: ACCOUNT_NAME.test(name) ? name : null, query, known: true };
}
