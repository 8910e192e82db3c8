// Specifies discovery: where the documents live (OIDC Discovery §4.1, RFC 8414 §3.1), the issuer check, the fallback.
import { afterEach, describe, expect, it } from 'vitest';
import { discover, discoveryUrls, matchesIssuerTemplate, processDiscoveryResponse } from '../../../../electron/core/grants/discovery.js';
import { systemGrantDeps } from '../../../../electron/core/grants/grant-client.js';
import { errorOf, sendJson, startServer, type LocalServer } from './support.js';

const json = (status: number, body: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const context = { issuer: 'https://id.example.test', source: 'openid-configuration' as const, now: 1000 };

describe('discoveryUrls()', () => {
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
  ])('refuses an issuer with %s', (_what, issuer, code) => {
    expect(errorOf(() => discoveryUrls(issuer)).code).toBe(code);
  });

  it('allows plain http on a loopback address', () => {
    expect(discoveryUrls('http://127.0.0.1:8080')[0]?.url).toBe('http://127.0.0.1:8080/.well-known/openid-configuration');
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
  ])('matchesIssuerTemplate(%s) is %s', (issuer, matches) => {
    expect(matchesIssuerTemplate(template, '{tenantid}', issuer)).toBe(matches);
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
