// Resolving an account's profile (preset, then what discovery found, then the account's overrides) and its endpoint URLs.

import { GrantError } from '../grants/grant-error.js';
import type { ServerMetadata } from '../grants/discovery.js';
import { discoveredSettings } from './discovered-profile.js';
import type { GrantType, ProfileOverrides, ProviderProfile } from './profile.js';
import { findPreset, PRESETS } from './presets.js';
import { isLoopbackHost } from './loopback-address.js';

export { isLoopbackHost };

/** `{name}` in a URL template: `{baseUrl}` or one of the preset's own placeholders. */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** A template filled in, or the name of the first placeholder the profile has no value for. */
export type FilledTemplate = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly missing: string };

/**
 * A URL template with `{baseUrl}` (without trailing slashes) and the preset's own placeholders
 * (`urlParams`, through their documented aliases) filled in. Names the profile does not know are
 * left as they are (Entra's metadata carries a `{tenantid}` of its own).
 */
export function fillTemplate(profile: Pick<ProviderProfile, 'baseUrl' | 'urlParams' | 'urlParamFields'>, template: string): FilledTemplate {
  let missing: string | null = null;
  const known = new Set((profile.urlParamFields ?? []).map((f) => f.name));
  const url = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (name === 'baseUrl') {
      const base = profile.baseUrl.trim().replace(/\/+$/, '');
      if (base === '') missing ??= 'baseUrl';
      return base;
    }
    const value = profile.urlParams?.[name];
    if (value === undefined || value === '') {
      if (known.has(name)) missing ??= name;
      return whole;
    }
    const field = profile.urlParamFields?.find((f) => f.name === name);
    return field?.aliases?.[value] ?? value;
  });
  return missing === null ? { ok: true, url } : { ok: false, missing };
}

/** What a profile calls a value it misses, for messages: "a base URL", "its Realm". */
export function missingValue(profile: Pick<ProviderProfile, 'label' | 'baseUrlField' | 'urlParamFields'>, missing: string): string {
  if (missing === 'baseUrl') {
    return profile.baseUrlField === undefined
      ? `${profile.label} needs a base URL (the address of your ${profile.label} server).`
      : `${profile.label} needs its ${profile.baseUrlField.label.toLowerCase()} (--base-url).`;
  }
  const field = profile.urlParamFields?.find((f) => f.name === missing);
  return `${profile.label} needs its ${field?.label.toLowerCase() ?? missing}.`;
}

/** A preset with an account's overrides laid over it; any field may be changed. The issuer template is filled in where it can be. */
export function resolveProfile(presetId: string, overrides: ProfileOverrides = {}): ProviderProfile {
  const preset = findPreset(presetId);
  if (preset === undefined) {
    throw new GrantError('invalid_config', `Unknown provider "${presetId}". Known providers: ${Object.keys(PRESETS).join(', ')}.`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as ProfileOverrides;
  const profile: ProviderProfile = {
    ...preset,
    ...defined,
    id: preset.id,
    // Each placeholder is its own setting: an account's tenant leaves the preset's other values in place.
    ...(defined.urlParams === undefined ? {} : { urlParams: { ...preset.urlParams, ...defined.urlParams } }),
  };
  if (profile.issuer === undefined || !profile.issuer.includes('{')) return profile;
  // Kept as a template while a value is missing: discovery then says which (service #discoverFor).
  const issuer = fillTemplate(profile, profile.issuer);
  return issuer.ok ? { ...profile, issuer: issuer.url } : profile;
}

/**
 * An account's effective profile: the preset, then what discovery found at its issuer, then what
 * the person set on the account (which always wins).
 */
export function resolveAccountProfile(presetId: string, discovery: ServerMetadata | null | undefined, overrides: ProfileOverrides = {}): ProviderProfile {
  if (discovery == null) return resolveProfile(presetId, overrides);
  const preset = resolveProfile(presetId);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as ProfileOverrides;
  return resolveProfile(presetId, { ...discoveredSettings(discovery, preset), ...defined });
}

/** The profile's endpoints other than the token endpoint, by field. */
export type EndpointField = 'authorizationUrl' | 'deviceAuthorizationUrl' | 'revocationUrl' | 'userinfoUrl' | 'jwksUri';

const ENDPOINT_NAMES: Readonly<Record<EndpointField | 'tokenUrl', string>> = {
  tokenUrl: 'token endpoint',
  authorizationUrl: 'authorization endpoint',
  deviceAuthorizationUrl: 'device authorization endpoint',
  revocationUrl: 'revocation endpoint',
  userinfoUrl: 'userinfo endpoint',
  jwksUri: 'JWKS URI',
};

/**
 * One endpoint's URL from its template: `{baseUrl}` filled in; https required except on loopback
 * addresses, unless the account explicitly allows plain http; no user name or password in it.
 */
function endpointUrl(profile: ProviderProfile, template: string, field: EndpointField | 'tokenUrl'): URL {
  const what = ENDPOINT_NAMES[field];
  if (template.trim() === '') {
    throw new GrantError('invalid_config', `${profile.label} needs its ${what}: give the issuer to discover it (--issuer), or the URL itself.`);
  }
  const filled = fillTemplate(profile, template);
  if (!filled.ok) throw new GrantError('invalid_config', missingValue(profile, filled.missing));
  const text = filled.url;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new GrantError('invalid_config', `The ${what} "${text.split('?')[0] ?? ''}" is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GrantError('invalid_config', `The ${what} must be an http(s) URL, not ${url.protocol}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new GrantError('invalid_config', `The ${what} URL must not carry a user name or password.`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !profile.allowInsecureHttp) {
    throw new GrantError(
      'insecure_url',
      `Refusing to send credentials over plain http to ${url.host}. Use https, or allow insecure http for this account explicitly.`,
    );
  }
  return url;
}

/**
 * The URL a grant is sent to: `refreshUrl` for refresh_token grants where the profile has one,
 * else `tokenUrl`, with `{baseUrl}` filled in. https is required except on loopback addresses,
 * unless the account explicitly allows plain http.
 */
export function endpointFor(profile: ProviderProfile, grant: GrantType): URL {
  const template = grant === 'refresh_token' && profile.refreshUrl ? profile.refreshUrl : profile.tokenUrl;
  return endpointUrl(profile, template, 'tokenUrl');
}

/** Another endpoint of the profile (authorization, device authorization, revocation, userinfo, JWKS), or null when it has none. */
export function optionalEndpoint(profile: ProviderProfile, field: EndpointField): URL | null {
  const template = profile[field];
  return template === undefined || template.trim() === '' ? null : endpointUrl(profile, template, field);
}
