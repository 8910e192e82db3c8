// Specifies validateIdToken()'s documented issuer forms: Entra's templated multi-tenant issuer (with the signing key's
// own issuer) and Google's scheme-less issuer, each accepted only where the profile says so, and nothing else.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateIdToken, type IdTokenExpectation } from '../../../../electron/core/grants/id-token.js';
import { rejectionOf } from './support.js';

const NOW = Date.UTC(2026, 3, 1, 9, 0, 0);
const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TEMPLATE = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const COMMON = 'https://login.microsoftonline.com/common/v2.0';
const ENTRA = { template: TEMPLATE, placeholder: '{tenantid}', claim: 'tid' } as const;

let privateKey: CryptoKey;
let jwks: JSONWebKeySet;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
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
