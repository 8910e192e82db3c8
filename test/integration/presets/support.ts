// What the preset sign-in tests share: each everyday service's emulator, the account that points the preset at it
// (every preset field overridden per account, as a person could), and the identity and record it should end with.
import type { AccountIdentity } from '../../../shared/accounts.js';
import { AUTH0_DEFAULTS, startAuth0 } from '../../fixtures/emulators/auth0.js';
import { GITHUB_DEFAULTS, startGithub } from '../../fixtures/emulators/github.js';
import { GITLAB_DEFAULTS, startGitlab } from '../../fixtures/emulators/gitlab.js';
import { GOOGLE_DEFAULTS, startGoogle } from '../../fixtures/emulators/google.js';
import { DEFAULT_PRESET_USER, type InteractiveHandle, type InteractiveOptions } from '../../fixtures/emulators/interactive-provider.js';
import { KEYCLOAK_DEFAULTS, startKeycloak } from '../../fixtures/emulators/keycloak.js';
import { MICROSOFT_DEFAULTS, startMicrosoft } from '../../fixtures/emulators/microsoft.js';
import { OKTA_DEFAULTS, startOkta } from '../../fixtures/emulators/okta.js';

export type PresetId = 'github' | 'google' | 'microsoft' | 'gitlab' | 'keycloak' | 'auth0' | 'okta';

export interface PresetCase {
  readonly id: PresetId;
  start(options: InteractiveOptions): Promise<InteractiveHandle>;
  readonly clientId: string;
  readonly clientSecret?: string;
  /** The account's overrides pointing the preset at the emulator; `flags` the same for `tokenry account add`. */
  overrides(base: string): Record<string, unknown>;
  flags(base: string): string[];
  /** Who the account view says signed in. */
  readonly identity: AccountIdentity;
  /** The scope the token answer grants (the preset's default scope as the provider reports it). */
  readonly grantedScope: readonly string[];
  readonly requestedScope: readonly string[];
  /** Names of the answer's other fields, which the record keeps. */
  readonly extraFields: readonly string[];
  /** Seconds the emulator's access tokens last (null: no stated expiry). */
  readonly lifetime: number | null;
  /** Seconds the refresh token is said to last (null: not stated). */
  readonly refreshLifetime: number | null;
  /** Whether each flow brings a refresh token. */
  readonly refresh: { readonly browser: boolean; readonly device: boolean };
}

const u = DEFAULT_PRESET_USER;
const oidcIdentity: AccountIdentity = { id: u.sub, name: u.name, email: u.email };

export const PRESET_CASES: readonly PresetCase[] = [
  {
    id: 'github',
    start: startGithub,
    clientId: GITHUB_DEFAULTS.clientId,
    clientSecret: GITHUB_DEFAULTS.clientSecret,
    overrides: (base) => ({ baseUrl: base, urlParams: { api: base }, allowInsecureHttp: true }),
    flags: (base) => ['--base-url', base, '--api-url', base, '--allow-http'],
    identity: { id: String(u.numericId), name: u.login, email: u.email },
    grantedScope: ['read:user'],
    requestedScope: ['read:user'],
    extraFields: [],
    lifetime: 28_800,
    refreshLifetime: 15_897_600,
    refresh: { browser: true, device: true },
  },
  {
    id: 'google',
    start: startGoogle,
    clientId: GOOGLE_DEFAULTS.clientId,
    clientSecret: GOOGLE_DEFAULTS.clientSecret,
    overrides: (base) => ({ baseUrl: base, allowInsecureHttp: true }),
    flags: (base) => ['--base-url', base, '--allow-http'],
    identity: oidcIdentity,
    grantedScope: ['openid', 'email', 'profile'],
    requestedScope: ['openid', 'email', 'profile'],
    extraFields: ['id_token'],
    lifetime: 3599,
    refreshLifetime: 604_800,
    refresh: { browser: true, device: true },
  },
  {
    id: 'microsoft',
    start: startMicrosoft,
    clientId: MICROSOFT_DEFAULTS.clientId,
    overrides: (base) => ({ baseUrl: base, urlParams: { tenant: 'common' }, allowInsecureHttp: true }),
    flags: (base) => ['--base-url', base, '--tenant', 'common', '--allow-http'],
    identity: oidcIdentity,
    grantedScope: ['openid', 'profile', 'email'],
    requestedScope: ['openid', 'profile', 'email', 'offline_access'],
    extraFields: ['ext_expires_in', 'id_token'],
    lifetime: 4436,
    refreshLifetime: null,
    refresh: { browser: true, device: true },
  },
  {
    id: 'gitlab',
    start: startGitlab,
    clientId: GITLAB_DEFAULTS.clientId,
    overrides: (base) => ({ baseUrl: base, allowInsecureHttp: true }),
    flags: (base) => ['--base-url', base, '--allow-http'],
    identity: oidcIdentity,
    grantedScope: ['openid', 'profile', 'email', 'read_user'],
    requestedScope: ['openid', 'profile', 'email', 'read_user'],
    extraFields: ['created_at', 'id_token'],
    lifetime: 7200,
    refreshLifetime: null,
    refresh: { browser: true, device: true },
  },
  {
    id: 'keycloak',
    start: startKeycloak,
    clientId: KEYCLOAK_DEFAULTS.clientId,
    overrides: (base) => ({ baseUrl: base, urlParams: { realm: KEYCLOAK_DEFAULTS.realm }, allowInsecureHttp: true }),
    flags: (base) => ['--base-url', base, '--realm', KEYCLOAK_DEFAULTS.realm, '--allow-http'],
    identity: oidcIdentity,
    grantedScope: ['openid', 'profile', 'email'],
    requestedScope: ['openid', 'profile', 'email'],
    extraFields: ['id_token', 'not-before-policy', 'session_state'],
    lifetime: 300,
    refreshLifetime: 1800,
    refresh: { browser: true, device: true },
  },
  {
    id: 'auth0',
    start: startAuth0,
    clientId: AUTH0_DEFAULTS.clientId,
    overrides: (base) => ({ baseUrl: base, allowInsecureHttp: true }),
    flags: (base) => ['--base-url', base, '--allow-http'],
    identity: oidcIdentity,
    grantedScope: ['openid', 'profile', 'email', 'offline_access'],
    requestedScope: ['openid', 'profile', 'email', 'offline_access'],
    extraFields: ['id_token'],
    lifetime: 86_400,
    refreshLifetime: null,
    refresh: { browser: true, device: true },
  },
  {
    id: 'okta',
    start: startOkta,
    clientId: OKTA_DEFAULTS.clientId,
    overrides: (base) => ({ baseUrl: base, allowInsecureHttp: true }),
    flags: (base) => ['--base-url', base, '--allow-http'],
    identity: oidcIdentity,
    grantedScope: ['openid', 'profile', 'email', 'offline_access'],
    requestedScope: ['openid', 'profile', 'email', 'offline_access'],
    extraFields: ['id_token'],
    lifetime: 3600,
    refreshLifetime: null,
    refresh: { browser: true, device: true },
  },
];
