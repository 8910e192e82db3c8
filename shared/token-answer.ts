// The contract's schemas that a token answer needs (an error value, a token), written with zod/mini:
// `tokenry token` through a running owner checks its answer with these alone, without loading
// classic zod (about half a Node start-up). shared/ipc.ts builds the rest of the contract on them.
import * as z from 'zod/mini';

export const ERROR_KINDS = ['rejected', 'needs_sign_in', 'unavailable', 'bad_response', 'network', 'config', 'not_found', 'invalid_input', 'vault', 'storage', 'cancelled', 'internal'] as const;

export const errorValueSchema = z.object({
  code: z.string(),
  kind: z.enum(ERROR_KINDS),
  message: z.string(),
  status: z.optional(z.number()),
  providerCode: z.optional(z.string()),
  description: z.optional(z.string()),
  retryAfterMs: z.optional(z.number()),
});

export const tokenViewSchema = z.object({
  access_token: z.string(),
  token_type: z.string(),
  expires_at: z.nullable(z.string()),
  expires_in: z.nullable(z.number()),
  scope: z.nullable(z.string()),
  warning: z.optional(z.string()),
});
