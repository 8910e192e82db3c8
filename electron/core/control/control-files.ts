// Where a data directory's owner listens for other Tokenry processes: the socket (a named pipe on
// Windows) and control.json, the owner-only file holding the address and the handshake key.
// See docs/technical/control-channel.md.
import { createHash, randomBytes } from 'node:crypto';
import { lstat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../vault/atomic-file.js';
import { nodeErrorCode } from '../vault/vault-error.js';
import { ControlError } from './control-error.js';

export const CONTROL_INFO_FILE = 'control.json';
export const CONTROL_SOCKET_FILE = 'control.sock';
const CONTROL_INFO_VERSION = 1;
/** sun_path holds 104 bytes on macOS and 108 on Linux, the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 103;

const isWindows = process.platform === 'win32';

export interface ControlInfo {
  /** The socket or pipe to connect to. */
  readonly path: string;
  readonly pid: number;
  /** The handshake key (base64url, 32 bytes): proves each side can read this owner-only file. */
  readonly key: string;
}

const controlInfoSchema = z
  .object({
    version: z.literal(CONTROL_INFO_VERSION),
    path: z.string().min(1).max(4096),
    pid: z.number().int().positive(),
    key: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  })
  .strict()
  .transform(({ path, pid, key }): ControlInfo => ({ path, pid, key }));

export const controlInfoPath = (dataDir: string): string => join(dataDir, CONTROL_INFO_FILE);

/**
 * The socket's address for `dataDir`: a file in it (its 0700 mode keeps every other user out), or
 * on Windows a named pipe named after the directory (pipes live in their own namespace).
 */
export function controlSocketPath(dataDir: string): string {
  if (isWindows) return `\\\\.\\pipe\\tokenry-${createHash('sha256').update(resolve(dataDir).toLowerCase()).digest('hex').slice(0, 32)}`;
  const path = join(resolve(dataDir), CONTROL_SOCKET_FILE);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new ControlError('path_too_long', `The data directory's path is too long for a control socket (${path} is over ${MAX_SOCKET_PATH_BYTES} bytes)`);
  }
  return path;
}

export const newControlKey = (): string => randomBytes(32).toString('base64url');

/** Announces the owner (0600, atomic): written once the socket listens, so a reader always finds it listening or gone. */
export async function writeControlInfo(dataDir: string, info: ControlInfo): Promise<void> {
  await writeFileAtomic(controlInfoPath(dataDir), `${JSON.stringify({ version: CONTROL_INFO_VERSION, ...info })}\n`);
}

/** The announced owner, or null when none is; a damaged or newer file is an error (never guessed at). */
export async function readControlInfo(dataDir: string): Promise<ControlInfo | null> {
  return readJsonFile(controlInfoPath(dataDir), controlInfoSchema, CONTROL_INFO_VERSION);
}

/** Removes control.json if it still names `pid` (a newer owner's file is left alone). */
export async function removeControlInfo(dataDir: string, pid: number): Promise<void> {
  const current = await readControlInfo(dataDir).catch(() => null);
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

/**
 * The cheap checks that only this user can be at the other end (UNIX): the directory and the
 * socket belong to us and nobody else may enter or write them. A failure names what is wrong.
 */
export async function checkPrivate(dataDir: string, socketPath?: string): Promise<void> {
  if (isWindows || typeof process.getuid !== 'function') return;
  const uid = process.getuid();
  const dir = await lstat(dataDir);
  if (!dir.isDirectory() || dir.uid !== uid || (dir.mode & 0o077) !== 0) {
    throw new ControlError('not_private', `The data directory ${dataDir} is not private to you (owner or mode): refusing to use its control socket`);
  }
  if (socketPath === undefined) return;
  const socket = await lstat(socketPath);
  if (!socket.isSocket() || socket.uid !== uid || (socket.mode & 0o077) !== 0) {
    throw new ControlError('not_private', `The control socket ${socketPath} is not private to you (owner or mode): refusing to use it`);
  }
}
