// Specifies the callback parser: state first (RFC 6749 §10.12), then iss (RFC 9207 §2.4), then the error or the code.
import { describe, expect, it } from 'vitest';
import { parseAuthorizationResponse, type CallbackExpectation } from '../../../../electron/core/grants/authorization-response.js';

const expected: CallbackExpectation = { state: 's-1', issuer: 'https://id.example.test', issRequired: false };
const parse = (query: string, e: CallbackExpectation = expected) => parseAuthorizationResponse(new URLSearchParams(query), e);
const codeOf = (query: string, e?: CallbackExpectation): string => {
  const r = parse(query, e);
  return r.ok ? 'ok' : r.error.code;
};

describe('parseAuthorizationResponse()', () => {
  it('returns the code and the iss of a good callback', () => {
    expect(parse('code=c-1&state=s-1&iss=https%3A%2F%2Fid.example.test')).toEqual({ ok: true, value: { code: 'c-1', iss: 'https://id.example.test' } });
  });

  it.each([
    ['no state', 'code=c-1'],
    ['another state', 'code=c-1&state=s-2'],
    ['the state twice', 'code=c-1&state=s-1&state=s-1'],
    ['an error without state', 'error=access_denied'],
  ])('refuses %s with state_mismatch (the listener keeps waiting)', (_what, query) => {
    expect(codeOf(query)).toBe('state_mismatch');
  });

  it.each([
    ['another iss', 'code=c-1&state=s-1&iss=https%3A%2F%2Fevil.example.test', expected],
    ['iss twice', 'code=c-1&state=s-1&iss=a&iss=b', expected],
    ['no iss where the server always sends one', 'code=c-1&state=s-1', { ...expected, issRequired: true }],
  ] as const)('refuses %s with issuer_mismatch', (_what, query, e) => {
    expect(codeOf(query, e)).toBe('issuer_mismatch');
  });

  it('accepts no iss where the server does not say it sends one', () => {
    expect(codeOf('code=c-1&state=s-1')).toBe('ok');
  });

  it.each([
    ['access_denied', 'access_denied', 'rejected'],
    ['invalid_scope', 'invalid_scope', 'rejected'],
    ['unauthorized_client', 'unauthorized_client', 'rejected'],
    ['server_error', 'unavailable', 'unavailable'],
    ['temporarily_unavailable', 'unavailable', 'unavailable'],
    ['login_required', 'provider_error', 'rejected'],
  ])('maps error=%s to %s (%s)', (wire, code, kind) => {
    const r = parse(`error=${wire}&state=s-1`);
    expect(r.ok ? null : [r.error.code, r.error.kind]).toEqual([code, kind]);
  });

  it("keeps the provider's description, secrets removed", () => {
    const r = parse('error=access_denied&error_description=The+user+said+no&state=s-1');
    expect(r.ok ? null : r.error.description).toBe('The user said no');
  });

  it.each([
    ['no code', 'state=s-1'],
    ['an empty code', 'code=&state=s-1'],
    ['the code twice', 'code=a&code=b&state=s-1'],
  ])('refuses %s with bad_response', (_what, query) => {
    expect(codeOf(query)).toBe('bad_response');
  });
});
