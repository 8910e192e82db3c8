// Authorization server discovery: OpenID Connect Discovery 1.0 §4 first, RFC 8414 §3 as the fallback;
// request builders and the response processor over plain data, the issuer checked (OIDC Discovery §4.3, RFC 8414 §3.3).

import { z } from 'zod';
import { err, ok, type Result } from '../../../shared/result.js';
import { isLoopbackHost } from '../providers/loopback-address.js';
import type { GrantDeps } from './grant-client.js';
import { GrantError } from './grant-error.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_SECONDS, sendRequest, type OutgoingRequest } from './http-transport.js';
import { processJsonAnswer } from './json-answer.js';
import { USER_AGENT } from './token-request.js';
import type { TokenHttpResponse } from './token-response.js';

export type DiscoverySource = 'openid-configuration' | 'oauth-authorization-server';

/** What Tokenry keeps of a server's metadata (non-secret; stored with the account, shown by `account show`). */
export interface ServerMetadata {
  readonly issuer: string;
  readonly source: DiscoverySource;
  /** Epoch milliseconds when it was fetched. */
  readonly fetchedAt: number;
  readonly authorizationEndpoint: string | null;
  readonly tokenEndpoint: string | null;
  readonly deviceAuthorizationEndpoint: string | null;
  readonly revocationEndpoint: string | null;
  readonly userinfoEndpoint: string | null;
  readonly jwksUri: string | null;
  readonly grantTypesSupported: readonly string[] | null;
  readonly responseTypesSupported: readonly string[] | null;
  readonly codeChallengeMethodsSupported: readonly string[] | null;
  readonly tokenEndpointAuthMethodsSupported: readonly string[] | null;
  readonly scopesSupported: readonly string[] | null;
  /** RFC 9207 §3: the server sends `iss` in every authorization response. */
  readonly authorizationResponseIssParameterSupported: boolean;
}

const list = z.array(z.string().max(500)).max(200);
const endpoint = z.string().min(1).max(2000);

/** The wire document: only the members Tokenry uses are read; the rest is ignored (RFC 8414 §3.2). */
const metadataDocument = z.object({
  issuer: z.string().min(1).max(2000),
  authorization_endpoint: endpoint.optional(),
  token_endpoint: endpoint.optional(),
  device_authorization_endpoint: endpoint.optional(),
  revocation_endpoint: endpoint.optional(),
  userinfo_endpoint: endpoint.optional(),
  jwks_uri: endpoint.optional(),
  grant_types_supported: list.optional(),
  response_types_supported: list.optional(),
  code_challenge_methods_supported: list.optional(),
  token_endpoint_auth_methods_supported: list.optional(),
  scopes_supported: list.optional(),
  authorization_response_iss_parameter_supported: z.boolean().optional(),
});

/** The address of an issuer: https, or plain http on a loopback address (or where the account allows it). */
export function issuerUrl(issuer: string, allowInsecureHttp = false): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new GrantError('invalid_config', `The issuer "${issuer.split('?')[0] ?? ''}" is not a valid URL.`);
  }
  // RFC 8414 §2: an https URL with no query or fragment (OIDC Discovery §3 too).
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new GrantError('invalid_config', 'An issuer URL has no query, fragment, user or password (RFC 8414 §2).');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (isLoopbackHost(url.hostname) || allowInsecureHttp))) {
    throw new GrantError('insecure_url', `The issuer must be an https URL, not ${url.protocol}//${url.host} (plain http is allowed on loopback addresses only).`);
  }
  return url;
}

/**
 * Where the two documents live: OIDC Discovery §4.1 appends `/.well-known/openid-configuration` to
 * the issuer (a terminating `/` removed first); RFC 8414 §3.1 inserts `/.well-known/oauth-authorization-server`
 * between the host and the issuer's path.
 */
export function discoveryUrls(issuer: string, allowInsecureHttp = false): ReadonlyArray<{ readonly source: DiscoverySource; readonly url: string }> {
  const base = issuerUrl(issuer, allowInsecureHttp);
  const path = base.pathname.replace(/\/+$/, '');
  return [
    { source: 'openid-configuration', url: `${base.origin}${path}/.well-known/openid-configuration` },
    { source: 'oauth-authorization-server', url: `${base.origin}/.well-known/oauth-authorization-server${path}` },
  ];
}

export function buildDiscoveryRequest(url: string): OutgoingRequest {
  return { url, method: 'GET', headers: { accept: 'application/json', 'user-agent': USER_AGENT }, secrets: [], endpoint: 'discovery document' };
}

/**
 * A discovery answer as the metadata Tokenry keeps: a JSON object whose `issuer` is exactly the one
 * asked for (OIDC Discovery §4.3, RFC 8414 §3.3: otherwise the document may be an attacker's).
 */
/**
 * Whether a templated issuer (Entra's multi-tenant `https://login.microsoftonline.com/{tenantid}/v2.0`) stands for
 * the one asked for: the same text with one path segment (`common`, `organizations`) where the placeholder is.
 * https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-the-issuer
 */
export function matchesIssuerTemplate(template: string, placeholder: string, issuer: string): boolean {
  const at = template.indexOf(placeholder);
  if (at < 0 || template.indexOf(placeholder, at + 1) >= 0) return false;
  const prefix = template.slice(0, at);
  const suffix = template.slice(at + placeholder.length);
  if (!issuer.startsWith(prefix) || !issuer.endsWith(suffix) || issuer.length <= prefix.length + suffix.length) return false;
  return /^[^/?#{}\s]+$/.test(issuer.slice(prefix.length, issuer.length - suffix.length));
}

export function processDiscoveryResponse(
  response: TokenHttpResponse,
  context: {
    readonly issuer: string;
    readonly source: DiscoverySource;
    readonly now: number;
    /** The placeholder of a provider that documents a templated multi-tenant issuer (Entra's `{tenantid}`). */
    readonly tenantPlaceholder?: string;
  },
): ServerMetadata {
  const fields = processJsonAnswer(response, { endpoint: 'discovery document', now: context.now });
  const parsed = metadataDocument.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GrantError('discovery_failed', `The discovery document of ${context.issuer} is not valid metadata (${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}).`, {
      status: response.status,
    });
  }
  const doc = parsed.data;
  const templated = context.tenantPlaceholder !== undefined && matchesIssuerTemplate(doc.issuer, context.tenantPlaceholder, context.issuer);
  if (doc.issuer !== context.issuer && !templated) {
    throw new GrantError(
      'issuer_mismatch',
      `The discovery document names the issuer "${doc.issuer.slice(0, 200)}", not "${context.issuer}" as asked: they must be identical (RFC 8414 §3.3). Use the issuer exactly as the provider states it.`,
    );
  }
  return {
    issuer: doc.issuer,
    source: context.source,
    fetchedAt: context.now,
    authorizationEndpoint: doc.authorization_endpoint ?? null,
    tokenEndpoint: doc.token_endpoint ?? null,
    deviceAuthorizationEndpoint: doc.device_authorization_endpoint ?? null,
    revocationEndpoint: doc.revocation_endpoint ?? null,
    userinfoEndpoint: doc.userinfo_endpoint ?? null,
    jwksUri: doc.jwks_uri ?? null,
    grantTypesSupported: doc.grant_types_supported ?? null,
    responseTypesSupported: doc.response_types_supported ?? null,
    codeChallengeMethodsSupported: doc.code_challenge_methods_supported ?? null,
    tokenEndpointAuthMethodsSupported: doc.token_endpoint_auth_methods_supported ?? null,
    scopesSupported: doc.scopes_supported ?? null,
    authorizationResponseIssParameterSupported: doc.authorization_response_iss_parameter_supported ?? false,
  };
}

export interface DiscoverOptions {
  readonly allowInsecureHttp?: boolean;
  /** A provider's documented templated issuer placeholder (Entra's `{tenantid}`): such a document is accepted for its tenants. */
  readonly tenantPlaceholder?: string;
  readonly timeoutSeconds?: number;
  readonly signal?: AbortSignal;
}

/** Whether the first document's failure lets the second be tried: it is absent or unusable, not the network failing. */
const tryNext = (error: GrantError): boolean => error.kind === 'rejected' || error.code === 'bad_response' || error.code === 'discovery_failed';

/**
 * Fetches the issuer's metadata: the OpenID Provider configuration, else (when that one is absent
 * or unusable) the RFC 8414 document. A network failure or an unavailable server ends it at once;
 * an issuer mismatch is never retried under the other name.
 */
export async function discover(issuer: string, deps: GrantDeps, options: DiscoverOptions = {}): Promise<Result<ServerMetadata, GrantError>> {
  let urls: ReturnType<typeof discoveryUrls>;
  try {
    urls = discoveryUrls(issuer, options.allowInsecureHttp ?? false);
  } catch (error) {
    if (error instanceof GrantError) return err(error);
    throw error;
  }
  const failures: GrantError[] = [];
  for (const { source, url } of urls) {
    try {
      const response = await sendRequest(buildDiscoveryRequest(url), {
        fetch: deps.fetch,
        timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
        maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        ...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      return ok(
        processDiscoveryResponse(response, {
          issuer,
          source,
          now: deps.now(),
          ...(options.tenantPlaceholder === undefined ? {} : { tenantPlaceholder: options.tenantPlaceholder }),
        }),
      );
    } catch (error) {
      if (!(error instanceof GrantError)) throw error;
      if (!tryNext(error)) return err(error);
      failures.push(error);
    }
  }
  const said = failures.map((f, i) => `${urls[i]?.url ?? ''}: ${f.status === undefined ? f.code : `HTTP ${f.status}`}`).join('; ');
  return err(new GrantError('discovery_failed', `No discovery document at ${issuer} (${said}). Check the issuer, or give the endpoints yourself.`));
}
