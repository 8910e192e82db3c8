// Specification of the safeStorage protector, against a fake safeStorage (Electron cannot run under plain Node).
import { describe, expect, it } from 'vitest';
import { newDataKey } from '../../../../electron/core/vault/envelope.js';
import type { SafeStorageWrappedKey } from '../../../../electron/core/vault/protector.js';
import { safeStorageProtector, type SafeStorageLike } from '../../../../electron/core/vault/protectors/safe-storage.js';
import { isVaultError } from '../../../../electron/core/vault/vault-error.js';
import { rejectionCode } from './vault-test-helpers.js';

/** Electron's safeStorage as seen through its async API; XOR stands in for the OS-bound key. */
function fakeSafeStorage(overrides: Partial<SafeStorageLike> = {}): SafeStorageLike {
  const xor = (b: Buffer): Buffer => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isAsyncEncryptionAvailable: async () => true,
    encryptStringAsync: async (s) => xor(Buffer.from(s, 'utf8')),
    decryptStringAsync: async (b) => ({ result: xor(b).toString('utf8'), shouldReEncrypt: false }),
    getSelectedStorageBackend: () => 'gnome_libsecret',
    ...overrides,
  };
}

describe('safeStorageProtector()', () => {
  it('unwraps what it wrapped and records the backend', async () => {
    const key = newDataKey();
    const protector = safeStorageProtector(fakeSafeStorage(), { platform: 'linux' });
    const wrapped = (await protector.wrap(key)) as SafeStorageWrappedKey;
    expect(wrapped).toMatchObject({ kind: 'safe-storage', backend: 'gnome_libsecret' });
    expect((await protector.unwrap(wrapped)).equals(key)).toBe(true);
  });

  it("refuses Linux's basic_text backend with code weak_backend, advising a passphrase", async () => {
    const protector = safeStorageProtector(fakeSafeStorage({ getSelectedStorageBackend: () => 'basic_text' }), { platform: 'linux' });
    const failure = await protector.wrap(newDataKey()).catch((error: unknown) => error);
    expect(isVaultError(failure, 'weak_backend')).toBe(true);
    expect((failure as Error).message).toContain('passphrase');
  });

  it('refuses to unwrap under basic_text too with code weak_backend', async () => {
    let backend = 'kwallet6';
    const storage = fakeSafeStorage({ getSelectedStorageBackend: () => backend });
    const protector = safeStorageProtector(storage, { platform: 'linux' });
    const wrapped = await protector.wrap(newDataKey());
    backend = 'basic_text';
    expect(await rejectionCode(protector.unwrap(wrapped))).toBe('weak_backend');
  });

  it('accepts basic_text when explicitly allowed', async () => {
    const key = newDataKey();
    const protector = safeStorageProtector(fakeSafeStorage({ getSelectedStorageBackend: () => 'basic_text' }), {
      platform: 'linux',
      allowWeakBackend: true,
    });
    expect((await protector.unwrap(await protector.wrap(key))).equals(key)).toBe(true);
  });

  it('does not consult the Linux backend on other platforms', async () => {
    const protector = safeStorageProtector(
      fakeSafeStorage({
        getSelectedStorageBackend: () => {
          throw new Error('Linux only');
        },
      }),
      { platform: 'darwin' },
    );
    await expect(protector.wrap(newDataKey())).resolves.toMatchObject({ kind: 'safe-storage' });
  });

  it('refuses when encryption is unavailable with code safe_storage_unavailable', async () => {
    const protector = safeStorageProtector(fakeSafeStorage({ isAsyncEncryptionAvailable: async () => false }), { platform: 'win32' });
    expect(await rejectionCode(protector.wrap(newDataKey()))).toBe('safe_storage_unavailable');
  });

  it('reports a decryption failure with code safe_storage_unavailable', async () => {
    const good = safeStorageProtector(fakeSafeStorage(), { platform: 'linux' });
    const wrapped = await good.wrap(newDataKey());
    const broken = safeStorageProtector(
      fakeSafeStorage({
        decryptStringAsync: async () => {
          throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
        },
      }),
      { platform: 'linux' },
    );
    expect(await rejectionCode(broken.unwrap(wrapped))).toBe('safe_storage_unavailable');
  });

  it('reports a decrypted value that is not a data key with code tampered', async () => {
    const protector = safeStorageProtector(fakeSafeStorage({ decryptStringAsync: async () => ({ result: 'short', shouldReEncrypt: false }) }), {
      platform: 'linux',
    });
    const wrapped = await safeStorageProtector(fakeSafeStorage(), { platform: 'linux' }).wrap(newDataKey());
    expect(await rejectionCode(protector.unwrap(wrapped))).toBe('tampered');
  });

  it('asks for a rewrap after safeStorage says shouldReEncrypt', async () => {
    const base = fakeSafeStorage();
    const protector = safeStorageProtector(
      { ...base, decryptStringAsync: async (b) => ({ ...(await base.decryptStringAsync(b)), shouldReEncrypt: true }) },
      { platform: 'linux' },
    );
    const wrapped = await protector.wrap(newDataKey());
    expect(protector.needsRewrap?.(wrapped)).toBe(false);
    await protector.unwrap(wrapped);
    expect(protector.needsRewrap?.(wrapped)).toBe(true);
  });
});
