// Specifies the edges of reading a token endpoint's answer: how the body's format is told from its label and its look,
// what each kind of unusable answer says about itself, odd numbers and empty fields, and Retry-After dates.

import { describe, expect, it } from 'vitest';
import type { GrantError } from '../../../../electron/core/grants/grant-error.js';
import type { TokenRecord } from '../../../../electron/core/grants/token-record.js';
import {
  oauthError,
  parseBody,
  parseRetryAfter,
  processTokenResponse,
  type ProcessContext,
  type TokenHttpResponse,
} from '../../../../electron/core/grants/token-response.js';
import { errorOf } from './support.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const JSON_TYPE = { 'content-type': 'application/json' };
const XML_TYPE = { 'content-type': 'application/xml' };

const json = (status: number, body: unknown): TokenHttpResponse => ({ status, headers: JSON_TYPE, body: JSON.stringify(body) });
/** JSON text as written, for numbers JSON.stringify cannot produce (1e999). */
const rawJson = (status: number, body: string): TokenHttpResponse => ({ status, headers: JSON_TYPE, body });
const minimal = (fields: Record<string, unknown>): TokenHttpResponse => json(200, { access_token: 'at-1', token_type: 'bearer', ...fields });
const read = (response: TokenHttpResponse, context: Partial<ProcessContext> = {}): TokenRecord =>
  processTokenResponse(response, { now: NOW, requestedScope: null, ...context });
const failure = (response: TokenHttpResponse, context: Partial<ProcessContext> = {}): GrantError => errorOf(() => read(response, context));
const base64url = (text: string): string => Buffer.from(text).toString('base64url');

describe('processTokenResponse() telling JSON, XML and HTML apart', () => {
  it('reads the media type with blanks around it, so XML labelled " application/json " is refused rather than guessed', () => {
    const body = '<Grant><access_token>at-1</access_token></Grant>';
    expect(failure({ status: 200, headers: { 'content-type': ' application/json ; charset=utf-8' }, body }).code).toBe('bad_response');
  });

  it('reads JSON labelled text/html when it opens with white space before its brace', () => {
    expect(read({ status: 200, headers: { 'content-type': 'text/html' }, body: '\n  {"access_token":"at-1"}' }).accessToken).toBe('at-1');
  });

  it('refuses a text/html page with a brace further down as an HTML page', () => {
    const body = '<html><body><script>var config = {"a": 1};</script></body></html>';
    expect(failure({ status: 200, headers: { 'content-type': 'text/html' }, body }).message).toContain('an HTML page');
  });

  it('refuses an unlabelled HTML page that starts right at its doctype as an HTML page', () => {
    expect(failure({ status: 200, headers: {}, body: '<!DOCTYPE html><html><body>Sign in</body></html>' }).message).toContain('an HTML page');
  });

  it('reads an XML answer that quotes an <html> element further down', () => {
    const body = '<Grant><access_token>at-1</access_token><page><html>x</html></page></Grant>';
    expect(read({ status: 200, headers: XML_TYPE, body }).accessToken).toBe('at-1');
  });

  it('reads an unlabelled XML answer whose values hold brackets and braces', () => {
    const body = '<Grant><access_token>at[1]{2}</access_token></Grant>';
    expect(read({ status: 200, headers: {}, body }).accessToken).toBe('at[1]{2}');
  });

  it('reads any media type ending in json as JSON, so XML labelled application/x-ndjson is refused', () => {
    const body = '<Grant><access_token>at-1</access_token></Grant>';
    expect(failure({ status: 200, headers: { 'content-type': 'application/x-ndjson' }, body }).code).toBe('bad_response');
  });

  it.each(['/json-like', '+json-like'])('reads an XML answer under the malformed media type %j by its look: only a type ending in json is JSON', (type) => {
    const body = '<Grant><access_token>at-1</access_token></Grant>';
    expect(read({ status: 200, headers: { 'content-type': type }, body }).accessToken).toBe('at-1');
  });

  it('names a JSON string answer as not a token answer', () => {
    expect(failure(json(200, 'at-1')).message).toBe('The token endpoint sent an answer that is neither valid JSON nor valid XML (HTTP 200): ""at-1""');
  });

  it('refuses XML nested too deeply for the parser as bad_response', () => {
    const body = `${'<a>'.repeat(200_000)}${'</a>'.repeat(200_000)}`;
    expect(failure({ status: 200, headers: XML_TYPE, body }).code).toBe('bad_response');
  });
});

describe('parseBody()', () => {
  it('says a JSON body is JSON', () => {
    expect(parseBody('{"a":"1"}', 'application/json')?.format).toBe('json');
  });

  it('says an XML body is XML', () => {
    expect(parseBody('<r><a>1</a></r>', 'application/xml')?.format).toBe('xml');
  });
});

describe('processTokenResponse() describing an unusable answer', () => {
  it('quotes the excerpt of an HTML page in the message', () => {
    const body = '<!DOCTYPE html><html><head><title>Login - Server Error</title></head></html>';
    expect(failure({ status: 200, headers: { 'content-type': 'text/html' }, body }).message).toBe(
      'The token endpoint sent an HTML page instead of a token answer (HTTP 200): "Login - Server Error"',
    );
  });

  it('gives an empty answer no excerpt', () => {
    expect(failure({ status: 200, headers: JSON_TYPE, body: '' }).excerpt).toBeUndefined();
  });

  it('names a blank answer an empty one', () => {
    expect(failure({ status: 200, headers: JSON_TYPE, body: ' \n ' }).message).toBe('The token endpoint sent an empty answer (HTTP 200)');
  });

  it('names a 2xx other than 200 without an error code', () => {
    expect(failure(json(201, { status: 'created' })).message).toBe(
      'The token endpoint sent an error without an OAuth error code (HTTP 201): "{"status":"created"}"',
    );
  });

  it('names a 200 without an access token, quoting its short values', () => {
    expect(failure(json(200, { status: 'stage-2' })).message).toBe(
      'The token endpoint sent an answer without an access token (HTTP 200): "{"status":"stage-2"}"',
    );
  });

  it('takes a 200 that carries both an access token and an error field as a token', () => {
    expect(read(minimal({ error: 'none' })).accessToken).toBe('at-1');
  });
});

describe('processTokenResponse() on numbers and empty fields', () => {
  it('names expires_in in the message when it is invalid', () => {
    expect(failure(minimal({ expires_in: 'soon' })).message).toBe('The token endpoint sent an invalid expires_in (HTTP 200).');
  });

  it('keeps the status on an invalid expires_in', () => {
    expect(failure(minimal({ expires_in: 'soon' })).status).toBe(200);
  });

  it('refuses an expires_in sent as an array', () => {
    expect(failure(minimal({ expires_in: ['60'] })).code).toBe('bad_response');
  });

  it('reads expires_in with two decimals', () => {
    expect(read(minimal({ expires_in: '1.25' })).expiresAt).toBe(NOW + 1_250);
  });

  it('reads a refresh token too large for a JSON number as none', () => {
    expect(read(rawJson(200, '{"access_token":"at-1","refresh_token":1e999}')).refreshToken).toBeNull();
  });

  it("leaves the expiry unknown for a JWT whose exp is too large for a number", () => {
    const token = `${base64url('{"alg":"none"}')}.${base64url('{"exp":1e999}')}.`;
    expect(read(json(200, { access_token: token })).expirySource).toBe('unknown');
  });
});

describe('processTokenResponse() on RFC 6749 §5.2 error details', () => {
  it('takes an empty error code on a 400 as no error code: a bare refusal', () => {
    expect(failure(json(400, { error: '', error_description: 'nope' })).code).toBe('refused');
  });

  it('takes the description from a message field', () => {
    expect(failure(json(400, { error: 'invalid_grant', message: 'The code expired' })).description).toBe('The code expired');
  });

  it('cuts an unknown error code down to 64 characters', () => {
    expect(failure(json(400, { error: 'no such thing '.repeat(10) })).providerCode).toHaveLength(64);
  });

  it('ends the message at the status when there is no description', () => {
    expect(failure(json(400, { error: 'invalid_grant' })).message).toBe('The provider refused the request (invalid_grant, HTTP 400)');
  });

  it('leaves the status out of the message when there is none', () => {
    expect(oauthError({ status: 0, headers: {}, body: '' }, { error: 'invalid_grant' }, [])?.message).toBe('The provider refused the request (invalid_grant)');
  });
});

describe('processTokenResponse() on an unavailable provider', () => {
  const unavailable = (body: string, headers: Record<string, string> = {}): TokenHttpResponse => ({ status: 503, headers, body });

  it('ends the message at the status when the answer is empty', () => {
    expect(failure(unavailable('')).message).toBe('The provider is unavailable (HTTP 503)');
  });

  it('keeps a gateway page\'s title as the excerpt', () => {
    expect(failure(unavailable('<html><title>Bad Gateway</title></html>', { 'content-type': 'text/html' })).excerpt).toBe('Bad Gateway');
  });

  it('gives an OAuth error without description no excerpt of its body', () => {
    expect(failure(unavailable('{"error":"temporarily_unavailable"}', JSON_TYPE)).message).toBe('The provider is unavailable (HTTP 503)');
  });
});

describe('processTokenResponse() on a bare refusal (4xx without an OAuth error code)', () => {
  it('skips a blank message field for the next one that says something', () => {
    expect(failure(json(400, { message: '  ', detail: 'tenant is disabled' })).excerpt).toBe('tenant is disabled');
  });

  it('names a status it has no reason phrase for by its number only', () => {
    expect(failure({ status: 418, headers: {}, body: '' }).message).toBe('The provider refused the request (HTTP 418) without saying why.');
  });

  it('keeps the line it quotes as the excerpt', () => {
    expect(failure({ status: 401, headers: { 'content-type': 'text/plain' }, body: 'Unauthorized' }).excerpt).toBe('Unauthorized');
  });

  it('gives a refusal that says nothing no excerpt', () => {
    expect(failure({ status: 400, headers: {}, body: '' }).excerpt).toBeUndefined();
  });
});

describe('processTokenResponse() on scope outside a refresh', () => {
  it('says nothing about the scope of a new sign-in that sent none, whatever the record it replaces held', () => {
    const previous = read(minimal({ scope: 'read write' }));
    expect(read(minimal({}), { grant: 'authorization_code', previous }).grantedScope).toBeNull();
  });
});

describe('parseRetryAfter() on HTTP dates (RFC 9110 §5.6.7)', () => {
  it('reads an asctime date', () => {
    expect(parseRetryAfter('Wed Jan 15 12:01:00 2025', NOW)).toBe(60_000);
  });

  it.each([
    ['Wed Jan 15 12:01:00 2025', 60_000],
    ['Wed Jan  1 12:00:00 2025', 0],
    ['Sun Jan 19 12:00:00 2025', 4 * 86_400_000],
  ])('reads the asctime date %j as GMT whatever the local time zone', (value, ms) => {
    const zone = process.env['TZ'];
    process.env['TZ'] = 'America/New_York';
    try {
      expect(parseRetryAfter(value, NOW)).toBe(ms);
    } finally {
      if (zone === undefined) delete process.env['TZ'];
      else process.env['TZ'] = zone;
    }
  });

  it('ignores a date that does not start with a day name', () => {
    expect(parseRetryAfter('2025 Jan 15 12:01:00 GMT', NOW)).toBeUndefined();
  });
});

describe('processTokenResponse() on names that are also JavaScript property names', () => {
  it('keeps a token_type named "constructor" as the text it is', () => {
    expect(read(minimal({ token_type: 'constructor' })).tokenType).toBe('constructor');
  });
});

describe('processTokenResponse() on RFC 8628 §3.5 device poll codes', () => {
  it('reads authorization_pending outside a device poll as a provider_error', () => {
    expect(failure(json(400, { error: 'authorization_pending' }), { grant: 'authorization_code' }).code).toBe('provider_error');
  });

  it('reads slow_down in a device poll as slow_down', () => {
    expect(failure(json(400, { error: 'slow_down' }), { grant: 'device_code' }).code).toBe('slow_down');
  });

  it('gives a standard device poll code no provider code of its own', () => {
    expect(failure(json(400, { error: 'slow_down' }), { grant: 'device_code' }).providerCode).toBeUndefined();
  });
});

describe('processTokenResponse() on XML with a second root', () => {
  it('refuses a second, empty root element after the answer as bad_response', () => {
    const body = '<Grant><access_token>at-1</access_token></Grant><extra/>';
    expect(failure({ status: 200, headers: XML_TYPE, body }).code).toBe('bad_response');
  });
});

describe('processTokenResponse() with and without a dialect', () => {
  const github = { errorCodes: { incorrect_client_credentials: 'invalid_client', token_expired: 'expired_token' }, scopeSeparator: ',' } as const;
  const entra = { errorDescription: 'first-line' } as const;

  it("shows the first line of a description split by bare line feeds when the dialect asks for it", () => {
    expect(failure(json(400, { error: 'invalid_scope', error_description: 'AADSTS70011: bad scope.\nTrace ID: 1' }), { dialect: entra }).description).toBe(
      'AADSTS70011: bad scope.',
    );
  });

  it('keeps every line of a description without such a dialect', () => {
    expect(failure(json(400, { error: 'invalid_scope', error_description: 'bad scope.\nsee the docs' })).description).toBe('bad scope. see the docs');
  });

  it("shows a code the dialect documents as it is, however long (GitHub's incorrect_client_credentials)", () => {
    expect(failure(json(200, { error: 'incorrect_client_credentials' }), { dialect: github }).providerCode).toBe('incorrect_client_credentials');
  });

  it('reads a code the dialect maps to a device poll code as that code outside a device poll too', () => {
    expect(failure(json(200, { error: 'token_expired' }), { grant: 'refresh_token', dialect: github }).code).toBe('expired_token');
  });

  it('keeps a comma inside a scope token without a comma-separating dialect', () => {
    expect(read(minimal({ scope: 'a,b c' })).grantedScope).toEqual(['a,b', 'c']);
  });

  it('names refresh_token_expires_in in the message when it is invalid', () => {
    expect(failure(minimal({ refresh_token: 'rt', refresh_token_expires_in: 'later' })).message).toBe(
      'The token endpoint sent an invalid refresh_token_expires_in (HTTP 200).',
    );
  });
});
