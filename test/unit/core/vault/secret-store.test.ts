// Specification of the encrypted secret store: keytar semantics, envelope encryption, damage and tamper reporting.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVault, openOrCreateVault, openVault, secretsPath } from '../../../../electron/core/vault/secret-store.js';
import type { WrappedKey } from '../../../../electron/core/vault/protector.js';
import { keyRecordCheck, VAULT_FORMAT_VERSION } from '../../../../electron/core/vault/vault-file.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../../electron/core/vault/protectors/passphrase.js';
import { safeStorageProtector, type SafeStorageLike } from '../../../../electron/core/vault/protectors/safe-storage.js';
import { isVaultError } from '../../../../electron/core/vault/vault-error.js';
import type * as AtomicFile from '../../../../electron/core/vault/atomic-file.js';
import { journalFiles, journalLines, listFiles, makeTempDir, modeOf, rejectionCode, testPassphrase } from './vault-test-helpers.js';

/** Durable writes of secrets.json, counted by wrapping the one function every vault write goes through. */
const writes = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../../electron/core/vault/atomic-file.js', async (importOriginal) => {
  const actual = await importOriginal<typeof AtomicFile>();
  return {
    ...actual,
    writeFileAtomic: async (...args: Parameters<typeof actual.writeFileAtomic>) => {
      writes.count += 1;
      return actual.writeFileAtomic(...args);
    },
  };
});

let dataDir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir());
  dataDir = join(dataDir, 'data');
});
afterEach(async () => cleanup());

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

interface RawFile {
  version: number;
  protectors: Array<Record<string, unknown>>;
  entries: Record<string, { iv: string; ct: string; tag: string }>;
}
async function readRaw(): Promise<RawFile> {
  return JSON.parse(await readFile(secretsPath(dataDir), 'utf8')) as RawFile;
}
async function writeRaw(file: RawFile): Promise<void> {
  await writeFile(secretsPath(dataDir), JSON.stringify(file));
}

/** A minimal working safeStorage: reversible, OS-key-like, enough to hold a second protector. */
function fakeSafeStorage(): SafeStorageLike {
  return {
    isAsyncEncryptionAvailable: async () => true,
    encryptStringAsync: async (s) => Buffer.from(`enc:${s}`, 'utf8'),
    decryptStringAsync: async (b) => ({ result: b.toString('utf8').replace(/^enc:/, ''), shouldReEncrypt: false }),
    getSelectedStorageBackend: () => 'gnome_libsecret',
  };
}

describe('round trip', () => {
  it('returns what was stored, after the vault is closed and opened again', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'work/access_token', 'at-1');
    await vault.setPassword('tokenry', 'work/refresh_token', 'rt-1 ünïcødé 🔑');
    await vault.close();

    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await reopened.getPassword('tokenry', 'work/access_token')).toBe('at-1');
    expect(await reopened.getPassword('tokenry', 'work/refresh_token')).toBe('rt-1 ünïcødé 🔑');
  });

  it('getPassword() resolves null for an entry that was never stored', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    expect(await vault.getPassword('tokenry', 'nobody')).toBeNull();
  });

  it('stores an empty secret as an empty string, not as absent', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'blank', '');
    expect(await vault.getPassword('tokenry', 'blank')).toBe('');
  });

  it('deletePassword() resolves true when something was deleted and false otherwise', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'a', 'x');
    expect(await vault.deletePassword('tokenry', 'a')).toBe(true);
    expect(await vault.deletePassword('tokenry', 'a')).toBe(false);
    expect(await vault.getPassword('tokenry', 'a')).toBeNull();
  });

  it('findCredentials() lists every account of one service and nothing of others', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('svc-a', 'one', '1');
    await vault.setPassword('svc-a', 'two', '2');
    await vault.setPassword('svc-b', 'three', '3');
    const found = await vault.findCredentials('svc-a');
    expect(found.sort((x, y) => x.account.localeCompare(y.account))).toEqual([
      { account: 'one', password: '1' },
      { account: 'two', password: '2' },
    ]);
  });

  it('keeps entries whose names would collide under naive concatenation apart', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setMany([
      { service: 'a:b', account: 'c', password: 'first' },
      { service: 'a', account: 'b:c', password: 'second' },
      { service: '__proto__', account: 'constructor', password: 'third' },
    ]);
    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await reopened.getPassword('a:b', 'c')).toBe('first');
    expect(await reopened.getPassword('a', 'b:c')).toBe('second');
    expect(await reopened.getPassword('__proto__', 'constructor')).toBe('third');
  });
});

describe('createVault() and openVault()', () => {
  it('openVault() refuses a missing vault with code no_vault', async () => {
    expect(await rejectionCode(openVault({ dataDir, protector: testPassphrase() }))).toBe('no_vault');
  });

  it('createVault() refuses to replace an existing vault with code vault_exists, leaving it unchanged', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('s', 'a', 'keep me');
    await vault.folded();
    const before = await readFile(secretsPath(dataDir));
    expect(await rejectionCode(createVault({ dataDir, protector: testPassphrase('other') }))).toBe('vault_exists');
    expect(await readFile(secretsPath(dataDir))).toEqual(before);
  });

  it('openOrCreateVault() creates once and opens thereafter', async () => {
    expect(await listFiles(dataDir).catch(() => [])).toEqual([]);
    const first = await openOrCreateVault({ dataDir, protector: testPassphrase() });
    await first.setPassword('s', 'a', 'v');
    const second = await openOrCreateVault({ dataDir, protector: testPassphrase() });
    expect(await second.getPassword('s', 'a')).toBe('v');
  });

  it('openVault() refuses a wrong passphrase with code wrong_passphrase', async () => {
    await createVault({ dataDir, protector: testPassphrase('right') });
    expect(await rejectionCode(openVault({ dataDir, protector: testPassphrase('wrong') }))).toBe('wrong_passphrase');
  });

  it('openVault() refuses a protector kind the vault does not have with code no_matching_protector', async () => {
    await createVault({ dataDir, protector: testPassphrase() });
    const protector = safeStorageProtector(fakeSafeStorage(), { platform: 'linux' });
    expect(await rejectionCode(openVault({ dataDir, protector }))).toBe('no_matching_protector');
  });

  it('stores the scrypt parameters with the wrapped key and unwraps with them', async () => {
    await createVault({ dataDir, protector: passphraseProtector('pw', { scrypt: { N: 2 ** 11, r: 4, p: 2 } }) });
    const raw = await readRaw();
    expect(raw.protectors[0]).toMatchObject({ kind: 'passphrase', kdf: { name: 'scrypt', N: 2048, r: 4, p: 2 } });
    // A protector configured with other costs still opens it: the file's parameters are used.
    await expect(openVault({ dataDir, protector: passphraseProtector('pw', { scrypt: TEST_SCRYPT }) })).resolves.toBeDefined();
  });
});

describe('tampering and damage', () => {
  async function vaultWithOneSecret(): Promise<void> {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'work/refresh_token', 'rt-secret');
    await vault.close();
  }

  for (const field of ['ct', 'iv', 'tag'] as const) {
    it(`getPassword() reports a flipped byte in the entry's ${field} with code tampered`, async () => {
      await vaultWithOneSecret();
      const raw = await readRaw();
      const key = JSON.stringify(['tokenry', 'work/refresh_token']);
      const entry = raw.entries[key];
      if (entry === undefined) throw new Error('entry missing');
      entry[field] = flipFirstByte(entry[field]);
      await writeRaw(raw);

      const vault = await openVault({ dataDir, protector: testPassphrase() });
      expect(await rejectionCode(vault.getPassword('tokenry', 'work/refresh_token'))).toBe('tampered');
      expect(await rejectionCode(vault.findCredentials('tokenry'))).toBe('tampered');
    });
  }

  it('getPassword() reports a ciphertext moved to another entry with code tampered', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'alice', 'alice-token');
    await vault.setPassword('tokenry', 'mallory', 'mallory-token');
    await vault.close();
    const raw = await readRaw();
    raw.entries[JSON.stringify(['tokenry', 'mallory'])] = raw.entries[JSON.stringify(['tokenry', 'alice'])]!;
    await writeRaw(raw);

    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await rejectionCode(reopened.getPassword('tokenry', 'mallory'))).toBe('tampered');
    expect(await reopened.getPassword('tokenry', 'alice')).toBe('alice-token');
  });

  it('openVault() reports lowered scrypt parameters with a recomputed checksum as wrong_passphrase (they are authenticated)', async () => {
    await createVault({ dataDir, protector: passphraseProtector('pw', { scrypt: { N: 2 ** 11, r: 8, p: 1 } }) });
    const raw = await readRaw();
    const { check: _check, ...record } = raw.protectors[0]!;
    (record['kdf'] as { N: number }).N = 2 ** 10;
    // What someone who knows the format does: the checksum is not keyed, the wrapped key's authentication is.
    raw.protectors[0] = { ...record, check: keyRecordCheck(record as unknown as WrappedKey) };
    await writeRaw(raw);
    expect(await rejectionCode(openVault({ dataDir, protector: passphraseProtector('pw') }))).toBe('wrong_passphrase');
  });

  for (const [what, damage] of [
    ['a flipped byte in the wrapped key', (r: Record<string, unknown>) => ((r['box'] as { ct: string }).ct = flipFirstByte((r['box'] as { ct: string }).ct))],
    ['a changed scrypt salt', (r: Record<string, unknown>) => ((r['kdf'] as { salt: string }).salt = flipFirstByte((r['kdf'] as { salt: string }).salt))],
    ['a lowered scrypt cost', (r: Record<string, unknown>) => ((r['kdf'] as { N: number }).N = 2 ** 10)],
  ] as const) {
    it(`openVault() reports ${what} as damaged_file naming the key record, not as a wrong passphrase`, async () => {
      await createVault({ dataDir, protector: passphraseProtector('pw', { scrypt: { N: 2 ** 11, r: 8, p: 1 } }) });
      const raw = await readRaw();
      damage(raw.protectors[0]!);
      await writeRaw(raw);
      const failure = await openVault({ dataDir, protector: passphraseProtector('pw') }).catch((error: unknown) => error);
      expect(isVaultError(failure, 'damaged_file')).toBe(true);
      expect((failure as Error).message).toMatch(/key record 1 \(passphrase\)/);
    });
  }

  it('openVault() reports a truncated file with code damaged_file and leaves its bytes unchanged', async () => {
    await vaultWithOneSecret();
    const full = await readFile(secretsPath(dataDir));
    const truncated = full.subarray(0, Math.floor(full.length / 2));
    await writeFile(secretsPath(dataDir), truncated);

    const failure = await openVault({ dataDir, protector: testPassphrase() }).catch((error: unknown) => error);
    expect(isVaultError(failure, 'damaged_file')).toBe(true);
    expect((failure as Error).message).toContain(secretsPath(dataDir));
    expect(await readFile(secretsPath(dataDir))).toEqual(truncated);
  });

  it('openVault() reports a file from a newer format with code unsupported_version and leaves it unchanged', async () => {
    await vaultWithOneSecret();
    const raw = await readRaw();
    raw.version = VAULT_FORMAT_VERSION + 1;
    await writeRaw(raw);
    const before = await readFile(secretsPath(dataDir));
    expect(await rejectionCode(openVault({ dataDir, protector: testPassphrase() }))).toBe('unsupported_version');
    expect(await readFile(secretsPath(dataDir))).toEqual(before);
  });

  it('a damaged-file message names the file and never quotes its content', async () => {
    await writeFile(join(await ensureDir(), 'secrets.json'), '{"version":1,"protectors":"rt-secret-canary"');
    const failure = await openVault({ dataDir, protector: testPassphrase() }).catch((error: unknown) => error);
    expect(isVaultError(failure, 'damaged_file')).toBe(true);
    expect((failure as Error).message).not.toContain('canary');
  });

  async function ensureDir(): Promise<string> {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dataDir, { recursive: true });
    return dataDir;
  }
});

describe('durability and batching', () => {
  it('setMany() stores several changes (an account\'s secrets) as one journal record, then in one write of secrets.json', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'work/old', 'gone soon');
    await vault.folded();
    const before = writes.count;
    await vault.setMany([
      { service: 'tokenry', account: 'work/access_token', password: 'at-2' },
      { service: 'tokenry', account: 'work/refresh_token', password: 'rt-2' },
      { service: 'tokenry', account: 'work/old', password: null },
    ]);
    const journal = await journalLines(dataDir);
    expect(journal).toHaveLength(1);
    expect((JSON.parse(journal[0]!) as { set: unknown[] }).set).toHaveLength(3);
    await vault.folded();
    expect(writes.count).toBe(before + 1);
    // Folded: secrets.json holds the batch, and the journal is empty again.
    expect(Object.keys((await readRaw()).entries).sort()).toEqual([JSON.stringify(['tokenry', 'work/access_token']), JSON.stringify(['tokenry', 'work/refresh_token'])]);
    expect(await journalFiles(dataDir)).toEqual([]);
    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await reopened.getPassword('tokenry', 'work/access_token')).toBe('at-2');
    expect(await reopened.getPassword('tokenry', 'work/refresh_token')).toBe('rt-2');
  });

  it('setPassword() has written the secret to disk by the time it resolves', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('tokenry', 'x', 'durable');
    // A second, independent reader sees it without any close or flush.
    const other = await openVault({ dataDir, protector: testPassphrase() });
    expect(await other.getPassword('tokenry', 'x')).toBe('durable');
  });

  it('coalesces concurrent writes (one in flight, the rest in one next write) and loses none', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    const before = writes.count;
    await Promise.all(Array.from({ length: 50 }, (_, i) => vault.setPassword('svc', `acct-${i}`, `secret-${i}`)));
    expect(writes.count - before).toBeLessThanOrEqual(2);
    const reopened = await openVault({ dataDir, protector: testPassphrase() });
    expect(await reopened.findCredentials('svc')).toHaveLength(50);
  });

  it('applies queued changes in call order', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    const writes = [vault.setPassword('s', 'a', '1'), vault.setPassword('s', 'a', '2'), vault.deletePassword('s', 'a'), vault.setPassword('s', 'a', '3')];
    await Promise.all(writes);
    expect(await vault.getPassword('s', 'a')).toBe('3');
  });

  it('rejects a batch with an invalid change as a whole, with code invalid_argument', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    const code = await rejectionCode(
      vault.setMany([
        { service: 's', account: 'good', password: 'v' },
        { service: '', account: 'bad', password: 'v' },
      ]),
    );
    expect(code).toBe('invalid_argument');
    expect(await vault.getPassword('s', 'good')).toBeNull();
  });

  it('after close() every operation rejects with code closed', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.close();
    expect(await rejectionCode(vault.getPassword('s', 'a'))).toBe('closed');
    expect(await rejectionCode(vault.setPassword('s', 'a', 'v'))).toBe('closed');
  });
});

describe('protectors', () => {
  it('changePassphrase() rewraps the data key only: entries keep their ciphertext, the new passphrase opens, the old does not', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase('old') });
    await vault.setPassword('s', 'a', 'v');
    await vault.folded();
    const entriesBefore = (await readRaw()).entries;
    await vault.changePassphrase(testPassphrase('new'));
    expect((await readRaw()).entries).toEqual(entriesBefore);
    expect(await rejectionCode(openVault({ dataDir, protector: testPassphrase('old') }))).toBe('wrong_passphrase');
    const reopened = await openVault({ dataDir, protector: testPassphrase('new') });
    expect(await reopened.getPassword('s', 'a')).toBe('v');
  });

  it('addProtector() lets either protector open the vault', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.setPassword('s', 'a', 'v');
    const safeStorage = safeStorageProtector(fakeSafeStorage(), { platform: 'linux' });
    await vault.addProtector(safeStorage);
    expect(vault.protectorKinds().sort()).toEqual(['passphrase', 'safe-storage']);
    expect(await (await openVault({ dataDir, protector: safeStorage })).getPassword('s', 'a')).toBe('v');
    expect(await (await openVault({ dataDir, protector: testPassphrase() })).getPassword('s', 'a')).toBe('v');
  });

  it('removeProtector() refuses to remove the last protector with code last_protector', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    expect(await rejectionCode(vault.removeProtector('passphrase'))).toBe('last_protector');
    expect(vault.protectorKinds()).toEqual(['passphrase']);
  });

  it('removeProtector() removes one protector while another remains', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    await vault.addProtector(safeStorageProtector(fakeSafeStorage(), { platform: 'linux' }));
    expect(await vault.removeProtector('passphrase')).toBe(true);
    expect(await rejectionCode(openVault({ dataDir, protector: testPassphrase() }))).toBe('no_matching_protector');
  });

  it('rewraps on open when safeStorage reports that its OS key rotated', async () => {
    let rotated = false;
    const base = fakeSafeStorage();
    const safeStorage: SafeStorageLike = {
      ...base,
      encryptStringAsync: async (s) => Buffer.from(`${rotated ? 'v2' : 'v1'}:${s}`, 'utf8'),
      decryptStringAsync: async (b) => {
        const [version, payload] = b.toString('utf8').split(':');
        return { result: payload ?? '', shouldReEncrypt: rotated && version === 'v1' };
      },
    };
    const protector = safeStorageProtector(safeStorage, { platform: 'darwin' });
    await createVault({ dataDir, protector });
    rotated = true;
    await openVault({ dataDir, protector });
    const blob = (await readRaw()).protectors[0]!['blob'] as string;
    expect(Buffer.from(blob, 'base64').toString('utf8').startsWith('v2:')).toBe(true);
  });
});

describe('on disk', () => {
  it('never writes a secret in clear, nor its base64 or hex, anywhere under the data directory', async () => {
    const canaries = ['CANARY-access-7f3a9c', 'CANARY-refresh-b81d2e', 'CANARY-client-secret-5c0f44'];
    const vault = await createVault({ dataDir, protector: testPassphrase('CANARY-passphrase-0000') });
    await vault.setMany(canaries.map((password, i) => ({ service: 'tokenry', account: `acct-${i}`, password })));
    await vault.setPassword('tokenry', 'acct-0', canaries[0]!); // a rewrite too
    await vault.close();

    const needles = canaries.concat('CANARY-passphrase-0000').flatMap((c) => {
      const bytes = Buffer.from(c, 'utf8');
      // base64 of the canary at all three byte alignments, so it is found inside longer base64 too.
      const shifted = [0, 1, 2].map((shift) => Buffer.from(`${'x'.repeat(shift)}${c}`).toString('base64').slice(4, -4));
      return [bytes, Buffer.from(bytes.toString('base64')), Buffer.from(bytes.toString('hex')), Buffer.from(c, 'utf16le'), ...shifted.map((s) => Buffer.from(s))];
    });
    const files = await listFiles(dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const content = await readFile(file);
      for (const needle of needles) expect(content.includes(needle), `${file} contains ${needle.toString()}`).toBe(false);
    }
  });

  it('creates the data directory 0700 and secrets.json 0600', async () => {
    const vault = await createVault({ dataDir, protector: testPassphrase() });
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(await modeOf(secretsPath(dataDir))).toBe(0o600);
    await vault.setPassword('s', 'a', 'v');
    expect(await modeOf(secretsPath(dataDir))).toBe(0o600);
  });
});
