// Validation of profile overrides wherever they cross a boundary (CLI flags, IPC, files on disk).

import { z } from 'zod';
import type { ProfileOverrides } from './profile.js';

const name = z.string().min(1).max(200);
const url = z.string().max(2000);

/**
 * RFC 8252 §7.3: a loopback redirect is plain http to the loopback IP literal (or `localhost`, which
 * some providers register) with the port given; Tokenry listens on 127.0.0.1 only.
 */
export function loopbackRedirectProblem(text: string): string | null {
  let uri: URL;
  try {
    uri = new URL(text);
  } catch {
    return 'a redirect URI must be an absolute URL such as http://127.0.0.1:8765/callback';
  }
  if (uri.protocol !== 'http:') return 'a redirect URI must be http (RFC 8252 §7.3: a loopback redirect)';
  if (uri.hostname !== '127.0.0.1' && uri.hostname !== 'localhost') return 'a redirect URI must name 127.0.0.1 (or localhost)';
  if (uri.port === '') return 'a redirect URI must name its port';
  if (uri.username !== '' || uri.password !== '' || uri.hash !== '') return 'a redirect URI must not carry a user, password or fragment';
  return null;
}

export const signInFieldSchema = z.object({
  name: z.enum(['username', 'password', 'otp']),
  label: z.string().max(200),
  param: name,
  required: z.boolean(),
  secret: z.boolean(),
});

/** A placeholder's name in a URL template: `{tenant}`, `{realm}`. */
const placeholderName = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,31}$/, 'a placeholder name (letters and digits)');
/** A value filled into a URL path: no slash, query, fragment or space can slip another path in. */
const urlParamValue = z.string().min(1).max(200).regex(/^[A-Za-z0-9._~:@!$&'()*+,;=%-]+$|^https?:\/\/[^\s?#]+$/, 'a single URL path segment, or an http(s) URL');

const mappedErrorCode = z.enum([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'access_denied',
  'authorization_pending',
  'slow_down',
  'expired_token',
]);

export const profileOverridesSchema = z
  .object({
    label: z.string().max(200),
    baseUrl: z.string().max(2000),
    tokenUrl: z.string().min(1).max(2000),
    refreshUrl: z.string().max(2000),
    grants: z.array(z.enum(['password', 'client_credentials', 'refresh_token', 'authorization_code', 'device_code'])).max(5).readonly(),
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
    signInFields: z.array(signInFieldSchema).max(3).readonly(),
    scopeParam: name.nullable(),
    defaultScope: z.string().max(2000),
    scopeOnRefresh: z.boolean(),
    responseFormat: z.enum(['json', 'xml', 'auto']),
    allowInsecureHttp: z.boolean(),
    /** Seconds; a token endpoint slower than 5 minutes is broken, not slow. */
    timeoutSeconds: z.number().int().min(1).max(300),
    issuer: url.min(1),
    authorizationUrl: url.min(1),
    deviceAuthorizationUrl: url.min(1),
    revocationUrl: url.min(1),
    userinfoUrl: url.min(1),
    jwksUri: url.min(1),
    /** 0 is "any free port", the default. */
    redirectPort: z.number().int().min(0).max(65_535),
    redirectUri: url.superRefine((value, ctx) => {
      const problem = loopbackRedirectProblem(value);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
    authorizationParams: z.record(name, z.string().max(2000)),
    authorizationResponseIss: z.boolean(),
    openid: z.boolean(),
    urlParams: z.record(placeholderName, urlParamValue),
    errorCodes: z.record(name, mappedErrorCode),
    scopeSeparator: z.enum([' ', ',']),
    errorDescription: z.enum(['whole', 'first-line']),
    issuerWithoutScheme: z.boolean(),
    tenantIssuer: z.object({ placeholder: z.string().regex(/^\{[A-Za-z]+\}$/), claim: name }).strict(),
    redirectHost: z.enum(['127.0.0.1', 'localhost']),
    offlineAccessPrompt: z.boolean(),
    userinfoIdentity: z
      .object({ id: name, name, email: name, headers: z.record(name, z.string().max(500)).optional() })
      .strict(),
    /** Seconds; from one minute to a year. */
    assumeLifetimeSeconds: z.number().int().min(60).max(31_536_000),
  })
  .partial()
  .strict() satisfies z.ZodType<ProfileOverrides>;
