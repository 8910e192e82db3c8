// Validation of profile overrides wherever they cross a boundary (CLI flags, IPC, files on disk).

import { z } from 'zod';
import type { ProfileOverrides } from './profile.js';

const name = z.string().min(1).max(200);

export const signInFieldSchema = z.object({
  name: z.enum(['username', 'password', 'otp']),
  label: z.string().max(200),
  param: name,
  required: z.boolean(),
  secret: z.boolean(),
});

export const profileOverridesSchema = z
  .object({
    label: z.string().max(200),
    baseUrl: z.string().max(2000),
    tokenUrl: z.string().min(1).max(2000),
    refreshUrl: z.string().max(2000),
    grants: z.array(z.enum(['password', 'client_credentials', 'refresh_token'])).max(3),
    method: z.enum(['GET', 'POST']),
    encoding: z.enum(['query', 'form', 'json', 'xml']),
    xmlRoot: z.string().regex(/^[A-Za-z_][\w.-]*$/, 'an XML element name'),
    clientAuth: z.enum(['basic', 'body', 'none']),
    basicEncoding: z.enum(['form', 'raw']),
    clientIdParam: name,
    clientSecretParam: name,
    sendEmptySecret: z.boolean(),
    defaultClientId: z.string().max(500),
    extraParams: z.record(name, z.string().max(2000)),
    signInFields: z.array(signInFieldSchema).max(3),
    scopeParam: name.nullable(),
    defaultScope: z.string().max(2000),
    scopeOnRefresh: z.boolean(),
    responseFormat: z.enum(['json', 'xml', 'auto']),
    allowInsecureHttp: z.boolean(),
    /** Seconds; a token endpoint slower than 5 minutes is broken, not slow. */
    timeoutSeconds: z.number().int().min(1).max(300),
  })
  .partial()
  .strict() satisfies z.ZodType<ProfileOverrides>;
