// harnessProtector(): the CLI's rules for which protector unlocks the browser fallback's vault, on real vault files.
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_KEY_BYTES, openBox, sealBox } from '../../../../electron/core/vault/envelope.js';
import type { KeyProtector, WrappedKey } from '../../../../electron/core/vault/protector.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../../electron/core/vault/protectors/passphrase.js';
import { createVault, openVault } from '../../../../electron/core/vault/secret-store.js';
import { harnessProtector, type Terminal } from '../../../../scripts/start/harness-protector.js';
import { makeTempDir, rejectionCode, testPassphrase } from '../../core/vault/vault-test-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('tokenry-start-vault-')));
afterEach(async () => cleanup());

/** A terminal whose typed lines are `typed`; what was prompted is collected in `prompts`. */
function terminal(options: { env?: Record<string, string>; isTTY: boolean; typed?: string }): Terminal & { prompts: string[] } {
  const stdin = new PassThrough();
  if (options.typed !== undefined) stdin.write(options.typed);
  const prompts: string[] = [];
  return { env: options.env ?? {}, stdin, stderr: { write: (text: string) => prompts.push(text) }, isTTY: options.isTTY, prompts };
}

/** A stand-in for a protector kind that cannot run here (the OS keyring without a session, safeStorage without Electron): real AES-GCM under a fixed key. */
function recordOfKind(kind: 'keyring' | 'safe-storage'): KeyProtector {
  const kek = Buffer.alloc(DATA_KEY_BYTES, 7);
  return {
    kind,
    wrap: async (dataKey): Promise<WrappedKey> =>
      kind === 'keyring'
        ? { kind, service: 'Tokenry test', account: 'data-key-1', box: sealBox(kek, dataKey, Buffer.from('test')) }
        : { kind, backend: 'test', blob: Buffer.from('opaque').toString('base64') },
    unwrap: async (wrapped) => {
      if (wrapped.kind !== 'keyring') throw new Error('not this kind');
      const key = openBox(kek, wrapped.box, Buffer.from('test'));
      if (key === null) throw new Error('wrong key');
      return key;
    },
  };
}

async function makeVault(protector: KeyProtector): Promise<void> {
  const vault = await createVault({ dataDir: dir, protector });
  await vault.close();
}

describe('harnessProtector() for a new data directory', () => {
  it('protects it with TOKENRY_PASSPHRASE, without asking', async () => {
    const term = terminal({ env: { TOKENRY_PASSPHRASE: 'from the environment' }, isTTY: true });
    const chosen = await harnessProtector(dir, term);
    await makeVault(chosen.protector);
    // The same passphrase opens what the chosen protector sealed (the file keeps its scrypt cost).
    await (await openVault({ dataDir: dir, protector: passphraseProtector('from the environment', { scrypt: TEST_SCRYPT }) })).close();
    expect([chosen.protector.kind, chosen.how, term.prompts]).toEqual(['passphrase', 'a passphrase (TOKENRY_PASSPHRASE)', []]);
  });

  it('asks a person at a terminal to choose a passphrase, twice', async () => {
    const term = terminal({ isTTY: true, typed: 'typed twice\ntyped twice\n' });
    const chosen = await harnessProtector(dir, term);
    expect([chosen.protector.kind, chosen.how, term.prompts.filter((p) => p.trim() !== '')]).toEqual([
      'passphrase',
      'a passphrase',
      [`Choose a passphrase for Tokenry's vault in ${dir}: `, 'Repeat the passphrase: '],
    ]);
  });

  it('refuses two different answers', async () => {
    expect(await rejectionCode(harnessProtector(dir, terminal({ isTTY: true, typed: 'one\ntwo\n' })))).toBe('passphrase_mismatch');
  });

  it('keeps the key in the OS keyring where there is neither a terminal nor TOKENRY_PASSPHRASE', async () => {
    const chosen = await harnessProtector(dir, terminal({ isTTY: false }));
    expect([chosen.protector.kind, chosen.how]).toEqual(['keyring', 'a key in the OS keyring']);
  });
});

describe('harnessProtector() for an existing vault', () => {
  it('opens a passphrase vault with TOKENRY_PASSPHRASE', async () => {
    await makeVault(testPassphrase('set in the environment'));
    const chosen = await harnessProtector(dir, terminal({ env: { TOKENRY_PASSPHRASE: 'set in the environment' }, isTTY: false }));
    await (await openVault({ dataDir: dir, protector: chosen.protector })).close();
    expect(chosen.how).toBe('a passphrase (TOKENRY_PASSPHRASE)');
  });

  it('asks for its passphrase once on a terminal', async () => {
    await makeVault(testPassphrase('typed once'));
    const term = terminal({ isTTY: true, typed: 'typed once\n' });
    const chosen = await harnessProtector(dir, term);
    await (await openVault({ dataDir: dir, protector: chosen.protector })).close();
    expect(term.prompts.filter((p) => p.trim() !== '')).toEqual([`Passphrase for Tokenry's vault in ${dir}: `]);
  });

  it('says a passphrase is needed, without waiting, where there is no terminal', async () => {
    await makeVault(testPassphrase());
    expect(await rejectionCode(harnessProtector(dir, terminal({ isTTY: false })))).toBe('passphrase_required');
  });

  it('opens a keyring vault from the keyring, whatever TOKENRY_PASSPHRASE says', async () => {
    await makeVault(recordOfKind('keyring'));
    const chosen = await harnessProtector(dir, terminal({ env: { TOKENRY_PASSPHRASE: 'irrelevant' }, isTTY: true }));
    expect(chosen.protector.kind).toBe('keyring');
  });

  it("refuses a vault sealed only by the desktop app's safeStorage", async () => {
    await makeVault(recordOfKind('safe-storage'));
    expect(await rejectionCode(harnessProtector(dir, terminal({ env: { TOKENRY_PASSPHRASE: 'x' }, isTTY: true })))).toBe('no_matching_protector');
  });
});
