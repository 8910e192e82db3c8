// The client store: keys shown once and kept as hashes, revocation at once, last-used times batched off the hot path.
import { FakeClock } from '../../../fixtures/fake-clock.js';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientStore } from '../../../../electron/core/loopback/client-store.js';
import { hashClientKey, newClientKey } from '../../../../electron/core/loopback/client-keys.js';
import { makeTempDir, rejectionCode } from '../vault/vault-test-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let now: number;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('tokenry-clients-'));
  now = 1_700_000_000_000;
});
afterEach(async () => cleanup());

const open = (options: { lastUsedDelayMs?: number; timers?: FakeClock } = {}) => ClientStore.open(dir, { now: () => now, ...options });
const fileText = () => readFile(join(dir, 'clients.json'), 'utf8');

async function added(store: ClientStore, name = 'ci', accounts = ['work']): Promise<string> {
  const result = await store.addClient(name, accounts);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.key;
}

describe('adding a client', () => {
  it('returns a key that authenticates as that client', async () => {
    const store = await open();
    const key = await added(store);
    expect(store.authenticate(key)?.name).toBe('ci');
  });

  it('stores the hash of the key, never the key', async () => {
    const store = await open();
    const key = await added(store);
    const text = await fileText();
    expect([text.includes(key), text.includes(key.slice(4)), text.includes(hashClientKey(key))]).toEqual([false, false, true]);
  });

  it('writes clients.json readable by the owner only', async () => {
    await added(await open());
    expect((await stat(join(dir, 'clients.json'))).mode & 0o777).toBe(0o600);
  });

  it('records the creation time and no use yet', async () => {
    const store = await open();
    await added(store);
    expect(store.listClients()).toEqual([{ name: 'ci', accounts: ['work'], createdAt: now, lastUsedAt: null }]);
  });

  it('keeps the allowed accounts, without duplicates', async () => {
    const store = await open();
    await added(store, 'ci', ['work', 'home', 'work']);
    expect(store.listClients()[0]?.accounts).toEqual(['work', 'home']);
  });

  it('refuses a second client of the same name', async () => {
    const store = await open();
    await added(store);
    const result = await store.addClient('ci', ['work']);
    expect(result.ok ? 'ok' : result.error.code).toBe('already_exists');
  });

  it('refuses an invalid name', async () => {
    const result = await (await open()).addClient('Bad Name!', ['work']);
    expect(result.ok ? 'ok' : result.error.code).toBe('invalid_name');
  });

  it('refuses a client without accounts', async () => {
    const result = await (await open()).addClient('ci', [' ']);
    expect(result.ok ? 'ok' : result.error.code).toBe('no_accounts');
  });

  it('refuses an invalid account name', async () => {
    const result = await (await open()).addClient('ci', ['../etc']);
    expect(result.ok ? 'ok' : result.error.code).toBe('invalid_account');
  });

  it('is found again after reopening', async () => {
    const key = await added(await open());
    expect((await open()).authenticate(key)?.name).toBe('ci');
  });
});

describe('authenticating', () => {
  it('refuses an unknown well-formed key', async () => {
    const store = await open();
    await added(store);
    expect(store.authenticate(newClientKey())).toBeNull();
  });

  it('refuses a key that is not in the tkr_ format', async () => {
    expect((await open()).authenticate('hunter2')).toBeNull();
  });

  it('hands out the allowed accounts as a set', async () => {
    const store = await open();
    const key = await added(store, 'ci', ['work', 'home']);
    expect([...(store.authenticate(key)?.accounts ?? [])]).toEqual(['work', 'home']);
  });
});

describe('changing and removing a client', () => {
  it('revokes the key at once', async () => {
    const store = await open();
    const key = await added(store);
    await store.removeClient('ci');
    expect(store.authenticate(key)).toBeNull();
  });

  it('revokes it on disk too', async () => {
    const store = await open();
    const key = await added(store);
    await store.removeClient('ci');
    expect((await open()).authenticate(key)).toBeNull();
  });

  it('answers not_found for an unknown client', async () => {
    const result = await (await open()).removeClient('nobody');
    expect(result.ok ? 'ok' : result.error.code).toBe('not_found');
  });

  it('replaces the allowed accounts', async () => {
    const store = await open();
    const key = await added(store);
    await store.setClientAccounts('ci', ['home']);
    expect([...(store.authenticate(key)?.accounts ?? [])]).toEqual(['home']);
  });
});

describe('last-used times', () => {
  it('are visible at once in the listing', async () => {
    const store = await open();
    await added(store);
    now += 5_000;
    store.markUsed('ci');
    expect(store.listClients()[0]?.lastUsedAt).toBe(now);
  });

  it('are not written on each use', async () => {
    const store = await open();
    await added(store);
    const before = await fileText();
    for (let i = 0; i < 100; i++) store.markUsed('ci');
    expect(await fileText()).toBe(before);
  });

  it('are written after the delay, in one batch', async () => {
    const clock = new FakeClock();
    const store = await open({ lastUsedDelayMs: 30_000, timers: clock });
    await added(store);
    const before = await fileText();
    store.markUsed('ci');
    store.markUsed('ci');
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(29_999);
    expect(await fileText()).toBe(before);
    await clock.advance(1);
    expect(clock.pendingTimers).toBe(0);
    await store.flush(); // nothing left pending: waits for nothing new
    expect((JSON.parse(await fileText()) as { clients: Array<{ lastUsedAt: number | null }> }).clients[0]?.lastUsedAt).toBe(now);
  });

  it('are written by flush', async () => {
    const store = await open();
    await added(store);
    store.markUsed('ci');
    await store.flush();
    expect((await open()).listClients()[0]?.lastUsedAt).toBe(now);
  });
});

describe('a damaged clients.json', () => {
  it('is reported, not replaced', async () => {
    await writeFile(join(dir, 'clients.json'), '{"version":1,"clients":[{"name":"x"}]}', { mode: 0o600 });
    expect(await rejectionCode(open())).toBe('damaged_file');
  });
});

describe('allowing a client one more account', () => {
  it('"Always" adds the account to its list, once, on disk', async () => {
    const store = await open();
    await added(store);
    const first = await store.allowAccount('ci', 'crm');
    const again = await store.allowAccount('ci', 'crm');
    expect([first.ok && first.value.accounts, again.ok && again.value.accounts]).toEqual([['work', 'crm'], ['work', 'crm']]);
    expect((await ClientStore.open(dir)).listClients()[0]?.accounts).toEqual(['work', 'crm']);
  });

  it('"Allow once" is used up by one request, and never written to disk', async () => {
    const store = await open();
    await added(store);
    expect(store.grantOnce('ci', 'crm').ok).toBe(true);
    expect([store.useGrant('ci', 'crm'), store.useGrant('ci', 'crm')]).toEqual([true, false]);
    expect(await fileText()).not.toContain('crm');
  });

  it('a one-time grant lapses after its time, unused', async () => {
    const store = await open();
    await added(store);
    store.grantOnce('ci', 'crm', 60_000);
    now += 60_001;
    expect(store.useGrant('ci', 'crm')).toBe(false);
  });

  it('a one-time grant goes with its client when the client is removed', async () => {
    const store = await open();
    await added(store);
    store.grantOnce('ci', 'crm');
    await store.removeClient('ci');
    await added(store);
    expect(store.useGrant('ci', 'crm')).toBe(false);
  });

  it('refuses an unknown client (not_found) and an invalid account name (invalid_account)', async () => {
    const store = await open();
    await added(store);
    const unknown = store.grantOnce('nobody', 'crm');
    const invalid = store.grantOnce('ci', 'Not A Name');
    const always = await store.allowAccount('nobody', 'crm');
    expect([!unknown.ok && unknown.error.code, !invalid.ok && invalid.error.code, !always.ok && always.error.code]).toEqual(['not_found', 'invalid_account', 'not_found']);
  });
});
