// The tokenry commands (README, "The tokenry command"): each parses its flags, asks the data directory's
// owner (or opens it itself: core-access.ts) through the IPC contract, prints.

import type { AccountView, SignInInput, SignInProgress, SignOutOutcome } from '../../shared/accounts.js';
import type { ChannelArgs } from '../../shared/ipc.js';
import { describeState } from '../../shared/account-state.js';
import { findPreset, PRESETS } from '../core/providers/presets.js';
import type { ProfileOverrides } from '../core/providers/profile.js';
import { secretInSettings } from '../core/providers/secret-params.js';
import { CliError, EXIT, readStdin, type CliIo } from './cli-io.js';
import { str, unwrap, type Command, type Values } from './command.js';
import { withCore } from './core-access.js';
import { EXEC_COMMAND, readMinValid } from './exec-command.js';
import { LOOPBACK_COMMANDS, tokenViaLoopback } from './loopback-commands.js';
import { DATA_COMMANDS } from './data-commands.js';
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
    `expires:         ${a.issuedAt === null ? '-' : a.expiresAt === null ? 'no stated expiry' : `${formatTime(a.expiresAt)}${a.expirySource === 'assumed' ? ' (assumed: the server stated no lifetime)' : ''}`}`,
    `refresh token:   ${a.hasRefreshToken ? `yes, expires ${formatTime(a.refreshExpiresAt)}` : 'no'}`,
    `requested scope: ${a.requestedScope?.join(' ') ?? '-'}`,
    `granted scope:   ${a.grantedScope?.join(' ') ?? (a.issuedAt === null || a.requestedScope === null ? '-' : 'as requested')}`,
  ];
  if (a.clientId !== null) lines.push(`client id:       ${a.clientId}`);
  if (a.identity !== null) lines.push(`signed in as:    ${[a.identity.name, a.identity.email && `<${a.identity.email}>`, a.identity.id && `#${a.identity.id}`].filter(Boolean).join(' ')}`);
  if (a.extraFields.length > 0) lines.push(`other fields:    ${a.extraFields.join(', ')}`);
  if (a.signInFlows.length > 0) lines.push(`sign-in:         ${a.signInFlows.map((f) => FLOW_WORDS[f]).join(', ')}`);
  const e = a.endpoints;
  const endpoints: Array<[string, string | null]> = [
    ['issuer:          ', e.issuer],
    ['authorization:   ', e.authorization],
    ['device auth:     ', e.deviceAuthorization],
    ['revocation:      ', e.revocation],
    ['userinfo:        ', e.userinfo],
    ['jwks:            ', e.jwks],
    ['redirect:        ', e.redirect],
  ];
  for (const [label, value] of endpoints) if (value !== null) lines.push(`${label}${value}`);
  if (a.discovery !== null) {
    const d = a.discovery;
    const document = d.source === 'openid-configuration' ? 'OpenID Connect discovery' : 'RFC 8414 metadata';
    lines.push(`discovered:      ${formatTime(d.fetchedAt)} from ${document}`);
    if (d.codeChallengeMethodsSupported !== null) lines.push(`  pkce methods:  ${d.codeChallengeMethodsSupported.join(' ')}`);
    if (d.tokenEndpointAuthMethodsSupported !== null) lines.push(`  client auth:   ${d.tokenEndpointAuthMethodsSupported.join(' ')}`);
    if (d.grantTypesSupported !== null) lines.push(`  grant types:   ${d.grantTypesSupported.join(' ')}`);
  }
  return lines;
}

const FLOW_WORDS: Readonly<Record<AccountView['signInFlows'][number], string>> = {
  password: 'password',
  client_credentials: 'client credentials',
  browser: 'browser (--browser, the default)',
  device: 'code on another device (--device)',
};

/** What a browser or device sign-in asks of the person, on stderr (stdout stays for results). */
function progressLines(name: string, progress: SignInProgress): string {
  switch (progress.kind) {
    case 'browser':
      return (
        `${progress.opened ? 'Opened your browser to sign in' : 'Open this address in a browser to sign in'} to ${name}${progress.opened ? '; if it did not open, use this address' : ''}:\n` +
        `${progress.url}\n` +
        `Waiting until ${new Date(progress.expiresAt).toLocaleTimeString()} (Ctrl+C cancels)...\n`
      );
    case 'device':
      return (
        `To sign in to ${name}, open ${progress.verificationUri} on any device and enter the code:\n` +
        `${progress.userCode}\n` +
        (progress.verificationUriComplete === null ? '' : `Or open this address, which carries the code:\n${progress.verificationUriComplete}\n`) +
        (progress.message === null ? '' : `${progress.message}\n`) +
        `Waiting until ${new Date(progress.expiresAt).toLocaleTimeString()} (Ctrl+C cancels)...\n`
      );
    case 'exchanging':
      return '';
  }
}

/** One line on stderr when a revocation failed (the tokens were forgotten here all the same). */
function reportRevocation(io: CliIo, outcome: SignOutOutcome): void {
  if (outcome.warning !== null) io.stderr.write(`tokenry: warning: ${outcome.warning}\n`);
}

/** A whole number of seconds within bounds from a flag, or a usage error. */
function seconds(values: Values, key: string, min: number, max: number): number | undefined {
  const text = str(values, key);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw CliError.usage(`--${key} needs a whole number of seconds from ${min} to ${max}`);
  return n;
}

/** Names that mean something to JavaScript objects: never a parameter name. */
const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

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
    // The value is never echoed: it may be a secret given by mistake.
    if (typeof item !== 'string' || !item.includes('=') || item.startsWith('=')) throw CliError.usage(`--param needs KEY=VALUE, got "${typeof item === 'string' ? item.split('=')[0] : ''}…"`);
    const at = item.indexOf('=');
    const name = item.slice(0, at);
    if (RESERVED_NAMES.has(name)) throw CliError.usage(`--param ${name}=… is not a parameter name Tokenry accepts`);
    params[name] = item.slice(at + 1);
  }
  return params;
}

/**
 * A secret on the command line is seen by every user in the process list and kept in shell
 * history, and as a setting it would be stored in clear: refused, saying where it goes instead.
 */
function refuseSecretSettings(provider: string, overrides: Record<string, unknown>): void {
  const secret = secretInSettings(provider, overrides as ProfileOverrides);
  if (secret === null) return;
  const flag = secret.kind === 'param' ? `--param ${secret.name}=…` : `the ${secret.name === 'user info' ? 'user name and password' : `"${secret.name}" parameter`} in --${kebab(secret.setting ?? 'url')}`;
  const instead = secret.clientSecret
    ? 'give the client secret with --client-secret-stdin (read from stdin, kept in the vault)'
    : 'Tokenry keeps secrets only in its vault and cannot send this one as a setting';
  throw CliError.usage(`${flag} would put a secret on the command line and store it in clear: ${instead}`);
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The named placeholder flags and the presets' placeholders they fill (Entra's tenant, Keycloak's realm...). */
const URL_PARAM_FLAGS = [
  ['tenant', 'tenant'],
  ['realm', 'realm'],
  ['authorization-server', 'authorizationServer'],
  ['api-url', 'api'],
] as const;

/** `--tenant`, `--realm`... and `--url-param NAME=VALUE`: values of a preset's own URL placeholders (the service checks the names). */
function parseUrlParams(values: Values): Record<string, string> {
  const raw = values['url-param'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const params: Record<string, string> = {};
  for (const item of list) {
    if (typeof item !== 'string' || !/^[A-Za-z][A-Za-z0-9]*=./.test(item)) throw CliError.usage(`--url-param needs NAME=VALUE, got "${String(item)}"`);
    const at = item.indexOf('=');
    params[item.slice(0, at)] = item.slice(at + 1);
  }
  for (const [flag, name] of URL_PARAM_FLAGS) {
    const value = str(values, flag);
    if (value !== undefined) params[name] = value;
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
      '        [--client-auth basic|body|none] [--basic-encoding form|raw] [--timeout-seconds N] [--allow-http]\n' +
      '        [--issuer URL] [--redirect-uri URI] [--authorization-url URL] [--device-authorization-url URL] [--revocation-url URL]\n' +
      '        [--tenant T] [--realm R] [--authorization-server S] [--api-url URL] [--url-param NAME=VALUE]... [--assume-lifetime SECONDS]\n' +
      'tokenry account add NAME --provider oidc --issuer URL --client-id ID [--client-secret-stdin] [--scope "S"] [--redirect-uri URI]\n' +
      'tokenry account add NAME --provider github|google|microsoft|gitlab|keycloak|auth0|okta --client-id ID [...]\n\n' +
      'The everyday services ask only for what differs: Microsoft its --tenant (common, organizations, consumers or an id),\n' +
      'Keycloak its --base-url and --realm, Auth0 and Okta their --base-url (tenant domain, org URL; Okta also\n' +
      '--authorization-server, default `default`), GitLab a --base-url when self-managed, GitHub Enterprise its --base-url\n' +
      'and --api-url. --assume-lifetime says how long a token lasts when the server states no lifetime (GitHub OAuth apps);\n' +
      'without it such a token has no stated expiry and is renewed only when a caller\'s --min-valid asks for it.\n' +
      'With --issuer the endpoints are discovered (OpenID Connect discovery, else RFC 8414) and stored with the account\n' +
      '(`account show` lists them, `account rediscover` fetches them again). --redirect-uri fixes the browser sign-in\'s\n' +
      'loopback redirect (default http://127.0.0.1:{any free port}/callback) for providers that register exact URIs.',
    summary: 'Add an account at a provider (any preset field can be overridden; --issuer discovers its endpoints).',
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
      issuer: { type: 'string' },
      'redirect-uri': { type: 'string' },
      'authorization-url': { type: 'string' },
      'device-authorization-url': { type: 'string' },
      'revocation-url': { type: 'string' },
      tenant: { type: 'string' },
      realm: { type: 'string' },
      'authorization-server': { type: 'string' },
      'api-url': { type: 'string' },
      'url-param': { type: 'string', multiple: true },
      'assume-lifetime': { type: 'string' },
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
      const endpointFlags = [
        ['issuer', 'issuer'],
        ['redirect-uri', 'redirectUri'],
        ['authorization-url', 'authorizationUrl'],
        ['device-authorization-url', 'deviceAuthorizationUrl'],
        ['revocation-url', 'revocationUrl'],
      ] as const;
      for (const [flag, field] of endpointFlags) {
        const value = str(values, flag);
        if (value !== undefined) overrides[field] = value;
      }
      const urlParams = parseUrlParams(values);
      if (Object.keys(urlParams).length > 0) overrides['urlParams'] = urlParams;
      const assumeLifetime = seconds(values, 'assume-lifetime', 60, 31_536_000);
      if (assumeLifetime !== undefined) overrides['assumeLifetimeSeconds'] = assumeLifetime;
      if (provider === 'oidc' && overrides['issuer'] === undefined) throw CliError.usage('account add --provider oidc needs --issuer URL');
      const params = parseParams(values);
      if (Object.keys(params).length > 0) overrides['extraParams'] = { ...(findPreset(provider)?.extraParams ?? {}), ...params };
      refuseSecretSettings(provider, overrides);
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
      const found = view.discovery === null ? '' : ` Discovered ${view.discovery.issuer} (${view.signInFlows.map((f) => FLOW_WORDS[f].replace(/ \(.*\)$/, '')).join(', ')}).`;
      ctx.io.stdout.write(`Added ${view.name} (${view.providerLabel}).${found} Sign in with: tokenry login ${view.name}\n`);
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
      const json = values['json'] === true;
      const { accounts, views } = await withCore(ctx, 'tokenry account list', async (core) => {
        const listed = unwrap(await core.call('accounts:list'));
        // Scripts get each account's whole view, as `account show --json` gives it (the list carries only what rows show).
        // One at a time: an owner answers a bounded number of requests at once per connection.
        const whole: AccountView[] = [];
        if (json) for (const a of listed) whole.push(unwrap(await core.call('accounts:get', a.name)));
        return { accounts: listed, views: whole };
      });
      if (json) {
        ctx.io.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
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
    path: ['account', 'rediscover'],
    usage: 'tokenry account rediscover NAME',
    summary: "Fetch the account's issuer metadata again (OpenID Connect discovery, else RFC 8414) and store it.",
    options: {},
    positionals: ['NAME'],
    async run(ctx, args) {
      const view = await withCore(ctx, 'tokenry account rediscover', async (core) => unwrap(await core.call('accounts:rediscover', args[0] ?? '')));
      ctx.io.stdout.write(`Rediscovered ${view.endpoints.issuer ?? view.name} for ${view.name}.\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['account', 'remove'],
    usage: 'tokenry account remove NAME',
    summary: 'Remove an account and its secrets (its tokens revoked first where the provider can).',
    options: {},
    positionals: ['NAME'],
    async run(ctx, args) {
      const outcome = await withCore(ctx, 'tokenry account remove', async (core) => unwrap(await core.call('accounts:remove', args[0] ?? '')));
      reportRevocation(ctx.io, outcome);
      ctx.io.stdout.write(`Removed ${args[0] ?? ''}${outcome.revocation === 'revoked' ? '; the provider revoked its tokens' : ''}.\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['login'],
    usage:
      'tokenry login NAME [--no-browser] [--device] [--timeout SECONDS]\n' +
      '       tokenry login NAME --username U [--password-stdin] [--otp CODE]\n\n' +
      'Where the provider offers it, login signs in with your browser (authorization code + PKCE): the authorization URL is\n' +
      'printed on stderr on a line of its own (copy it to another machine if you like) and opened in your browser\n' +
      '(--no-browser: only printed; $BROWSER names another program to open it). --device prints where to go and the code to\n' +
      'enter there instead (RFC 8628). --timeout gives up after SECONDS (default 300). With --username it runs the password\n' +
      'grant; accounts that need nothing typed sign in with their client credentials. Exit codes: 0 signed in, 4 refused\n' +
      '(consent denied, invalid client...), 5 provider unavailable, 1 timeout or other.',
    summary: 'Sign in: browser (code + PKCE), --device code, password, or client credentials. The password is never stored.',
    options: {
      username: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      otp: { type: 'string' },
      'no-browser': { type: 'boolean' },
      device: { type: 'boolean' },
      browser: { type: 'boolean' },
      timeout: { type: 'string' },
    },
    positionals: ['NAME'],
    async run(ctx, args, values) {
      const name = args[0] ?? '';
      const username = str(values, 'username');
      if (values['device'] && values['browser']) throw CliError.usage('choose --device or --browser, not both');
      const timeoutSeconds = seconds(values, 'timeout', 10, 3600);
      // On a terminal the password is asked without echo; scripts pipe it with --password-stdin.
      const password = ctx.io.stdinIsTTY && (values['password-stdin'] || username !== undefined)
        ? await hiddenPrompt(ctx.io, `Password for ${username ?? 'this account'}: `)
        : values['password-stdin']
          ? await readStdin(ctx.io, 'Password')
          : undefined;
      const otp = str(values, 'otp');
      const flow: SignInInput['flow'] = values['device'] ? 'device' : values['browser'] ? 'browser' : undefined;
      const input: SignInInput = {
        ...(username === undefined ? {} : { username }),
        ...(password === undefined ? {} : { password }),
        ...(otp === undefined ? {} : { otp }),
        ...(flow === undefined ? {} : { flow }),
        ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
        ...(values['no-browser'] ? { openBrowser: false } : {}),
      };
      const view = await withCore(ctx, 'tokenry login', async (core) => {
        // What a browser or device sign-in asks of the person, wherever it runs (here, or in the owner).
        const stopProgress = core.onEvent(['accounts:sign-in-progress'], (_event, payload) => {
          const { name: account, progress } = payload as { readonly name: string; readonly progress: SignInProgress };
          if (account === name) ctx.io.stderr.write(progressLines(name, progress));
        });
        // Ctrl-C stops the sign-in where it runs (its listener or polling), and the command ends cleanly.
        const stopWatching = untilInterrupted(() => void core.call('accounts:cancel-sign-in', name));
        try {
          return unwrap(await core.call('accounts:sign-in', name, input), {
            missing_credentials: missingFlags(username, password),
          });
        } finally {
          stopWatching();
          stopProgress();
        }
      });
      ctx.io.stdout.write(`Signed in to ${view.name}; token ${view.expiresAt === null ? 'has no stated expiry' : `expires ${formatTime(view.expiresAt)}`}.\n`);
      return EXIT.ok;
    },
  },
  {
    path: ['logout'],
    usage:
      'tokenry logout NAME\n\n' +
      "Revokes the account's refresh and access tokens where the provider has a revocation endpoint (RFC 7009), then forgets\n" +
      'them. The account stays; nothing renews it until you sign in again. A revocation that fails is a warning on stderr.',
    summary: 'Revoke the tokens where the provider can (RFC 7009) and forget them; the account stays.',
    options: {},
    positionals: ['NAME'],
    async run(ctx, args) {
      const name = args[0] ?? '';
      const outcome = await withCore(ctx, 'tokenry logout', async (core) => unwrap(await core.call('accounts:logout', name)));
      reportRevocation(ctx.io, outcome);
      const said: Record<SignOutOutcome['revocation'], string> = {
        revoked: 'the provider revoked its tokens',
        not_supported: 'the provider has no revocation endpoint, so its tokens stay valid there until they expire',
        failed: 'its tokens were forgotten here',
        nothing_to_revoke: 'it held no token',
      };
      ctx.io.stdout.write(`Signed out of ${name}; ${said[outcome.revocation]}.\n`);
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
        : await withCore(ctx, 'tokenry token', async (core) => unwrap(await core.call('tokens:get', name, { minValidSeconds })), { renews: true });
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
      const view = await withCore(ctx, 'tokenry refresh', async (core) => unwrap(await core.call('accounts:refresh', args[0] ?? '')), { renews: true });
      ctx.io.stdout.write(`Renewed ${view.name}; token ${view.expiresAt === null ? 'has no stated expiry' : `expires ${formatTime(view.expiresAt)}`}.\n`);
      return EXIT.ok;
    },
  },
];

export const COMMANDS: readonly Command[] = [...CORE_COMMANDS, EXEC_COMMAND, ...LOOPBACK_COMMANDS, ...DATA_COMMANDS];
export type { Command, CommandContext } from './command.js';
