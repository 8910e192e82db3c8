// The keyring protector against real keyrings: gnome-keyring under a private D-Bus session, and no Secret Service at all.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, REPO_ROOT } from '../../unit/core/vault/vault-test-helpers.js';

const PROBE = join(import.meta.dirname, 'fixtures', 'keyring-probe.ts');
const onLinux = process.platform === 'linux';
const hasTool = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
const missingTools = onLinux ? ['dbus-run-session', 'gnome-keyring-daemon'].filter((tool) => !hasTool(tool)) : [];

const missingReason = `${missingTools.join(' and ')} not installed (apt-get install -y --no-install-recommends gnome-keyring dbus)`;
/** CI installs the tools, so there a missing tool is a failure, not a skip that would hide the test. */
const mustRun = onLinux && process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';

if (!onLinux) {
  console.warn('[keyring tests] skipped: these tests drive the Linux Secret Service (gnome-keyring) and keyutils fallback');
} else if (missingTools.length > 0 && !mustRun) {
  console.warn(`[keyring tests] gnome-keyring round trip skipped: ${missingReason}`);
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('tokenry-keyring-')));
afterEach(async () => cleanup());

/** The environment minus anything that could reach the developer's real session keyring. */
function isolatedEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('DBUS_') && !key.startsWith('XDG_') && !key.startsWith('GNOME_KEYRING')) env[key] = value;
  }
  return { ...env, HOME: home };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

function lastJsonLine(stdout: string, stderr: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').at(-1);
  if (line === undefined || !line.startsWith('{')) throw new Error(`probe printed no result.\nstdout: ${stdout}\nstderr: ${stderr}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe.skipIf(!onLinux)('keyring protector on Linux without a Secret Service', () => {
  it('refuses with code keyring_not_persistent when no session bus is set', async () => {
    const env = isolatedEnv(dir);
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', PROBE, 'create', join(dir, 'data'), 'Tokenry test'], env);
    expect(lastJsonLine(stdout, stderr)).toEqual({ create: 'keyring_not_persistent' });
  });

  it('refuses with code keyring_not_persistent when the session bus cannot be reached', async () => {
    const env = { ...isolatedEnv(dir), DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus-here')}` };
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', PROBE, 'create', join(dir, 'data'), 'Tokenry test'], env);
    expect(lastJsonLine(stdout, stderr)).toEqual({ create: 'keyring_not_persistent' });
  });
});

describe.skipIf(!onLinux || (missingTools.length > 0 && !mustRun))('keyring protector with gnome-keyring', () => {
  it('has dbus-run-session and gnome-keyring-daemon available (CI installs them)', () => {
    expect(missingTools, missingReason).toEqual([]);
  });

  it('round-trips through a real Secret Service, keeps its key out of the file, and cleans up after itself', async () => {
    // gnome-keyring creates and unlocks a "login" collection with this throwaway password in the temp HOME.
    const script =
      'printf %s "throwaway-unlock-password" | gnome-keyring-daemon --unlock --components=secrets >/dev/null ' +
      '&& exec "$0" --import tsx "$@"';
    const { stdout, stderr } = await run(
      'dbus-run-session',
      ['--', 'sh', '-c', script, process.execPath, PROBE, 'roundtrip', join(dir, 'data'), 'Tokenry test'],
      isolatedEnv(dir),
    );
    expect(lastJsonLine(stdout, stderr)).toEqual({
      roundTrip: 'CANARY-refresh-token-8e1f0c',
      kekInKeyring: true,
      kekInFile: false,
      canaryInFile: false,
      kekAfterRemove: null,
      openAfterRemove: 'no_matching_protector',
      openWithKeyDeleted: 'key_not_found',
    });
  });
});
