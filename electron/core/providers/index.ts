// Provider profiles: the type, the built-in presets, and resolving an account's profile.

export type * from './profile.js';
export { findPreset, PRESETS, PRESET_IDS, axosoft, sugarcrm, teamserver, saasu, applixure, oauth2, oidc, github, google, microsoft, gitlab, keycloak, auth0, okta } from './presets.js';
export { isSecretParam, secretInSettings, type SecretSetting } from './secret-params.js';
export { resolveProfile, resolveAccountProfile, endpointFor, optionalEndpoint, isLoopbackHost, fillTemplate, missingValue, type EndpointField } from './resolve-profile.js';
export { discoveredSettings } from './discovered-profile.js';
export { profileOverridesSchema, signInFieldSchema, loopbackRedirectProblem } from './profile-schema.js';
