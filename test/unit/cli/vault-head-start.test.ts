// Specification: a command without an owner starts scrypt from TOKENRY_PASSPHRASE and the vault file's own record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVaultHeadStart } from '../../../electron/cli/vault-head-start.js';
import type { CommandContext } from '../../../electron/cli/command.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { takeScryptAhead } from '../../../electron/core/vault/protectors/scrypt-head-start.js';
import { createVault } from '../../../electron/core/vault/secret-store.js';
import { parseVaultFile } from '../../../electron/core/vault/vault-file.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../core/vault/vault-test-helpers.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('tokenry-head-start-'));
  const vault = await createVault({ dataDir: dir, protector: passphraseProtector('a good passphrase', { scrypt: TEST_SCRYPT }) });
  await vault.close();
});
afterAll(async () => cleanup());

const ctx = (env: Record<string, string>): CommandContext => ({ dataDir: dir, io: { env } } as unknown as CommandContext);

async function kdf(): Promise<{ N: number; r: number; p: number; salt: string }> {
  const record = parseVaultFile(await readFile(join(dir, 'secrets.json')), 'secrets.json').protectors[0];
  if (record?.kind !== 'passphrase') throw new Error('no passphrase record');
  return record.kdf;
}

describe('startVaultHeadStart()', () => {
  it("starts the derivation the vault's passphrase record needs", async () => {
    await startVaultHeadStart(ctx({ TOKENRY_PASSPHRASE: 'a good passphrase' }));
    expect(takeScryptAhead('a good passphrase', await kdf())).not.toBeNull();
  });

  it('starts nothing without TOKENRY_PASSPHRASE', async () => {
    await startVaultHeadStart(ctx({}));
    expect(takeScryptAhead('a good passphrase', await kdf())).toBeNull();
  });

  it('starts nothing, and does not fail, where there is no vault', async () => {
    await startVaultHeadStart({ dataDir: join(dir, 'none'), io: { env: { TOKENRY_PASSPHRASE: 'a good passphrase' } } } as unknown as CommandContext);
    expect(takeScryptAhead('a good passphrase', await kdf())).toBeNull();
  });
});
