// The one IPC contract: every channel's argument and result schemas, and the events main sends.
// Both the preload's window.tokenry and main's handlers (and the web harness) are typed from it.

import { z } from 'zod';
import type { ErrorValue } from './errors.js';
import type { Result } from './result.js';
import { createBridgeWith, type TokenryBridge } from './bridge.js';
import { errorValueSchema, tokenViewSchema } from './token-answer.js';
import { RESETTABLE_SETTINGS } from './accounts.js';

export { errorValueSchema, tokenViewSchema };

const name = z.string().min(1).max(64);
const epoch = z.number().nullable();

export const accountStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('signed_out') }),
  z.object({ kind: z.literal('valid'), expiresAt: epoch }),
  z.object({ kind: z.literal('expiring'), expiresAt: z.number() }),
  z.object({ kind: z.literal('refreshing'), expiresAt: epoch }),
  z.object({ kind: z.literal('expired'), expiresAt: z.number() }),
  z.object({ kind: z.literal('needs_sign_in'), reason: z.string() }),
  z.object({ kind: z.literal('error'), error: errorValueSchema, retryAt: epoch }),
]);

const signInFieldView = z.object({
  name: z.enum(['username', 'password', 'otp']),
  label: z.string(),
  required: z.boolean(),
  secret: z.boolean(),
});

/** An account's (or a preset's) effective, non-secret profile settings: what the edit form shows. */
export const settingsViewSchema = z.object({
  baseUrl: z.string(),
  /** The template (`{baseUrl}` kept), never with a query. */
  tokenUrl: z.string(),
  method: z.enum(['GET', 'POST']),
  encoding: z.enum(['query', 'form', 'json', 'xml']),
  clientAuth: z.enum(['basic', 'body', 'none']),
  extraParams: z.record(z.string(), z.string()),
  allowInsecureHttp: z.boolean(),
  /** HTTP Basic credential form chosen for the account; absent: automatic (RFC form first, raw once). */
  basicEncoding: z.enum(['form', 'raw']).optional(),
  /** Seconds one token request may wait for an answer; absent: 30. */
  timeoutSeconds: z.number().int().optional(),
  /** The issuer the endpoints are discovered from, when there is one. */
  issuer: z.string().optional(),
  authorizationUrl: z.string().optional(),
  deviceAuthorizationUrl: z.string().optional(),
  revocationUrl: z.string().optional(),
  /** A fixed loopback redirect URI; absent: http://127.0.0.1:{any free port}/callback. */
  redirectUri: z.string().optional(),
  /** Values of the preset's own URL placeholders (Entra's tenant, Keycloak's realm). */
  urlParams: z.record(z.string(), z.string()).optional(),
  /** Seconds a token is taken to last when the server states no lifetime; absent: no stated expiry. */
  assumeLifetimeSeconds: z.number().int().optional(),
});

const signInFlowSchema = z.enum(['password', 'client_credentials', 'browser', 'device']);

export const providerSummarySchema = settingsViewSchema.extend({
  id: z.string(),
  label: z.string(),
  grants: z.array(z.string()),
  /** Known values of some extra parameters, for forms to offer (SugarCRM's platform). */
  extraParamChoices: z.array(z.object({ name: z.string(), label: z.string(), options: z.array(z.string()) })),
  /** The parameter carrying the scope; null where the endpoint takes none (no scope field then). */
  scopeParam: z.string().nullable(),
  defaultScope: z.string().nullable(),
  /** The client id used when the account gives none. */
  defaultClientId: z.string().nullable(),
  signInFields: z.array(signInFieldView),
  /** The sign-in flows its accounts can use, best first. */
  signInFlows: z.array(signInFlowSchema),
  /** Where a person registers a client at the service. */
  registerUrl: z.string().nullable(),
  /** How the form names the base URL when the preset asks for it up front; null: under Advanced. */
  baseUrlField: z.object({ label: z.string(), hint: z.string(), placeholder: z.string() }).nullable(),
  /** The preset's own URL placeholders (Entra's tenant, Keycloak's realm) the form asks for. */
  urlParamFields: z.array(z.object({ name: z.string(), label: z.string(), hint: z.string(), suggestions: z.array(z.string()), advanced: z.boolean() })),
  /** Whether the service's clients need a secret; null: as its client authentication says. */
  clientSecret: z.enum(['required', 'optional']).nullable(),
  /** Other words a search for the preset matches. */
  keywords: z.array(z.string()),
});

const nullableUrl = z.string().nullable();
const stringList = z.array(z.string()).nullable();

export const endpointsViewSchema = z.object({
  issuer: nullableUrl,
  authorization: nullableUrl,
  deviceAuthorization: nullableUrl,
  revocation: nullableUrl,
  userinfo: nullableUrl,
  jwks: nullableUrl,
  redirect: nullableUrl,
});

/** What discovery found at the account's issuer (non-secret). */
export const discoveryViewSchema = z.object({
  issuer: z.string(),
  source: z.enum(['openid-configuration', 'oauth-authorization-server']),
  fetchedAt: z.number(),
  authorizationEndpoint: nullableUrl,
  tokenEndpoint: nullableUrl,
  deviceAuthorizationEndpoint: nullableUrl,
  revocationEndpoint: nullableUrl,
  userinfoEndpoint: nullableUrl,
  jwksUri: nullableUrl,
  grantTypesSupported: stringList,
  codeChallengeMethodsSupported: stringList,
  tokenEndpointAuthMethodsSupported: stringList,
  scopesSupported: stringList,
  authorizationResponseIssParameterSupported: z.boolean(),
});

export const accountViewSchema = z.object({
  name: z.string(),
  provider: z.string(),
  providerLabel: z.string(),
  tokenUrl: z.string(),
  clientId: z.string().nullable(),
  /** Whether a client secret is stored; the secret itself never crosses the bridge. */
  hasClientSecret: z.boolean(),
  /** The effective settings (preset with the account's overrides), for the edit form. */
  settings: settingsViewSchema,
  requestedScope: z.array(z.string()).nullable(),
  grantedScope: z.array(z.string()).nullable(),
  state: accountStateSchema,
  tokenType: z.string().nullable(),
  issuedAt: epoch,
  expiresAt: epoch,
  expirySource: z.enum(['expires_in', 'jwt_exp', 'assumed', 'unknown']).nullable(),
  hasRefreshToken: z.boolean(),
  refreshExpiresAt: epoch,
  identity: z.object({ id: z.string().nullable(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
  extraFields: z.array(z.string()),
  signInFields: z.array(signInFieldView),
  /** The sign-in flows this account can use, best first. */
  signInFlows: z.array(signInFlowSchema),
  endpoints: endpointsViewSchema,
  discovery: discoveryViewSchema.nullable(),
  createdAt: z.number(),
});

/**
 * What the accounts list shows of each account: only what a row, the search, the filters and the
 * sorts read. The list crosses the bridge in full at every load; the whole view (settings, endpoints,
 * sign-in fields…) is a third of the size per account, so it is asked for one account at a time
 * (`accounts:get`) by the screens and dialogs that show it.
 */
export const accountListItemSchema = accountViewSchema.pick({
  name: true,
  provider: true,
  providerLabel: true,
  state: true,
  issuedAt: true,
  expiresAt: true,
  hasRefreshToken: true,
  refreshExpiresAt: true,
  identity: true,
  signInFlows: true,
});

/** Profile fields a person may change on an account (the rest stay the preset's). */
export const accountSettingsSchema = z
  .object({
    baseUrl: z.string().max(2000),
    tokenUrl: z.string().max(2000),
    method: z.enum(['GET', 'POST']),
    encoding: z.enum(['query', 'form', 'json', 'xml']),
    clientAuth: z.enum(['basic', 'body', 'none']),
    extraParams: z.record(z.string().min(1).max(200), z.string().max(2000)),
    allowInsecureHttp: z.boolean(),
    /** Send HTTP Basic credentials only in this form (RFC 6749 §2.3.1 `form`, or `raw` for servers that never decode). */
    basicEncoding: z.enum(['form', 'raw']),
    /** How long one token request may wait for an answer (a refresh that times out is not resent). */
    timeoutSeconds: z.number().int().min(1).max(300),
    /** Where the endpoints are discovered from (OIDC Discovery, RFC 8414). */
    issuer: z.string().min(1).max(2000),
    authorizationUrl: z.string().min(1).max(2000),
    deviceAuthorizationUrl: z.string().min(1).max(2000),
    revocationUrl: z.string().min(1).max(2000),
    /** A fixed loopback redirect URI, for providers that register exact URIs. */
    redirectUri: z.string().min(1).max(2000),
    /** Values of the preset's own URL placeholders (Entra's tenant, Keycloak's realm). */
    urlParams: z.record(z.string().min(1).max(32), z.string().min(1).max(200)),
    /** Seconds a token is taken to last when the server states no lifetime (one minute to a year). */
    assumeLifetimeSeconds: z.number().int().min(60).max(31_536_000),
  })
  .partial()
  .strict();

export const newAccountSchema = z
  .object({
    name,
    provider: z.string().min(1).max(64),
    overrides: accountSettingsSchema.optional(),
    scope: z.string().max(4000).nullable().optional(),
    clientId: z.string().max(500).optional(),
    clientSecret: z.string().max(4000).optional(),
  })
  .strict();

export const accountPatchSchema = z
  .object({
    overrides: accountSettingsSchema.optional(),
    /** Settings to take back to what the account has without its own value (see RESETTABLE_SETTINGS). */
    reset: z.array(z.enum(RESETTABLE_SETTINGS)).max(RESETTABLE_SETTINGS.length).optional(),
    scope: z.string().max(4000).nullable().optional(),
    clientId: z.string().max(500).optional(),
    /** A new client secret; absent keeps the stored one. */
    clientSecret: z.string().max(4000).optional(),
  })
  .strict()
  // One setting both given and dropped is a contradiction, not a choice to guess at.
  .refine((patch) => !(patch.reset ?? []).some((key) => patch.overrides?.[key] !== undefined), {
    message: 'A setting cannot be both changed and reset in one edit.',
    path: ['reset'],
  });

export const signInSchema = z
  .object({
    username: z.string().max(500).optional(),
    password: z.string().max(4000).optional(),
    otp: z.string().max(64).optional(),
    /** The flow to run; absent: chosen by what was given and what the account supports. */
    flow: signInFlowSchema.optional(),
    /** How long a browser or device sign-in waits for the person (default 300 s). */
    timeoutSeconds: z.number().int().min(10).max(3600).optional(),
    /** false: report the authorization URL without opening the system browser. */
    openBrowser: z.boolean().optional(),
  })
  .strict();

/** What a browser or device sign-in asks of the person while it waits (never a secret). */
export const signInProgressSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('browser'), url: z.string().max(8000), opened: z.boolean(), expiresAt: z.number() }),
  z.object({
    kind: z.literal('device'),
    userCode: z.string().max(100),
    verificationUri: z.string().max(2000),
    verificationUriComplete: z.string().max(2000).nullable(),
    expiresAt: z.number(),
    message: z.string().max(500).nullable(),
  }),
  z.object({ kind: z.literal('exchanging') }),
]);

/** How a logout or removal went at the provider (RFC 7009); the tokens are forgotten either way. */
export const signOutOutcomeSchema = z.object({
  revocation: z.enum(['revoked', 'not_supported', 'failed', 'nothing_to_revoke']),
  warning: z.string().nullable(),
});

export const tokenDetailsSchema = z.object({
  tokenType: z.string(),
  /** Decoded JWT header and claims, when the access token is a JWT (never verified: for reading). */
  jwt: z.object({ header: z.record(z.string(), z.unknown()), claims: z.record(z.string(), z.unknown()) }).nullable(),
  /** The provider's other answer fields; values under secret-looking names are masked. */
  extra: z.record(z.string(), z.unknown()),
  grantedScope: z.array(z.string()).nullable(),
  requestedScope: z.array(z.string()).nullable(),
  issuedAt: z.number(),
  expiresAt: epoch,
  expirySource: z.enum(['expires_in', 'jwt_exp', 'assumed', 'unknown']),
});

export const copyResultSchema = z.object({ clearsAt: epoch });

export const clientViewSchema = z.object({
  name: z.string(),
  accounts: z.array(z.string()),
  createdAt: z.number(),
  lastUsedAt: epoch,
});

export const newClientResultSchema = z.object({ client: clientViewSchema, key: z.string() });

export const auditRowSchema = z.object({
  time: z.number(),
  client: z.string().nullable(),
  account: z.string().nullable(),
  outcome: z.string(),
  status: z.number().optional(),
});

export type AuditRow = z.infer<typeof auditRowSchema>;

export const settingsSchema = z
  .object({
    leadSeconds: z.number().int().min(10).max(86_400),
    clipboardClearSeconds: z.number().int().min(0).max(3600),
    loopbackPort: z.number().int().min(1024).max(65_535),
    loopbackEnabled: z.boolean(),
    /** Accounts the tray lists first, whatever else there is (the person pins them in the list). */
    pinnedAccounts: z.array(name).max(50).optional(),
  })
  .strict();

export const vaultStatusSchema = z.object({
  protectors: z.array(z.enum(['passphrase', 'keyring', 'safe-storage'])),
  /** Set when the app refuses to rely on a weak safeStorage backend (Linux basic_text). */
  warning: z.string().nullable(),
  /**
   * The OS store this shell can protect the vault with (safeStorage in the app, the OS keyring in
   * the web harness), and whether it is usable now (`problem` says why not); null when it has none.
   */
  osStore: z.object({ kind: z.enum(['keyring', 'safe-storage']), problem: z.string().nullable() }).nullable().optional(),
});

/** A passphrase crossing the bridge to change the vault's protection (never stored, never logged). */
const passphrase = z.string().min(1).max(1024);

const none = z.tuple([]);
const one = <T extends z.ZodType>(schema: T) => z.tuple([schema]);
const two = <A extends z.ZodType, B extends z.ZodType>(a: A, b: B) => z.tuple([a, b]);

/** Request/response channels: renderer asks, main answers with a Result. */
export const CHANNELS = {
  'providers:list': { args: none, result: z.array(providerSummarySchema) },
  'accounts:list': { args: none, result: z.array(accountListItemSchema) },
  /** One account's whole view (the list carries only what its rows show). */
  'accounts:get': { args: one(name), result: accountViewSchema },
  'accounts:add': { args: one(newAccountSchema), result: accountViewSchema },
  'accounts:update': { args: two(name, accountPatchSchema), result: accountViewSchema },
  /** Revokes the account's tokens where the provider can (RFC 7009), then deletes it. */
  'accounts:remove': { args: one(name), result: signOutOutcomeSchema },
  /** Revokes the tokens where the provider can (RFC 7009) and forgets them; the account stays. */
  'accounts:logout': { args: one(name), result: signOutOutcomeSchema },
  /** Opens the page the account's waiting sign-in asks for again (authorization URL, verification URI), in the system browser. */
  'accounts:open-sign-in-page': { args: one(name), result: z.null() },
  /** Fetches the issuer's metadata again and stores it with the account. */
  'accounts:rediscover': { args: one(name), result: accountViewSchema },
  'accounts:sign-in': { args: two(name, signInSchema), result: accountViewSchema },
  /** Stops the account's sign-in in progress (its request, listener or polling); null when none ran. */
  'accounts:cancel-sign-in': { args: one(name), result: z.null() },
  'accounts:refresh': { args: one(name), result: accountViewSchema },
  'tokens:reveal': { args: one(name), result: tokenViewSchema },
  /** A token valid for at least minValidSeconds, renewed first if need be (`tokenry token`, `tokenry exec`). */
  'tokens:get': { args: two(name, z.object({ minValidSeconds: z.number().int().min(0).max(86_400) }).strict()), result: tokenViewSchema },
  'tokens:copy': { args: one(name), result: copyResultSchema },
  'tokens:details': { args: one(name), result: tokenDetailsSchema },
  'clients:list': { args: none, result: z.array(clientViewSchema) },
  'clients:add': { args: two(name, z.array(name).max(1000)), result: newClientResultSchema },
  'clients:remove': { args: one(name), result: z.null() },
  /** Lets a client use one more account: always (added to its list), or once (its next request only, within minutes). */
  'clients:allow': { args: z.tuple([name, name, z.object({ once: z.boolean() }).strict()]), result: clientViewSchema },
  'audit:read': { args: one(z.number().int().min(1).max(10_000)), result: z.array(auditRowSchema) },
  'settings:get': { args: none, result: settingsSchema },
  'settings:set': { args: one(settingsSchema.partial()), result: settingsSchema },
  'vault:status': { args: none, result: vaultStatusSchema },
  /** Replaces the passphrase (current, new): only the data key is rewrapped, no secret re-encrypted. */
  'vault:change-passphrase': { args: two(passphrase, passphrase), result: vaultStatusSchema },
  /** Protects the vault with the OS store instead of its passphrase (the current passphrase confirms). */
  'vault:use-os-store': { args: one(passphrase), result: vaultStatusSchema },
  /** Protects the vault with a new passphrase instead of the OS store. */
  'vault:use-passphrase': { args: one(passphrase), result: vaultStatusSchema },
} as const;

/** Events main sends to the renderer. */
export const EVENTS = {
  'accounts:state': z.object({ name: z.string(), state: accountStateSchema }),
  'accounts:changed': z.null(),
  /** A browser or device sign-in waits for the person: the URL to open, or the code to enter. */
  'accounts:sign-in-progress': z.object({ name: z.string(), progress: signInProgressSchema }),
  /** Loopback requests just written to the audit log, newest last (pushed, so the log updates live). */
  'audit:appended': z.array(auditRowSchema).max(1000),
  /** A loopback client asked for an account outside its list and was refused (403): the person may allow it (clients:allow). */
  'clients:access-requested': z.object({ client: name, account: name }),
} as const;

export type Channel = keyof typeof CHANNELS;

/** Requests after whose success the account list may read differently: the renderer is told `accounts:changed`. */
export const CHANGES_ACCOUNTS: ReadonlySet<Channel> = new Set<Channel>([
  'accounts:add',
  'accounts:update',
  'accounts:remove',
  'accounts:sign-in',
  'accounts:refresh',
  'accounts:logout',
  'accounts:rediscover',
]);
export type EventChannel = keyof typeof EVENTS;
export type ChannelArgs<C extends Channel> = z.infer<(typeof CHANNELS)[C]['args']>;
export type ChannelResult<C extends Channel> = z.infer<(typeof CHANNELS)[C]['result']>;
export type ChannelResponse<C extends Channel> = Result<ChannelResult<C>, ErrorValue>;
export type EventPayload<E extends EventChannel> = z.infer<(typeof EVENTS)[E]>;

/** The handler side: one function per channel, arguments already validated. */
export type Handlers = { [C in Channel]: (...args: ChannelArgs<C>) => Promise<ChannelResponse<C>> };

export const isChannel = (value: unknown): value is Channel => typeof value === 'string' && Object.hasOwn(CHANNELS, value);

/**
 * Validates a request's arguments against the contract and calls its handler; bad input
 * becomes an `invalid_input` error value, never an exception across the boundary.
 */
export async function dispatch(handlers: Handlers, channel: unknown, args: unknown): Promise<Result<unknown, ErrorValue>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'unknown_channel', kind: 'invalid_input', message: 'Unknown request.' } };
  const parsed = CHANNELS[channel].args.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: { code: 'invalid_arguments', kind: 'invalid_input', message: `Invalid request ${channel}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim() },
    };
  }
  const handler = handlers[channel] as (...a: unknown[]) => Promise<Result<unknown, ErrorValue>>;
  return handler(...(parsed.data as unknown[]));
}

/** Checks an event's payload against the contract (zod), for bridges that take events from an untrusted side. */
export function parseEvent<E extends EventChannel>(event: E, payload: unknown): { readonly ok: true; readonly value: EventPayload<E> } | { readonly ok: false } {
  const parsed = EVENTS[event].safeParse(payload);
  return parsed.success ? { ok: true, value: parsed.data as EventPayload<E> } : { ok: false };
}

// The bridge itself lives in shared/bridge.ts, which does not load zod (the web harness's page script
// stays small); Electron's preload builds it with the zod check above.
export { BRIDGE_METHODS, createBridgeWith, type EventCheck, type TokenryBridge } from './bridge.js';

/** Builds a bridge over any transport, checking every event against the contract. */
export function createBridge(
  invoke: (channel: Channel, args: unknown[]) => Promise<Result<unknown, ErrorValue>>,
  subscribe: (event: EventChannel, listener: (payload: unknown) => void) => () => void,
): TokenryBridge {
  return createBridgeWith(invoke, subscribe, parseEvent);
}
