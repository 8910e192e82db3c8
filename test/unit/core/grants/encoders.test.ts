// Specifies the request encoders: form (RFC 6749 Appendix B), query, JSON and Saasu-style XML, all UTF-8.

import { describe, expect, it } from 'vitest';
import { encodeParams, formEncode, formEncodeValue, xmlEncode } from '../../../../electron/core/grants/encoders.js';

describe('formEncode()', () => {
  it('joins pairs in order with & and =', () => {
    expect(formEncode([['grant_type', 'password'], ['username', 'bob']])).toBe('grant_type=password&username=bob');
  });

  it('encodes space as + and reserved characters as percent-escapes', () => {
    expect(formEncode([['scope', 'account-all:read account-data:manage'], ['p', '&=+/?#%']])).toBe(
      'scope=account-all%3Aread+account-data%3Amanage&p=%26%3D%2B%2F%3F%23%25',
    );
  });

  it('encodes non-ASCII characters as UTF-8 percent-escapes', () => {
    expect(formEncode([['password', 'pä✓😀']])).toBe('password=p%C3%A4%E2%9C%93%F0%9F%98%80');
  });

  it('keeps empty values', () => {
    expect(formEncode([['client_secret', '']])).toBe('client_secret=');
  });
});

describe('formEncodeValue()', () => {
  it('encodes one value alone, without a name or =', () => {
    expect(formEncodeValue('a b:c')).toBe('a+b%3Ac');
  });

  it('returns the empty string for an empty value', () => {
    expect(formEncodeValue('')).toBe('');
  });
});

describe('xmlEncode()', () => {
  it('writes a named root with the XML Schema namespaces and one child element per parameter', () => {
    expect(xmlEncode('Root', [['grant_type', 'password'], ['scope', 'full']])).toBe(
      '<Root xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><grant_type>password</grant_type><scope>full</scope></Root>',
    );
  });

  it('escapes markup characters in values', () => {
    expect(xmlEncode('R', [['password', `<&>"'`]])).toContain('<password>&lt;&amp;&gt;&quot;&apos;</password>');
  });

  it('writes an empty value as an empty element', () => {
    expect(xmlEncode('R', [['client_secret', '']])).toContain('<client_secret></client_secret>');
  });

  it('keeps non-ASCII text as is', () => {
    expect(xmlEncode('R', [['username', 'Jürgen ✓']])).toContain('<username>Jürgen ✓</username>');
  });
});

describe('encodeParams()', () => {
  const params = [['grant_type', 'password'], ['username', 'bob']] as const;

  it('encodes query parameters without a body or content type', () => {
    expect(encodeParams('query', params, 'R')).toEqual({ query: 'grant_type=password&username=bob' });
  });

  it('encodes a form body with its UTF-8 content type', () => {
    expect(encodeParams('form', params, 'R')).toEqual({
      body: 'grant_type=password&username=bob',
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    });
  });

  it('encodes a JSON object body with its UTF-8 content type', () => {
    expect(encodeParams('json', params, 'R')).toEqual({
      body: '{"grant_type":"password","username":"bob"}',
      contentType: 'application/json; charset=utf-8',
    });
  });

  it('encodes an XML body with its UTF-8 content type', () => {
    expect(encodeParams('xml', params, 'Req')).toEqual({
      body: xmlEncode('Req', params),
      contentType: 'application/xml; charset=utf-8',
    });
  });

  it('escapes JSON special characters in values', () => {
    expect(JSON.parse(encodeParams('json', [['password', 'a"b\\c\n']], 'R').body ?? '')).toEqual({ password: 'a"b\\c\n' });
  });
});
