// Resolving an account's profile (preset plus overrides) and its endpoint URLs.

import { GrantError } from '../grants/grant-error.js';
import type { GrantType, ProfileOverrides, ProviderProfile } from './profile.js';
import { findPreset, PRESETS } from './presets.js';

/** A preset with an account's overrides laid over it; any field may be changed. */
export function resolveProfile(presetId: string, overrides: ProfileOverrides = {}): ProviderProfile {
  const preset = findPreset(presetId);
  if (preset === undefined) {
    throw new GrantError('invalid_config', `Unknown provider "${presetId}". Known providers: ${Object.keys(PRESETS).join(', ')}.`);
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as ProfileOverrides;
  return { ...preset, ...defined, id: preset.id };
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** Loopback addresses: 127.0.0.0/8, ::1 and localhost, where plain http cannot leave the machine. */
export function isLoopbackHost(hostname: string): boolean {
  if (LOOPBACK_HOSTS.has(hostname.toLowerCase())) return true;
  return /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(hostname);
}

/**
 * The URL a grant is sent to: `refreshUrl` for refresh_token grants where the profile has one,
 * else `tokenUrl`, with `{baseUrl}` filled in. https is required except on loopback addresses,
 * unless the account explicitly allows plain http.
 */
export function endpointFor(profile: ProviderProfile, grant: GrantType): URL {
  const template = grant === 'refresh_token' && profile.refreshUrl ? profile.refreshUrl : profile.tokenUrl;
  if (template.includes('{baseUrl}') && profile.baseUrl.trim() === '') {
    throw new GrantError('invalid_config', `${profile.label} needs a base URL (the address of your ${profile.label} server).`);
  }
  const text = template.replaceAll('{baseUrl}', profile.baseUrl.replace(/\/+$/, ''));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new GrantError('invalid_config', `The token endpoint "${text.split('?')[0] ?? ''}" is not a valid URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new GrantError('invalid_config', `The token endpoint must be an http(s) URL, not ${url.protocol}.`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new GrantError('invalid_config', 'The token endpoint URL must not carry a user name or password.');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !profile.allowInsecureHttp) {
    throw new GrantError(
      'insecure_url',
      `Refusing to send credentials over plain http to ${url.host}. Use https, or allow insecure http for this account explicitly.`,
    );
  }
  return url;
}
