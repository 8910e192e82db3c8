// Where a data directory's owner listens for other Tokenry processes: the socket (a named pipe on
// Windows) and control.json, the owner-only file holding the address and the handshake key. The
// client's side, read on every command: small files, read synchronously (the owner writes them:
// control-announce.ts). See docs/technical/control-channel.md.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
// zod/mini: a client reads this file on every command (see shared/token-answer.ts).
import * as z from 'zod/mini';
import { nodeErrorCode } from '../vault/vault-error.js';
import { ControlError } from './control-error.js';

export const CONTROL_INFO_FILE = 'control.json';
export const CONTROL_SOCKET_FILE = 'control.sock';
export const CONTROL_INFO_VERSION = 1;
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

const controlInfoSchema = z.strictObject({
  version: z.literal(CONTROL_INFO_VERSION),
  path: z.string().check(z.minLength(1), z.maxLength(4096)),
  pid: z.int().check(z.positive()),
  key: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
});

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

/**
 * The announced owner, or null when none is. A file that is not one (damaged, or from a newer
 * Tokenry) announces nobody: its owner cannot be reached, and the next owner rewrites it.
 */
export function readControlInfo(dataDir: string): ControlInfo | null {
  let text: string;
  try {
    text = readFileSync(controlInfoPath(dataDir), 'utf8');
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = controlInfoSchema.safeParse(value);
  return parsed.success ? { path: parsed.data.path, pid: parsed.data.pid, key: parsed.data.key } : null;
}

/**
 * The cheap checks that only this user can be at the other end (UNIX): the directory and the
 * socket belong to us and nobody else may enter or write them. A failure names what is wrong.
 */
export function checkPrivate(dataDir: string, socketPath?: string): void {
  if (isWindows || typeof process.getuid !== 'function') return;
  const uid = process.getuid();
  // The directory may be reached through a symlink (~/.config on some setups); the socket itself may not.
  const dir = statSync(dataDir);
  if (!dir.isDirectory() || dir.uid !== uid || (dir.mode & 0o077) !== 0) {
    throw new ControlError('not_private', `The data directory ${dataDir} is not private to you (owner or mode): refusing to use its control socket`);
  }
  if (socketPath === undefined) return;
  const socket = lstatSync(socketPath);
  if (!socket.isSocket() || socket.uid !== uid || (socket.mode & 0o077) !== 0) {
    throw new ControlError('not_private', `The control socket ${socketPath} is not private to you (owner or mode): refusing to use it`);
  }
}
