// Benchmark: what encryption costs on opening a 1,000-account vault and on saving one renewal, beside plain atomic JSON.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../../electron/core/vault/atomic-file.js';
import { passphraseProtector, TEST_SCRYPT } from '../../electron/core/vault/protectors/passphrase.js';
import { createVault, openVault } from '../../electron/core/vault/secret-store.js';

const ACCOUNTS = 1000;
const PASSPHRASE = 'bench passphrase';

export interface BenchResult {
  name: string;
  ms: number;
}

/** Median wall time of `runs` calls, after one warm-up call; `timed`: each call measures (and resolves) its own time. */
async function median(runs: number, fn: (i: number) => Promise<unknown>, timed = false): Promise<number> {
  await fn(-1);
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    const own = await fn(i);
    times.push(timed && typeof own === 'number' ? own : performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const token = (bytes: number): string => randomBytes(bytes).toString('base64url');

/**
 * Measures, on 1,000 accounts (access token ~1 KB JWT-sized, refresh token, client secret):
 * opening the vault (with production and with test scrypt cost), saving one renewal, and the
 * same read and write of the data as plain atomic JSON in clear.
 */
export async function benchVault(): Promise<BenchResult[]> {
  const root = await mkdtemp(join(tmpdir(), 'tokenry-bench-'));
  try {
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({
      name: `account-${i}`,
      access: token(768),
      refresh: token(48),
      clientSecret: token(32),
    }));
    const changes = accounts.flatMap((a) => [
      { service: 'tokenry', account: `${a.name}/access_token`, password: a.access },
      { service: 'tokenry', account: `${a.name}/refresh_token`, password: a.refresh },
      { service: 'tokenry', account: `${a.name}/client_secret`, password: a.clientSecret },
    ]);

    const prodDir = join(root, 'prod');
    const prodVault = await createVault({ dataDir: prodDir, protector: passphraseProtector(PASSPHRASE) });
    await prodVault.setMany(changes);
    await prodVault.close();

    const testDir = join(root, 'test');
    const testProtector = passphraseProtector(PASSPHRASE, { scrypt: TEST_SCRYPT });
    const vault = await createVault({ dataDir: testDir, protector: testProtector });
    await vault.setMany(changes);

    const plainPath = join(root, 'plain.json');
    const plain = JSON.stringify({ accounts });
    await writeFileAtomic(plainPath, plain);

    const results: BenchResult[] = [];
    const record = (name: string, ms: number): void => {
      results.push({ name, ms });
    };

    record(
      'vault open, 1000 accounts, production scrypt (N=2^17)',
      await median(3, async () => (await openVault({ dataDir: prodDir, protector: passphraseProtector(PASSPHRASE) })).close()),
    );
    record(
      'vault open, 1000 accounts, test scrypt (N=2^10)',
      await median(15, async () => (await openVault({ dataDir: testDir, protector: testProtector })).close()),
    );
    record('plain JSON read + parse, same data in clear', await median(15, async () => JSON.parse(await readFile(plainPath, 'utf8'))));
    record(
      'vault decrypt all 3000 secrets',
      await median(5, async () => {
        for (const change of changes) await vault.getPassword(change.service, change.account);
      }),
    );
    record(
      'vault save one renewal (access + refresh), fsynced',
      await median(20, (i) =>
        vault.setMany([
          { service: 'tokenry', account: 'account-7/access_token', password: `${token(768)}${i}` },
          { service: 'tokenry', account: 'account-7/refresh_token', password: token(48) },
        ]),
      ),
    );
    // What the journal spares the caller: secrets.json rewritten in the background (once per burst of renewals).
    record(
      'vault fold of the journal into secrets.json (background)',
      await median(10, async (i) => {
        await vault.setMany([{ service: 'tokenry', account: 'account-8/access_token', password: `${token(768)}${i}` }]);
        const start = performance.now();
        await vault.folded();
        return performance.now() - start;
      }, true),
    );
    record(
      'plain atomic JSON write of the same data, fsynced',
      await median(20, (i) => {
        const first = accounts[7];
        if (first !== undefined) first.access = `${token(768)}${i}`;
        return writeFileAtomic(plainPath, JSON.stringify({ accounts }));
      }),
    );
    await vault.close();
    return results;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

function ratio(results: BenchResult[], numerator: string, denominator: string): string {
  const a = results.find((r) => r.name.startsWith(numerator))?.ms;
  const b = results.find((r) => r.name.startsWith(denominator))?.ms;
  return a === undefined || b === undefined ? 'n/a' : `${(a / b).toFixed(2)}x`;
}

/** Prints the figures and the ratios measured in this one run. */
export function printVaultBench(results: BenchResult[]): void {
  for (const r of results) console.log(`${r.name.padEnd(56)} ${r.ms.toFixed(2).padStart(9)} ms`);
  console.log(`ratio open (test scrypt) / plain read:        ${ratio(results, 'vault open, 1000 accounts, test', 'plain JSON read')}`);
  console.log(`ratio open (production scrypt) / plain read:  ${ratio(results, 'vault open, 1000 accounts, production', 'plain JSON read')}`);
  console.log(`ratio save one renewal / plain atomic write:  ${ratio(results, 'vault save one renewal', 'plain atomic JSON write')}`);
  console.log(`ratio fold (background) / save one renewal:   ${ratio(results, 'vault fold', 'vault save one renewal')}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printVaultBench(await benchVault());
}
