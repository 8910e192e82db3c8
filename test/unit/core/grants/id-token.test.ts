// Specifies the ID token checks (OIDC Core §3.1.3.7): fetchJwks() over a local server, validateIdToken() with real keys
// (each accepted algorithm, every claim check and the reason a person reads), the documented issuer forms (Entra's
// templated multi-tenant issuer with the signing key's own issuer, Google's scheme-less issuer), and identityFromClaims().
import { CompactSign, errors as joseErrors, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GrantDeps } from '../../../../electron/core/grants/grant-client.js';
import { fetchJwks, identityFromClaims, validateIdToken, type IdTokenClaims, type IdTokenExpectation } from '../../../../electron/core/grants/id-token.js';
import { USER_AGENT } from '../../../../electron/core/grants/token-request.js';
import { rejectionOf, sendJson, startServer, type LocalServer } from './support.js';

const NOW = Date.UTC(2026, 3, 1, 9, 0, 0);
const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const COMMON = 'https://login.microsoftonline.com/common/v2.0';
const ENTRA = { template: TEMPLATE, placeholder: '{tenantid}', claim: 'tid' } as const;

let privateKey: CryptoKey;
let publicKey: CryptoKey;
/** A second RSA key that the JWKS does not hold. */
let otherKey: { privateKey: CryptoKey; publicKey: CryptoKey };
let jwks: JSONWebKeySet;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  publicKey = pair.publicKey;
  otherKey = await generateKeyPair('RS256', { extractable: true });
  jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
});

const sign = (claims: JWTPayload): Promise<string> =>
  new SignJWT({ sub: 'user-1', aud: 'client-1', iat: Math.floor(NOW / 1000), exp: Math.floor(NOW / 1000) + 600, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .sign(privateKey);
const expect_ = (patch: Partial<IdTokenExpectation>): IdTokenExpectation => ({ issuer: COMMON, clientId: 'client-1', nonce: null, now: NOW, ...patch });

describe("validateIdToken() with Entra's templated issuer", () => {
  it('accepts a token whose iss is the template with its own tid', async () => {
    const claims = await validateIdToken(await sign({ iss: `https://login.microsoftonline.com/${TID}/v2.0`, tid: TID }), jwks, expect_({ tenantIssuer: ENTRA }));
    expect(claims.iss).toBe(`https://login.microsoftonline.com/${TID}/v2.0`);
  });

  it('refuses a token whose iss names another tenant than its tid', async () => {
    const token = await sign({ iss: 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0', tid: TID });
    expect((await rejectionOf(validateIdToken(token, jwks, expect_({ tenantIssuer: ENTRA })))).code).toBe('id_token_invalid');
  });

  it('refuses a tid that is not a GUID', async () => {
    const token = await sign({ iss: 'https://login.microsoftonline.com/evil.example/v2.0', tid: 'evil.example' });
    expect((await rejectionOf(validateIdToken(token, jwks, expect_({ tenantIssuer: ENTRA })))).code).toBe('id_token_invalid');
  });

  it('refuses the tenant form without the template (another provider)', async () => {
    const token = await sign({ iss: `https://login.microsoftonline.com/${TID}/v2.0`, tid: TID });
    expect((await rejectionOf(validateIdToken(token, jwks, expect_({})))).code).toBe('id_token_invalid');
  });

  it('uses a key that names another issuer only for that issuer (the signing key issuer)', async () => {
    const scoped: JSONWebKeySet = { keys: jwks.keys.map((key) => ({ ...key, issuer: 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0' })) };
    const token = await sign({ iss: `https://login.microsoftonline.com/${TID}/v2.0`, tid: TID });
    expect((await rejectionOf(validateIdToken(token, scoped, expect_({ tenantIssuer: ENTRA })))).code).toBe('id_token_invalid');
  });

  it('uses a key whose issuer is the template for any tenant it fills', async () => {
    const templated: JSONWebKeySet = { keys: jwks.keys.map((key) => ({ ...key, issuer: TEMPLATE })) };
    const token = await sign({ iss: `https://login.microsoftonline.com/${TID}/v2.0`, tid: TID });
    expect((await validateIdToken(token, templated, expect_({ tenantIssuer: ENTRA }))).sub).toBe('user-1');
  });
});

describe("validateIdToken() with Google's scheme-less issuer", () => {
  it('accepts iss without https:// where the profile says the provider documents it', async () => {
    const claims = await validateIdToken(await sign({ iss: 'accounts.google.com' }), jwks, expect_({ issuer: 'https://accounts.google.com', issuerWithoutScheme: true }));
    expect(claims.iss).toBe('accounts.google.com');
  });

  it('refuses it elsewhere', async () => {
    const token = await sign({ iss: 'accounts.google.com' });
    expect((await rejectionOf(validateIdToken(token, jwks, expect_({ issuer: 'https://accounts.google.com' })))).code).toBe('id_token_invalid');
  });

  it('refuses another host without its scheme', async () => {
    const token = await sign({ iss: 'evil.example' });
    expect((await rejectionOf(validateIdToken(token, jwks, expect_({ issuer: 'https://accounts.google.com', issuerWithoutScheme: true })))).code).toBe('id_token_invalid');
  });
});

describe('validateIdToken() issuer checks', () => {
  it('says a token from another issuer was issued by another issuer', async () => {
    const token = await sign({ iss: `https://login.microsoftonline.com/${TID}/v2.0`, tid: TID });
    expect((await rejectionOf(validateIdToken(token, jwks, expect_({})))).message).toContain('issued by another issuer');
  });

  it('refuses a token whose iss is null, even with a templated issuer', async () => {
    const token = await sign({ iss: null as unknown as string });
    expect((await rejectionOf(validateIdToken(token, jwks, expect_({ tenantIssuer: ENTRA })))).code).toBe('id_token_invalid');
  });

  it('refuses a tid that is a list holding a GUID (the tenant claim must be a string)', async () => {
    const token = await sign({ iss: `https://login.microsoftonline.com/${TID}/v2.0`, tid: [TID] as unknown as string });
    expect((await rejectionOf(validateIdToken(token, jwks, expect_({ tenantIssuer: ENTRA })))).code).toBe('id_token_invalid');
  });

  it('accepts the bare host of a plain-http loopback issuer where the profile allows the scheme-less form', async () => {
    const claims = await validateIdToken(await sign({ iss: '127.0.0.1:8080' }), jwks, expect_({ issuer: 'http://127.0.0.1:8080', issuerWithoutScheme: true }));
    expect(claims.iss).toBe('127.0.0.1:8080');
  });
});

describe("validateIdToken() and the signing key's own issuer", () => {
  const withIssuer = (issuer: string): JSONWebKeySet => ({ keys: jwks.keys.map((key) => ({ ...key, issuer })) });

  it('uses a key whose issuer is exactly the expected one', async () => {
    expect((await validateIdToken(await sign({ iss: COMMON }), withIssuer(COMMON), expect_({}))).sub).toBe('user-1');
  });

  it("drops a key naming another issuer: the token is signed with a key the provider's JWKS does not hold", async () => {
    const error = await rejectionOf(validateIdToken(await sign({ iss: COMMON }), withIssuer('https://elsewhere.example'), expect_({})));
    expect(error.message).toContain("signed with a key the provider's JWKS does not hold");
  });

  it('drops a key naming another issuer for a provider without a templated issuer, whatever claims the token carries', async () => {
    // Without a template there is no placeholder to fill: no claim of the token (not even one named "undefined") may
    // turn the key's issuer into the token's.
    const iss = `https://login.example.org/${TID}/v2.0`;
    const token = await sign({ iss, undefined: TID });
    const error = await rejectionOf(validateIdToken(token, withIssuer('https://login.example.org/undefined/v2.0'), expect_({ issuer: iss })));
    expect(error.message).toContain('does not hold');
  });

  it('drops a templated key whose template, filled with the tid, is another issuer', async () => {
    const token = await sign({ iss: `https://login.microsoftonline.com/${TID}/v2.0`, tid: TID });
    const error = await rejectionOf(validateIdToken(token, withIssuer('https://login.example.org/{tenantid}/v2.0'), expect_({ tenantIssuer: ENTRA })));
    expect(error.message).toContain('does not hold');
  });
});

describe('validateIdToken() algorithms', () => {
  // A key per family, imported once per algorithm: WebCrypto binds a key to its algorithm and hash (RFC 7518 §3.1,
  // RFC 8037 §3.1), and generating an RSA key per algorithm would cost seconds on a loaded machine.
  const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
  const FAMILY: Readonly<Record<(typeof ALGS)[number], string>> = {
    RS256: 'RS256', RS384: 'RS256', RS512: 'RS256', PS256: 'RS256', PS384: 'RS256', PS512: 'RS256',
    ES256: 'ES256', ES384: 'ES384', ES512: 'ES512', EdDSA: 'Ed25519', Ed25519: 'Ed25519',
  };
  const privates = new Map<string, CryptoKey>();
  let set: JSONWebKeySet;

  beforeAll(async () => {
    const keys = [];
    const families = new Map<string, JWK>();
    for (const family of new Set(Object.values(FAMILY))) {
      const pair = family === 'RS256' ? { privateKey, publicKey } : await generateKeyPair(family, { extractable: true });
      families.set(family, await exportJWK(pair.privateKey));
      keys.push({ ...(await exportJWK(pair.publicKey)), kid: family });
    }
    for (const alg of ALGS) privates.set(alg, (await importJWK(families.get(FAMILY[alg]) as JWK, alg)) as CryptoKey);
    set = { keys };
  });

  for (const alg of ALGS) {
    it(`accepts a token signed with ${alg}`, async () => {
      const token = await new SignJWT({ iss: COMMON, sub: 'user-1', aud: 'client-1', iat: Math.floor(NOW / 1000), exp: Math.floor(NOW / 1000) + 600 })
        .setProtectedHeader({ alg, kid: FAMILY[alg] })
        .sign(privates.get(alg) as CryptoKey);
      expect((await validateIdToken(token, set, expect_({}))).sub).toBe('user-1');
    });
  }

  it('refuses a token signed with a client secret (HS256): an algorithm Tokenry does not accept', async () => {
    const token = await new SignJWT({ iss: COMMON, sub: 'user-1', aud: 'client-1', iat: Math.floor(NOW / 1000), exp: Math.floor(NOW / 1000) + 600 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a-client-secret-of-32-bytes-long!'));
    expect((await rejectionOf(validateIdToken(token, jwks, expect_({})))).message).toContain('an algorithm Tokenry does not accept');
  });
});

describe('validateIdToken() says why it refused a token', () => {
  const seconds = Math.floor(NOW / 1000);
  const reasonFor = async (token: string, jwkSet: JSONWebKeySet = jwks, patch: Partial<IdTokenExpectation> = {}): Promise<string> =>
    (await rejectionOf(validateIdToken(token, jwkSet, expect_(patch)))).message;

  it('an expired token: it has expired', async () => {
    expect(await reasonFor(await sign({ iss: COMMON, exp: seconds - 600 }))).toContain('it has expired');
  });

  it('another audience: issued for another client (aud)', async () => {
    expect(await reasonFor(await sign({ iss: COMMON, aud: 'client-2' }))).toContain('issued for another client (aud)');
  });

  it('a token not valid yet (nbf): not valid now, check the clock', async () => {
    expect(await reasonFor(await sign({ iss: COMMON, nbf: seconds + 3600 }))).toContain('its nbf is not valid now (check the clock)');
  });

  it('a token without iat: its iat is not valid now', async () => {
    const token = await new SignJWT({ iss: COMMON, sub: 'user-1', aud: 'client-1', exp: seconds + 600 }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    expect(await reasonFor(token)).toContain('its iat is not valid now (check the clock)');
  });

  it('a token without exp: its exp claim is missing', async () => {
    const token = await new SignJWT({ iss: COMMON, sub: 'user-1', aud: 'client-1', iat: seconds }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    expect(await reasonFor(token)).toContain('its exp claim is missing or wrong');
  });

  it('a token without sub: its sub claim is missing', async () => {
    const token = await new SignJWT({ iss: COMMON, aud: 'client-1', iat: seconds, exp: seconds + 600 }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    expect(await reasonFor(token)).toContain('its sub claim is missing or wrong');
  });

  it('a token signed by another key under the same kid: its signature does not verify', async () => {
    const token = await new SignJWT({ iss: COMMON, sub: 'user-1', aud: 'client-1', iat: seconds, exp: seconds + 600 }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(otherKey.privateKey);
    expect(await reasonFor(token)).toContain('its signature does not verify');
  });

  it('a token whose kid the JWKS does not hold: signed with a key the JWKS does not hold', async () => {
    const token = await new SignJWT({ iss: COMMON, sub: 'user-1', aud: 'client-1', iat: seconds, exp: seconds + 600 }).setProtectedHeader({ alg: 'RS256', kid: 'k9' }).sign(privateKey);
    expect(await reasonFor(token)).toContain("signed with a key the provider's JWKS does not hold");
  });

  it('a token without kid and a JWKS of two keys that fit: several keys could have signed it', async () => {
    const two: JSONWebKeySet = { keys: [await exportJWK(otherKey.publicKey), { ...(jwks.keys[0] ?? {}), kid: undefined }].map(({ kid: _kid, ...key }) => key) };
    const token = await new SignJWT({ iss: COMMON, sub: 'user-1', aud: 'client-1', iat: seconds, exp: seconds + 600 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    expect(await reasonFor(token, two)).toContain("the provider's JWKS holds several keys that could have signed it");
  });

  it('text that is not a JWT: not a well-formed signed JWT', async () => {
    expect(await reasonFor('not-a-jwt')).toContain('it is not a well-formed signed JWT');
  });

  it('a JWT whose payload is not JSON: not a well-formed signed JWT', async () => {
    const token = await new CompactSign(new TextEncoder().encode('not json')).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
    expect(await reasonFor(token)).toContain('it is not a well-formed signed JWT');
  });

  it('a JWKS key that cannot be used: it could not be verified', async () => {
    const broken: JSONWebKeySet = { keys: [{ kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB' }] };
    expect(await reasonFor(await sign({ iss: COMMON }), broken)).toContain('it could not be verified');
  });

  it('names the rule and that the sign-in was refused', async () => {
    const message = await reasonFor(await sign({ iss: COMMON, aud: 'client-2' }));
    expect(message).toMatch(/^The provider's ID token is not valid: .*\(OIDC Core §3\.1\.3\.7\)\. The sign-in was refused\.$/);
  });

  it("keeps jose's error as the cause", async () => {
    expect((await rejectionOf(validateIdToken(await sign({ iss: COMMON, aud: 'client-2' }), jwks, expect_({})))).cause).toBeInstanceOf(joseErrors.JWTClaimValidationFailed);
  });

  it('gives no cause to a refusal of its own (azp)', async () => {
    expect((await rejectionOf(validateIdToken(await sign({ iss: COMMON, azp: 'client-2' }), jwks, expect_({})))).cause).toBeUndefined();
  });
});

describe('validateIdToken() clock tolerance', () => {
  const seconds = Math.floor(NOW / 1000);

  it('accepts a token expired a minute ago by default (120 s of leeway)', async () => {
    expect((await validateIdToken(await sign({ iss: COMMON, exp: seconds - 60 }), jwks, expect_({}))).sub).toBe('user-1');
  });

  it('refuses a token expired a minute ago with 10 s of leeway', async () => {
    expect((await rejectionOf(validateIdToken(await sign({ iss: COMMON, exp: seconds - 60 }), jwks, expect_({ clockToleranceSeconds: 10 })))).code).toBe('id_token_invalid');
  });
});

describe('validateIdToken() authorized party (azp)', () => {
  it('refuses several audiences without azp', async () => {
    const error = await rejectionOf(validateIdToken(await sign({ iss: COMMON, aud: ['client-1', 'api'] }), jwks, expect_({})));
    expect(error.message).toContain('it names another authorized party (azp)');
  });

  it('accepts several audiences with azp this client', async () => {
    expect((await validateIdToken(await sign({ iss: COMMON, aud: ['client-1', 'api'], azp: 'client-1' }), jwks, expect_({}))).sub).toBe('user-1');
  });

  it('refuses one audience with azp another client', async () => {
    expect((await rejectionOf(validateIdToken(await sign({ iss: COMMON, azp: 'client-2' }), jwks, expect_({})))).code).toBe('id_token_invalid');
  });

  it('accepts one audience with azp this client', async () => {
    expect((await validateIdToken(await sign({ iss: COMMON, azp: 'client-1' }), jwks, expect_({}))).azp).toBe('client-1');
  });
});

describe('validateIdToken() nonce', () => {
  it('accepts the nonce the sign-in sent', async () => {
    expect((await validateIdToken(await sign({ iss: COMMON, nonce: 'n-1' }), jwks, expect_({ nonce: 'n-1' }))).nonce).toBe('n-1');
  });

  it('refuses another nonce, saying so', async () => {
    const error = await rejectionOf(validateIdToken(await sign({ iss: COMMON, nonce: 'n-2' }), jwks, expect_({ nonce: 'n-1' })));
    expect(error.message).toContain('its nonce is not the one this sign-in sent');
  });

  it('refuses a token without the nonce the sign-in sent', async () => {
    expect((await rejectionOf(validateIdToken(await sign({ iss: COMMON }), jwks, expect_({ nonce: 'n-1' })))).code).toBe('id_token_invalid');
  });

  it('accepts any nonce when the sign-in sent none (device flow)', async () => {
    expect((await validateIdToken(await sign({ iss: COMMON, nonce: 'n-2' }), jwks, expect_({ nonce: null }))).sub).toBe('user-1');
  });
});

describe('validateIdToken() subject', () => {
  it('refuses an empty sub, saying there is no subject', async () => {
    expect((await rejectionOf(validateIdToken(await sign({ iss: COMMON, sub: '' }), jwks, expect_({})))).message).toContain('it has no subject (sub)');
  });

  it('refuses a sub that is not a string', async () => {
    expect((await rejectionOf(validateIdToken(await sign({ iss: COMMON, sub: 42 as unknown as string }), jwks, expect_({})))).code).toBe('id_token_invalid');
  });
});

describe('identityFromClaims()', () => {
  const claims = (extra: Record<string, unknown>): IdTokenClaims => ({ sub: 'user-1', ...extra }) as IdTokenClaims;

  it('reads the id from sub, the name and the email', () => {
    expect(identityFromClaims(claims({ name: 'Ada Lovelace', email: 'ada@example.test' }))).toEqual({ id: 'user-1', name: 'Ada Lovelace', email: 'ada@example.test' });
  });

  it('prefers name to preferred_username', () => {
    expect(identityFromClaims(claims({ name: 'Ada Lovelace', preferred_username: 'ada' })).name).toBe('Ada Lovelace');
  });

  it('falls back to preferred_username without a name', () => {
    expect(identityFromClaims(claims({ preferred_username: 'ada' })).name).toBe('ada');
  });

  it('takes an empty name for none', () => {
    expect(identityFromClaims(claims({ name: '', preferred_username: 'ada' })).name).toBe('ada');
  });

  it('ignores an email that is not a string', () => {
    expect(identityFromClaims(claims({ email: 42 })).email).toBeNull();
  });

  it('has no email when the claims carry none', () => {
    expect(identityFromClaims(claims({})).email).toBeNull();
  });

  it('cuts a long name to 500 characters', () => {
    expect(identityFromClaims(claims({ name: 'a'.repeat(600) })).name).toHaveLength(500);
  });
});

describe('fetchJwks()', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const deps = (patch: Partial<GrantDeps> = {}): GrantDeps => ({
    fetch: (input, init) => fetch(input, init),
    now: () => NOW,
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    ...patch,
  });
  const KEY_SET = { keys: [{ kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB' }] };

  it('GETs the key set with a JWK Set Accept header and the Tokenry user agent', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, KEY_SET));
    const set = await fetchJwks(new URL(`${server.origin}/jwks`), deps());
    expect(set).toEqual(KEY_SET);
    const [request] = server.requests;
    expect(request?.method).toBe('GET');
    expect(request?.url).toBe('/jwks');
    expect(request?.headers.accept).toContain('application/jwk-set+json');
    expect(request?.headers['user-agent']).toBe(USER_AGENT);
  });

  it('reads the key set as JSON whatever media type labels it', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(JSON.stringify(KEY_SET));
    });
    expect(await fetchJwks(new URL(`${server.origin}/jwks`), deps())).toEqual(KEY_SET);
  });

  it('refuses an answer without a key set as bad_response, naming the JWKS URI', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, { keys: 'none' }));
    const error = await rejectionOf(fetchJwks(new URL(`${server.origin}/jwks?x=1`), deps()));
    expect(error.code).toBe('bad_response');
    expect(error.status).toBe(200);
    expect(error.message).toContain(`The JWKS URI ${server.origin}/jwks sent no key set`);
  });

  it('reports a JWKS URI that cannot serve as unavailable, with its Retry-After', async () => {
    server = await startServer((_req, res) => sendJson(res, 503, {}, { 'retry-after': '7' }));
    const error = await rejectionOf(fetchJwks(new URL(`${server.origin}/jwks`), deps()));
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('The JWKS URI is unavailable');
    expect(error.retryAfterMs).toBe(7000);
  });

  it('reads a Retry-After date against the injected clock', async () => {
    server = await startServer((_req, res) => sendJson(res, 503, {}, { 'retry-after': new Date(NOW + 60_000).toUTCString() }));
    expect((await rejectionOf(fetchJwks(new URL(`${server.origin}/jwks`), deps()))).retryAfterMs).toBe(60_000);
  });

  it('refuses a key set larger than the injected cap', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, KEY_SET));
    const error = await rejectionOf(fetchJwks(new URL(`${server.origin}/jwks`), deps({ maxBodyBytes: 16 })));
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('The JWKS URI sent an answer larger than 16 bytes');
  });

  it('arms the injected timer with the default 30 s and times out when it fires', async () => {
    server = await startServer(() => undefined);
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const pending = fetchJwks(new URL(`${server.origin}/jwks`), deps({ setTimer: (fn, ms) => (timers.push({ fn, ms }), { cancel: () => undefined }) }));
    expect(timers.map((t) => t.ms)).toEqual([30_000]);
    timers[0]?.fn();
    const error = await rejectionOf(pending);
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('The JWKS URI');
    expect(error.message).toContain('within 30 s');
  });

  it("arms the timer with the caller's timeout in seconds", async () => {
    server = await startServer(() => undefined);
    const timers: Array<{ fn: () => void; ms: number }> = [];
    const pending = fetchJwks(new URL(`${server.origin}/jwks`), deps({ setTimer: (fn, ms) => (timers.push({ fn, ms }), { cancel: () => undefined }) }), { timeoutSeconds: 5 });
    expect(timers.map((t) => t.ms)).toEqual([5000]);
    timers[0]?.fn();
    expect((await rejectionOf(pending)).message).toContain('within 5 s');
  });

  it("stops at the caller's signal with cancelled", async () => {
    // The server answers: a fetch that ignored the signal would resolve, not hang.
    server = await startServer((_req, res) => sendJson(res, 200, KEY_SET));
    const controller = new AbortController();
    controller.abort();
    expect((await rejectionOf(fetchJwks(new URL(`${server.origin}/jwks`), deps(), { signal: controller.signal }))).code).toBe('cancelled');
  });
});
