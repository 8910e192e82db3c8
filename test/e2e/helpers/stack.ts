// A throwaway data directory with the web harness over it (cheap scrypt, loopback endpoint on a free port).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHarness, type WebHarness, type WebHarnessOptions } from '../../../electron/harness/web-harness.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { RENDERER_OUT } from './renderer-build.js';

/** The passphrase of every test vault. */
export const E2E_PASSPHRASE = 'e2e passphrase';

export interface Stack {
  readonly harness: WebHarness;
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function startStack(options: Partial<Omit<WebHarnessOptions, 'protector'>> = {}): Promise<Stack> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tokenry-e2e-')));
  const harness = await startWebHarness({
    port: 0,
    loopbackPort: 0,
    rendererDir: RENDERER_OUT,
    log: () => undefined,
    ...options,
    dataDir,
    protector: passphraseProtector(E2E_PASSPHRASE, { scrypt: TEST_SCRYPT }),
    passphraseProtector: (text) => passphraseProtector(text, { scrypt: TEST_SCRYPT }),
  });
  return {
    harness,
    dataDir,
    async close() {
      await harness.close();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
