// Specifies how a token is shown to a person: a JWT's decoded parts (display only) and extra fields with secrets masked.
import { UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeJwtParts, MASK, maskSecrets } from '../../../../electron/core/grants/token-details.js';

describe('decodeJwtParts()', () => {
  it('decodes the header and claims of a JWT without verifying it', () => {
    const token = new UnsecuredJWT({ sub: 'cathy', scope: 'read' }).encode();
    expect(decodeJwtParts(token)).toEqual({ header: { alg: 'none' }, claims: { sub: 'cathy', scope: 'read' } });
  });

  it.each([
    ['an opaque token', '10101010-1010-1010-1010-101010101010'],
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['three parts that are not base64 JSON', 'a.b.c'],
  ])('gives nothing for %s', (_, token) => {
    expect(decodeJwtParts(token)).toBeNull();
  });
});

describe('maskSecrets()', () => {
  it.each(['id_token', 'client_secret', 'password', 'passwd', 'auth_code', 'api_key', 'assertion', 'Download_Token'])('masks the value under %s', (key) => {
    expect(maskSecrets({ [key]: 'v' })).toEqual({ [key]: MASK });
  });

  it('keeps values under other names, arrays and null as they are', () => {
    expect(maskSecrets({ user: 'bob', roles: ['a', 'b'], n: null, count: 3 })).toEqual({ user: 'bob', roles: ['a', 'b'], n: null, count: 3 });
  });

  it('masks secrets nested at any depth', () => {
    expect(maskSecrets({ data: { user: { name: 'bob', session_token: 'x' } } })).toEqual({ data: { user: { name: 'bob', session_token: MASK } } });
  });

  it('masks a whole object under a secret name', () => {
    expect(maskSecrets({ keys: { a: 1 } })).toEqual({ keys: MASK });
  });

  it('leaves the value it was given untouched', () => {
    const value = { data: { secret: 'x' } };
    maskSecrets(value);
    expect(value).toEqual({ data: { secret: 'x' } });
  });
});
