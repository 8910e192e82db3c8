// What the browser and device flows share: the sign-in's time limit, the scope they ask for, the
// client id they need, and the ID token of an OpenID Provider validated into the identity.

import type { ErrorValue } from '../../../shared/errors.js';
import { err, ok, type Result } from '../../../shared/result.js';
import type { AccountIdentity, SignInInput } from '../../../shared/accounts.js';
import { GrantError } from '../grants/grant-error.js';
import { fetchJwks, identityFromClaims, validateIdToken } from '../grants/id-token.js';
import { parseScope, type TokenRecord } from '../grants/token-record.js';
import { fetchUserinfo } from '../grants/userinfo.js';
import { optionalEndpoint, type EndpointField } from '../providers/resolve-profile.js';
import type { FlowFacts, FlowRun } from './flow.js';

/** How long a person has to finish a browser or device sign-in unless they say otherwise. */
export const DEFAULT_SIGN_IN_TIMEOUT_SECONDS = 300;

export const signInTimeoutMs = (input: SignInInput): number => (input.timeoutSeconds ?? DEFAULT_SIGN_IN_TIMEOUT_SECONDS) * 1000;

/** The scope the person is asked to grant: the account's, else the preset's default. */
export const requestedScope = ({ account, profile }: FlowFacts): readonly string[] => parseScope(account.scope ?? profile.defaultScope ?? null) ?? [];

/** The client id a browser or device sign-in names itself with. */
export const clientIdOf = ({ account, profile }: FlowFacts): string | undefined => account.clientId ?? profile.defaultClientId;

/** An endpoint the flow cannot do without, or the error value that says so (and how to fix it). */
export function requiredEndpoint(facts: FlowFacts, field: EndpointField, flow: string): Result<URL, ErrorValue> {
  try {
    const url = optionalEndpoint(facts.profile, field);
    if (url !== null) return ok(url);
    return err({
      code: 'invalid_config',
      kind: 'config',
      message: `${facts.profile.label} has no ${field === 'authorizationUrl' ? 'authorization' : 'device authorization'} endpoint for ${flow}: give its issuer (--issuer) to discover it, or the URL.`,
    });
  } catch (error) {
    if (error instanceof GrantError) return err(error.toJSON());
    throw error;
  }
}

/** A flow that needs a client id, or the error value asking for one. */
export function requireClientId(facts: FlowFacts, flow: string): ErrorValue | null {
  const id = clientIdOf(facts);
  return id === undefined || id === ''
    ? { code: 'missing_client_id', kind: 'invalid_input', message: `${flow} needs the client id registered at ${facts.profile.label} (--client-id).` }
    : null;
}

/** Whether an ID token must come with the token: an OpenID Provider asked for the `openid` scope (OIDC Core §3.1.3.3). */
const expectsIdToken = (run: FlowRun, scope: readonly string[]): boolean => run.profile.openid === true && scope.includes('openid');

/**
 * The identity an ID token in the answer vouches for, validated against the provider's JWKS (OIDC
 * Core §3.1.3.7: signature, iss, aud, exp, iat, nonce). A missing ID token where one was due, or an
 * invalid one, refuses the sign-in; one that cannot be checked (no issuer or JWKS known) says nothing.
 */
export async function identityFromIdToken(run: FlowRun, record: TokenRecord, nonce: string | null): Promise<Result<AccountIdentity | undefined, GrantError>> {
  const idToken = record.extra['id_token'];
  const scope = record.requestedScope ?? requestedScope(run);
  if (typeof idToken !== 'string' || idToken === '') {
    return expectsIdToken(run, scope) ? err(new GrantError('id_token_invalid', 'The OpenID Provider sent no ID token for an openid sign-in (OIDC Core §3.1.3.3). The sign-in was refused.')) : ok(undefined);
  }
  const issuer = run.profile.issuer;
  const clientId = clientIdOf(run);
  let jwksUri: URL | null;
  try {
    jwksUri = optionalEndpoint(run.profile, 'jwksUri');
  } catch (error) {
    if (error instanceof GrantError) return err(error);
    throw error;
  }
  if (issuer === undefined || jwksUri === null || clientId === undefined) {
    return expectsIdToken(run, scope) ? err(new GrantError('id_token_invalid', 'The ID token cannot be checked: the provider named no issuer or keys (jwks_uri).')) : ok(undefined);
  }
  try {
    const jwks = await fetchJwks(jwksUri, run.deps, {
      ...(run.profile.timeoutSeconds === undefined ? {} : { timeoutSeconds: run.profile.timeoutSeconds }),
      ...(run.signal === undefined ? {} : { signal: run.signal }),
    });
    const template = run.account.discovery?.issuer;
    const tenant = run.profile.tenantIssuer;
    const claims = await validateIdToken(idToken, jwks, {
      issuer,
      clientId,
      nonce,
      now: run.deps.now(),
      ...(run.profile.issuerWithoutScheme === true ? { issuerWithoutScheme: true } : {}),
      ...(tenant !== undefined && template?.includes(tenant.placeholder) ? { tenantIssuer: { ...tenant, template } } : {}),
    });
    return ok(identityFromClaims(claims));
  } catch (error) {
    if (error instanceof GrantError) return err(error);
    throw error;
  }
}

/** What a sign-in learnt about the person: who they are, or why that could not be read (the sign-in stands). */
export interface SignedInIdentity {
  readonly identity?: AccountIdentity;
  readonly identityProblem?: string;
}

/**
 * Who signed in: the validated ID token says it (a bad one refuses the sign-in); without one, a provider that has
 * no ID tokens (GitHub) is asked at its userinfo endpoint, where a failure only leaves the identity unknown.
 */
export async function signedInIdentity(run: FlowRun, record: TokenRecord, nonce: string | null): Promise<Result<SignedInIdentity, GrantError>> {
  const fromIdToken = await identityFromIdToken(run, record, nonce);
  if (!fromIdToken.ok) return fromIdToken;
  if (fromIdToken.value !== undefined) return ok({ identity: fromIdToken.value });
  const fields = run.profile.userinfoIdentity;
  if (fields === undefined) return ok({});
  let url: URL | null;
  try {
    url = optionalEndpoint(run.profile, 'userinfoUrl');
  } catch (error) {
    if (error instanceof GrantError) return ok({ identityProblem: error.message });
    throw error;
  }
  if (url === null) return ok({});
  const answer = await fetchUserinfo(url, record.accessToken, fields, run.deps, {
    ...(run.profile.timeoutSeconds === undefined ? {} : { timeoutSeconds: run.profile.timeoutSeconds }),
    ...(run.signal === undefined ? {} : { signal: run.signal }),
  });
  return answer.ok ? ok({ identity: answer.value }) : ok({ identityProblem: answer.error.message });
}
