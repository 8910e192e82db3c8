// The tokenry commands (README, "The tokenry command"): each parses its flags, asks the data directory's
// owner (or opens it itself: core-access.ts) through the IPC contract, prints.

import type { AccountView } from '../../shared/accounts.js';
import type { ChannelArgs } from '../../shared/ipc.js';
import { describeState } from '../../shared/account-state.js';
import { PRESETS } from '../core/providers/presets.js';
import { CliError, EXIT, readStdin, type CliIo } from './cli-io.js';
import { str, unwrap, type Command, type Values } from './command.js';
import { withCore } from './core-access.js';
import { EXEC_COMMAND, readMinValid } from './exec-command.js';
import { LOOPBACK_COMMANDS, tokenViaLoopback } from './loopback-commands.js';
import { passphraseFromEnvOrPrompt } from '../core/vault/protectors/passphrase-prompt.js';
import { untilInterrupted } from './signals.js';

/** Asks on the terminal with echo off (the vault's prompt, which never waits on a non-terminal). */
const hiddenPrompt = (io: CliIo, prompt: string): Promise<string> =>
  passphraseFromEnvOrPrompt({ env: {}, stdin: io.stdin, stderr: io.stderr, isTTY: io.stdinIsTTY, prompt });

const json = { type: 'boolean' } as const;

type NewAccount = ChannelArgs<'accounts:add'>[0];

function formatTime(epochMs: number | null, now = Date.now()): string {
  if (epochMs === null) return 'unknown';
  const seconds = Math.round((epochMs - now) / 1000);
  const abs = Math.abs(seconds);
  const span = abs >= 86_400 ? `${Math.floor(abs / 86_400)}d` : abs >= 3600 ? `${Math.floor(abs / 3600)}h${Math.floor((abs % 3600) / 60)}m` : abs >= 60 ? `${Math.floor(abs / 60)}m${abs % 60}s` : `${abs}s`;
  return `${new Date(epochMs).toISOString()} (${seconds >= 0 ? 'in ' : ''}${span}${seconds < 0 ? ' ago' : ''})`;
}

function accountLines(a: AccountView): string[] {
  const lines = [
    `name:            ${a.name}`,
    `provider:        ${a.providerLabel} (${a.provider})`,
    `token endpoint:  ${a.tokenUrl}`,
    `status:          ${describeState(a.state)}`,
    `expires:         ${a.issuedAt === null ? '-' : formatTime(a.expiresAt)}`,
    `refresh token:   ${a.hasRefreshToken ? `yes, expires ${formatTime(a.refreshExpiresAt)}` : 'no'}`,
    `requested scope: ${a.requestedScope?.join(' ') ?? '-'}`,
    `granted scope:   ${a.grantedScope?.join(' ') ?? (a.issuedAt === null || a.requestedScope === null ? '-' : 'as requested')}`,
  ];
  if (a.clientId !== null) lines.push(`client id:       ${a.clientId}`);
  if (a.identity !== null) lines.push(`identity:        ${[a.identity.name, a.identity.email && `<${a.identity.email}>`, a.identity.id && `#${a.identity.id}`].filter(Boolean).join(' ')}`);
  if (a.extraFields.length > 0) lines.push(`other fields:    ${a.extraFields.join(', ')}`);
  return lines;
}

/** What to type for the sign-in fields the core found missing (it names them; the flags are ours). */
function missingFlags(username: string | undefined, password: string | undefined): string {
  const parts = [
    username === undefined ? 'the username with --username U' : null,
    password === undefined ? 'the password with --password-stdin (on a terminal it is asked without echo)' : null,
  ].filter((part) => part !== null);
  return parts.length === 0 ? '' : `give ${parts.join(' and ')}`;
}

function parseParams(values: Values): Record<string, string> {
  const raw = values['param'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const params: Record<string, string> = {};
  for (const item of list) {
    if (typeof item !== 'string' || !item.includes('=') || item.startsWith('=')) throw CliError.usage(`--param needs KEY=VALUE, got "${String(item)}"`);
    const at = item.indexOf('=');
    params[item.slice(0, at)] = item.slice(at + 1);
  }
  return params;
}

function oneOf<T extends string>(values: Values, key: string, allowed: readonly T[], transform: (s: string) => string = (s) => s): T | undefined {
  const v = str(values, key);
  if (v === undefined) return undefined;
  const t = transform(v);
  if (!(allowed as readonly string[]).includes(t)) throw CliError.usage(`--${key} must be one of ${allowed.join(', ')}`);
  return t as T;
}

const CORE_COMMANDS: readonly Command[] = [
  {
    path: ['providers'],
    usage: 'tokenry providers [--json]',
    summary: 'List the built-in provider presets.',
    options: { json },
    positionals: [],
    async run(ctx, _args, values) {
      const presets = Object.values(PRESETS);
      if (values['json']) {
        ctx.io.stdout.write(`${JSON.stringify(presets.map((p) => ({ id: p.id, label: p.label, grants: p.grants, method: p.method, encoding: p.encoding, clientAuth: p.clientAuth, tokenUrl: p.tokenUrl, baseUrl: p.baseUrl })), null, 2)}\n`);
      } else {
        for (const p of presets) ctx.io.stdout.write(`${p.id.padEnd(12)} ${p.label.padEnd(24)} ${p.method} ${p.encoding}, ${p.grants.join(', ')}\n`);
      }
      return EXIT.ok;
    },
  },
  {
    path: ['account', 'add'],
    usage:
      'tokenry account add NAME --provider ID [--base-url URL] [--token-url URL] [--client-id ID] [--client-secret-stdin]\n' +
      '        [--scope "S"] [--param KEY=VALUE]... [--method GET|POST] [--encoding query|form|json|xml]\n' +
      '        [--client-auth basic|body|none] [--basic-encoding form|raw] [--timeout-seconds N] [--allow-http]',
    summary: 'Add an account at a provider (any preset field can be overridden).',
    options: {
      provider: { type: 'string' },
      'base-url': { type: 'string' },
      'token-url': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-stdin': { type: 'boolean' },
      scope: { type: 'string' },
      param: { type: 'string', multiple: true },
      method: { type: 'string' },
      encoding: { type: 'string' },
      'client-auth': { type: 'string' },
      'basic-encoding': { type: 'string' },
      'timeout-seconds': { type: 'string' },
      'allow-http': { type: 'boolean' },
    },
    positionals: ['NAME'],
    async run(ctx, args, values) {
      const provider = str(values, 'provider');
      if (provider === undefined) throw CliError.usage('account add needs --provider');
      const overrides: NonNullable<NewAccount['overrides']> = {};
      const baseUrl = str(values, 'base-url');
      if (baseUrl !== undefined) overrides['baseUrl'] = baseUrl;
      const tokenUrl = str(values, 'token-url');
      if (tokenUrl !== undefined) overrides['tokenUrl'] = tokenUrl;
      const method = oneOf(values, 'method', ['GET', 'POST'] as const, (s) => s.toUpperCase());
      if (method !== undefined) overrides['method'] = method;
      const encoding = oneOf(values, 'encoding', ['query', 'form', 'json', 'xml'] as const);
      if (encoding !== undefined) overrides['encoding'] = encoding;
      const clientAuth = oneOf(values, 'client-auth', ['basic', 'body', 'none'] as const);
      if (clientAuth !== undefined) overrides['clientAuth'] = clientAuth;
      // Only this Basic form is then sent: one request per wrong secret, never the other form.
      const basicEncoding = oneOf(values, 'basic-encoding', ['form', 'raw'] as const);
      if (basicEncoding !== undefined) overrides['basicEncoding'] = basicEncoding;
      const timeoutText = str(values, 'timeout-seconds');
      if (timeoutText !== undefined) {
        const timeoutSeconds = Number(timeoutText);
        if (!/^\d+$/.test(timeoutText) || timeoutSeconds < 1 || timeoutSeconds > 300) throw CliError.usage('--timeout-seconds needs a whole number of seconds from 1 to 300');
        overrides['timeoutSeconds'] = timeoutSeconds;
      }
      if (values['allow-http']) overrides['allowInsecureHttp'] = true;
      const params = parseParams(values);
      if (Object.keys(params).length > 0) overrides['extraParams'] = { ...(PRESETS[provider]?.extraParams ?? {}), ...params };
      const clientSecret = values['client-secret-stdin'] ? await readStdin(ctx.io, 'Client secret') : undefined;
      const clientId = str(values, 'client-id');
      const scope = str(values, 'scope');
      const input: NewAccount = {
        name: args[0] ?? '',
        provider,
        overrides,
        ...(scope === undefined ? {} : { scope }),
        ...(clientId === undefined ? {} : { clientId }),
        ...(clientSecret === undefined ? {} : { clientSecret }),
      };
      const view = await withCore(ctx, 'tokenry account add', async (core) =>
        unwrap(await core.call('accounts:add', input), {
          // The core says what is wrong with the URL; the flag that allows it is the command line's.
          insecure_url: 'add --allow-http to send it over plain http anyway',
        }),
      );
      ctx.io.stdout.write(`Added ${view.name} (${view.providerLabel}). Sign in with: tokenry login ${view.name}\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['account', 'list'],
    usage: 'tokenry account list [--json]',
    summary: 'List accounts with their status and expiry.',
    options: { json },
    positionals: [],
    async run(ctx, _args, values) {
      const accounts = await withCore(ctx, 'tokenry account list', async (core) => unwrap(await core.call('accounts:list')));
      if (values['json']) {
        ctx.io.stdout.write(`${JSON.stringify(accounts, null, 2)}\n`);
      } else if (accounts.length === 0) {
        ctx.io.stdout.write('No accounts yet. Add one with: tokenry account add NAME --provider ID\n');
      } else {
        for (const a of accounts) {
          ctx.io.stdout.write(`${a.name.padEnd(20)} ${a.provider.padEnd(12)} ${describeState(a.state).padEnd(14)} ${a.expiresAt === null ? '' : `expires ${formatTime(a.expiresAt)}`}\n`);
        }
      }
      return EXIT.ok;
    },
  },
  {
    path: ['account', 'show'],
    usage: 'tokenry account show NAME [--json]',
    summary: 'Show one account: endpoint, status, expiry, scopes, identity.',
    options: { json },
    positionals: ['NAME'],
    async run(ctx, args, values) {
      const view = await withCore(ctx, 'tokenry account show', async (core) => unwrap(await core.call('accounts:get', args[0] ?? '')));
      ctx.io.stdout.write(values['json'] ? `${JSON.stringify(view, null, 2)}\n` : `${accountLines(view).join('\n')}\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['account', 'remove'],
    usage: 'tokenry account remove NAME',
    summary: 'Remove an account and its secrets.',
    options: {},
    positionals: ['NAME'],
    async run(ctx, args) {
      await withCore(ctx, 'tokenry account remove', async (core) => unwrap(await core.call('accounts:remove', args[0] ?? '')));
      ctx.io.stdout.write(`Removed ${args[0] ?? ''}.\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['login'],
    usage: 'tokenry login NAME [--username U] [--password-stdin] [--otp CODE]',
    summary: 'Sign in (password grant; client_credentials for accounts without sign-in fields). The password is never stored.',
    options: { username: { type: 'string' }, 'password-stdin': { type: 'boolean' }, otp: { type: 'string' } },
    positionals: ['NAME'],
    async run(ctx, args, values) {
      const username = str(values, 'username');
      // On a terminal the password is asked without echo; scripts pipe it with --password-stdin.
      const password = ctx.io.stdinIsTTY && (values['password-stdin'] || username !== undefined)
        ? await hiddenPrompt(ctx.io, `Password for ${username ?? 'this account'}: `)
        : values['password-stdin']
          ? await readStdin(ctx.io, 'Password')
          : undefined;
      const otp = str(values, 'otp');
      const name = args[0] ?? '';
      const view = await withCore(ctx, 'tokenry login', async (core) => {
        // Ctrl-C stops the sign-in where it runs (here, or in the owner), and the command says so.
        const stopWatching = untilInterrupted(() => void core.call('accounts:cancel-sign-in', name));
        try {
          const signedIn = await core.call('accounts:sign-in', name, {
            ...(username === undefined ? {} : { username }),
            ...(password === undefined ? {} : { password }),
            ...(otp === undefined ? {} : { otp }),
          });
          return unwrap(signedIn, {
            missing_credentials: missingFlags(username, password),
          });
        } finally {
          stopWatching();
        }
      });
      ctx.io.stdout.write(`Signed in to ${view.name}; token ${view.expiresAt === null ? 'has no stated expiry' : `expires ${formatTime(view.expiresAt)}`}.\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['token'],
    usage: 'tokenry token NAME [--min-valid SECONDS] [--json]',
    summary:
      'Print a current access token (renewed first if it would expire within --min-valid seconds). ' +
      'With TOKENRY_CLIENT_KEY set, asks the running app or `tokenry serve` over loopback.',
    options: { 'min-valid': { type: 'string' }, json },
    positionals: ['NAME'],
    async run(ctx, args, values) {
      const minValidSeconds = readMinValid(values, 0);
      const name = args[0] ?? '';
      // With a client key, ask the running owner (desktop app or `tokenry serve`) over loopback, as any program would.
      const token = ctx.io.env['TOKENRY_CLIENT_KEY']
        ? await tokenViaLoopback(ctx.dataDir, ctx.io.env, name, minValidSeconds)
        : await withCore(ctx, 'tokenry token', async (core) => unwrap(await core.call('tokens:get', name, { minValidSeconds })));
      // A token that cannot last --min-valid (the provider's tokens are shorter) comes with a warning line.
      if (token.warning !== undefined) ctx.io.stderr.write(`tokenry: ${token.warning}\n`);
      ctx.io.stdout.write(values['json'] ? `${JSON.stringify(token)}\n` : `${token.access_token}\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['refresh'],
    usage: 'tokenry refresh NAME',
    summary: 'Renew the token now (refresh_token, or a new client_credentials grant).',
    options: {},
    positionals: ['NAME'],
    async run(ctx, args) {
      const view = await withCore(ctx, 'tokenry refresh', async (core) => unwrap(await core.call('accounts:refresh', args[0] ?? '')));
      ctx.io.stdout.write(`Renewed ${view.name}; token ${view.expiresAt === null ? 'has no stated expiry' : `expires ${formatTime(view.expiresAt)}`}.\n`);
      return EXIT.ok;
    },
  },
];

export const COMMANDS: readonly Command[] = [...CORE_COMMANDS, EXEC_COMMAND, ...LOOPBACK_COMMANDS];
export type { Command, CommandContext } from './command.js';
