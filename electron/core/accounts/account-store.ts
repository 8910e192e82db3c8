// Accounts: non-secret settings in the data file, secrets (client secret, token record) in the vault.

import { z } from 'zod';
import type { BasicCredentialEncoding, ProfileOverrides } from '../providers/profile.js';
import { profileOverridesSchema } from '../providers/profile-schema.js';
import type { TokenRecord } from '../grants/token-record.js';
import type { ServerMetadata } from '../grants/discovery.js';

const url = z.string().min(1).max(2000);
const names = z.array(z.string().max(500)).max(200).readonly().nullable();

/** An issuer's metadata as discovered (grants/discovery.ts ServerMetadata): non-secret, kept with the account. */
export const discoverySchema = z
  .object({
    issuer: url,
    source: z.enum(['openid-configuration', 'oauth-authorization-server']),
    fetchedAt: z.number().int().nonnegative(),
    authorizationEndpoint: url.nullable(),
    tokenEndpoint: url.nullable(),
    deviceAuthorizationEndpoint: url.nullable(),
    revocationEndpoint: url.nullable(),
    userinfoEndpoint: url.nullable(),
    jwksUri: url.nullable(),
    grantTypesSupported: names,
    responseTypesSupported: names,
    codeChallengeMethodsSupported: names,
    tokenEndpointAuthMethodsSupported: names,
    scopesSupported: names,
    authorizationResponseIssParameterSupported: z.boolean(),
  })
  .strict() satisfies z.ZodType<ServerMetadata>;

/** A unique, script-friendly account name: what `tokenry token NAME` and the loopback URL use. */
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export const accountSchema = z
  .object({
    name: z.string().regex(ACCOUNT_NAME),
    provider: z.string().min(1).max(64),
    overrides: profileOverridesSchema,
    scope: z.array(z.string().min(1).max(500)).max(200).nullable(),
    clientId: z.string().max(500).optional(),
    hasClientSecret: z.boolean(),
    /** The HTTP Basic credential form the provider was seen to accept. */
    basicEncoding: z.enum(['form', 'raw']).optional(),
    /** How the account signed in: a client_credentials account may renew by a new grant, a person's may not. */
    signInGrant: z.enum(['password', 'client_credentials', 'authorization_code', 'device_code']).optional(),
    /** Who the account is signed in as, when the provider or the sign-in said so (never a secret). */
    identity: z
      .object({
        id: z.string().max(500).nullable(),
        name: z.string().max(500).nullable(),
        email: z.string().max(500).nullable(),
      })
      .strict()
      .nullable()
      .optional(),
    createdAt: z.number().int().nonnegative(),
    updatedAt: z.number().int().nonnegative(),
    /** Why the person must sign in again, when they must (a refused refresh token...). */
    needsSignIn: z.string().max(500).nullable(),
    /** What discovery found at the account's issuer (OIDC Discovery, RFC 8414); refreshed on request. */
    discovery: discoverySchema.optional(),
    /** Signed out on purpose (`tokenry logout`): nothing renews it, not even its client credentials, until it signs in again. */
    signedOut: z.boolean().optional(),
  })
  .strict();

export type Account = z.infer<typeof accountSchema> & {
  readonly overrides: ProfileOverrides;
  readonly basicEncoding?: BasicCredentialEncoding;
  readonly discovery?: ServerMetadata;
};

/** accounts.json's format. 2: authenticated (a `mac` beside the content, see vault/data-store.ts); 1 had none. */
export const ACCOUNTS_VERSION = 2;

export const accountsFileSchema = z
  .object({
    version: z.literal(ACCOUNTS_VERSION),
    accounts: z.array(accountSchema).max(100_000),
  })
  .strict();

export type AccountsFile = z.infer<typeof accountsFileSchema>;
export const EMPTY_ACCOUNTS: AccountsFile = { version: ACCOUNTS_VERSION, accounts: [] };

/**
 * The format of a token record as stored in the vault; a record without `version` is from before versions (1).
 * Version 2 adds the expiry source `assumed` (the account's assumed lifetime): only a record that uses it is
 * written as version 2, so a Tokenry that knows version 1 still reads every other record, and refuses those it
 * cannot understand as `newer` rather than reading them as damaged.
 */
export const TOKEN_RECORD_VERSION = 2;

const tokenRecordSchema = z
  .object({
    version: z.union([z.literal(1), z.literal(2)]).optional(),
    accessToken: z.string().min(1),
    tokenType: z.string(),
    issuedAt: z.number(),
    expiresAt: z.number().nullable(),
    expirySource: z.enum(['expires_in', 'jwt_exp', 'assumed', 'unknown']),
    refreshToken: z.string().nullable(),
    refreshExpiresAt: z.number().nullable(),
    grantedScope: z.array(z.string()).nullable(),
    requestedScope: z.array(z.string()).nullable(),
    extra: z.record(z.string(), z.unknown()),
  })
  .strict();

/** The vault's service name and entry names for one account's secrets. */
export const VAULT_SERVICE = 'tokenry';
export const tokenEntry = (name: string): string => `${name}/token`;
export const clientSecretEntry = (name: string): string => `${name}/client_secret`;

/** What an account's token entry in the vault holds: nothing, a record, or something this Tokenry must not use (nor overwrite unasked). */
export type StoredTokenRecord =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly record: TokenRecord }
  | { readonly kind: 'damaged' }
  | { readonly kind: 'newer'; readonly version: number };

/** Reads a token record back from the vault: a damaged or newer record says so instead of reading as "no token". */
export function readTokenRecord(json: string | null): StoredTokenRecord {
  if (json === null) return { kind: 'none' };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { kind: 'damaged' };
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && Number.isInteger(version) && version > TOKEN_RECORD_VERSION) return { kind: 'newer', version };
  const parsed = tokenRecordSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'damaged' };
  const { version: format, ...record } = parsed.data;
  // Version 1 knew no assumed lifetimes: such a record is damaged, not a version 2 one mislabelled.
  if (record.expirySource === 'assumed' && format !== 2) return { kind: 'damaged' };
  return { kind: 'ok', record };
}

/** The oldest format that can hold the record: 2 for an assumed lifetime, else 1 (see TOKEN_RECORD_VERSION). */
const versionFor = (record: TokenRecord): 1 | 2 => (record.expirySource === 'assumed' ? 2 : 1);

export const encodeTokenRecord = (record: TokenRecord): string => JSON.stringify({ version: versionFor(record), ...record });
