// loopback.json: where a running token provider says it listens, so `tokenry token` can find it.
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from '../vault/atomic-file.js';
import { nodeErrorCode } from '../vault/vault-error.js';

export const LOOPBACK_INFO_FILE = 'loopback.json';

export interface LoopbackInfo {
  readonly url: string;
  readonly pid: number;
}

/** loopback.json's format; files from before versions have none and read as 1. */
const LOOPBACK_INFO_VERSION = 1;
const loopbackInfoSchema = z
  .object({ version: z.literal(LOOPBACK_INFO_VERSION).optional(), url: z.string().url(), pid: z.number().int().positive() })
  .transform(({ url, pid }): LoopbackInfo => ({ url, pid }));

export const loopbackInfoPath = (dataDir: string): string => join(dataDir, LOOPBACK_INFO_FILE);

/** Writes `<dataDir>/loopback.json` (0600, atomic). */
export async function writeLoopbackInfo(dataDir: string, info: LoopbackInfo): Promise<void> {
  await writeFileAtomic(loopbackInfoPath(dataDir), `${JSON.stringify({ version: LOOPBACK_INFO_VERSION, url: info.url, pid: info.pid })}\n`);
}

/** The running provider's address, or `null` when none was announced; a damaged file throws `damaged_file`. */
export async function readLoopbackInfo(dataDir: string): Promise<LoopbackInfo | null> {
  return readJsonFile(loopbackInfoPath(dataDir), loopbackInfoSchema, LOOPBACK_INFO_VERSION);
}

/** Removes loopback.json if it still names `pid` (a newer server's file is left alone). */
export async function removeLoopbackInfo(dataDir: string, pid: number): Promise<void> {
  const current = await readLoopbackInfo(dataDir).catch(() => null);
  if (current === null || current.pid !== pid) return;
  try {
    await unlink(loopbackInfoPath(dataDir));
  } catch (error) {
    if (nodeErrorCode(error) !== 'ENOENT') throw error;
  }
}

/** Whether `url` is plain http on a loopback address: the only place a client key may be sent. */
export function isLoopbackUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname) && parsed.username === '' && parsed.password === '';
}
