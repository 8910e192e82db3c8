// What the UI, the CLI and the loopback endpoint see of accounts, presets and tokens: pure functions of the core's state.
import type { AccountState } from '../../../shared/account-state.js';
import type {
  AccountIdentity,
  AccountListItem,
  AccountSettingsView,
  AccountView,
  DiscoveryView,
  EndpointsView,
  ProviderSummary,
  SignInFlowId,
  TokenDetails,
  TokenView,
} from '../../../shared/accounts.js';
import type { ServerMetadata } from '../grants/discovery.js';
import { decodeJwtParts, maskSecrets } from '../grants/token-details.js';
import { effectiveScope, parseScope, type TokenRecord } from '../grants/token-record.js';
import { displayUrl } from '../grants/token-request.js';
import type { GrantType, ProviderProfile } from '../providers/profile.js';
import { endpointFor, optionalEndpoint, type EndpointField } from '../providers/resolve-profile.js';
import { isSecretParam } from '../providers/secret-params.js';
import type { Account } from './account-store.js';

/** The token as `tokenry token --json` and the loopback endpoint hand it out. */
export function tokenView(record: TokenRecord, now: number): TokenView {
  const scope = effectiveScope(record);
  return {
    access_token: record.accessToken,
    token_type: record.tokenType,
    expires_at: record.expiresAt === null ? null : new Date(record.expiresAt).toISOString(),
    expires_in: record.expiresAt === null ? null : Math.max(0, Math.floor((record.expiresAt - now) / 1000)),
    scope: scope === null ? null : scope.join(' '),
  };
}

/** What the token says about itself: decoded JWT claims (unverified, for reading) and the other answer fields, secrets masked. */
export function tokenDetails(record: TokenRecord): TokenDetails {
  return {
    tokenType: record.tokenType,
    jwt: decodeJwtParts(record.accessToken),
    extra: maskSecrets(record.extra),
    grantedScope: record.grantedScope ? [...record.grantedScope] : null,
    requestedScope: record.requestedScope ? [...record.requestedScope] : null,
    issuedAt: record.issuedAt,
    expiresAt: record.expiresAt,
    expirySource: record.expirySource,
  };
}

/** What an account whose preset is unknown (a hand-edited file) falls back to: RFC 6749's defaults. */
const UNKNOWN_PRESET_SETTINGS: AccountSettingsView = {
  baseUrl: '',
  tokenUrl: '',
  method: 'POST',
  encoding: 'form',
  clientAuth: 'basic',
  extraParams: {},
  allowInsecureHttp: false,
};

/** A URL or URL template as shown to the UI: no user name or password, no query, no fragment (they may carry secrets). */
const MASK = '••••••';

const publicUrl = (url: string): string => url.replace(/[?#][\s\S]*$/, '').replace(/^([a-z][\w+.-]*:\/\/)[^/@]*@/i, '$1');

/** The settings a profile may leave out. */
type OptionalSetting =
  | 'basicEncoding'
  | 'timeoutSeconds'
  | 'issuer'
  | 'authorizationUrl'
  | 'deviceAuthorizationUrl'
  | 'revocationUrl'
  | 'redirectUri'
  | 'urlParams'
  | 'assumeLifetimeSeconds';

/** The non-secret settings the edit form shows, taken from a resolved profile (or a preset). */
export function settingsView(
  profile: Pick<ProviderProfile, Exclude<keyof AccountSettingsView, OptionalSetting>> & Partial<Pick<ProviderProfile, OptionalSetting | 'clientSecretParam'>>,
): AccountSettingsView {
  const urls = (['issuer', 'authorizationUrl', 'deviceAuthorizationUrl', 'revocationUrl', 'redirectUri'] as const).flatMap((key) => {
    const value = profile[key];
    return value === undefined ? [] : [[key, publicUrl(value)] as const];
  });
  return {
    ...Object.fromEntries(urls),
    baseUrl: publicUrl(profile.baseUrl),
    tokenUrl: publicUrl(profile.tokenUrl),
    method: profile.method,
    encoding: profile.encoding,
    clientAuth: profile.clientAuth,
    // A secret-named parameter (kept from before such settings were refused) is shown masked.
    extraParams: Object.fromEntries(Object.entries(profile.extraParams).map(([name, value]) => [name, isSecretParam(name, profile.clientSecretParam) ? MASK : value])),
    allowInsecureHttp: profile.allowInsecureHttp,
    ...(profile.basicEncoding === undefined ? {} : { basicEncoding: profile.basicEncoding }),
    ...(profile.timeoutSeconds === undefined ? {} : { timeoutSeconds: profile.timeoutSeconds }),
    ...(profile.urlParams === undefined ? {} : { urlParams: { ...profile.urlParams } }),
    ...(profile.assumeLifetimeSeconds === undefined ? {} : { assumeLifetimeSeconds: profile.assumeLifetimeSeconds }),
  };
}

/** The sign-in flow each grant a person can start stands for, in the order they are offered. */
const FLOW_OF_GRANT: ReadonlyArray<readonly [GrantType, SignInFlowId]> = [
  ['password', 'password'],
  ['authorization_code', 'browser'],
  ['device_code', 'device'],
  ['client_credentials', 'client_credentials'],
];

/** A preset with every fact a form needs about its dialect (nothing is hard-coded in the UI). */
export function providerSummary(preset: ProviderProfile): ProviderSummary {
  return {
    // What its accounts can use once their endpoints are known (the browser and device flows need theirs).
    signInFlows: FLOW_OF_GRANT.filter(([grant]) => preset.grants.includes(grant)).map(([, flow]) => flow),
    id: preset.id,
    label: preset.label,
    grants: [...preset.grants],
    ...settingsView(preset),
    extraParamChoices: (preset.extraParamChoices ?? []).map((c) => ({ name: c.name, label: c.label, options: [...c.options] })),
    scopeParam: preset.scopeParam,
    defaultScope: preset.defaultScope ?? null,
    defaultClientId: preset.defaultClientId ?? null,
    signInFields: preset.signInFields.map((f) => ({ name: f.name, label: f.label, required: f.required, secret: f.secret })),
    registerUrl: preset.registerUrl ?? null,
    baseUrlField: preset.baseUrlField === undefined ? null : { ...preset.baseUrlField },
    urlParamFields: (preset.urlParamFields ?? []).map((f) => ({
      name: f.name,
      label: f.label,
      hint: f.hint,
      suggestions: [...(f.suggestions ?? [])],
      advanced: f.advanced === true,
    })),
    clientSecret: preset.clientSecret ?? null,
    keywords: [...(preset.keywords ?? [])],
  };
}

/** An account's requested scope as stored: a list, or null for the preset's default. */
export const scopeList = (scope: string | readonly string[] | null | undefined): string[] | null =>
  scope == null ? null : [...(parseScope(scope) ?? [])];

export interface AccountViewInput {
  readonly account: Account;
  /** The effective profile; null when the account's preset is unknown (a hand-edited file). */
  readonly profile: ProviderProfile | null;
  readonly record: TokenRecord | null;
  readonly state: AccountState;
  /** The sign-in flows the account can use, best first (flows/index.ts signInFlowIds). */
  readonly signInFlows?: readonly SignInFlowId[];
}

/** An endpoint of the profile as shown (no query), or null when it has none or it does not resolve. */
function shownEndpoint(profile: ProviderProfile, field: EndpointField): string | null {
  try {
    const url = optionalEndpoint(profile, field);
    return url === null ? null : displayUrl(url.href);
  } catch {
    return null;
  }
}

/** The endpoints in effect beyond the token endpoint, for `account show` and the detail page. */
export function endpointsView(profile: ProviderProfile | null, browser: boolean): EndpointsView {
  if (profile === null) return { issuer: null, authorization: null, deviceAuthorization: null, revocation: null, userinfo: null, jwks: null, redirect: null };
  const redirect = profile.redirectUri ?? `http://${profile.redirectHost ?? '127.0.0.1'}:${profile.redirectPort === undefined || profile.redirectPort === 0 ? '{port}' : profile.redirectPort}/callback`;
  return {
    issuer: profile.issuer ?? null,
    authorization: shownEndpoint(profile, 'authorizationUrl'),
    deviceAuthorization: shownEndpoint(profile, 'deviceAuthorizationUrl'),
    revocation: shownEndpoint(profile, 'revocationUrl'),
    userinfo: shownEndpoint(profile, 'userinfoUrl'),
    jwks: shownEndpoint(profile, 'jwksUri'),
    redirect: browser ? redirect : null,
  };
}

/** Discovered metadata as shown: plain copies, nothing secret in it. */
export function discoveryView(metadata: ServerMetadata): DiscoveryView {
  const list = (v: readonly string[] | null): string[] | null => (v === null ? null : [...v]);
  return {
    issuer: metadata.issuer,
    source: metadata.source,
    fetchedAt: metadata.fetchedAt,
    authorizationEndpoint: metadata.authorizationEndpoint,
    tokenEndpoint: metadata.tokenEndpoint,
    deviceAuthorizationEndpoint: metadata.deviceAuthorizationEndpoint,
    revocationEndpoint: metadata.revocationEndpoint,
    userinfoEndpoint: metadata.userinfoEndpoint,
    jwksUri: metadata.jwksUri,
    grantTypesSupported: list(metadata.grantTypesSupported),
    codeChallengeMethodsSupported: list(metadata.codeChallengeMethodsSupported),
    tokenEndpointAuthMethodsSupported: list(metadata.tokenEndpointAuthMethodsSupported),
    scopesSupported: list(metadata.scopesSupported),
    authorizationResponseIssParameterSupported: metadata.authorizationResponseIssParameterSupported,
  };
}

export function accountView({ account, profile, record, state, signInFlows = [] }: AccountViewInput): AccountView {
  let tokenUrl = profile?.tokenUrl ?? '';
  if (profile !== null) {
    try {
      tokenUrl = displayUrl(endpointFor(profile, profile.grants[0] ?? 'password').toString());
    } catch {
      // An account whose URL no longer resolves (an edited template) still shows its template.
    }
  }
  return {
    name: account.name,
    provider: account.provider,
    providerLabel: profile?.label ?? account.provider,
    tokenUrl,
    clientId: account.clientId ?? profile?.defaultClientId ?? null,
    hasClientSecret: account.hasClientSecret,
    settings: settingsView(profile ?? { ...UNKNOWN_PRESET_SETTINGS, ...account.overrides }),
    requestedScope: account.scope ?? (profile?.defaultScope ? [...(parseScope(profile.defaultScope) ?? [])] : null),
    grantedScope: record?.grantedScope ? [...record.grantedScope] : null,
    state,
    tokenType: record?.tokenType ?? null,
    issuedAt: record?.issuedAt ?? null,
    expiresAt: record?.expiresAt ?? null,
    expirySource: record?.expirySource ?? null,
    hasRefreshToken: record?.refreshToken != null,
    refreshExpiresAt: record?.refreshExpiresAt ?? null,
    identity: account.identity ?? (record === null ? null : identityFromRecord(record)),
    extraFields: record ? Object.keys(record.extra) : [],
    signInFields: (profile?.signInFields ?? []).map((f) => ({ name: f.name, label: f.label, required: f.required, secret: f.secret })),
    signInFlows: [...signInFlows],
    endpoints: endpointsView(profile, signInFlows.includes('browser')),
    discovery: account.discovery === undefined ? null : discoveryView(account.discovery),
    createdAt: account.createdAt,
  };
}

/**
 * What the accounts list carries of an account: the fields of `accountView` a row shows, without
 * the URL work (token endpoint, endpoints, settings) that only the whole view needs.
 */
export function accountListItem({ account, profile, record, state, signInFlows = [] }: AccountViewInput): AccountListItem {
  return {
    name: account.name,
    provider: account.provider,
    providerLabel: profile?.label ?? account.provider,
    state,
    issuedAt: record?.issuedAt ?? null,
    expiresAt: record?.expiresAt ?? null,
    hasRefreshToken: record?.refreshToken != null,
    refreshExpiresAt: record?.refreshExpiresAt ?? null,
    identity: account.identity ?? (record === null ? null : identityFromRecord(record)),
    signInFlows: [...signInFlows],
  };
}

const text = (data: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const v = data[key];
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
};

function identityOf(id: string | undefined, name: string | undefined, email: string | undefined): AccountIdentity | null {
  // Stored with the account, whose schema bounds each field.
  const cut = (v: string | undefined): string | null => (v === undefined ? null : v.slice(0, 500));
  const identity = { id: cut(id), name: cut(name), email: cut(email) };
  return identity.id === null && identity.name === null && identity.email === null ? null : identity;
}

/**
 * Who a token belongs to, from what the provider said: a user object in the answer (Axosoft's
 * `data`), else the claims of a JWT access token (OIDC Core §5.1 names: sub, name,
 * preferred_username, email; Entra's upn and unique_name).
 */
export function identityFromRecord(record: TokenRecord): AccountIdentity | null {
  const data = record.extra['data'];
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) {
    const user = data as Record<string, unknown>;
    const fullName = [text(user, 'first_name'), text(user, 'last_name')].filter(Boolean).join(' ');
    const found = identityOf(text(user, 'id'), fullName || text(user, 'name'), text(user, 'email'));
    if (found !== null) return found;
  }
  const claims = decodeJwtParts(record.accessToken)?.claims;
  if (claims === undefined) return null;
  return identityOf(
    text(claims, 'sub'),
    text(claims, 'name') ?? text(claims, 'preferred_username') ?? text(claims, 'unique_name') ?? text(claims, 'upn'),
    text(claims, 'email'),
  );
}

/** The identity to remember after a sign-in: what the provider said, else the user name the person typed. */
export function identityAfterSignIn(record: TokenRecord, username: string | undefined): AccountIdentity | null {
  return identityFromRecord(record) ?? (username === undefined || username === '' ? null : identityOf(undefined, username, undefined));
}
