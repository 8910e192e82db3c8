// Specifies how token records are stored in the vault: versioned, and a damaged or newer record says so.
import { describe, expect, it } from 'vitest';
import { encodeTokenRecord, readTokenRecord, TOKEN_RECORD_VERSION } from '../../../../electron/core/accounts/account-store.js';
import type { TokenRecord } from '../../../../electron/core/grants/token-record.js';

const record: TokenRecord = {
  accessToken: 'at',
  tokenType: 'Bearer',
  issuedAt: 1,
  expiresAt: 2,
  expirySource: 'expires_in',
  refreshToken: null,
  refreshExpiresAt: null,
  grantedScope: null,
  requestedScope: ['read'],
  extra: { data: { id: 7 } },
};

describe('token records in the vault', () => {
  it('encodeTokenRecord() writes the format version; readTokenRecord() gives the record back without it', () => {
    const json = encodeTokenRecord(record);
    expect(JSON.parse(json)).toMatchObject({ version: 1, accessToken: 'at' });
    expect(readTokenRecord(json)).toEqual({ kind: 'ok', record });
  });

  it('encodeTokenRecord() writes version 2 only for a record whose expiry is assumed, which reads back whole', () => {
    const assumed: TokenRecord = { ...record, expirySource: 'assumed' };
    const json = encodeTokenRecord(assumed);
    expect([TOKEN_RECORD_VERSION, JSON.parse(json).version, readTokenRecord(json)]).toEqual([2, 2, { kind: 'ok', record: assumed }]);
  });

  it('says "damaged" for an assumed expiry in a version 1 record', () => {
    expect(readTokenRecord(JSON.stringify({ ...record, version: 1, expirySource: 'assumed' }))).toEqual({ kind: 'damaged' });
  });

  it('reads a record from before versions', () => {
    expect(readTokenRecord(JSON.stringify(record))).toEqual({ kind: 'ok', record });
  });

  it('says "none" for no entry', () => {
    expect(readTokenRecord(null)).toEqual({ kind: 'none' });
  });

  it.each([
    ['not JSON', '{"accessToken":'],
    ['no access token', JSON.stringify({ ...record, accessToken: '' })],
    ['an unknown field', JSON.stringify({ ...record, planted: true })],
    ['a wrong type', JSON.stringify({ ...record, expiresAt: 'soon' })],
  ])('says "damaged" for %s, never "no token"', (_what, json) => {
    expect(readTokenRecord(json)).toEqual({ kind: 'damaged' });
  });

  it('says "newer" for a record of a newer format', () => {
    expect(readTokenRecord(JSON.stringify({ ...record, version: 3, somethingNew: 1 }))).toEqual({ kind: 'newer', version: 3 });
  });
});
