// Specifies client authentication (RFC 6749 §2.3): HTTP Basic form-encoded or raw, parameters in the body, or none.

import { describe, expect, it } from 'vitest';
import {
  basicAuth,
  basicFormsDiffer,
  bodyAuth,
  clientAuthStrategy,
  noAuth,
  type ClientAuthOptions,
} from '../../../../electron/core/grants/client-auth.js';

const OPTIONS: ClientAuthOptions = { idParam: 'client_id', secretParam: 'client_secret', sendEmptySecret: false };
const decodeBasic = (header: string | undefined): string => Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');

describe('basicAuth("form") (RFC 6749 §2.3.1)', () => {
  it('form-encodes id and secret before base64: space becomes + and : becomes %3A', () => {
    const { headers } = basicAuth('form')({ clientId: 'my client', clientSecret: 's:cr t' }, OPTIONS);
    expect(decodeBasic(headers['authorization'])).toBe('my+client:s%3Acr+t');
  });

  it('form-encodes non-ASCII characters as UTF-8 percent-escapes', () => {
    const { headers } = basicAuth('form')({ clientId: 'café', clientSecret: '✓' }, OPTIONS);
    expect(decodeBasic(headers['authorization'])).toBe('caf%C3%A9:%E2%9C%93');
  });

  it('form-encodes reserved characters (+ / = % &)', () => {
    const { headers } = basicAuth('form')({ clientId: 'a+b', clientSecret: '/=%&' }, OPTIONS);
    expect(decodeBasic(headers['authorization'])).toBe('a%2Bb:%2F%3D%25%26');
  });

  it('produces the exact header for a plain pair', () => {
    expect(basicAuth('form')({ clientId: 'app', clientSecret: 'shh' }, OPTIONS).headers).toEqual({
      authorization: `Basic ${Buffer.from('app:shh').toString('base64')}`,
    });
  });

  it('adds no parameters to the request', () => {
    expect(basicAuth('form')({ clientId: 'app', clientSecret: 'shh' }, OPTIONS).params).toEqual([]);
  });

  it('sends an empty secret after the colon when there is none', () => {
    expect(decodeBasic(basicAuth('form')({ clientId: 'app' }, OPTIONS).headers['authorization'])).toBe('app:');
  });
});

describe('basicAuth("raw")', () => {
  it('joins id and secret as they are, for servers that never decode', () => {
    const { headers } = basicAuth('raw')({ clientId: 'my client', clientSecret: 's:cr t' }, OPTIONS);
    expect(decodeBasic(headers['authorization'])).toBe('my client:s:cr t');
  });

  it('encodes non-ASCII characters as UTF-8 inside the base64', () => {
    const { headers } = basicAuth('raw')({ clientId: 'café', clientSecret: '✓' }, OPTIONS);
    expect(headers['authorization']).toBe(`Basic ${Buffer.from('café:✓', 'utf8').toString('base64')}`);
  });
});

describe('bodyAuth', () => {
  it('puts id and secret into the parameters under the profile\'s names', () => {
    const result = bodyAuth({ clientId: 'app', clientSecret: 'shh' }, { ...OPTIONS, idParam: 'key_id', secretParam: 'key_secret' });
    expect(result).toEqual({ headers: {}, params: [['key_id', 'app'], ['key_secret', 'shh']] });
  });

  it('leaves out an empty secret by default', () => {
    expect(bodyAuth({ clientId: 'app', clientSecret: '' }, OPTIONS).params).toEqual([['client_id', 'app']]);
  });

  it("sends an empty secret when the profile says so (SugarCRM's \"client_secret\": \"\")", () => {
    expect(bodyAuth({ clientId: 'sugar', clientSecret: '' }, { ...OPTIONS, sendEmptySecret: true }).params).toEqual([
      ['client_id', 'sugar'],
      ['client_secret', ''],
    ]);
  });

  it('sends an empty secret for a missing one when the profile says so', () => {
    expect(bodyAuth({ clientId: 'sugar' }, { ...OPTIONS, sendEmptySecret: true }).params).toEqual([
      ['client_id', 'sugar'],
      ['client_secret', ''],
    ]);
  });

  it('sends nothing for a client without id or secret', () => {
    expect(bodyAuth({}, OPTIONS).params).toEqual([]);
  });
});

describe('noAuth (a public client, RFC 6749 §2.1, §3.2.1)', () => {
  it('identifies the client with client_id in the body and sends no secret', () => {
    expect(noAuth({ clientId: 'app', clientSecret: 'shh' }, OPTIONS)).toEqual({ headers: {}, params: [['client_id', 'app']] });
  });

  it('uses the profile\'s name for the client id parameter', () => {
    expect(noAuth({ clientId: 'app' }, { ...OPTIONS, idParam: 'appId' }).params).toEqual([['appId', 'app']]);
  });

  it('sends nothing when the account has no client id', () => {
    expect(noAuth({}, OPTIONS)).toEqual({ headers: {}, params: [] });
  });
});

describe('clientAuthStrategy()', () => {
  const client = { clientId: 'a b', clientSecret: 'c' };

  it('chooses Basic with the given encoding', () => {
    expect(clientAuthStrategy('basic', 'raw')(client, OPTIONS)).toEqual(basicAuth('raw')(client, OPTIONS));
  });

  it('chooses the body strategy', () => {
    expect(clientAuthStrategy('body', 'form')).toBe(bodyAuth);
  });

  it('chooses no authentication', () => {
    expect(clientAuthStrategy('none', 'form')).toBe(noAuth);
  });
});

describe('basicFormsDiffer()', () => {
  it.each([
    [{ clientId: 'my client', clientSecret: 'x' }, true],
    [{ clientId: 'app', clientSecret: 's:x' }, true],
    [{ clientId: 'app', clientSecret: 'ö' }, true],
    [{ clientId: 'app', clientSecret: 'Abc-123_.*' }, false],
    [{}, false],
  ])('says whether the raw and form-encoded credentials of %o differ (%s)', (client, differ) => {
    expect(basicFormsDiffer(client)).toBe(differ);
  });
});

describe('client authentication without a client id', () => {
  it('basicAuth() sends an empty user-id before the colon when no client id is given', () => {
    expect(decodeBasic(basicAuth('raw')({ clientSecret: 'shh' }, OPTIONS).headers['authorization'])).toBe(':shh');
  });

  it('noAuth() sends no client_id when the id is empty', () => {
    expect(noAuth({ clientId: '' }, OPTIONS).params).toEqual([]);
  });
});
