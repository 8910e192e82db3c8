// Benchmark: the `tokenry` command's start-up, as ratios to `node -e 0` measured in the same run, and its peak memory.
// - `tokenry --version` (target 1.5x)
// - `tokenry token NAME` through a running owner (`tokenry serve`; target 2x, peak RSS 80 MiB)
// - `tokenry token NAME` opening a production-cost passphrase vault itself (target: scrypt + 2 node start-ups)
// Wall times are medians of rounds taken turn about; CPU time and peak RSS come from GNU time.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { openAppCore } from '../../electron/core/bridge/app-core.js';
import { silentLogger } from '../../electron/core/log/logger.js';
import { passphraseProtector, DEFAULT_SCRYPT } from '../../electron/core/vault/protectors/passphrase.js';
import { APPLIXURE_DEFAULTS, startApplixure } from '../fixtures/emulators/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin', 'tokenry.js');
const PASSPHRASE = 'bench passphrase';
const ROUNDS = 11;
const TIME = '/usr/bin/time';

interface Case {
  readonly name: string;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** One run's wall time in ms (spawn to exit); a failing run fails the bench. */
function timeRun(c: Case): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, c.argv, { env: { ...process.env, ...c.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolvePromise(performance.now() - started) : reject(new Error(`${c.name} exited ${String(code)}: ${stderr}`))));
  });
}

/**
 * Peak resident memory (MiB) and CPU time (user + system, ms) of one process, from GNU time (%M in
 * KiB, %U and %S in seconds, 10 ms steps): medians of three runs; null where /usr/bin/time is missing.
 * CPU time says what the process itself costs, which wall time on a busy machine does not.
 */
function usage(c: Case): { readonly mib: number; readonly cpuMs: number } | null {
  if (!existsSync(TIME)) return null;
  const runs: Array<{ mib: number; cpuMs: number }> = [];
  for (let i = 0; i < 3; i++) {
    const run = spawnSync(TIME, ['-f', '%M %U %S', process.execPath, ...c.argv], { env: { ...process.env, ...c.env }, encoding: 'utf8' });
    const [kib, user, system] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (kib === undefined || user === undefined || system === undefined || [kib, user, system].some((n) => !Number.isFinite(n))) return null;
    runs.push({ mib: kib / 1024, cpuMs: (user + system) * 1000 });
  }
  return { mib: median(runs.map((r) => r.mib)), cpuMs: median(runs.map((r) => r.cpuMs)) };
}

/** A Node process that only runs scrypt at the vault's production cost: what unlocking costs whoever does it, start-up included. */
const SCRYPT_ALONE = `require('node:crypto').scryptSync('bench', Buffer.alloc(16), 32, { N: ${DEFAULT_SCRYPT.N}, r: ${DEFAULT_SCRYPT.r}, p: ${DEFAULT_SCRYPT.p}, maxmem: 512 * 1024 * 1024 })`;

/** A data directory with a passphrase vault at production scrypt cost and one signed-in account. */
async function signedInDir(root: string, name: string, baseUrl: string): Promise<string> {
  const dataDir = join(root, name);
  const core = await openAppCore({ dataDir, protector: passphraseProtector(PASSPHRASE), purpose: 'cli bench setup', copyToClipboard: async () => null, loopbackPort: null, log: silentLogger, control: null });
  try {
    const added = await core.service.addAccount({ name: 'work', provider: 'applixure', overrides: { baseUrl }, clientId: APPLIXURE_DEFAULTS.clientId, clientSecret: APPLIXURE_DEFAULTS.clientSecret });
    if (!added.ok) throw new Error(added.error.message);
    const signed = await core.service.signIn('work');
    if (!signed.ok) throw new Error(signed.error.message);
  } finally {
    await core.close();
  }
  return dataDir;
}

export async function benchCli(): Promise<void> {
  if (!existsSync(join(ROOT, 'out', 'cli', 'tokenry.mjs'))) {
    const { buildCli } = (await import(pathToFileURL(join(ROOT, 'scripts', 'build', 'build-cli.mjs')).href)) as { buildCli: (o: { quiet: boolean }) => Promise<string> };
    await buildCli({ quiet: true });
  }
  const root = await mkdtemp(join(tmpdir(), 'tokenry-cli-bench-'));
  const emulator = await startApplixure();
  let serve: ReturnType<typeof spawn> | undefined;
  try {
    const [owned, alone] = await Promise.all([signedInDir(root, 'owned', emulator.baseUrl), signedInDir(root, 'alone', emulator.baseUrl)]);
    const env = { TOKENRY_PASSPHRASE: PASSPHRASE };
    serve = spawn(process.execPath, [BIN, '--data-dir', owned, 'serve', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((ready, fail) => {
      createInterface({ input: serve!.stdout! }).once('line', () => ready());
      serve!.once('exit', (code) => fail(new Error(`tokenry serve exited ${String(code)}`)));
    });
    const cases: Case[] = [
      { name: 'node -e 0', argv: ['-e', '0'], env: {} },
      { name: 'node -e scrypt (vault cost)', argv: ['-e', SCRYPT_ALONE], env: {} },
      { name: 'tokenry --version', argv: [BIN, '--version'], env: {} },
      { name: 'tokenry token work (through serve)', argv: [BIN, '--data-dir', owned, 'token', 'work'], env },
      { name: 'tokenry token work (opens the vault)', argv: [BIN, '--data-dir', alone, 'token', 'work'], env },
    ];
    // Warm-up, then rounds taken turn about, so that every case sees the same background load.
    for (const c of cases) await timeRun(c);
    const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let round = 0; round < ROUNDS; round++) for (const c of cases) times.get(c.name)!.push(await timeRun(c));
    const used = new Map(cases.map((c) => [c.name, usage(c)]));
    const node = median(times.get('node -e 0')!);

    console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${ROUNDS} runs after a warm-up`);
    const scryptTime = median(times.get('node -e scrypt (vault cost)')!) - node;
    console.log(`scrypt at the vault's cost (N=2^${Math.log2(DEFAULT_SCRYPT.N)}, r=${DEFAULT_SCRYPT.r}): ${scryptTime.toFixed(0)} ms (a Node process running only it, less node -e 0)`);
    const nodeCpu = used.get('node -e 0')?.cpuMs;
    const row = (name: string, target: string, ok: boolean): void => {
      const ms = median(times.get(name)!);
      const u = used.get(name);
      const cpu = u === null || u === undefined ? 'cpu ?' : `cpu ${u.cpuMs.toFixed(0)} ms${nodeCpu ? ` (${(u.cpuMs / nodeCpu).toFixed(2)}x)` : ''}`;
      console.log(
        `${name.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / node).toFixed(2).padStart(5)}x node  ${cpu.padEnd(22)} peak ${u === null || u === undefined ? '?' : u.mib.toFixed(0)} MiB  target ${target}  ${ok ? 'ok' : 'MISSED'}`,
      );
    };
    row('node -e 0', '-', true);
    row('node -e scrypt (vault cost)', '-', true);
    row('tokenry --version', '<= 1.5x', median(times.get('tokenry --version')!) <= 1.5 * node);
    const owner = 'tokenry token work (through serve)';
    const ownerMib = used.get(owner)?.mib;
    row(owner, '<= 2x, <= 80 MiB', median(times.get(owner)!) <= 2 * node && (ownerMib === undefined || ownerMib <= 80));
    const self = 'tokenry token work (opens the vault)';
    const budget = scryptTime + 2 * node;
    row(self, `<= scrypt + 2x node = ${budget.toFixed(0)} ms`, median(times.get(self)!) <= budget);
  } finally {
    if (serve !== undefined && serve.exitCode === null) {
      const exited = new Promise((done) => serve!.once('exit', done));
      serve.kill('SIGTERM');
      await exited;
    }
    await emulator.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await benchCli();
