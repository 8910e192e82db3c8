// Changing the vault's protection while it is open: the data key is rewrapped, never a secret re-encrypted.
import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProtectionApi, type OsStore } from '../../../../electron/core/vault/protection-change.js';
import type { KeyProtector, WrappedKey } from '../../../../electron/core/vault/protector.js';
import { createVault, openVault, secretsPath, type Vault } from '../../../../electron/core/vault/secret-store.js';
import { makeTempDir, rejectionCode, testPassphrase } from './vault-test-helpers.js';

/**
 * An OS store stand-in: under the keyring's kind, each wrap is a real scrypt + AES-GCM record (a
 * passphrase only this store knows) kept by the store itself, as a keyring keeps its keys; it notes
 * what it was asked to discard.
 */
function fakeOsStore(problem: string | null = null): OsStore & { discarded: WrappedKey[] } {
  const discarded: WrappedKey[] = [];
  const inner = testPassphrase('the OS store secret');
  const kept = new Map<string, WrappedKey>();
  const protector: KeyProtector = {
    kind: 'keyring',
    async wrap(key) {
      const record = await inner.wrap(key);
      if (record.kind !== 'passphrase') throw new Error('expected a passphrase record');
      const account = `data-key-${kept.size}`;
      kept.set(account, record);
      return { kind: 'keyring', service: 'test', account, box: record.box };
    },
    async unwrap(wrapped) {
      const record = kept.get((wrapped as { account: string }).account);
      if (record === undefined) throw new Error('no such key');
      return inner.unwrap(record);
    },
    discard: async (wrapped) => void discarded.push(wrapped),
  };
  return { kind: 'keyring', protector: () => protector, problem: async () => problem, discarded };
}

let dir: string;
let cleanup: () => Promise<void>;
let vault: Vault;
const CURRENT = 'current passphrase';
const passphrase = (text: string) => testPassphrase(text);

beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('tokenry-protection-'));
  vault = await createVault({ dataDir: dir, protector: testPassphrase(CURRENT) });
  await vault.setPassword('tokenry', 'work/refresh_token', 'CANARY-secret');
  // From the journal into secrets.json, where these tests compare entries.
  await vault.folded();
});
afterEach(async () => {
  await vault.close();
  await cleanup();
});

const entriesOf = async (): Promise<unknown> => (JSON.parse(await readFile(secretsPath(dir), 'utf8')) as { entries: unknown }).entries;

describe('changePassphrase()', () => {
  it('rewraps the data key under the new passphrase and leaves every secret as it was', async () => {
    const before = await entriesOf();
    const api = createProtectionApi({ vault, passphrase, osStore: null });
    expect(await api.changePassphrase(CURRENT, 'a brand new passphrase')).toEqual({ ok: true, value: null });
    expect(await entriesOf()).toEqual(before);
    expect(await rejectionCode(openVault({ dataDir: dir, protector: testPassphrase(CURRENT) }))).toBe('wrong_passphrase');
    const reopened = await openVault({ dataDir: dir, protector: testPassphrase('a brand new passphrase') });
    expect(await reopened.getPassword('tokenry', 'work/refresh_token')).toBe('CANARY-secret');
    await reopened.close();
  });

  it('refuses a wrong current passphrase, on its code, and changes nothing', async () => {
    const api = createProtectionApi({ vault, passphrase, osStore: null });
    const result = await api.changePassphrase('not it', 'a brand new passphrase');
    expect(result.ok === false && result.error.code).toBe('wrong_passphrase');
    await (await openVault({ dataDir: dir, protector: testPassphrase(CURRENT) })).close();
  });

  it('refuses a new passphrase shorter than eight characters', async () => {
    const result = await createProtectionApi({ vault, passphrase, osStore: null }).changePassphrase(CURRENT, 'short');
    expect(result.ok === false && result.error.code).toBe('weak_passphrase');
  });
});

describe('useOsStore() and usePassphrase()', () => {
  it('moves the vault to the OS store after confirming the passphrase, then back to a new passphrase', async () => {
    const os = fakeOsStore();
    const api = createProtectionApi({ vault, passphrase, osStore: os });
    const before = await entriesOf();
    expect(await api.useOsStore(CURRENT)).toEqual({ ok: true, value: null });
    expect(vault.protectorKinds()).toEqual(['keyring']);
    expect(await entriesOf()).toEqual(before);
    const onOs = await openVault({ dataDir: dir, protector: os.protector() });
    expect(await onOs.getPassword('tokenry', 'work/refresh_token')).toBe('CANARY-secret');
    await onOs.close();

    expect(await api.usePassphrase('another long passphrase')).toEqual({ ok: true, value: null });
    expect(vault.protectorKinds()).toEqual(['passphrase']);
    // The OS store's record was handed back to be discarded (its keyring entry deleted).
    expect(os.discarded.map((w) => w.kind)).toEqual(['keyring']);
    expect(await entriesOf()).toEqual(before);
    await (await openVault({ dataDir: dir, protector: testPassphrase('another long passphrase') })).close();
  });

  it('refuses the move without the right passphrase, keeping the passphrase protection', async () => {
    const api = createProtectionApi({ vault, passphrase, osStore: fakeOsStore() });
    const result = await api.useOsStore('wrong');
    expect(result.ok === false && result.error.code).toBe('wrong_passphrase');
    expect(vault.protectorKinds()).toEqual(['passphrase']);
  });

  it('says why when the OS store cannot be used now', async () => {
    const api = createProtectionApi({ vault, passphrase, osStore: fakeOsStore('No Secret Service answers.') });
    expect(await api.useOsStore(CURRENT)).toEqual({ ok: false, error: { code: 'os_store_unavailable', kind: 'config', message: 'No Secret Service answers.' } });
  });

  it('says so where the shell offers no OS store', async () => {
    const result = await createProtectionApi({ vault, passphrase, osStore: null }).useOsStore(CURRENT);
    expect(result.ok === false && result.error.code).toBe('no_os_store');
  });

  it('runs one change at a time, so two at once cannot both drop the passphrase', async () => {
    const os = fakeOsStore();
    const api = createProtectionApi({ vault, passphrase, osStore: os });
    const [first, second] = await Promise.all([api.useOsStore(CURRENT), api.changePassphrase(CURRENT, 'yet another passphrase')]);
    expect(first.ok).toBe(true);
    expect(second.ok === false && second.error.code).toBe('no_passphrase');
    expect(vault.protectorKinds()).toEqual(['keyring']);
  });
});

describe('Vault.unlocks()', () => {
  it('tells the right passphrase from a wrong one without throwing', async () => {
    expect(await vault.unlocks(testPassphrase(CURRENT))).toBe(true);
    expect(await vault.unlocks(testPassphrase('wrong'))).toBe(false);
    expect(await vault.unlocks(fakeOsStore().protector())).toBe(false);
  });
});
