// Installing Debian packages without a person: as root or through password-less sudo, never waiting for input.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runQuietly, type QuietRun } from '../run-quietly.js';

/** How to run apt-get here: directly (root) or through `sudo -n`; null when this machine cannot. */
export type AptAccess = { readonly prefix: readonly string[] } | null;

export interface AptProbe {
  readonly platform?: NodeJS.Platform;
  readonly uid?: number;
  readonly exists?: (path: string) => boolean;
  /** Whether `sudo -n true` succeeds (sudo without a password). */
  readonly passwordlessSudo?: () => boolean;
}

function sudoWithoutPassword(): boolean {
  const result = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

/** apt-get on Linux (Debian, Ubuntu and their kin), run as root or with password-less sudo. */
export function aptAccess(probe: AptProbe = {}): AptAccess {
  const platform = probe.platform ?? process.platform;
  if (platform !== 'linux') return null;
  const exists = probe.exists ?? existsSync;
  if (!exists('/usr/bin/apt-get')) return null;
  const uid = probe.uid ?? process.getuid?.() ?? -1;
  if (uid === 0) return { prefix: [] };
  if (!exists('/usr/bin/sudo')) return null;
  return (probe.passwordlessSudo ?? sudoWithoutPassword)() ? { prefix: ['sudo', '-n'] } : null;
}

export type AptResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Runs one command quietly (injected so tests need not run apt). */
export type CommandRunner = (argv: readonly string[], env: NodeJS.ProcessEnv) => Promise<QuietRun>;

/** The last line apt printed that says what went wrong ("E: Unable to locate package ..."), else the last line. */
export function failureLine(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.findLast((line) => line.startsWith('E:')) ?? lines.at(-1) ?? 'no output';
}

/** `apt-get update` then `apt-get install -y --no-install-recommends PACKAGES`, non-interactively. */
export async function aptInstall(packages: readonly string[], access: NonNullable<AptAccess>, run: CommandRunner = (argv, env) => runQuietly(argv, { env })): Promise<AptResult> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const steps: ReadonlyArray<readonly string[]> = [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages],
  ];
  for (const step of steps) {
    const argv = [...access.prefix, ...step];
    const { code, signal, output } = await run(argv, env);
    if (code !== 0) {
      const how = code !== null ? `exit ${code}` : signal !== null ? `stopped by ${signal}` : 'did not start';
      return { ok: false, reason: `${argv.join(' ')} failed (${how}): ${failureLine(output)}` };
    }
  }
  return { ok: true };
}
