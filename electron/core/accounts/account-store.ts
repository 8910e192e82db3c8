// Accounts: non-secret settings in the data file, secrets (client secret, token record) in the vault.

import { z } from 'zod';
import type { BasicCredentialEncoding, ProfileOverrides } from '../providers/profile.js';
import { profileOverridesSchema } from '../providers/profile-schema.js';
import type { TokenRecord } from '../grants/token-record.js';

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
    signInGrant: z.enum(['password', 'client_credentials']).optional(),
    createdAt: z.number().int().nonnegative(),
    updatedAt: z.number().int().nonnegative(),
    /** Why the person must sign in again, when they must (a refused refresh token...). */
    needsSignIn: z.string().max(500).nullable(),
  })
  .strict();

export type Account = z.infer<typeof accountSchema> & {
  readonly overrides: ProfileOverrides;
  readonly basicEncoding?: BasicCredentialEncoding;
};

export const accountsFileSchema = z
  .object({
    version: z.literal(1),
    accounts: z.array(accountSchema).max(100_000),
  })
  .strict();

export type AccountsFile = z.infer<typeof accountsFileSchema>;
export const EMPTY_ACCOUNTS: AccountsFile = { version: 1, accounts: [] };

const tokenRecordSchema = z
  .object({
    accessToken: z.string().min(1),
    tokenType: z.string(),
    issuedAt: z.number(),
    expiresAt: z.number().nullable(),
    expirySource: z.enum(['expires_in', 'jwt_exp', 'unknown']),
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

/** Decodes a token record read back from the vault; a damaged one counts as no token. */
export function decodeTokenRecord(json: string | null): TokenRecord | null {
  if (json === null) return null;
  try {
    const parsed = tokenRecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const encodeTokenRecord = (record: TokenRecord): string => JSON.stringify(record);
