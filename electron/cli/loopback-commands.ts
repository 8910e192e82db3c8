// The loopback commands: `tokenry serve`, `tokenry client add|list|allow|remove`, and `tokenry token` through a running owner's loopback endpoint.
import type { TokenView } from '../../shared/accounts.js';
import type { ErrorValue } from '../../shared/errors.js';
import type { VaultError } from '../core/vault/vault-error.js';
import * as z from 'zod/mini';
import { tokenViewSchema } from '../../shared/token-answer.js';
import { CliError, EXIT } from './cli-io.js';
import { str, unwrap, type Command } from './command.js';
import { describeOwner, waitMs, withCore } from './core-access.js';

/** The client key a script uses to ask a running Tokenry (desktop app or `tokenry serve`) for tokens. */
export const CLIENT_KEY_ENV = 'TOKENRY_CLIENT_KEY';
/** Where that Tokenry listens, when not announced in `<dataDir>/loopback.json`. */
export const URL_ENV = 'TOKENRY_URL';
/** The documented default port (loopback-server.ts DEFAULT_LOOPBACK_PORT; repeated so that help loads no server). */
const DEFAULT_PORT = 27813;

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
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

const when = (epochMs: number | null): string => (epochMs === null ? 'never' : new Date(epochMs).toISOString());
const noClientsYet = 'No loopback clients yet. Add one with: tokenry client add NAME --accounts A,B\n';

export const LOOPBACK_COMMANDS: readonly Command[] = [
  {
    path: ['serve'],
    usage: `tokenry serve [--port N]`,
    summary:
      `Own the data directory and serve tokens to local programs on 127.0.0.1 (default port ${DEFAULT_PORT}) until interrupted; ` +
      'keeps tokens renewed, and every other tokenry command goes through it.',
    options: { port: { type: 'string' } },
    positionals: [],
    async run(ctx, _args, values) {
      const port = parsePort(str(values, 'port'));
      const { connectControl } = await import('../core/control/control-client.js');
      const running = await connectControl(ctx.dataDir).catch(() => null);
      if (running !== null) {
        const owner = running.owner;
        running.close();
        if (owner.lasting) throw new CliError(`${ctx.dataDir} is already served by ${describeOwner(owner)}.`, EXIT.other);
      }
      // A one-shot command holding the directory is done within moments: wait for it.
      const { lockDataDir, unlockVault } = await import('./open-service.js');
      const lock = await lockDataDir(ctx.dataDir, 'tokenry serve', 'Stop it first, or ask it for tokens.', waitMs(ctx.io.env));
      const [{ openAppCore }, { watchForWake }, { systemBrowser }, { warmUpRenewal }] = await Promise.all([
        import('../core/bridge/app-core.js'),
        import('../core/refresh/wake-detector.js'),
        import('../core/flows/system-browser.js'),
        import('../core/refresh/renewal-warm-up.js'),
      ]);
      let problem: ErrorValue | null = null;
      // Losing the directory (its lock file removed, or taken) ends serving: nothing more could be saved.
      let lost: VaultError | null = null;
      let stopOnLoss = (): void => undefined;
      const core = await openAppCore({
        dataDir: ctx.dataDir,
        purpose: 'tokenry serve',
        lock: async () => lock,
        unlock: (guard) => unlockVault(ctx.dataDir, ctx.io, { guard, create: true }),
        warmUp: () => warmUpRenewal(),
        loopbackPort: port,
        log: ctx.log,
        copyToClipboard: () => Promise.reject(new Error('tokenry serve has no clipboard.')),
        // `tokenry login` beside serve runs its browser sign-in here: the platform's browser opens.
        openExternal: systemBrowser({ env: ctx.io.env }),
        onLoopbackProblem: (error) => (problem = error),
        onLockLost: (error) => {
          lost = error;
          stopOnLoss();
        },
        onNeedsSignIn: (name) => ctx.io.stderr.write(`Account "${name}" needs you to sign in: run \`tokenry login ${name}\`\n`),
        // The person decides; the request is refused until then (403), and the program asks again.
        onAccessRequested: (client, account) =>
          ctx.io.stderr.write(
            `Client "${client}" asked for account "${account}", which it may not use (refused). ` +
              `Allow it with \`tokenry client allow ${client} ${account}\` (only its next request: add --once).\n`,
          ),
      });
      let stopWatching = (): void => undefined;
      try {
        const url = core.loopback.url();
        if (url === null) {
          const error = problem as ErrorValue | null;
          throw new CliError(`${error?.message ?? 'The loopback endpoint did not start.'} Choose another port with --port N.`, EXIT.other);
        }
        const stopped = Promise.race([
          untilStopSignal(),
          new Promise<'lock lost'>((resolve) => {
            stopOnLoss = () => resolve('lock lost');
            if (lost !== null) resolve('lock lost');
          }),
        ]);
        // After the machine sleeps, renew at once what fell due while timers stood still.
        stopWatching = watchForWake(() => core.service.resume());
        // stdout carries only the URL, so scripts can read it.
        ctx.io.stdout.write(`${url}\n`);
        ctx.io.stderr.write(`Serving tokens on ${url}; tokenry commands go through this process. Ctrl-C stops.\n`);
        const signal = await stopped;
        if (signal === 'lock lost') ctx.io.stderr.write(`tokenry: ${lost === null ? 'lost the data directory' : (lost as VaultError).message}: stopping\n`);
        else ctx.io.stderr.write(`${signal}: stopping.\n`);
      } finally {
        stopWatching();
        await core.close();
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
      const { created, known } = await withCore(ctx, 'tokenry client add', async (core) => {
        const made = unwrap(await core.call('clients:add', name, accounts));
        const listed = await core.call('accounts:list');
        return { created: made, known: listed.ok ? new Set(listed.value.map((a) => a.name)) : null };
      });
      const missing = known === null ? [] : created.client.accounts.filter((a) => !known.has(a));
      const note = `Client "${created.client.name}" may use ${created.client.accounts.join(', ')}. Its key is shown only this once: store it now.`;
      // Piped, the key is alone on stdout (for `$(tokenry client add ...)`); on a terminal, it comes with its note.
      if (ctx.io.stdoutIsTTY === true) ctx.io.stdout.write(`${note}\n${created.key}\n`);
      else {
        ctx.io.stdout.write(`${created.key}\n`);
        ctx.io.stderr.write(`${note}\n`);
      }
      if (missing.length > 0) ctx.io.stderr.write(`Note: no account named ${missing.join(', ')} yet.\n`);
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
      // Read by the owner (it keeps its own copy of clients.json), or here with the vault open: the file is authenticated with its key.
      const clients = await withCore(ctx, 'tokenry client list', async (core) => unwrap(await core.call('clients:list')));
      if (values['json']) {
        ctx.io.stdout.write(`${JSON.stringify(clients.map(jsonView), null, 2)}\n`);
      } else if (clients.length === 0) {
        ctx.io.stdout.write(noClientsYet);
      } else {
        for (const c of clients) {
          ctx.io.stdout.write(`${c.name.padEnd(20)} accounts ${c.accounts.join(',').padEnd(24)} created ${when(c.createdAt)}  last used ${when(c.lastUsedAt)}\n`);
        }
      }
      return EXIT.ok;
    },
  },
  {
    path: ['client', 'allow'],
    usage: 'tokenry client allow CLIENT ACCOUNT [--once]',
    summary: "Let a loopback client use one more account: from now on, or with --once for its next request only (within 10 minutes; needs the running owner).",
    options: { once: { type: 'boolean' } },
    positionals: ['CLIENT', 'ACCOUNT'],
    async run(ctx, args, values) {
      const [client = '', account = ''] = args;
      const once = values['once'] === true;
      const view = await withCore(ctx, 'tokenry client allow', async (core) => {
        // A one-time grant lives in the memory of the process that serves the endpoint.
        if (once && core.via === 'self') throw new CliError('--once needs the running app or `tokenry serve`: the grant lives in the process that serves tokens.', EXIT.usage);
        return unwrap(await core.call('clients:allow', client, account, { once }));
      });
      ctx.io.stdout.write(
        once ? `Client "${view.name}" may use ${account} for its next request (within 10 minutes).\n` : `Client "${view.name}" may now use ${view.accounts.join(', ')}.\n`,
      );
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
      await withCore(ctx, 'tokenry client remove', async (core) => unwrap(await core.call('clients:remove', name)));
      ctx.io.stdout.write(`Removed client ${name}; its key no longer works.\n`);
      return EXIT.ok;
    },
  },
];

function jsonView(c: { readonly name: string; readonly accounts: readonly string[]; readonly createdAt: number; readonly lastUsedAt: number | null }): { name: string; accounts: readonly string[]; createdAt: string; lastUsedAt: string | null } {
  return { name: c.name, accounts: c.accounts, createdAt: new Date(c.createdAt).toISOString(), lastUsedAt: c.lastUsedAt === null ? null : new Date(c.lastUsedAt).toISOString() };
}


const errorSchema = z.object({ error: z.string(), error_description: z.optional(z.string()) });

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
  const { isLoopbackUrl } = await import('../core/loopback/discovery.js');
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
    if (!token.success || token.data.access_token === '') throw new CliError(`Tokenry at ${url.origin} answered something that is not a token.`, EXIT.other);
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
  const { loopbackInfoPath, readLoopbackInfo } = await import('../core/loopback/discovery.js');
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
