// Noticing that a file changed on disk since this process read or wrote it, so that it is never overwritten blindly.
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ioError, nodeErrorCode, VaultError } from './vault-error.js';

/**
 * What identifies one version of a file: device and inode (an atomic replace makes a new one),
 * size, and modification time in nanoseconds (an in-place write changes it). `null`: no file.
 */
export type Fingerprint = { readonly dev: bigint; readonly ino: bigint; readonly size: bigint; readonly mtimeNs: bigint } | null;

type BigStats = { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint };
const of = (info: BigStats): Fingerprint => ({ dev: info.dev, ino: info.ino, size: info.size, mtimeNs: info.mtimeNs });

/** The fingerprint of `path` now; `null` when it does not exist. */
export async function fingerprintOf(path: string): Promise<Fingerprint> {
  try {
    return of(await stat(path, { bigint: true }));
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return null;
    throw ioError('check', path, error);
  }
}

/** Synchronous twin, for conf's synchronous reads and writes. */
export function fingerprintOfSync(path: string): Fingerprint {
  try {
    return of(statSync(path, { bigint: true }));
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return null;
    throw ioError('check', path, error);
  }
}

export function sameFingerprint(a: Fingerprint, b: Fingerprint): boolean {
  if (a === null || b === null) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** The refusal to overwrite a file that changed since it was read: what happened and what to do. */
export function changedOnDisk(path: string, now: Fingerprint): VaultError {
  const how = now === null ? 'was removed' : 'was changed by another program';
  return new VaultError(
    'changed_on_disk',
    `${path} ${how} since Tokenry read it. Tokenry did not overwrite it and writes nothing more to it: restart Tokenry to read it again`,
    { path },
  );
}

/** Rejects with `changed_on_disk` unless `path` is still the version `expected` describes. */
export async function assertUnchanged(path: string, expected: Fingerprint): Promise<void> {
  const now = await fingerprintOf(path);
  if (!sameFingerprint(now, expected)) throw changedOnDisk(path, now);
}
