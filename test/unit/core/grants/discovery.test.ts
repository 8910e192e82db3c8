// Specifies discovery: where the documents live (OIDC Discovery §4.1, RFC 8414 §3.1), the issuer check, the fallback.
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildDiscoveryRequest,
  discover,
  discoveryUrls,
  issuerUrl,
  matchesIssuerTemplate,
  processDiscoveryResponse,
} from '../../../../electron/core/grants/discovery.js';
import { systemGrantDeps } from '../../../../electron/core/grants/grant-client.js';
import { USER_AGENT } from '../../../../electron/core/grants/token-request.js';
import { answering, brokenClockDeps, depsWith, outcomeAround } from './scripted-fetch.js';
import { errorOf, sendJson, startServer, type LocalServer } from './support.js';

const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const context = { issuer: 'https://id.example.test', source: 'openid-configuration' as const, now: 1000 };

describe('discoveryUrls()', () => {
  it('names each document by the specification it follows, the OpenID configuration first', () => {
    expect(discoveryUrls('https://id.example.test').map((u) => u.source)).toEqual(['openid-configuration', 'oauth-authorization-server']);
  });

  it('removes every terminating slash of the issuer before appending the OIDC path (OIDC Discovery §4.1)', () => {
    expect(discoveryUrls('https://id.example.test/tenant//')[0]?.url).toBe('https://id.example.test/tenant/.well-known/openid-configuration');
  });

  it('appends the OIDC path to the issuer and inserts the RFC 8414 one after the host', () => {
    expect(discoveryUrls('https://id.example.test/tenant/').map((u) => u.url)).toEqual([
      'https://id.example.test/tenant/.well-known/openid-configuration',
      'https://id.example.test/.well-known/oauth-authorization-server/tenant',
    ]);
  });

  it.each([
    ['plain http to a remote host', 'http://id.example.test', 'insecure_url'],
    ['a query', 'https://id.example.test/?x=1', 'invalid_config'],
    ['not a URL', 'id.example.test', 'invalid_config'],
    ['a fragment (RFC 8414 §2)', 'https://id.example.test/#top', 'invalid_config'],
    ['a user name', 'https://user@id.example.test', 'invalid_config'],
    ['a password and no user name', 'https://:pw@id.example.test', 'invalid_config'],
    ['a scheme other than http on a loopback address', 'ftp://127.0.0.1/', 'insecure_url'],
  ])('refuses an issuer with %s', (_what, issuer, code) => {
    expect(errorOf(() => discoveryUrls(issuer)).code).toBe(code);
  });

  it('allows plain http on a loopback address', () => {
    expect(discoveryUrls('http://127.0.0.1:8080')[0]?.url).toBe('http://127.0.0.1:8080/.well-known/openid-configuration');
  });
});

describe('issuerUrl()', () => {
  it('refuses plain http to a remote host unless told the account allows it', () => {
    expect(errorOf(() => issuerUrl('http://id.example.test')).code).toBe('insecure_url');
  });

  it('refuses a scheme other than http even where the account allows plain http', () => {
    expect(errorOf(() => issuerUrl('ftp://id.example.test', true)).code).toBe('insecure_url');
  });

  it('says which issuer is not a URL', () => {
    expect(errorOf(() => issuerUrl('id.example.test/tenant?x=1')).message).toContain('"id.example.test/tenant"');
  });

  it("leaves a malformed issuer's query out of the message (it may carry a secret)", () => {
    expect(errorOf(() => issuerUrl('id.example.test?client_secret=s3cr3t-value')).message).not.toContain('s3cr3t-value');
  });

  it('says what an issuer URL may not hold', () => {
    expect(errorOf(() => issuerUrl('https://id.example.test/#top')).message).toMatch(/no query, fragment, user or password/);
  });

  it('says an insecure issuer must be https, naming the scheme and host it has', () => {
    expect(errorOf(() => issuerUrl('http://id.example.test:8080/tenant')).message).toMatch(/must be an https URL, not http:\/\/id\.example\.test:8080/);
  });
});

describe('buildDiscoveryRequest()', () => {
  it('asks for JSON with a GET that carries no credential, so nothing in it is a secret', () => {
    const url = 'https://id.example.test/.well-known/openid-configuration';
    expect(buildDiscoveryRequest(url)).toEqual({
      url,
      method: 'GET',
      headers: { accept: 'application/json', 'user-agent': USER_AGENT },
      secrets: [],
      endpoint: 'discovery document',
    });
  });
});

describe('processDiscoveryResponse()', () => {
  const doc = {
    issuer: 'https://id.example.test',
    authorization_endpoint: 'https://id.example.test/auth',
    token_endpoint: 'https://id.example.test/token',
    device_authorization_endpoint: 'https://id.example.test/device',
    revocation_endpoint: 'https://id.example.test/revoke',
    jwks_uri: 'https://id.example.test/jwks',
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: true,
    other_member: 'ignored',
  };

  it('keeps the endpoints and what the server supports', () => {
    expect(processDiscoveryResponse(json(200, doc), context)).toMatchObject({
      issuer: 'https://id.example.test',
      source: 'openid-configuration',
      fetchedAt: 1000,
      authorizationEndpoint: 'https://id.example.test/auth',
      deviceAuthorizationEndpoint: 'https://id.example.test/device',
      revocationEndpoint: 'https://id.example.test/revoke',
      userinfoEndpoint: null,
      codeChallengeMethodsSupported: ['S256'],
      authorizationResponseIssParameterSupported: true,
    });
  });

  it('keeps every member it reads, lists included', () => {
    const full = {
      ...doc,
      userinfo_endpoint: 'https://id.example.test/userinfo',
      grant_types_supported: ['authorization_code', 'refresh_token'],
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
      scopes_supported: ['openid', 'email'],
    };
    expect(processDiscoveryResponse(json(200, full), context)).toEqual({
      issuer: 'https://id.example.test',
      source: 'openid-configuration',
      fetchedAt: 1000,
      authorizationEndpoint: 'https://id.example.test/auth',
      tokenEndpoint: 'https://id.example.test/token',
      deviceAuthorizationEndpoint: 'https://id.example.test/device',
      revocationEndpoint: 'https://id.example.test/revoke',
      userinfoEndpoint: 'https://id.example.test/userinfo',
      jwksUri: 'https://id.example.test/jwks',
      grantTypesSupported: ['authorization_code', 'refresh_token'],
      responseTypesSupported: ['code'],
      codeChallengeMethodsSupported: ['S256'],
      tokenEndpointAuthMethodsSupported: ['client_secret_basic', 'none'],
      scopesSupported: ['openid', 'email'],
      authorizationResponseIssParameterSupported: true,
    });
  });

  it('takes a server that does not say it sends iss as one that does not (RFC 9207 §3)', () => {
    const { authorization_response_iss_parameter_supported: _said, ...silentDoc } = doc;
    expect(processDiscoveryResponse(json(200, silentDoc), context).authorizationResponseIssParameterSupported).toBe(false);
  });

  it('says whose discovery document is not valid metadata', () => {
    expect(errorOf(() => processDiscoveryResponse(json(200, { token_endpoint: 'x' }), context)).message).toContain('https://id.example.test');
  });

  it('names the member of the document that is not valid', () => {
    expect(errorOf(() => processDiscoveryResponse(json(200, { ...doc, grant_types_supported: 'code' }), context)).message).toContain('grant_types_supported');
  });

  it('names the entry of a list that is not valid', () => {
    expect(errorOf(() => processDiscoveryResponse(json(200, { ...doc, scopes_supported: ['openid', 7] }), context)).message).toContain('scopes_supported.1');
  });

  it('says what is wrong with the member that is not valid', () => {
    expect(errorOf(() => processDiscoveryResponse(json(200, { ...doc, grant_types_supported: 'code' }), context)).message).toMatch(/expected array/i);
  });

  it('keeps the HTTP status of a document that is not valid metadata', () => {
    expect(errorOf(() => processDiscoveryResponse(json(200, { token_endpoint: 'x' }), context)).status).toBe(200);
  });

  it('names the discovery document in the error of an unavailable server', () => {
    expect(errorOf(() => processDiscoveryResponse(json(503, {}), context)).message).toContain('discovery document');
  });

  it('names both issuers when they differ, so that the person can use the one the provider states', () => {
    const message = errorOf(() => processDiscoveryResponse(json(200, { ...doc, issuer: 'https://id.example.test/v2' }), context)).message;
    expect(message).toMatch(/"https:\/\/id\.example\.test\/v2", not "https:\/\/id\.example\.test"/);
  });

  it("cuts a very long foreign issuer short in the message", () => {
    const long = `https://id.example.test/${'a'.repeat(1500)}`;
    expect(errorOf(() => processDiscoveryResponse(json(200, { ...doc, issuer: long }), context)).message).not.toContain(long);
  });

  it('refuses a document naming another issuer with issuer_mismatch (RFC 8414 §3.3)', () => {
    expect(errorOf(() => processDiscoveryResponse(json(200, { ...doc, issuer: 'https://id.example.test/' }), context)).code).toBe('issuer_mismatch');
  });

  it.each([
    ['without issuer', json(200, { token_endpoint: 'x' }), 'discovery_failed'],
    ['with a list that is not one', json(200, { ...doc, grant_types_supported: 'code' }), 'discovery_failed'],
    ['as HTML', { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>hi</html>' }, 'bad_response'],
    ['as a 404', json(404, { error: 'not_found' }), 'provider_error'],
    ['as a 503', json(503, {}), 'unavailable'],
  ])('refuses a document %s', (_what, response, code) => {
    expect(errorOf(() => processDiscoveryResponse(response, context)).code).toBe(code);
  });
});

describe('discover()', () => {
  let server: LocalServer;
  afterEach(async () => server?.close());

  it('falls back to RFC 8414 when there is no OpenID configuration', async () => {
    server = await startServer((req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') sendJson(res, 200, { issuer: server.origin, token_endpoint: `${server.origin}/token` });
      else sendJson(res, 404, { error: 'not_found' });
    });
    const found = await discover(server.origin, systemGrantDeps());
    expect(found.ok ? [found.value.source, found.value.tokenEndpoint] : found.error.code).toEqual(['oauth-authorization-server', `${server.origin}/token`]);
    expect(server.requests.map((r) => r.url)).toEqual(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']);
  });

  it('takes the OpenID configuration when there is one, asking nothing more', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, { issuer: server.origin }));
    const found = await discover(server.origin, systemGrantDeps());
    expect([found.ok ? found.value.source : found.error.code, server.requests.length]).toEqual(['openid-configuration', 1]);
  });

  it('falls back to RFC 8414 when the OpenID configuration is not JSON', async () => {
    server = await startServer((req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') sendJson(res, 200, { issuer: server.origin });
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not here</html>');
    });
    const found = await discover(server.origin, systemGrantDeps());
    expect(found.ok ? found.value.source : found.error.code).toBe('oauth-authorization-server');
  });

  it('falls back to RFC 8414 when the OpenID configuration is not valid metadata', async () => {
    server = await startServer((req, res) => {
      if (req.url === '/.well-known/oauth-authorization-server') sendJson(res, 200, { issuer: server.origin });
      else sendJson(res, 200, { token_endpoint: `${server.origin}/token` });
    });
    const found = await discover(server.origin, systemGrantDeps());
    expect(found.ok ? found.value.source : found.error.code).toBe('oauth-authorization-server');
  });

  it('says each address it tried and what each answered when neither document exists', async () => {
    server = await startServer((_req, res) => sendJson(res, 404, { error: 'not_found' }));
    const found = await discover(server.origin, systemGrantDeps());
    expect(found.ok ? 'ok' : found.error.message).toContain(
      `${server.origin}/.well-known/openid-configuration: HTTP 404; ${server.origin}/.well-known/oauth-authorization-server: HTTP 404`,
    );
  });

  it('tells the person what to do when neither document exists', async () => {
    server = await startServer((_req, res) => sendJson(res, 404, { error: 'not_found' }));
    const found = await discover(server.origin, systemGrantDeps());
    expect(found.ok ? 'ok' : found.error.message).toMatch(/Check the issuer, or give the endpoints yourself/);
  });

  it('refuses a document larger than the deps allow', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, { issuer: server.origin, scopes_supported: Array.from({ length: 50 }, (_, i) => `scope-${i}`) }));
    const found = await discover(server.origin, { ...systemGrantDeps(), maxBodyBytes: 200 });
    expect(found.ok ? 'ok' : found.error.code).toBe('discovery_failed');
  });

  it('returns a malformed issuer as an error value, asking nothing', async () => {
    const seen: string[] = [];
    const found = await discover('id.example.test', depsWith(answering({ issuer: 'id.example.test' }, seen)));
    expect([found.ok ? 'ok' : found.error.code, seen.length]).toEqual(['invalid_config', 0]);
  });

  it('refuses plain http to a remote issuer unless the account allows it, asking nothing', async () => {
    const seen: string[] = [];
    const found = await discover('http://id.example.test', depsWith(answering({ issuer: 'http://id.example.test' }, seen)));
    expect([found.ok ? 'ok' : found.error.code, seen.length]).toEqual(['insecure_url', 0]);
  });

  it('asks a remote issuer over plain http where the account allows it', async () => {
    const seen: string[] = [];
    const found = await discover('http://id.example.test', depsWith(answering({ issuer: 'http://id.example.test' }, seen)), { allowInsecureHttp: true });
    expect([found.ok ? found.value.issuer : found.error.code, seen]).toEqual(['http://id.example.test', ['http://id.example.test/.well-known/openid-configuration']]);
  });

  it("accepts a tenant's templated metadata where the options name the placeholder", async () => {
    const template = 'https://login.example.test/{tenantid}/v2.0';
    const found = await discover('https://login.example.test/common/v2.0', depsWith(answering({ issuer: template })), { tenantPlaceholder: '{tenantid}' });
    expect(found.ok ? found.value.issuer : found.error.code).toBe(template);
  });

  it('gives up on a server that does not answer within the timeout, timed by the injected timer', async () => {
    expect(await outcomeAround(5_000, (deps) => discover('https://id.example.test', deps, { timeoutSeconds: 5 }))).toEqual(['still waiting', 'timeout']);
  });

  it('ends as cancelled, asking nothing, when the signal is already aborted', async () => {
    const seen: string[] = [];
    const controller = new AbortController();
    controller.abort();
    const found = await discover('https://id.example.test', depsWith(answering({ issuer: 'https://id.example.test' }, seen)), { signal: controller.signal });
    expect([found.ok ? 'ok' : found.error.code, seen.length]).toEqual(['cancelled', 0]);
  });

  it('lets an error that is not a grant error through instead of passing it off as one', async () => {
    await expect(discover('https://id.example.test', brokenClockDeps(answering({ issuer: 'https://id.example.test' })))).rejects.toThrow(RangeError);
  });

  it('says discovery_failed when neither document exists', async () => {
    server = await startServer((_req, res) => sendJson(res, 404, { error: 'not_found' }));
    const found = await discover(server.origin, systemGrantDeps());
    expect(found.ok ? 'ok' : found.error.code).toBe('discovery_failed');
  });

  it('does not try the other name after an issuer mismatch', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, { issuer: 'https://elsewhere.example.test' }));
    const found = await discover(server.origin, systemGrantDeps());
    expect([found.ok ? 'ok' : found.error.code, server.requests.length]).toEqual(['issuer_mismatch', 1]);
  });

  it('stops at an unavailable server instead of trying the other document', async () => {
    server = await startServer((_req, res) => sendJson(res, 503, {}));
    const found = await discover(server.origin, systemGrantDeps());
    expect([found.ok ? 'ok' : found.error.kind, server.requests.length]).toEqual(['unavailable', 1]);
  });
});

describe("an issuer template (Entra's multi-tenant metadata)", () => {
  const template = 'https://login.microsoftonline.com/{tenantid}/v2.0';

  it.each([
    ['https://login.microsoftonline.com/common/v2.0', true],
    ['https://login.microsoftonline.com/organizations/v2.0', true],
    ['https://login.microsoftonline.com/v2.0', false],
    ['https://login.microsoftonline.com/a/b/v2.0', false],
    ['https://evil.example/common/v2.0', false],
    ['https://login.microsoftonline.org/common/v2.0', false],
    ['https://login.microsoftonline.com/common/v1.0', false],
  ])('matchesIssuerTemplate(%s) is %s', (issuer, matches) => {
    expect(matchesIssuerTemplate(template, '{tenantid}', issuer)).toBe(matches);
  });

  it('lets the placeholder stand at the very start of a template', () => {
    expect(matchesIssuerTemplate('{tenant}.id.example.test/v2', '{tenant}', 'contoso.id.example.test/v2')).toBe(true);
  });

  it.each([
    ['the template itself', 'https://login.example.test/common/v2.0'],
    // Built to fit the edges a missing placeholder would leave: one character short at the end, nine at the start.
    ['an issuer built to fit its edges', 'https://login.example.test/common/v2.Xogin.example.test/common/v2.0'],
  ])('finds no match in a template without the placeholder, not even %s', (_what, issuer) => {
    expect(matchesIssuerTemplate('https://login.example.test/common/v2.0', '{tenantid}', issuer)).toBe(false);
  });

  it('finds no match in a template holding the placeholder twice', () => {
    expect(matchesIssuerTemplate('https://login.example.test/{t}/{t}/v2.0', '{t}', 'https://login.example.test/common/{t}/v2.0')).toBe(false);
  });

  it('takes no document for a template where the profile names no placeholder, whatever its issuer says', () => {
    const asked = { ...context, issuer: 'https://id.example.test/common' };
    expect(errorOf(() => processDiscoveryResponse(json(200, { issuer: 'https://id.example.test/undefined' }), asked)).code).toBe('issuer_mismatch');
  });

  it('accepts the document for the tenant asked for where the profile names the placeholder, and keeps the template as its issuer', () => {
    const metadata = processDiscoveryResponse(json(200, { issuer: template, token_endpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token' }), {
      ...context,
      issuer: 'https://login.microsoftonline.com/common/v2.0',
      tenantPlaceholder: '{tenantid}',
    });
    expect(metadata.issuer).toBe(template);
  });

  it('refuses it as issuer_mismatch without the placeholder', () => {
    expect(errorOf(() => processDiscoveryResponse(json(200, { issuer: template }), { ...context, issuer: 'https://login.microsoftonline.com/common/v2.0' })).code).toBe(
      'issuer_mismatch',
    );
  });
});
