// OpenID Connect ID tokens (OIDC Core §3.1.3.7): fetch the provider's JWKS, verify the signature with
// jose, check iss, aud (and azp), exp, iat and nonce; the identity a person reads comes from the claims.

import { createLocalJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { z } from 'zod';
import type { GrantDeps } from './grant-client.js';
import { GrantError } from './grant-error.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_SECONDS, sendRequest } from './http-transport.js';
import { processJsonAnswer } from './json-answer.js';
import { USER_AGENT } from './token-request.js';

export interface IdTokenExpectation {
  /** The issuer the sign-in went to: `iss` must equal it exactly. */
  readonly issuer: string;
  /** This client: `aud` must contain it, `azp` (when present, or with several audiences) must be it. */
  readonly clientId: string;
  /** The nonce the authorization request sent; null when none was (the device flow). */
  readonly nonce: string | null;
  /** Epoch milliseconds, from the injected clock. */
  readonly now: number;
  /** Clocks drift: seconds of leeway for exp, iat and nbf. */
  readonly clockToleranceSeconds?: number;
  /** Google documents `iss` as its issuer with or without `https://`: the bare form is accepted too. */
  readonly issuerWithoutScheme?: boolean;
  /**
   * Entra's multi-tenant metadata names its issuer as a template (`…/{tenantid}/v2.0`): `iss` must equal it with the
   * placeholder replaced by the token's own tenant claim (a GUID).
   */
  readonly tenantIssuer?: { readonly template: string; readonly placeholder: string; readonly claim: string };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The issuer template filled with the token's tenant claim, when that claim is a GUID (Entra's "Validate the issuer"). */
function tenantIssuerOf(tenant: NonNullable<IdTokenExpectation['tenantIssuer']>, claims: JWTPayload): string | null {
  const tid = claims[tenant.claim];
  return typeof tid === 'string' && GUID.test(tid) ? tenant.template.replace(tenant.placeholder, tid) : null;
}

/**
 * The issuer this token must name: the one asked for; else, where the provider documents another form of it,
 * that form when the token carries it (Google's scheme-less issuer, Entra's tenant in its templated issuer).
 * The token is not trusted yet: jose then checks `iss` against the answer, with the signature.
 */
function expectedIssuer(unverified: JWTPayload, expected: IdTokenExpectation): string {
  const iss = unverified.iss;
  if (iss === expected.issuer || typeof iss !== 'string') return expected.issuer;
  if (expected.issuerWithoutScheme === true && iss === expected.issuer.replace(/^https?:\/\//, '')) return iss;
  if (expected.tenantIssuer !== undefined && iss === tenantIssuerOf(expected.tenantIssuer, unverified)) return iss;
  return expected.issuer;
}

/**
 * Entra's keys each name the issuer they may sign for (`issuer`, templated or not): a key is used only for a token
 * whose `iss` is that issuer (with the tenant filled in). Keys that name none are kept.
 * https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-the-signing-key-issuer
 */
function keysFor(jwks: JSONWebKeySet, iss: string, unverified: JWTPayload, tenant: IdTokenExpectation['tenantIssuer']): JSONWebKeySet {
  const keys = jwks.keys.filter((key) => {
    const keyIssuer = (key as { issuer?: unknown }).issuer;
    if (typeof keyIssuer !== 'string') return true;
    if (keyIssuer === iss) return true;
    return tenant !== undefined && keyIssuer.includes(tenant.placeholder) && tenantIssuerOf({ ...tenant, template: keyIssuer }, unverified) === iss;
  });
  return { keys };
}

/** The claims Tokenry reads (OIDC Core §5.1); the rest stays in the token. */
export interface IdTokenClaims extends JWTPayload {
  readonly sub: string;
  readonly email?: unknown;
  readonly name?: unknown;
  readonly preferred_username?: unknown;
}

const jwksSchema = z.object({ keys: z.array(z.record(z.string(), z.unknown())).max(100) });

/** Fetches a JSON Web Key Set (RFC 7517 §5) through the injected fetch. */
export async function fetchJwks(jwksUri: URL, deps: GrantDeps, options: { readonly timeoutSeconds?: number; readonly signal?: AbortSignal } = {}): Promise<JSONWebKeySet> {
  const response = await sendRequest(
    { url: jwksUri.href, method: 'GET', headers: { accept: 'application/jwk-set+json, application/json', 'user-agent': USER_AGENT }, secrets: [], endpoint: 'JWKS URI' },
    {
      fetch: deps.fetch,
      timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
      maxBodyBytes: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      ...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    },
  );
  // application/jwk-set+json is JSON too.
  const headers = { ...response.headers, 'content-type': 'application/json' };
  const fields = processJsonAnswer({ ...response, headers }, { endpoint: 'JWKS URI', now: deps.now() });
  const parsed = jwksSchema.safeParse(fields);
  if (!parsed.success) throw new GrantError('bad_response', `The JWKS URI ${jwksUri.origin}${jwksUri.pathname} sent no key set.`, { status: response.status });
  return parsed.data as unknown as JSONWebKeySet;
}

const invalid = (why: string, cause?: unknown): GrantError =>
  new GrantError('id_token_invalid', `The provider's ID token is not valid: ${why} (OIDC Core §3.1.3.7). The sign-in was refused.`, cause === undefined ? {} : { cause });

/** Why jose refused a token, in words (never the token). */
function joseReason(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'it has expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return 'it was issued by another issuer';
      case 'aud':
        return 'it was issued for another client (aud)';
      case 'iat':
      case 'nbf':
        return `its ${error.claim} is not valid now (check the clock)`;
      default:
        return `its ${error.claim} claim is missing or wrong`;
    }
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'its signature does not verify';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "it is signed with a key the provider's JWKS does not hold";
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return "the provider's JWKS holds several keys that could have signed it";
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return 'it is signed with an algorithm Tokenry does not accept';
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return 'it is not a well-formed signed JWT';
  return 'it could not be verified';
}

/**
 * Validates an ID token from a token response (OIDC Core §3.1.3.7): the signature against the
 * provider's keys (never `none`, never a symmetric key), `iss` exactly the issuer, `aud` this client
 * (with `azp` when there are several audiences), `exp`, `iat`, a `sub`, and the nonce the sign-in sent.
 */
export async function validateIdToken(idToken: string, jwks: JSONWebKeySet, expected: IdTokenExpectation): Promise<IdTokenClaims> {
  let payload: JWTPayload;
  try {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(idToken);
    } catch {
      unverified = {};
    }
    const issuer = expectedIssuer(unverified, expected);
    const verified = await jwtVerify(idToken, createLocalJWKSet(keysFor(jwks, issuer, unverified, expected.tenantIssuer)), {
      issuer,
      audience: expected.clientId,
      currentDate: new Date(expected.now),
      clockTolerance: expected.clockToleranceSeconds ?? 120,
      requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      // Asymmetric signatures only: the keys come from the JWKS (no HMAC with a client secret, never `none`).
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'],
    });
    payload = verified.payload;
  } catch (error) {
    throw invalid(joseReason(error), error);
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if ((audiences.length > 1 || payload['azp'] !== undefined) && payload['azp'] !== expected.clientId) {
    throw invalid('it names another authorized party (azp)');
  }
  if (expected.nonce !== null && payload['nonce'] !== expected.nonce) throw invalid('its nonce is not the one this sign-in sent');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw invalid('it has no subject (sub)');
  return payload as IdTokenClaims;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value.slice(0, 500) : null);

/** Who signed in, from validated claims (OIDC Core §5.1): sub, then a name and an email where given. */
export function identityFromClaims(claims: IdTokenClaims): { readonly id: string | null; readonly name: string | null; readonly email: string | null } {
  return { id: text(claims.sub), name: text(claims.name) ?? text(claims.preferred_username), email: text(claims.email) };
}
