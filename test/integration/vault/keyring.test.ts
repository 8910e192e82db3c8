// The keyring protector against real keyrings: gnome-keyring under a private D-Bus session, and no Secret Service at all.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findSecretService } from '../../../scripts/prerequisites/secret-service.js';
import { makeTempDir, REPO_ROOT } from '../../unit/core/vault/vault-test-helpers.js';

const PROBE = join(import.meta.dirname, 'fixtures', 'keyring-probe.ts');
const onLinux = process.platform === 'linux';
/** Found as `npm test`'s pre-test step finds it (and installs it where it can); missing, the round trip fails with what to install. */
const secretService = findSecretService();

if (secretService.kind === 'not_linux') {
  console.warn(`[keyring tests] skipped: ${secretService.reason}`);
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

describe.skipIf(!onLinux)('keyring protector with gnome-keyring', () => {
  it('has dbus-run-session and gnome-keyring-daemon to run a Secret Service with', () => {
    expect(secretService.kind === 'missing' ? secretService.reason : null).toBeNull();
  });

  it('round-trips through a real Secret Service, keeps its key out of the file, and cleans up after itself', async () => {
    if (secretService.kind !== 'found') throw new Error(secretService.reason);
    // gnome-keyring creates and unlocks a "login" collection with this throwaway password in the temp HOME.
    const script = 'daemon="$1"; shift; printf %s "throwaway-unlock-password" | "$daemon" --unlock --components=secrets >/dev/null && exec "$@"';
    const { stdout, stderr } = await run(
      secretService.dbusRunSession,
      ['--', 'sh', '-c', script, 'sh', secretService.gnomeKeyringDaemon, process.execPath, '--import', 'tsx', PROBE, 'roundtrip', join(dir, 'data'), 'Tokenry test'],
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
