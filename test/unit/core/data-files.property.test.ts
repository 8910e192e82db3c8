// Property (issue 12, item 4): a byte flipped anywhere in an authenticated data file (accounts, clients, settings) is
// refused, or else changes nothing the program reads; never a silently renamed account or client, never a changed key.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_FILES, DATA_FILES_MAC_PURPOSE } from '../../../electron/core/data-files.js';
import { ClientStore } from '../../../electron/core/loopback/client-store.js';
import { TokenryService } from '../../../electron/core/service.js';
import { openDataStore } from '../../../electron/core/vault/data-store.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { isVaultError } from '../../../electron/core/vault/vault-error.js';
import { makeDataDir } from '../../fixtures/data-dir.js';
import { makeTempDir } from './vault/vault-test-helpers.js';

const FLIPS_PER_FILE = 600;

let dataDir: string;
let cleanup: () => Promise<void>;
let macKey: Buffer;
const originals = new Map<string, { bytes: Buffer; value: unknown }>();

beforeAll(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir('tokenry-flips-'));
  const made = await makeDataDir(dataDir, passphraseProtector('flip test passphrase', { scrypt: TEST_SCRYPT }));
  const service = await TokenryService.open({ secrets: made.vault, accounts: made.accounts, background: false });
  for (const name of ['work', 'billing', 'ci-bot']) {
    const added = await service.addAccount({ name, provider: 'applixure', overrides: { baseUrl: 'https://api.example.test' }, clientId: `id-${name}`, clientSecret: 's' });
    if (!added.ok) throw new Error(added.error.message);
  }
  const clients = await ClientStore.open(dataDir, { openStore: made.openStore });
  for (const [name, accounts] of [['deploy', ['work']], ['reports', ['billing', 'ci-bot']]] as const) {
    const created = await clients.addClient(name, accounts);
    if (!created.ok) throw new Error(created.error.message);
  }
  await clients.close();
  service.close();
  macKey = made.vault.deriveKey(DATA_FILES_MAC_PURPOSE);
  await made.vault.close();
  for (const file of DATA_FILES) {
    const path = join(dataDir, `${file.name}.json`);
    const store = await openDataStore({ dataDir, name: file.name, schema: file.schema, defaults: file.defaults, macKey, ifMissing: 'error' });
    originals.set(file.name, { bytes: await readFile(path), value: store.get() });
  }
});
afterAll(async () => cleanup());

/** A fixed-seed generator: the same flips every run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('flipped bytes in the data files', () => {
  for (const file of DATA_FILES) {
    it(`${file.name}.json: ${FLIPS_PER_FILE} random single-byte flips are each refused or read back unchanged`, async () => {
      const original = originals.get(file.name);
      if (original === undefined) throw new Error('no original');
      const path = join(dataDir, `${file.name}.json`);
      const random = lcg(0x5eed + file.name.length);
      let refused = 0;
      let unchanged = 0;
      const silently: string[] = [];
      for (let i = 0; i < FLIPS_PER_FILE; i += 1) {
        const bytes = Buffer.from(original.bytes);
        const at = Math.floor(random() * bytes.length);
        const mask = 1 + Math.floor(random() * 255);
        bytes[at] = (bytes[at] ?? 0) ^ mask;
        await writeFile(path, bytes);
        try {
          const store = await openDataStore({ dataDir, name: file.name, schema: file.schema, defaults: file.defaults, macKey, ifMissing: 'error' });
          // Read despite the flip: then it must be exactly what was written (whitespace, say).
          if (JSON.stringify(store.get()) === JSON.stringify(original.value)) unchanged += 1;
          else silently.push(`byte ${at} ^ ${mask}`);
        } catch (error) {
          if (!isVaultError(error)) throw error;
          expect(['damaged_file', 'unauthenticated_file', 'unsupported_version']).toContain(error.code);
          refused += 1;
        }
      }
      await writeFile(path, original.bytes);
      console.log(`${file.name}.json (${original.bytes.length} bytes): ${refused} of ${FLIPS_PER_FILE} flips refused, ${unchanged} changed nothing read, ${silently.length} read as different content`);
      expect(silently).toEqual([]);
      expect(refused + unchanged).toBe(FLIPS_PER_FILE);
    });
  }
});
