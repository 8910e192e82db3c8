// The loopback commands: `tokenry serve`, `tokenry client add|list|remove`, and `tokenry token` through a running owner.
import { z } from 'zod';
import type { TokenView } from '../../shared/accounts.js';
import { accountsFileSchema, EMPTY_ACCOUNTS } from '../core/accounts/account-store.js';
import {
  ClientStore,
  DEFAULT_LOOPBACK_PORT,
  isLoopbackUrl,
  loopbackInfoPath,
  openLoopbackHost,
  readLoopbackInfo,
  type ClientView,
} from '../core/loopback/index.js';
import { DATA_FILES_MAC_PURPOSE } from '../core/data-files.js';
import { openDataStore, type StoreOpener } from '../core/vault/data-store.js';
import type { VaultError } from '../core/vault/vault-error.js';
import { CliError, EXIT } from './cli-io.js';
import { str, type Command, type CommandContext } from './command.js';
import { openService, unlockVault, type OpenedService } from './open-service.js';
import { watchForWake } from '../core/refresh/wake-detector.js';

/** The client key a script uses to ask a running Tokenry (desktop app or `tokenry serve`) for tokens. */
export const CLIENT_KEY_ENV = 'TOKENRY_CLIENT_KEY';
/** Where that Tokenry listens, when not announced in `<dataDir>/loopback.json`. */
export const URL_ENV = 'TOKENRY_URL';

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LOOPBACK_PORT;
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65_535) throw CliError.usage('--port needs a port number from 0 to 65535');
  return Number(text);
}

/** Resolves with the first SIGINT or SIGTERM; later ones get Node's default (exit), so a stuck shutdown can still be cut short. */
function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Changes to clients.json happen only in the process that owns the data directory, so that a
 * running server never overwrites them with its own copy. The vault is opened too: clients.json
 * is authenticated with a key derived from it.
 */
async function withOwnedClients<T>(ctx: CommandContext, purpose: string, use: (clients: ClientStore, opened: OpenedService) => Promise<T>): Promise<T> {
  const opened = await openService(ctx.dataDir, ctx.io, purpose, {
    log: ctx.log,
    hint: 'Loopback clients can only be changed by that process (in the desktop app: Loopback clients), or after stopping it.',
  });
  try {
    const clients = await ClientStore.open(ctx.dataDir, { openStore: opened.openStore });
    try {
      return await use(clients, opened);
    } finally {
      await clients.close();
    }
  } finally {
    await opened.close();
  }
}

/** Account names in the data directory (read through the owner's authenticated opener), or `null` when they cannot be read. */
async function knownAccounts(dataDir: string, openStore: StoreOpener): Promise<Set<string> | null> {
  try {
    const store = await openStore({ dataDir, name: 'accounts', schema: accountsFileSchema, defaults: EMPTY_ACCOUNTS });
    return new Set(store.get().accounts.map((a) => a.name));
  } catch {
    return null;
  }
}

const when = (epochMs: number | null): string => (epochMs === null ? 'never' : new Date(epochMs).toISOString());

export const LOOPBACK_COMMANDS: readonly Command[] = [
  {
    path: ['serve'],
    usage: `tokenry serve [--port N]`,
    summary: `Serve tokens to local clients on 127.0.0.1 (default port ${DEFAULT_LOOPBACK_PORT}) until interrupted; keeps tokens renewed.`,
    options: { port: { type: 'string' } },
    positionals: [],
    async run(ctx, _args, values) {
      const port = parsePort(str(values, 'port'));
      // Losing the directory (its lock file removed, or taken) ends serving: nothing more could be saved.
      let lost: VaultError | null = null;
      let stopOnLoss = (): void => undefined;
      const opened = await openService(ctx.dataDir, ctx.io, 'tokenry serve', {
        background: true,
        log: ctx.log,
        onLockLost: (error) => {
          lost = error;
          stopOnLoss();
        },
      });
      try {
        const host = await openLoopbackHost({
          dataDir: ctx.dataDir,
          service: opened.service,
          openStore: opened.openStore,
          guard: opened.guard,
          log: ctx.log.child('loopback'),
          onNeedsSignIn: (name) => ctx.io.stderr.write(`tokenry: account "${name}" needs you to sign in: run \`tokenry login ${name}\`\n`),
        });
        let stopWatching = (): void => undefined;
        try {
          const served = await host.serve(port);
          if (!served.ok) throw CliError.from(served.error);
          const stopped = Promise.race([
            untilStopSignal(),
            new Promise<'lock lost'>((resolve) => {
              stopOnLoss = () => resolve('lock lost');
              if (lost !== null) resolve('lock lost');
            }),
          ]);
          // After the machine sleeps, renew at once what fell due while timers stood still.
          stopWatching = watchForWake(() => opened.service.resume());
          const url = host.url() ?? '';
          // stdout carries only the URL, so scripts can read it.
          ctx.io.stdout.write(`${url}\n`);
          ctx.io.stderr.write(`tokenry: serving tokens on ${url} (${loopbackInfoPath(ctx.dataDir)}); Ctrl-C to stop\n`);
          const signal = await stopped;
          if (signal === 'lock lost') ctx.io.stderr.write(`tokenry: ${lost === null ? 'lost the data directory' : (lost as VaultError).message}: stopping\n`);
          else ctx.io.stderr.write(`tokenry: ${signal}: stopping\n`);
        } finally {
          stopWatching();
          await host.close();
        }
      } finally {
        await opened.close();
      }
      return lost === null ? EXIT.ok : EXIT.other;
    },
  },
  {
    path: ['client', 'add'],
    usage: 'tokenry client add NAME --accounts A,B',
    summary: 'Create a loopback client allowed the given accounts; prints its key, shown this once.',
    options: { accounts: { type: 'string' } },
    positionals: ['NAME'],
    async run(ctx, args, values) {
      const list = str(values, 'accounts');
      if (list === undefined) throw CliError.usage('client add needs --accounts A,B');
      const accounts = list.split(',').map((a) => a.trim()).filter((a) => a !== '');
      const name = args[0] ?? '';
      const { created, known } = await withOwnedClients(ctx, 'tokenry client add', async (clients, opened) => {
        const result = await clients.addClient(name, accounts);
        if (!result.ok) throw CliError.from(result.error);
        return { created: result.value, known: await knownAccounts(ctx.dataDir, opened.openStore) };
      });
      const missing = known === null ? [] : created.client.accounts.filter((a) => !known.has(a));
      // The key alone on stdout (for `$(tokenry client add ...)`); everything else on stderr.
      ctx.io.stdout.write(`${created.key}\n`);
      ctx.io.stderr.write(`tokenry: client "${created.client.name}" may use ${created.client.accounts.join(', ')}. Its key is shown only this once: store it now.\n`);
      if (missing.length > 0) ctx.io.stderr.write(`tokenry: note: no account named ${missing.join(', ')} yet.\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['client', 'list'],
    usage: 'tokenry client list [--json]',
    summary: 'List loopback clients, their accounts and when they were last used.',
    options: { json: { type: 'boolean' } },
    positionals: [],
    async run(ctx, _args, values) {
      // Reading needs no lock (a running server may hold newer last-used times in memory), but the
      // vault's key: clients.json is authenticated with it. Opened read-only, beside any owner.
      const vault = await unlockVault(ctx.dataDir, ctx.io, { readOnly: true });
      let clients: ClientView[];
      try {
        const macKey = vault.deriveKey(DATA_FILES_MAC_PURPOSE);
        clients = (await ClientStore.open(ctx.dataDir, { openStore: (o) => openDataStore({ ...o, macKey, ifMissing: 'error' }) })).listClients();
      } finally {
        await vault.close();
      }
      if (values['json']) {
        ctx.io.stdout.write(`${JSON.stringify(clients.map(jsonView), null, 2)}\n`);
      } else if (clients.length === 0) {
        ctx.io.stdout.write('No loopback clients yet. Add one with: tokenry client add NAME --accounts A,B\n');
      } else {
        for (const c of clients) {
          ctx.io.stdout.write(`${c.name.padEnd(20)} accounts ${c.accounts.join(',').padEnd(24)} created ${when(c.createdAt)}  last used ${when(c.lastUsedAt)}\n`);
        }
      }
      return EXIT.ok;
    },
  },
  {
    path: ['client', 'remove'],
    usage: 'tokenry client remove NAME',
    summary: 'Revoke a loopback client: its key stops working.',
    options: {},
    positionals: ['NAME'],
    async run(ctx, args) {
      const name = args[0] ?? '';
      await withOwnedClients(ctx, 'tokenry client remove', async (clients) => {
        const result = await clients.removeClient(name);
        if (!result.ok) throw CliError.from(result.error);
      });
      ctx.io.stdout.write(`Removed client ${name}; its key no longer works.\n`);
      return EXIT.ok;
    },
  },
];

function jsonView(c: ClientView): { name: string; accounts: readonly string[]; createdAt: string; lastUsedAt: string | null } {
  return { name: c.name, accounts: c.accounts, createdAt: new Date(c.createdAt).toISOString(), lastUsedAt: c.lastUsedAt === null ? null : new Date(c.lastUsedAt).toISOString() };
}

const tokenViewSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_at: z.string().nullable(),
  expires_in: z.number().nullable(),
  scope: z.string().nullable(),
  warning: z.string().optional(),
});
const errorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/** How long to wait for the owner; a renewal with provider retries may take a while. */
const LOOPBACK_TIMEOUT_MS = 90_000;

/**
 * `tokenry token NAME` when TOKENRY_CLIENT_KEY is set: asks the process that owns the data
 * directory (desktop app or `tokenry serve`) over loopback instead of opening the vault. The
 * URL comes from TOKENRY_URL, else `<dataDir>/loopback.json`. HTTP errors map to the CLI's exit
 * codes: 401/403/404 -> 1, 409 -> 3, a provider's refusal -> 4, 502/503 -> 5.
 */
export async function tokenViaLoopback(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  minValidSeconds: number,
): Promise<TokenView> {
  const key = env[CLIENT_KEY_ENV];
  if (key === undefined || key === '') throw CliError.usage(`${CLIENT_KEY_ENV} is not set`);
  const base = await loopbackUrl(dataDir, env);
  // The key travels in clear over http: only ever to a loopback address.
  if (!isLoopbackUrl(base)) throw CliError.usage(`${URL_ENV} must be an http:// URL on 127.0.0.1 or localhost, got "${base}"`);
  const url = new URL(`/v1/accounts/${encodeURIComponent(name)}/token`, base);
  url.searchParams.set('min_valid', String(minValidSeconds));
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(LOOPBACK_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
    throw new CliError(`Cannot reach Tokenry at ${url.origin} (${cause}): is the desktop app or \`tokenry serve\` running?`, EXIT.other);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  if (response.ok) {
    const token = tokenViewSchema.safeParse(body);
    if (!token.success) throw new CliError(`Tokenry at ${url.origin} answered something that is not a token.`, EXIT.other);
    return token.data;
  }
  const parsed = errorSchema.safeParse(body);
  const code = parsed.success ? parsed.data.error : `http_${response.status}`;
  const description = parsed.success ? (parsed.data.error_description ?? code) : `HTTP ${response.status}`;
  throw new CliError(messageFor(response.status, code, description), exitCodeForStatus(response.status, code));
}

async function loopbackUrl(dataDir: string, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  const fromEnv = env[URL_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const info = await readLoopbackInfo(dataDir);
  if (info === null) {
    throw new CliError(`No running Tokenry announced in ${loopbackInfoPath(dataDir)}: start the desktop app or \`tokenry serve\`, or set ${URL_ENV}.`, EXIT.other);
  }
  return info.url;
}

function messageFor(status: number, code: string, description: string): string {
  if (status === 401) return `Tokenry refused the client key in ${CLIENT_KEY_ENV} (${code}): ${description}`;
  if (status === 403) return `Tokenry refused the request (${code}): ${description}`;
  return description;
}

function exitCodeForStatus(status: number, code: string): number {
  if (status === 409) return EXIT.needsSignIn;
  // The same code `tokenry token` gives when it asks the provider itself.
  if (code === 'provider_rejected') return EXIT.rejected;
  if (status === 502 || status === 503) return EXIT.unavailable;
  return EXIT.other;
}
