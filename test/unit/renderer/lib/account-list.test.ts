import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY, identityLine, providersIn, queryAccounts } from '../../../../renderer/src/lib/account-list.js';
import { accountView, NOW } from './account-fixture.js';

const accounts = [
  accountView({ name: 'work', expiresAt: NOW + 5000, identity: { id: '7', name: 'Cathy', email: 'cathy@example.com' } }),
  accountView({ name: 'alpha', provider: 'saasu', providerLabel: 'Saasu', expiresAt: NOW + 1000 }),
  accountView({ name: 'down', state: { kind: 'error', error: { code: 'x', kind: 'network', message: 'm' }, retryAt: null }, expiresAt: null }),
  accountView({ name: 'new', state: { kind: 'signed_out' }, issuedAt: null, expiresAt: null }),
];
const names = (list: readonly { name: string }[]): string[] => list.map((a) => a.name);

describe('queryAccounts()', () => {
  it('sorts by name by default', () => {
    expect(names(queryAccounts(accounts, DEFAULT_QUERY))).toEqual(['alpha', 'down', 'new', 'work']);
  });

  it('sorts by expiry, soonest first, no stated expiry next and no token last', () => {
    expect(names(queryAccounts(accounts, { ...DEFAULT_QUERY, sort: 'expiry' }))).toEqual(['alpha', 'work', 'down', 'new']);
  });

  it('sorts by provider, then name', () => {
    expect(names(queryAccounts(accounts, { ...DEFAULT_QUERY, sort: 'provider' }))).toEqual(['alpha', 'down', 'new', 'work']);
  });

  it('searches name, provider and identity, every word', () => {
    expect(names(queryAccounts(accounts, { ...DEFAULT_QUERY, text: 'CATHY' }))).toEqual(['work']);
    expect(names(queryAccounts(accounts, { ...DEFAULT_QUERY, text: 'saasu al' }))).toEqual(['alpha']);
    expect(names(queryAccounts(accounts, { ...DEFAULT_QUERY, text: 'nothing-like-it' }))).toEqual([]);
  });

  it('filters by status group and provider', () => {
    expect(names(queryAccounts(accounts, { ...DEFAULT_QUERY, status: 'attention' }))).toEqual(['down']);
    expect(names(queryAccounts(accounts, { ...DEFAULT_QUERY, status: 'signed_out' }))).toEqual(['new']);
    expect(names(queryAccounts(accounts, { ...DEFAULT_QUERY, status: 'working' }))).toEqual(['alpha', 'work']);
    expect(names(queryAccounts(accounts, { ...DEFAULT_QUERY, provider: 'saasu' }))).toEqual(['alpha']);
  });

  it('leaves its input untouched', () => {
    const before = names(accounts);
    queryAccounts(accounts, { ...DEFAULT_QUERY, sort: 'expiry' });
    expect(names(accounts)).toEqual(before);
  });
});

describe('providersIn() and identityLine()', () => {
  it('lists each provider once, by label', () => {
    expect(providersIn(accounts)).toEqual([
      { id: 'saasu', label: 'Saasu' },
      { id: 'sugarcrm', label: 'SugarCRM' },
    ]);
  });

  it('shows name and e-mail, else the id, else nothing', () => {
    expect(identityLine(accounts[0]!)).toBe('Cathy · cathy@example.com');
    expect(identityLine(accountView({ identity: { id: 'u-1', name: null, email: '' } }))).toBe('u-1');
    expect(identityLine(accountView())).toBeNull();
  });
});
