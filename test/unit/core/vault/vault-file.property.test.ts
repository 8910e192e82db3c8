// Property: whatever bytes sit in secrets.json, opening the vault ends in a VaultError or a working vault, never a crash.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVault, openVault, secretsPath } from '../../../../electron/core/vault/secret-store.js';
import { isVaultError } from '../../../../electron/core/vault/vault-error.js';
import { parseVaultFile } from '../../../../electron/core/vault/vault-file.js';
import { makeTempDir, testPassphrase } from './vault-test-helpers.js';

let root: string;
let cleanup: () => Promise<void>;
let validFile: Buffer;

beforeAll(async () => {
  ({ dir: root, cleanup } = await makeTempDir());
  const dataDir = join(root, 'template');
  const vault = await createVault({ dataDir, protector: testPassphrase() });
  await vault.setMany([
    { service: 'tokenry', account: 'work/access_token', password: 'at' },
    { service: 'tokenry', account: 'work/refresh_token', password: 'rt' },
  ]);
  await vault.close();
  validFile = await readFile(secretsPath(dataDir));
});
afterAll(async () => cleanup());

let case_ = 0;
/** Opens a vault whose secrets.json holds `bytes`; resolves the outcome, or throws if anything but a VaultError escaped. */
async function outcomeOf(bytes: Uint8Array): Promise<'opened' | 'refused'> {
  const dataDir = join(root, `case-${case_++}`);
  await mkdir(dataDir);
  await writeFile(secretsPath(dataDir), bytes);
  let vault;
  try {
    vault = await openVault({ dataDir, protector: testPassphrase() });
  } catch (error) {
    if (isVaultError(error)) return 'refused';
    throw error;
  }
  // Opened: reading every entry must again end in a value or a VaultError.
  for (const account of ['work/access_token', 'work/refresh_token']) {
    await vault.getPassword('tokenry', account).catch((error: unknown) => {
      if (!isVaultError(error)) throw error;
    });
  }
  return 'opened';
}

describe('secrets.json parsing', () => {
  it('any byte string yields a VaultError, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        expect(await outcomeOf(bytes)).toBe('refused');
      }),
      { numRuns: 300 },
    );
  });

  it('any JSON value yields a VaultError, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.json({ maxDepth: 4 }), async (text) => {
        expect(await outcomeOf(Buffer.from(text, 'utf8'))).toBe('refused');
      }),
      { numRuns: 300 },
    );
  });

  it('any JSON value is refused by parseVaultFile() with a VaultError alone', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        try {
          parseVaultFile(Buffer.from(JSON.stringify(value) ?? 'null'), '/x/secrets.json');
          return false;
        } catch (error) {
          return isVaultError(error);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('a valid file with bytes changed, removed or inserted opens or yields a VaultError, never a crash', async () => {
    const edit = fc.oneof(
      fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
      fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        let bytes = Buffer.from(validFile);
        for (const e of edits) {
          const at = e.at % bytes.length;
          if (e.op === 'flip') bytes[at] = (bytes[at] ?? 0) ^ (1 << e.bit);
          else if (e.op === 'cut') bytes = bytes.subarray(0, at);
          else bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([e.byte]), bytes.subarray(at)]);
          if (bytes.length === 0) break;
        }
        await outcomeOf(bytes);
      }),
      { numRuns: 300 },
    );
  });
});
