// Resolving an account's profile (preset, then what discovery found, then the account's overrides) and its endpoint URLs.

import { GrantError } from '../grants/grant-error.js';
import type { ServerMetadata } from '../grants/discovery.js';
import { discoveredSettings } from './discovered-profile.js';
import type { GrantType, ProfileOverrides, ProviderProfile } from './profile.js';
import { findPreset, PRESETS } from './presets.js';
import { isLoopbackHost } from './loopback-address.js';

export { isLoopbackHost };

/** A preset with an account's overrides laid over it; any field may be changed. */
export function resolveProfile(presetId: string, overrides: ProfileOverrides = {}): ProviderProfile {
  const preset = findPreset(presetId);
  if (preset === undefined) {
    throw new GrantError('invalid_config', `Unknown provider "${presetId}". Known providers: ${Object.keys(PRESETS).join(', ')}.`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as ProfileOverrides;
  return { ...preset, ...defined, id: preset.id };
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
  if (template.includes('{baseUrl}') && profile.baseUrl.trim() === '') {
    throw new GrantError('invalid_config', `${profile.label} needs a base URL (the address of your ${profile.label} server).`);
  }
  const text = template.replaceAll('{baseUrl}', profile.baseUrl.replace(/\/+$/, ''));
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
