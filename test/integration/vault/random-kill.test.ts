// A writer killed with SIGKILL at random points leaves a vault that opens with the old or the new state, never a mix.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeStaleTempFiles } from '../../../electron/core/vault/atomic-file.js';
import { createVault, openVault, secretsPath } from '../../../electron/core/vault/secret-store.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { makeTempDir, REPO_ROOT } from '../../unit/core/vault/vault-test-helpers.js';

const PASSPHRASE = 'crash test passphrase';
const ROUNDS = 20;
const FILLER_ENTRIES = 300;
const protector = () => passphraseProtector(PASSPHRASE, { scrypt: TEST_SCRYPT });

let dataDir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: dataDir, cleanup } = await makeTempDir());
  const vault = await createVault({ dataDir, protector: protector() });
  // Filler makes each write tens of kilobytes, widening the window in which a kill lands mid-write.
  await vault.setMany([
    { service: 'crash-test', account: 'counter', password: '0' },
    { service: 'crash-test', account: 'paired', password: 'paired-0' },
    ...Array.from({ length: FILLER_ENTRIES }, (_, i) => ({ service: 'filler', account: `acct-${i}`, password: `token-${i}-${'x'.repeat(100)}` })),
  ]);
  await vault.close();
});
afterAll(async () => cleanup());

/**
 * Runs the writer, kills it `delayMs` after its first acknowledged write, so the kill lands in the
 * write loop however slow the machine is (or `delayMs` after spawn, when `beforeReady`); resolves
 * the last acknowledged counter.
 */
async function runAndKill(delayMs: number, beforeReady: boolean): Promise<{ lastAck: number | null; started: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'vault-writer.ts'), dataDir, PASSPHRASE], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastAck: number | null = null;
  let started: number | null = null;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const writing = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const [word, value] = line.split(' ');
      if (word === 'ready') {
        started = Number(value);
      } else if (word === 'ack') {
        lastAck = Number(value);
        resolve();
      }
    });
  });
  if (!beforeReady) await Promise.race([writing, exited]);
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  const [code, signal] = (await exited) as [number | null, string | null];
  if (signal !== 'SIGKILL') throw new Error(`writer ended by itself (code ${code}): ${stderr}`);
  return { lastAck, started };
}

describe('crash safety', () => {
  it(`after ${ROUNDS} SIGKILLs at random points the vault opens with a consistent, durable state`, async () => {
    const seed = Date.now();
    let state = seed;
    const random = (): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
    let previous = 0;
    let killsDuringWrites = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Mostly mid-write; some rounds while the writer is still starting or opening.
      const beforeReady = round % 5 === 4;
      const delayMs = beforeReady ? Math.floor(random() * 600) : Math.floor(random() * 40);
      const { lastAck } = await runAndKill(delayMs, beforeReady);
      if (lastAck !== null) killsDuringWrites += 1;

      const vault = await openVault({ dataDir, protector: protector() });
      const counter = Number(await vault.getPassword('crash-test', 'counter'));
      const context = `round ${round}, seed ${seed}, delay ${delayMs} ms, last ack ${lastAck}, found ${counter}`;
      // Atomic: the paired value was written in the same batch as the counter.
      expect(await vault.getPassword('crash-test', 'paired'), context).toBe(`paired-${counter}`);
      // Durable: every acknowledged write survived; nothing went backwards.
      expect(counter, context).toBeGreaterThanOrEqual(lastAck ?? previous);
      expect(counter, context).toBeGreaterThanOrEqual(previous);
      // Every entry still decrypts and authenticates (findCredentials opens each one, rejecting on tampering).
      expect((await vault.findCredentials('filler')).length, context).toBe(FILLER_ENTRIES);
      await vault.close();
      previous = counter;
    }
    expect(killsDuringWrites).toBeGreaterThan(ROUNDS / 2);
    // Killed writers may leave temp files; the lock holder clears them, and only them.
    await removeStaleTempFiles(secretsPath(dataDir));
    expect(await readdir(dataDir)).toEqual(['secrets.json']);
  }, 60_000);
});
