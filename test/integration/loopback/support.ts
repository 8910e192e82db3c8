// Test world for the loopback provider: a real vault, service and OAuth server in a temp dir, and raw HTTP helpers.
import { request } from 'node:http';
import { createServer, connect } from 'node:net';
import {
  openLoopbackHost,
  type AuditLog,
  type ClientStore,
  type LoopbackHost,
  type LoopbackHostOptions,
  type LoopbackServer,
} from '../../../electron/core/loopback/index.js';
import { systemGrantDeps } from '../../../electron/core/grants/grant-client.js';
import type { Clock } from '../../../electron/core/refresh/clock.js';
import { TokenryService } from '../../../electron/core/service.js';
import { makeDataDir } from '../../fixtures/data-dir.js';
import type { StoreOpener } from '../../../electron/core/vault/data-store.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import type { Vault } from '../../../electron/core/vault/secret-store.js';
import { APPLIXURE_DEFAULTS, startApplixure } from '../../fixtures/emulators/index.js';
import { OAUTH2_DEFAULTS, startOAuth2Server, type OAuth2ServerHandle, type OAuth2ServerOptions } from '../../fixtures/oauth2-server.js';
import { makeTempDir } from '../../unit/core/vault/vault-test-helpers.js';

export const PASSPHRASE = 'loopback test passphrase';

export interface World {
  readonly dataDir: string;
  readonly oauth: OAuth2ServerHandle;
  readonly service: TokenryService;
  readonly vault: Vault;
  /** Opens the directory's data files as its owner does (authenticated with the vault's key). */
  readonly openStore: StoreOpener;
  /** Closes the service and the vault, leaving the data directory and the OAuth server to another owner. */
  release(): Promise<void>;
  close(): Promise<void>;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A data directory with a real vault and three accounts: `work` (client_credentials at the
 * OAuth server, signed in), `asleep` (no client id: needs sign-in), `down` (signed in by
 * client_credentials at a server since stopped: any renewal fails to connect).
 */
export async function makeWorld(oauthOptions: OAuth2ServerOptions = {}, options: { clock?: Clock } = {}): Promise<World> {
  const { dir, cleanup } = await makeTempDir('tokenry-loopback-');
  const oauth = await startOAuth2Server(oauthOptions);
  const { vault, accounts, openStore } = await makeDataDir(dir, passphraseProtector(PASSPHRASE, { scrypt: TEST_SCRYPT }));
  const { clock } = options;
  const service = await TokenryService.open({
    secrets: vault,
    accounts,
    background: false,
    // With a hand-moved clock, backoff waits end at once (nothing would ever move the clock past them).
    ...(clock === undefined
      ? {}
      : { clock, grantDeps: { ...systemGrantDeps(), now: () => clock.now(), sleep: async () => undefined, setTimer: (fn: () => void, ms: number) => clock.setTimer(fn, ms) } }),
  });
  const client = { clientId: OAUTH2_DEFAULTS.clientId, clientSecret: OAUTH2_DEFAULTS.clientSecret };
  must(await service.addAccount({ name: 'work', provider: 'oauth2', overrides: { baseUrl: oauth.baseUrl }, ...client }));
  must(await service.signIn('work'));
  must(await service.addAccount({ name: 'asleep', provider: 'oauth2', overrides: { baseUrl: oauth.baseUrl } }));
  // Signed in at a provider that then goes away, with a token dead on arrival (expires_in: 0):
  // any request for it must renew, and the renewal finds nobody listening.
  const gone = await startApplixure({ knobs: { accessLifetimeSeconds: 0 } });
  must(
    await service.addAccount({
      name: 'down',
      provider: 'applixure',
      overrides: { baseUrl: gone.baseUrl },
      clientId: APPLIXURE_DEFAULTS.clientId,
      clientSecret: APPLIXURE_DEFAULTS.clientSecret,
    }),
  );
  must(await service.signIn('down'));
  await gone.close();
  const release = async (): Promise<void> => {
    service.close();
    await service.flush();
    await vault.close().catch(() => undefined);
  };
  return {
    dataDir: dir,
    oauth,
    service,
    vault,
    openStore,
    release,
    async close() {
      await release();
      await oauth.close();
      await cleanup();
    },
  };
}

export function must<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** A provider serving over a world: its server, client store and audit log, through the host every owner uses. */
export interface Served {
  readonly host: LoopbackHost;
  readonly server: LoopbackServer;
  readonly clients: ClientStore;
  readonly audit: AuditLog;
  close(): Promise<void>;
}

/** Starts the provider over a world on a free port, the way the app and `tokenry serve` do. */
export async function serve(world: World, options: Partial<LoopbackHostOptions> = {}): Promise<Served> {
  const host = await openLoopbackHost({ dataDir: world.dataDir, service: world.service, openStore: world.openStore, ...options });
  must(await host.serve(0));
  const server = host.server();
  if (server === null) throw new Error('the loopback host is not serving');
  return { host, server, clients: host.clients, audit: host.auditLog, close: () => host.close() };
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  json(): Record<string, unknown>;
}

/** A GET (or `method`) through node:http with exactly the headers given (Host defaults to 127.0.0.1:port). */
export function get(port: number, path: string, options: { key?: string; method?: string; headers?: Record<string, string>; from?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(options.key === undefined ? {} : { Authorization: `Bearer ${options.key}` }), ...options.headers };
    // `from`: the local address to send from (any of 127.0.0.0/8 on Linux).
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers, agent: false, ...(options.from === undefined ? {} : { localAddress: options.from }) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(answer(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends `head` (request line and headers, CRLF-separated, without the final blank line) over a raw socket. */
export function rawRequest(port: number, lines: readonly string[]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const at = line.indexOf(':');
        headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve(answer(Number(statusLine.split(' ')[1]), headers, rest.join('\r\n\r\n')));
    });
  });
}

function answer(status: number, headers: Answer['headers'], body: string): Answer {
  return { status, headers, body, json: () => JSON.parse(body) as Record<string, unknown> };
}
