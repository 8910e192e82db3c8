// The owner's side of control.json and the socket file: announcing, withdrawing, sweeping a dead owner's socket.
import { randomBytes } from 'node:crypto';
import { lstat, unlink } from 'node:fs/promises';
import { writeFileAtomic } from '../vault/atomic-file.js';
import { nodeErrorCode } from '../vault/vault-error.js';
import { ControlError } from './control-error.js';
import { CONTROL_INFO_VERSION, controlInfoPath, readControlInfo, type ControlInfo } from './control-files.js';

const isWindows = process.platform === 'win32';

export const newControlKey = (): string => randomBytes(32).toString('base64url');

/** Announces the owner (0600, atomic): written once the socket listens, so a reader always finds it listening or gone. */
export async function writeControlInfo(dataDir: string, info: ControlInfo): Promise<void> {
  await writeFileAtomic(controlInfoPath(dataDir), `${JSON.stringify({ version: CONTROL_INFO_VERSION, ...info })}\n`);
}

/** Removes control.json if it still names `pid` (a newer owner's file is left alone). */
export async function removeControlInfo(dataDir: string, pid: number): Promise<void> {
  let current: ControlInfo | null = null;
  try {
    current = readControlInfo(dataDir);
  } catch {
    // Unreadable: not ours to remove.
  }
  if (current === null || current.pid !== pid) return;
  await unlink(controlInfoPath(dataDir)).catch((error: unknown) => {
    if (nodeErrorCode(error) !== 'ENOENT') throw error;
  });
}

/**
 * Removes a socket a dead owner left (only the lock holder calls this). Anything but a socket at
 * that path is refused, never deleted: it is not ours.
 */
export async function removeStaleSocket(path: string): Promise<void> {
  if (isWindows) return;
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return;
    throw error;
  }
  if (!info.isSocket()) throw new ControlError('not_private', `${path} exists and is not a socket: move it away`);
  await unlink(path);
}

