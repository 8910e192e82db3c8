// Provider profiles: the type, the built-in presets, and resolving an account's profile.

export type * from './profile.js';
export { findPreset, PRESETS, PRESET_IDS, axosoft, sugarcrm, teamserver, saasu, applixure, oauth2 } from './presets.js';
export { isSecretParam, secretInSettings, type SecretSetting } from './secret-params.js';
export { resolveProfile, endpointFor, isLoopbackHost } from './resolve-profile.js';
export { profileOverridesSchema, signInFieldSchema } from './profile-schema.js';
