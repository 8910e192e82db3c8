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

describe('parseAuthorizationResponse(): what each refusal says', () => {
  const errorOf = (query: string, e: CallbackExpectation = expected) => {
    const r = parse(query, e);
    if (r.ok) throw new Error(`expected a refusal of ${query}`);
    return r.error;
  };
  const open: CallbackExpectation = { state: 's-1', issuer: null, issRequired: false };

  it('says that the redirect carries no state', () => {
    expect(errorOf('code=c-1').message).toContain('no state');
  });

  it('says that the redirect carries another state', () => {
    expect(errorOf('code=c-1&state=s-2').message).toContain('another state');
  });

  it('refuses iss given twice with issuer_mismatch even where the issuer is not known', () => {
    expect(codeOf('code=c-1&state=s-1&iss=a&iss=a', open)).toBe('issuer_mismatch');
  });

  it('says that iss came twice', () => {
    expect(errorOf('code=c-1&state=s-1&iss=a&iss=b').message).toContain('twice');
  });

  it('says that iss is missing although the server always sends it', () => {
    expect(errorOf('code=c-1&state=s-1', { ...expected, issRequired: true }).message).toContain('no iss');
  });

  it('accepts the right iss where the server always sends one', () => {
    expect(codeOf('code=c-1&state=s-1&iss=https%3A%2F%2Fid.example.test', { ...expected, issRequired: true })).toBe('ok');
  });

  it('keeps any iss where the issuer is not known', () => {
    expect(parse('code=c-1&state=s-1&iss=https%3A%2F%2Fother.example.test', open)).toEqual({ ok: true, value: { code: 'c-1', iss: 'https://other.example.test' } });
  });

  it('names the issuer the redirect came from and the one expected', () => {
    const message = errorOf('code=c-1&state=s-1&iss=https%3A%2F%2Fevil.example.test').message;
    expect([message.includes('"https://evil.example.test"'), message.includes('not https://id.example.test')]).toEqual([true, true]);
  });

  it('quotes at most 200 characters of a wrong issuer', () => {
    const iss = `https://evil.example.test/${'a/'.repeat(200)}`;
    const message = errorOf(`code=c-1&state=s-1&iss=${encodeURIComponent(iss)}`).message;
    expect([message.includes(iss.slice(0, 200)), message.includes(iss.slice(0, 201))]).toEqual([true, false]);
  });

  it('says that the redirect carries neither a code nor an error', () => {
    expect(errorOf('state=s-1').message).toContain('neither a code nor an error');
  });

  it('tells a refusal by the person from one by the provider', () => {
    expect([errorOf('error=access_denied&state=s-1').message, errorOf('error=invalid_scope&state=s-1').message]).toEqual([
      expect.stringContaining('refused at the provider'),
      expect.stringContaining('provider refused the sign-in'),
    ]);
  });

  it("ends the message with the provider's code when there is no description", () => {
    expect(errorOf('error=access_denied&state=s-1').message).toMatch(/\(access_denied\)\.$/);
  });

  it("adds the provider's description to the message", () => {
    expect(errorOf('error=access_denied&error_description=The+user+said+no&state=s-1').message).toContain('(access_denied): The user said no.');
  });

  it("keeps an unknown error code as the providerCode of a provider_error, and no providerCode for a known one", () => {
    expect([errorOf('error=login_required&state=s-1').providerCode, errorOf('error=access_denied&state=s-1').providerCode]).toEqual(['login_required', undefined]);
  });

  it('cuts an unknown error code to 64 characters', () => {
    const long = 'word '.repeat(30).trim();
    expect(errorOf(`error=${encodeURIComponent(long)}&state=s-1`).providerCode).toBe(long.slice(0, 64));
  });

  it('quotes unsupported_response_type as it is, though it is long enough to look like a token', () => {
    const error = errorOf('error=unsupported_response_type&state=s-1');
    expect([error.code, error.providerCode, error.message]).toEqual(['provider_error', 'unsupported_response_type', expect.stringContaining('(unsupported_response_type)')]);
  });

  it('refuses error given twice as a provider_error without quoting either', () => {
    const error = errorOf('error=access_denied&error=server_error&state=s-1');
    expect([error.code, error.providerCode, error.message.includes('access_denied')]).toEqual(['provider_error', 'error', false]);
  });

  it('drops an error_description given twice', () => {
    const error = errorOf('error=access_denied&error_description=one&error_description=two&state=s-1');
    expect([error.code, error.description]).toEqual(['access_denied', undefined]);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('reads error=%s as an unknown provider_error, not as a property of Object', (wire) => {
    const error = errorOf(`error=${wire}&state=s-1`);
    expect([error.code, error.kind]).toEqual(['provider_error', 'rejected']);
  });

  it('takes any code the server sends, "twice" too', () => {
    expect(parse('code=twice&state=s-1')).toEqual({ ok: true, value: { code: 'twice', iss: null } });
  });

  it('takes any error the server sends, "twice" too', () => {
    expect(errorOf('error=twice&state=s-1').providerCode).toBe('twice');
  });
});
