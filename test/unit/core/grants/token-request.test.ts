// Specifies buildTokenRequest(): each preset's wire dialect (seeds/) for each grant, scope, UTF-8, and refusals.

import { describe, expect, it } from 'vitest';
import { buildTokenRequest, displayUrl, USER_AGENT } from '../../../../electron/core/grants/token-request.js';
import { resolveProfile } from '../../../../electron/core/providers/resolve-profile.js';
import type { ProfileOverrides } from '../../../../electron/core/providers/profile.js';
import { errorOf } from './support.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const profile = (id: string, overrides: ProfileOverrides = {}) => resolveProfile(id, overrides);
const queryOf = (url: string): Array<[string, string]> => [...new URL(url).searchParams.entries()];

/** The Saasu document's XML request sample, whitespace between elements removed. */
const SAASU_XML_SAMPLE = `<OAuthPasswordCredentialsGrantRequest xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <grant_type>password</grant_type>
  <username>test@host.com</username>
  <password>StrongPassword</password>
  <scope>full</scope>
</OAuthPasswordCredentialsGrantRequest>`.replace(/>\s+</g, '><');

describe('buildTokenRequest() for Axosoft (GET, query string, client in the query)', () => {
  const axosoft = profile('axosoft', { baseUrl: 'https://axo.example.com/' });
  const client = { clientId: 'axo-client', clientSecret: 'axo-secret' };
  const request = buildTokenRequest(axosoft, { grant: 'password', username: 'cathy', password: 'hunter2' }, client);

  it('sends a GET', () => {
    expect(request.method).toBe('GET');
  });

  it('puts every parameter in the query, scope defaulting to read', () => {
    expect(request.url).toBe(
      'https://axo.example.com/api/oauth2/token?grant_type=password&username=cathy&password=hunter2&scope=read&client_id=axo-client&client_secret=axo-secret',
    );
  });

  it('has no body and no content-type, and accepts JSON', () => {
    expect({ body: request.body, headers: request.headers }).toEqual({
      body: undefined,
      headers: { accept: 'application/json', 'user-agent': USER_AGENT },
    });
  });

  it('records the default scope as the requested one', () => {
    expect(request.requestedScope).toEqual(['read']);
  });

  it('sends an explicit scope list space-separated (read write)', () => {
    const r = buildTokenRequest(axosoft, { grant: 'password', username: 'cathy', password: 'x' }, client, { scope: ['read', 'write'] });
    expect(new URL(r.url).searchParams.get('scope')).toBe('read write');
  });

  it('refuses the refresh_token grant, which Axosoft lacks', () => {
    expect(errorOf(() => buildTokenRequest(axosoft, { grant: 'refresh_token', refreshToken: 'rt' }, client)).code).toBe('invalid_config');
  });

  it('refuses the client_credentials grant, which Axosoft lacks', () => {
    expect(errorOf(() => buildTokenRequest(axosoft, { grant: 'client_credentials' }, client)).code).toBe('invalid_config');
  });

  it('refuses a one-time code, since Axosoft has no such field', () => {
    expect(
      errorOf(() => buildTokenRequest(axosoft, { grant: 'password', username: 'cathy', password: 'x', otp: '123456' }, client)).code,
    ).toBe('invalid_config');
  });

  it('refuses a missing base URL', () => {
    expect(
      errorOf(() => buildTokenRequest(profile('axosoft'), { grant: 'password', username: 'u', password: 'p' }, client)).code,
    ).toBe('invalid_config');
  });

  it('percent-encodes a non-ASCII password as UTF-8 in the query', () => {
    const r = buildTokenRequest(axosoft, { grant: 'password', username: 'cathy', password: 'pässwörd✓ &=' }, client);
    expect(new URL(r.url).search).toContain('&password=p%C3%A4ssw%C3%B6rd%E2%9C%93+%26%3D&');
  });

  it('keeps a query the token URL already has, appending the parameters after it', () => {
    const withQuery = profile('axosoft', { baseUrl: 'https://axo.example.com', tokenUrl: '{baseUrl}/api/oauth2/token?tenant=acme' });
    const r = buildTokenRequest(withQuery, { grant: 'password', username: 'cathy', password: 'p' }, client);
    expect(queryOf(r.url).slice(0, 2)).toEqual([
      ['tenant', 'acme'],
      ['grant_type', 'password'],
    ]);
  });
});

describe('buildTokenRequest() for SugarCRM (POST JSON, platform, client sugar with an empty secret)', () => {
  const sugar = profile('sugarcrm', { baseUrl: 'https://crm.example.com' });

  it('posts the document\'s password request body, byte for byte', () => {
    const r = buildTokenRequest(sugar, { grant: 'password', username: 'admin', password: 'password' }, {});
    expect(r.body).toBe('{"grant_type":"password","username":"admin","password":"password","client_id":"sugar","client_secret":"","platform":"base"}');
  });

  it('posts to /rest/v10/oauth2/token with JSON content type in UTF-8, accepting JSON', () => {
    const r = buildTokenRequest(sugar, { grant: 'password', username: 'admin', password: 'password' }, {});
    expect({ method: r.method, url: r.url, headers: r.headers }).toEqual({
      method: 'POST',
      url: 'https://crm.example.com/rest/v10/oauth2/token',
      headers: { accept: 'application/json', 'content-type': 'application/json; charset=utf-8', 'user-agent': USER_AGENT },
    });
  });

  it('posts the document\'s refresh request (same fields as the sample)', () => {
    const r = buildTokenRequest(sugar, { grant: 'refresh_token', refreshToken: 'c1be5132-655b-1ca3-fb44-512e36709871' }, {});
    expect(JSON.parse(r.body ?? '')).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'c1be5132-655b-1ca3-fb44-512e36709871',
      client_id: 'sugar',
      client_secret: '',
      platform: 'base',
    });
  });

  it('uses the account\'s own client id and secret over the defaults', () => {
    const r = buildTokenRequest(sugar, { grant: 'password', username: 'a', password: 'b' }, { clientId: 'mobile_app', clientSecret: 's3' });
    expect(JSON.parse(r.body ?? '')).toMatchObject({ client_id: 'mobile_app', client_secret: 's3' });
  });

  it('sends the platform an account chose (mobile)', () => {
    const mobile = profile('sugarcrm', { baseUrl: 'https://crm.example.com', extraParams: { platform: 'mobile' } });
    const r = buildTokenRequest(mobile, { grant: 'password', username: 'a', password: 'b' }, {});
    expect(JSON.parse(r.body ?? '')).toMatchObject({ platform: 'mobile' });
  });

  it('sends no scope, since the endpoint takes none', () => {
    const r = buildTokenRequest(sugar, { grant: 'password', username: 'a', password: 'b' }, {}, { scope: 'anything' });
    expect(Object.keys(JSON.parse(r.body ?? '') as object)).not.toContain('scope');
  });

  it('encodes a non-ASCII password as UTF-8 bytes in the JSON body', () => {
    const r = buildTokenRequest(sugar, { grant: 'password', username: 'a', password: 'pässwörd✓' }, {});
    expect(Buffer.from(r.body ?? '', 'utf8').includes(Buffer.from('"password":"pässwörd✓"', 'utf8'))).toBe(true);
  });

  it('refuses the client_credentials grant, which SugarCRM lacks', () => {
    expect(errorOf(() => buildTokenRequest(sugar, { grant: 'client_credentials' }, {})).code).toBe('invalid_config');
  });
});

describe('buildTokenRequest() for ER/Studio Team Server (GET, query string)', () => {
  const ts = profile('teamserver', { baseUrl: 'https://ts.example.com' });
  const client = { clientId: '6a2a39ba-9688-493d-b348-187468f599ae', clientSecret: 'a28e0ca4-27cb-4361-bf97-3b26c612d66a' };

  it('sends the document\'s example parameters (in any order) for the password grant', () => {
    const docs = profile('teamserver', { baseUrl: 'http://teamserver.example.com', allowInsecureHttp: true });
    const r = buildTokenRequest(docs, { grant: 'password', username: 'username', password: 'password' }, client);
    const example = new URL(
      'http://teamserver.example.com/api/oauth/token?username=username&password=password&client_id=6a2a39ba-9688-493d-b348-187468f599ae&client_secret=a28e0ca4-27cb-4361-bf97-3b26c612d66a&grant_type=password',
    );
    expect({ path: new URL(r.url).pathname, query: queryOf(r.url).sort() }).toEqual({
      path: example.pathname,
      query: [...example.searchParams.entries()].sort(),
    });
  });

  it('sends a GET without body, accepting JSON', () => {
    const r = buildTokenRequest(ts, { grant: 'password', username: 'u', password: 'p' }, client);
    expect({ method: r.method, body: r.body, headers: r.headers }).toEqual({
      method: 'GET',
      body: undefined,
      headers: { accept: 'application/json', 'user-agent': USER_AGENT },
    });
  });

  it('leaves the body and the content-type header out of a GET altogether, not merely undefined', () => {
    const r = buildTokenRequest(ts, { grant: 'password', username: 'u', password: 'p' }, client);
    expect({ request: Object.keys(r).includes('body'), headers: Object.keys(r.headers) }).toEqual({ request: false, headers: ['accept', 'user-agent'] });
  });

  it('sends the refresh grant in the query with the client', () => {
    const r = buildTokenRequest(ts, { grant: 'refresh_token', refreshToken: 'bcd5a78c-9f0a-4ba6-9baa-5872e5acf7bb' }, client);
    expect(r.url).toBe(
      'https://ts.example.com/api/oauth/token?grant_type=refresh_token&refresh_token=bcd5a78c-9f0a-4ba6-9baa-5872e5acf7bb&client_id=6a2a39ba-9688-493d-b348-187468f599ae&client_secret=a28e0ca4-27cb-4361-bf97-3b26c612d66a',
    );
  });

  it('encodes a non-ASCII user name and password as UTF-8 in the query', () => {
    const r = buildTokenRequest(ts, { grant: 'password', username: 'Jürgen', password: '密码' }, client);
    expect(new URL(r.url).search).toContain('username=J%C3%BCrgen&password=%E5%AF%86%E7%A0%81');
  });

  it('refuses plain http to the document\'s own host unless insecure http is allowed', () => {
    const docs = profile('teamserver', { baseUrl: 'http://teamserver.example.com' });
    expect(errorOf(() => buildTokenRequest(docs, { grant: 'password', username: 'u', password: 'p' }, client)).code).toBe('insecure_url');
  });
});

describe('buildTokenRequest() for Saasu (POST JSON or XML, no client auth, verification code)', () => {
  const saasu = profile('saasu');
  const input = { grant: 'password', username: 'test@host.com', password: 'StrongPassword' } as const;

  it('posts the document\'s JSON sample byte for byte, scope defaulting to full', () => {
    expect(buildTokenRequest(saasu, input, {}).body).toBe(
      '{"grant_type":"password","username":"test@host.com","password":"StrongPassword","scope":"full"}',
    );
  });

  it('posts JSON to the default base URL without any authorization, accepting JSON before XML', () => {
    const r = buildTokenRequest(saasu, input, { clientId: 'ignored', clientSecret: 'ignored' });
    expect({ method: r.method, url: r.url, headers: r.headers }).toEqual({
      method: 'POST',
      url: 'https://api.saasu.com/authorisation/token',
      headers: {
        accept: 'application/json, application/xml;q=0.9',
        'content-type': 'application/json; charset=utf-8',
        'user-agent': USER_AGENT,
      },
    });
  });

  it("posts the document's XML sample byte for byte with encoding 'xml'", () => {
    expect(buildTokenRequest(profile('saasu', { encoding: 'xml' }), input, {}).body).toBe(SAASU_XML_SAMPLE);
  });

  it("sends XML content type in UTF-8 and accepts XML before JSON with encoding 'xml'", () => {
    const r = buildTokenRequest(profile('saasu', { encoding: 'xml' }), input, {});
    expect(r.headers).toEqual({
      accept: 'application/xml, application/json;q=0.9',
      'content-type': 'application/xml; charset=utf-8',
      'user-agent': USER_AGENT,
    });
  });

  it('escapes XML special characters in a password in the XML body', () => {
    const r = buildTokenRequest(profile('saasu', { encoding: 'xml' }), { ...input, password: 'a<b>&"c' }, {});
    expect(r.body).toContain('<password>a&lt;b&gt;&amp;&quot;c</password>');
  });

  it('writes a non-ASCII password as UTF-8 text in the XML body', () => {
    const r = buildTokenRequest(profile('saasu', { encoding: 'xml' }), { ...input, password: 'pässwörd✓' }, {});
    expect(Buffer.from(r.body ?? '', 'utf8').includes(Buffer.from('<password>pässwörd✓</password>', 'utf8'))).toBe(true);
  });

  it('sends a one-time code as verification_code', () => {
    const r = buildTokenRequest(saasu, { ...input, otp: '123456' }, {});
    expect(JSON.parse(r.body ?? '')).toEqual({
      grant_type: 'password',
      username: 'test@host.com',
      password: 'StrongPassword',
      verification_code: '123456',
      scope: 'full',
    });
  });

  it('sends a one-time code as a verification_code element in XML', () => {
    const r = buildTokenRequest(profile('saasu', { encoding: 'xml' }), { ...input, otp: '123456' }, {});
    expect(r.body).toContain('<password>StrongPassword</password><verification_code>123456</verification_code><scope>full</scope>');
  });

  it('sends no verification_code for an empty one-time code', () => {
    const r = buildTokenRequest(saasu, { ...input, otp: '' }, {});
    expect(Object.keys(JSON.parse(r.body ?? '') as object)).not.toContain('verification_code');
  });

  it('sends the refresh grant without scope', () => {
    const r = buildTokenRequest(saasu, { grant: 'refresh_token', refreshToken: 'rt-1' }, {});
    expect(r.body).toBe('{"grant_type":"refresh_token","refresh_token":"rt-1"}');
  });

  it('refuses the client_credentials grant, which Saasu lacks', () => {
    expect(errorOf(() => buildTokenRequest(saasu, { grant: 'client_credentials' }, {})).code).toBe('invalid_config');
  });
});

describe('buildTokenRequest() for Applixure (POST form, HTTP Basic, client_credentials)', () => {
  const applixure = profile('applixure', { baseUrl: 'https://aas.example.com' });
  const client = { clientId: 'key-id', clientSecret: 'key secret:1' };
  const request = buildTokenRequest(applixure, { grant: 'client_credentials' }, client, {
    scope: 'account-all:read account-data:manage',
  });

  it("posts the document's example payload byte for byte", () => {
    expect(request.body).toBe('grant_type=client_credentials&scope=account-all%3Aread+account-data%3Amanage');
  });

  it('sends form content type in UTF-8, accepts JSON, and authenticates with form-encoded HTTP Basic', () => {
    expect({ method: request.method, url: request.url, headers: request.headers }).toEqual({
      method: 'POST',
      url: 'https://aas.example.com/oauth2/token',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        authorization: `Basic ${b64('key-id:key+secret%3A1')}`,
        'user-agent': USER_AGENT,
      },
    });
  });

  it('sends HTTP Basic in raw form when asked to', () => {
    const r = buildTokenRequest(applixure, { grant: 'client_credentials' }, client, { basicEncoding: 'raw' });
    expect(r.headers['authorization']).toBe(`Basic ${b64('key-id:key secret:1')}`);
  });

  it('sends the client in the body when the account chooses body authentication', () => {
    const body = profile('applixure', { baseUrl: 'https://aas.example.com', clientAuth: 'body' });
    expect(buildTokenRequest(body, { grant: 'client_credentials' }, client).body).toBe(
      'grant_type=client_credentials&client_id=key-id&client_secret=key+secret%3A1',
    );
  });

  it('refuses HTTP Basic without a client id', () => {
    expect(errorOf(() => buildTokenRequest(applixure, { grant: 'client_credentials' }, {})).code).toBe('invalid_config');
  });

  it('refuses the password grant, which Applixure lacks', () => {
    expect(errorOf(() => buildTokenRequest(applixure, { grant: 'password', username: 'u', password: 'p' }, client)).code).toBe(
      'invalid_config',
    );
  });

  it('refuses the refresh_token grant: Applixure issues no refresh tokens', () => {
    expect(errorOf(() => buildTokenRequest(applixure, { grant: 'refresh_token', refreshToken: 'rt' }, client)).code).toBe(
      'invalid_config',
    );
  });
});

describe('buildTokenRequest() for a standard RFC 6749 endpoint (oauth2)', () => {
  const oauth2 = profile('oauth2', { baseUrl: 'https://auth.example.com' });
  const client = { clientId: 'app', clientSecret: 'shh' };

  it('posts the password grant as a form with HTTP Basic', () => {
    const r = buildTokenRequest(oauth2, { grant: 'password', username: 'bob', password: 'p@ss word' }, client);
    expect({ method: r.method, url: r.url, body: r.body, auth: r.headers['authorization'] }).toEqual({
      method: 'POST',
      url: 'https://auth.example.com/token',
      body: 'grant_type=password&username=bob&password=p%40ss+word',
      auth: `Basic ${b64('app:shh')}`,
    });
  });

  it('sends a client_credentials grant with the requested scope', () => {
    const r = buildTokenRequest(oauth2, { grant: 'client_credentials' }, client, { scope: 'a b' });
    expect(r.body).toBe('grant_type=client_credentials&scope=a+b');
  });

  it('sends a refresh grant without scope by default (RFC 6749 §6: optional)', () => {
    const r = buildTokenRequest(oauth2, { grant: 'refresh_token', refreshToken: 'rt/1+2' }, client, { scope: 'a b' });
    expect(r.body).toBe('grant_type=refresh_token&refresh_token=rt%2F1%2B2');
  });

  it('sends scope on refresh when the profile asks for it', () => {
    const withScope = profile('oauth2', { baseUrl: 'https://auth.example.com', scopeOnRefresh: true });
    const r = buildTokenRequest(withScope, { grant: 'refresh_token', refreshToken: 'rt' }, client, { scope: 'a' });
    expect(r.body).toBe('grant_type=refresh_token&refresh_token=rt&scope=a');
  });

  it('sends refresh grants to the separate refresh URL when the profile has one', () => {
    const split = profile('oauth2', { baseUrl: 'https://auth.example.com', refreshUrl: '{baseUrl}/refresh' });
    expect(buildTokenRequest(split, { grant: 'refresh_token', refreshToken: 'rt' }, client).url).toBe('https://auth.example.com/refresh');
  });

  it('sends password grants to the token URL even when a refresh URL exists', () => {
    const split = profile('oauth2', { baseUrl: 'https://auth.example.com', refreshUrl: '{baseUrl}/refresh' });
    expect(buildTokenRequest(split, { grant: 'password', username: 'u', password: 'p' }, client).url).toBe('https://auth.example.com/token');
  });

  it('percent-encodes a non-ASCII password as UTF-8 in the form body', () => {
    const r = buildTokenRequest(oauth2, { grant: 'password', username: 'u', password: 'pässwörd✓' }, client);
    expect(r.body).toBe('grant_type=password&username=u&password=p%C3%A4ssw%C3%B6rd%E2%9C%93');
  });

  it('lists the password, refresh token, client secret and Authorization value as secrets', () => {
    const r = buildTokenRequest(oauth2, { grant: 'password', username: 'u', password: 'pw' }, client);
    expect(r.secrets).toEqual(['pw', 'shh', `Basic ${b64('app:shh')}`, b64('app:shh')]);
  });

  it('lists the refresh token as a secret on refresh', () => {
    const r = buildTokenRequest(oauth2, { grant: 'refresh_token', refreshToken: 'the-refresh-token' }, client);
    expect(r.secrets).toContain('the-refresh-token');
  });

  it('refuses an empty password', () => {
    expect(errorOf(() => buildTokenRequest(oauth2, { grant: 'password', username: 'u', password: '' }, client)).code).toBe('invalid_config');
  });

  it('refuses an empty user name', () => {
    expect(errorOf(() => buildTokenRequest(oauth2, { grant: 'password', username: '', password: 'p' }, client)).code).toBe('invalid_config');
  });

  it('asks for sign-in when there is no refresh token to send', () => {
    expect(errorOf(() => buildTokenRequest(oauth2, { grant: 'refresh_token', refreshToken: '' }, client)).code).toBe('needs_sign_in');
  });

  it('refuses a grant an edited profile no longer lists', () => {
    const passwordOnly = profile('oauth2', { baseUrl: 'https://auth.example.com', grants: ['password'] });
    expect(errorOf(() => buildTokenRequest(passwordOnly, { grant: 'client_credentials' }, client)).code).toBe('invalid_config');
  });

  it('refuses a one-time code, since the preset has no such field', () => {
    expect(
      errorOf(() => buildTokenRequest(oauth2, { grant: 'password', username: 'u', password: 'p', otp: '1' }, client)).code,
    ).toBe('invalid_config');
  });

  it('accepts XML answers first when the profile expects XML', () => {
    const xml = profile('oauth2', { baseUrl: 'https://auth.example.com', responseFormat: 'xml' });
    expect(buildTokenRequest(xml, { grant: 'client_credentials' }, client).headers['accept']).toBe('application/xml');
  });
});

describe('buildTokenRequest() transport security', () => {
  const client = { clientId: 'app', clientSecret: 'shh' };
  const run = (baseUrl: string, allowInsecureHttp = false) =>
    buildTokenRequest(profile('oauth2', { baseUrl, allowInsecureHttp }), { grant: 'client_credentials' }, client);

  it('refuses plain http to a non-loopback host', () => {
    expect(errorOf(() => run('http://auth.example.com')).code).toBe('insecure_url');
  });

  it('refuses plain http to a private, non-loopback address', () => {
    expect(errorOf(() => run('http://192.168.1.10:8080')).code).toBe('insecure_url');
  });

  it('sends plain http to a non-loopback host when the account allows it explicitly', () => {
    expect(run('http://auth.example.com', true).url).toBe('http://auth.example.com/token');
  });

  it.each(['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080', 'http://127.1.2.3'])('accepts plain http on loopback %s', (base) => {
    expect(run(base).url).toBe(`${base}/token`);
  });

  it('refuses a base URL that is not a URL', () => {
    expect(errorOf(() => run('not a url')).code).toBe('invalid_config');
  });

  it('refuses a token URL carrying a user name and password', () => {
    expect(errorOf(() => run('https://user:pw@auth.example.com')).code).toBe('invalid_config');
  });

  it('refuses a non-http(s) URL', () => {
    expect(errorOf(() => run('ftp://auth.example.com')).code).toBe('invalid_config');
  });
});

describe('displayUrl()', () => {
  it('drops the query, where GET dialects carry secrets', () => {
    expect(displayUrl('https://axo.example.com/api/oauth2/token?password=hunter2&client_secret=s')).toBe(
      'https://axo.example.com/api/oauth2/token',
    );
  });
});

describe('buildTokenRequest() on edited profiles', () => {
  const client = { clientId: 'app', clientSecret: 'shh' };
  const edited = (overrides: ProfileOverrides) => profile('oauth2', { baseUrl: 'https://auth.example.com', ...overrides });

  it('sends user name and password under the parameter names the profile gives them', () => {
    const fields = [
      { name: 'username' as const, label: 'Login', param: 'login', required: true, secret: false },
      { name: 'password' as const, label: 'PIN', param: 'pin', required: true, secret: true },
    ];
    expect(buildTokenRequest(edited({ signInFields: fields }), { grant: 'password', username: 'u', password: 'p' }, client).body).toBe('grant_type=password&login=u&pin=p');
  });

  it('sends user name and password as username and password when the profile names no fields', () => {
    expect(buildTokenRequest(edited({ signInFields: [] }), { grant: 'password', username: 'u', password: 'p' }, client).body).toBe(
      'grant_type=password&username=u&password=p',
    );
  });

  it('posts a form when a POST profile says query', () => {
    const r = buildTokenRequest(edited({ encoding: 'query' }), { grant: 'client_credentials' }, client);
    expect({ url: r.url, body: r.body, type: r.headers['content-type'] }).toEqual({
      url: 'https://auth.example.com/token',
      body: 'grant_type=client_credentials',
      type: 'application/x-www-form-urlencoded;charset=UTF-8',
    });
  });

  it('sends the extra parameters after the grant and the client', () => {
    const r = buildTokenRequest(edited({ clientAuth: 'body', extraParams: { audience: 'api', resource: 'r' } }), { grant: 'client_credentials' }, client);
    expect(r.body).toBe('grant_type=client_credentials&client_id=app&client_secret=shh&audience=api&resource=r');
  });

  it('sends no scope when the account asks for an empty one', () => {
    const r = buildTokenRequest(edited({ defaultScope: 'read' }), { grant: 'client_credentials' }, client, { scope: '' });
    expect({ body: r.body, requestedScope: r.requestedScope }).toEqual({ body: 'grant_type=client_credentials', requestedScope: null });
  });

  it("sends the profile's default scope when the account asks for none", () => {
    expect(buildTokenRequest(edited({ defaultScope: 'read' }), { grant: 'client_credentials' }, client).body).toBe('grant_type=client_credentials&scope=read');
  });

  it('sends no scope where the profile has no scope parameter', () => {
    const r = buildTokenRequest(edited({ scopeParam: null }), { grant: 'client_credentials' }, client, { scope: 'a' });
    expect({ body: r.body, requestedScope: r.requestedScope }).toEqual({ body: 'grant_type=client_credentials', requestedScope: null });
  });

  it('sends the Basic form the account remembers over the one its profile names', () => {
    const r = buildTokenRequest(edited({ basicEncoding: 'form' }), { grant: 'client_credentials' }, { clientId: 'a b', clientSecret: 's' }, { basicEncoding: 'raw' });
    expect(r.headers['authorization']).toBe(`Basic ${b64('a b:s')}`);
  });

  it('lists no client secret and no Authorization among the secrets of a public client', () => {
    const r = buildTokenRequest(edited({ clientAuth: 'none' }), { grant: 'password', username: 'u', password: 'pw' }, { clientId: 'app' });
    expect(r.secrets).toEqual(['pw']);
  });

  it('lists nothing of a client_credentials grant with body authentication but the client secret', () => {
    const r = buildTokenRequest(edited({ clientAuth: 'body' }), { grant: 'client_credentials' }, client);
    expect(r.secrets).toEqual(['shh']);
  });

  it('sends the client id the profile gives by default when the account has none', () => {
    const r = buildTokenRequest(edited({ clientAuth: 'body', defaultClientId: 'preset-client' }), { grant: 'client_credentials' }, {});
    expect(r.body).toBe('grant_type=client_credentials&client_id=preset-client');
  });

  it('sends an identity-only request for a client without a secret', () => {
    const r = buildTokenRequest(edited({ clientAuth: 'basic' }), { grant: 'client_credentials' }, { clientId: 'app' });
    expect(r.headers['authorization']).toBe(`Basic ${b64('app:')}`);
  });

  it('sends a User-Agent naming Tokenry', () => {
    expect(buildTokenRequest(edited({}), { grant: 'client_credentials' }, client).headers['user-agent']).toBe(USER_AGENT);
  });

  const label = edited({}).label;
  it.each([
    ['an empty password', () => buildTokenRequest(edited({}), { grant: 'password', username: 'u', password: '' }, client), 'Sign-in needs both a username and a password.'],
    ['a one-time code', () => buildTokenRequest(edited({}), { grant: 'password', username: 'u', password: 'p', otp: '1' }, client), `${label} takes no one-time code at sign-in.`],
    ['an empty refresh token', () => buildTokenRequest(edited({}), { grant: 'refresh_token', refreshToken: '' }, client), 'There is no refresh token: sign in again.'],
    ['a grant the profile lacks', () => buildTokenRequest(edited({ grants: ['password'] }), { grant: 'client_credentials' }, client), `${label} does not support the client_credentials grant.`],
    ['Basic without a client id', () => buildTokenRequest(edited({ clientAuth: 'basic' }), { grant: 'client_credentials' }, {}), `${label} needs a client id for HTTP Basic client authentication.`],
  ])('says what the person must fix after %s', (_, build, message) => {
    expect(errorOf(build).message).toBe(message);
  });
});

describe('buildTokenRequest() for the authorization code and device code grants', () => {
  const oauth2 = profile('oauth2', { baseUrl: 'https://auth.example.com' });
  const client = { clientId: 'app', clientSecret: 'shh' };
  const code = { grant: 'authorization_code', code: 'the-code', redirectUri: 'http://127.0.0.1:5555/cb', codeVerifier: 'the-verifier' } as const;
  const poll = { grant: 'device_code', deviceCode: 'the-device-code' } as const;

  it('posts the code, its redirect URI and the PKCE verifier (RFC 6749 §4.1.3, RFC 7636 §4.5)', () => {
    expect(buildTokenRequest(oauth2, code, client).body).toBe(
      'grant_type=authorization_code&code=the-code&redirect_uri=http%3A%2F%2F127.0.0.1%3A5555%2Fcb&code_verifier=the-verifier',
    );
  });

  it('posts a device code poll with the RFC 8628 grant type URN (§3.4)', () => {
    expect(buildTokenRequest(oauth2, poll, client).body).toBe(
      'grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=the-device-code',
    );
  });

  it('refuses a code exchange without the code', () => {
    expect(errorOf(() => buildTokenRequest(oauth2, { ...code, code: '' }, client)).code).toBe('invalid_config');
  });

  it('refuses a code exchange without the PKCE verifier', () => {
    expect(errorOf(() => buildTokenRequest(oauth2, { ...code, codeVerifier: '' }, client)).code).toBe('invalid_config');
  });

  it('says a code exchange needs the code and the verifier', () => {
    expect(errorOf(() => buildTokenRequest(oauth2, { ...code, code: '' }, client)).message).toMatch(/code and the PKCE verifier/);
  });

  it('refuses a device code poll without the device code', () => {
    expect(errorOf(() => buildTokenRequest(oauth2, { grant: 'device_code', deviceCode: '' }, client)).code).toBe('invalid_config');
  });

  it('says a device code poll needs the device code', () => {
    expect(errorOf(() => buildTokenRequest(oauth2, { grant: 'device_code', deviceCode: '' }, client)).message).toMatch(/needs the device code/);
  });

  it('sends no scope with a code, which carries the scope it was authorized for', () => {
    expect(buildTokenRequest(oauth2, code, client, { scope: 'a b' }).body).not.toMatch(/scope=/);
  });

  it('sends no scope with a device code poll, which carries the scope it was authorized for', () => {
    expect(buildTokenRequest(oauth2, poll, client, { scope: 'a b' }).body).not.toMatch(/scope=/);
  });

  it('records the scope a code was authorized for as the requested one', () => {
    expect(buildTokenRequest(oauth2, code, client, { scope: 'a b' }).requestedScope).toEqual(['a', 'b']);
  });

  it('records the scope a device code was authorized for as the requested one', () => {
    expect(buildTokenRequest(oauth2, poll, client, { scope: 'a b' }).requestedScope).toEqual(['a', 'b']);
  });

  it('records no requested scope for a code authorized with an empty scope', () => {
    expect(buildTokenRequest(oauth2, code, client, { scope: '' }).requestedScope).toBeNull();
  });

  it('records no requested scope for a code when neither the account nor the profile names one', () => {
    expect(buildTokenRequest(oauth2, code, client).requestedScope).toBeNull();
  });

  it('lists the code and the PKCE verifier as secrets', () => {
    expect(buildTokenRequest(oauth2, code, { clientId: 'app' }).secrets.slice(0, 2)).toEqual(['the-code', 'the-verifier']);
  });

  it('lists the device code as a secret', () => {
    expect(buildTokenRequest(oauth2, poll, { clientId: 'app' }).secrets[0]).toBe('the-device-code');
  });
});
