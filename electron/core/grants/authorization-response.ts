// Reading the redirect that ends the browser flow (RFC 6749 §4.1.2): `state` first (RFC 6749 §10.12),
// then the issuer (RFC 9207 §2.4), then an error (§4.1.2.1) or the code.

import { err, ok, type Result } from '../../../shared/result.js';
import { GrantError, type GrantErrorCode } from './grant-error.js';
import { safeDescription } from './redact.js';

export interface CallbackExpectation {
  /** The `state` this sign-in sent. */
  readonly state: string;
  /** The issuer the request went to, when known: an `iss` in the response must equal it (RFC 9207 §2.4). */
  readonly issuer: string | null;
  /** The server says it always sends `iss` (RFC 9207 §3): then a response without it is refused. */
  readonly issRequired: boolean;
}

/** What a valid callback carries. */
export interface AuthorizationCode {
  readonly code: string;
  /** RFC 9207's `iss`, when the server sent it. */
  readonly iss: string | null;
}

/**
 * RFC 6749 §4.1.2.1's error codes, and what each one is for Tokenry. A Map, so that `error=constructor`
 * finds nothing (an object literal would answer with what it inherits from Object.prototype).
 */
const CALLBACK_ERRORS: ReadonlyMap<string, GrantErrorCode> = new Map([
  ['access_denied', 'access_denied'],
  ['invalid_request', 'invalid_request'],
  ['unauthorized_client', 'unauthorized_client'],
  ['invalid_scope', 'invalid_scope'],
  ['unsupported_response_type', 'provider_error'],
  // The server says it cannot serve now: like a 503 (CLI exit 5).
  ['server_error', 'unavailable'],
  ['temporarily_unavailable', 'unavailable'],
]);

/** A parameter given more than once: a symbol, so that no value a server sends (`code=twice`) can be taken for it. */
const TWICE: unique symbol = Symbol('given twice');

/** One value of a parameter: a parameter given twice is as good as a forged one. */
function single(params: URLSearchParams, name: string): string | null | typeof TWICE {
  const values = params.getAll(name);
  if (values.length > 1) return TWICE;
  return values[0] ?? null;
}

/**
 * Checks a redirect's parameters against what the sign-in sent. `state_mismatch` means the request
 * is not this sign-in's answer (forged, stale, or another tab's): the listener refuses it and keeps
 * waiting. Every other error ends the sign-in: a wrong `iss` (a mix-up attack, RFC 9207), the
 * provider's refusal (`access_denied` when the person said no), or a response without a code.
 */
export function parseAuthorizationResponse(params: URLSearchParams, expected: CallbackExpectation): Result<AuthorizationCode, GrantError> {
  const state = single(params, 'state');
  if (state === null) return err(new GrantError('state_mismatch', 'The redirect carries no state: it is not the answer to this sign-in.'));
  // A state given twice is TWICE, never equal to the one sent.
  if (state !== expected.state) {
    return err(new GrantError('state_mismatch', 'The redirect carries another state than this sign-in sent: it is not its answer (RFC 6749 §10.12).'));
  }
  const iss = single(params, 'iss');
  if (iss === TWICE) return err(new GrantError('issuer_mismatch', 'The redirect carries the iss parameter twice (RFC 9207).'));
  if (iss === null && expected.issRequired) {
    return err(new GrantError('issuer_mismatch', 'The redirect carries no iss parameter although the server says it always sends one (RFC 9207 §2.4).'));
  }
  if (iss !== null && expected.issuer !== null && iss !== expected.issuer) {
    return err(
      new GrantError('issuer_mismatch', `The redirect comes from the issuer "${safeDescription(iss, []).slice(0, 200)}", not ${expected.issuer} (RFC 9207 §2.4): it was refused.`),
    );
  }
  const error = single(params, 'error');
  if (error !== null) {
    const code = (error === TWICE ? undefined : CALLBACK_ERRORS.get(error)) ?? 'provider_error';
    // A code of RFC 6749 §4.1.2.1 is quoted as it is: unsupported_response_type is long enough to look like a token.
    const said = error === TWICE ? 'error' : CALLBACK_ERRORS.has(error) ? error : safeDescription(error, []).slice(0, 64);
    const rawDescription = single(params, 'error_description');
    const description = rawDescription === null || rawDescription === TWICE ? undefined : safeDescription(rawDescription, []);
    const what = code === 'access_denied' ? 'The sign-in was refused at the provider' : 'The provider refused the sign-in';
    return err(
      new GrantError(code, `${what} (${said})${description ? `: ${description}` : ''}.`, {
        ...(code === 'provider_error' ? { providerCode: said } : {}),
        ...(description === undefined ? {} : { description }),
      }),
    );
  }
  const code = single(params, 'code');
  if (code === null || code === '' || code === TWICE) {
    return err(new GrantError('bad_response', 'The redirect carries neither a code nor an error (RFC 6749 §4.1.2).'));
  }
  return ok({ code, iss });
}
