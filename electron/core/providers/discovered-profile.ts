// What a server's discovered metadata (RFC 8414, OIDC Discovery) means for a profile: its endpoints,
// the grants it offers, whether it sends `iss` (RFC 9207) and ID tokens.

import type { ServerMetadata } from '../grants/discovery.js';
import { DEVICE_CODE_GRANT_TYPE } from '../grants/grant-type-uris.js';
import type { GrantType, ProfileOverrides, ProviderProfile } from './profile.js';

/** RFC 8414 §2: without `grant_types_supported` a server supports authorization_code and implicit. */
const DEFAULT_GRANT_TYPES = ['authorization_code', 'implicit'];

/** The grant type names servers list, for each grant Tokenry speaks. */
const WIRE_NAMES: Readonly<Record<GrantType, readonly string[]>> = {
  password: ['password'],
  client_credentials: ['client_credentials'],
  // Servers that rotate refresh tokens do not always list the grant: it is kept whatever they say.
  refresh_token: ['refresh_token'],
  authorization_code: ['authorization_code'],
  device_code: [DEVICE_CODE_GRANT_TYPE, 'device_code'],
};

/**
 * The settings discovery supplies, laid between the preset and the account's own overrides:
 * the endpoints it names, and of the preset's grants those the server supports and has an
 * endpoint for (refresh_token always stays: it is only used when a refresh token was issued).
 */
export function discoveredSettings(
  metadata: ServerMetadata,
  preset: Pick<ProviderProfile, 'grants'> & Partial<Pick<ProviderProfile, 'authorizationUrl' | 'deviceAuthorizationUrl' | 'tenantIssuer'>>,
): ProfileOverrides {
  const listed = new Set(metadata.grantTypesSupported ?? DEFAULT_GRANT_TYPES);
  const supports = (grant: GrantType): boolean => {
    if (grant === 'refresh_token') return true;
    // A preset that names an endpoint from its provider's documentation knows the grant is there (GitLab's device
    // endpoint), whatever the metadata leaves out.
    if (grant === 'authorization_code' && preset.authorizationUrl !== undefined) return true;
    if (grant === 'device_code' && preset.deviceAuthorizationUrl !== undefined) return true;
    if (grant === 'authorization_code' && metadata.authorizationEndpoint === null) return false;
    if (grant === 'device_code' && metadata.deviceAuthorizationEndpoint === null) return false;
    // RFC 8628 §4: the endpoint in the metadata says the grant is there; Entra's metadata lists no grant types at all,
    // and RFC 8414's default for that (authorization_code, implicit) was never meant to deny a listed endpoint.
    if (grant === 'device_code' && metadata.grantTypesSupported === null) return true;
    return WIRE_NAMES[grant].some((name) => listed.has(name));
  };
  // Entra's multi-tenant metadata names a template (`…/{tenantid}/v2.0`), not an issuer: the one asked for stays.
  const templated = preset.tenantIssuer !== undefined && metadata.issuer.includes(preset.tenantIssuer.placeholder);
  const settings: { -readonly [K in keyof ProfileOverrides]: ProfileOverrides[K] } = {
    ...(templated ? {} : { issuer: metadata.issuer }),
    grants: preset.grants.filter(supports),
    authorizationResponseIss: metadata.authorizationResponseIssParameterSupported,
    openid: metadata.source === 'openid-configuration',
  };
  if (metadata.tokenEndpoint !== null) settings.tokenUrl = metadata.tokenEndpoint;
  if (metadata.authorizationEndpoint !== null) settings.authorizationUrl = metadata.authorizationEndpoint;
  if (metadata.deviceAuthorizationEndpoint !== null) settings.deviceAuthorizationUrl = metadata.deviceAuthorizationEndpoint;
  if (metadata.revocationEndpoint !== null) settings.revocationUrl = metadata.revocationEndpoint;
  if (metadata.userinfoEndpoint !== null) settings.userinfoUrl = metadata.userinfoEndpoint;
  if (metadata.jwksUri !== null) settings.jwksUri = metadata.jwksUri;
  return settings;
}
