// The loopback audit log: one JSON line per request, buffered off the hot path, written in batches, rotated by size.
import { appendFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, PRIVATE_FILE_MODE, readFileIfExists } from '../vault/atomic-file.js';
import { nodeErrorCode } from '../vault/vault-error.js';
import { SerialQueue } from '../vault/serial-queue.js';
import { systemClock, type Clock, type TimerHandle } from '../refresh/clock.js';

export const AUDIT_FILE = 'audit.log';
/** The previous generation; one is kept, so the log never holds more than about twice `maxBytes`. */
export const AUDIT_FILE_OLD = 'audit.log.1';

export type AuditRoute = 'accounts' | 'token' | 'other';

/** One request as the log keeps it: who asked for what and how it ended. Never a token, never a key. */
export interface AuditEntry {
  /** ISO 8601. */
  readonly time: string;
  /** The authenticated client's name; `null` when the request was refused before authentication. */
  readonly client: string | null;
  readonly account: string | null;
  readonly route: AuditRoute;
  readonly status: number;
  /** `ok`, or the error code answered (`invalid_client_key`, `forbidden_host`, `needs_sign_in`...). */
  readonly outcome: string;
}

/** The format of each audit line; lines from before versions have none and read as 1. */
export const AUDIT_LINE_VERSION = 1;

const auditEntrySchema = z.object({
  v: z.literal(AUDIT_LINE_VERSION).optional(),
  time: z.string(),
  client: z.string().nullable(),
  account: z.string().nullable(),
  route: z.enum(['accounts', 'token', 'other']),
  status: z.number().int(),
  outcome: z.string(),
});

export interface AuditLogOptions {
  /** Rotate to audit.log.1 once audit.log would grow past this (default 1 MiB). */
  readonly maxBytes?: number;
  /** Entries held in memory at most; beyond, new ones are counted as dropped (default 10,000). */
  readonly maxBuffered?: number;
  /** How long an entry may wait for its batch (default 200 ms). */
  readonly flushDelayMs?: number;
  /** A batch this large is written at once (default 512). */
  readonly batchSize?: number;
  /** Time and the flush timer (tests drive them by hand). */
  readonly clock?: Pick<Clock, 'now' | 'setTimer'>;
}

interface Pending {
  readonly at: number;
  readonly client: string | null;
  readonly account: string | null;
  readonly route: AuditRoute;
  readonly status: number;
  readonly outcome: string;
}

export class AuditLog {
  readonly path: string;
  readonly previousPath: string;
  private buffer: Pending[] = [];
  private droppedSinceWrite = 0;
  private droppedTotal = 0;
  private timer: TimerHandle | null = null;
  private readonly writes = new SerialQueue();
  private readonly clock: Pick<Clock, 'now' | 'setTimer'>;
  private size: number;
  private lastError: unknown = null;
  private readonly maxBytes: number;
  private readonly maxBuffered: number;
  private readonly flushDelayMs: number;
  private readonly batchSize: number;
  private readonly appendListeners = new Set<(entry: AuditEntry) => void>();

  private constructor(dataDir: string, size: number, options: AuditLogOptions) {
    this.path = join(dataDir, AUDIT_FILE);
    this.previousPath = join(dataDir, AUDIT_FILE_OLD);
    this.size = size;
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.maxBuffered = options.maxBuffered ?? 10_000;
    this.flushDelayMs = options.flushDelayMs ?? 200;
    this.batchSize = options.batchSize ?? 512;
    this.clock = options.clock ?? systemClock;
  }

  static async open(dataDir: string, options: AuditLogOptions = {}): Promise<AuditLog> {
    await ensurePrivateDir(dataDir);
    let size = 0;
    try {
      size = (await stat(join(dataDir, AUDIT_FILE))).size;
    } catch (error) {
      if (nodeErrorCode(error) !== 'ENOENT') throw error;
    }
    return new AuditLog(dataDir, size, options);
  }

  /** Entries lost because the buffer was full or a write failed, since opening. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** The last write error, if the most recent write failed. */
  get error(): unknown {
    return this.lastError;
  }

  /** Notes one request. Hot path: an array push; the disk is touched later, in a batch. */
  record(client: string | null, account: string | null, route: AuditRoute, status: number, outcome: string): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.droppedSinceWrite += 1;
      this.droppedTotal += 1;
      return;
    }
    const at = this.clock.now();
    this.buffer.push({ at, client, account, route, status, outcome });
    if (this.appendListeners.size > 0) {
      const entry: AuditEntry = { time: new Date(at).toISOString(), client, account, route, status, outcome };
      for (const listener of this.appendListeners) listener(entry);
    }
    if (this.buffer.length === this.batchSize) {
      this.schedule(0);
    } else if (this.timer === null) {
      this.schedule(this.flushDelayMs);
    }
  }

  /**
   * Calls `listener` with each entry as it is recorded (before it reaches the file), so a window can
   * show requests live. Listeners must be cheap (this is the request path). Returns the unsubscribe.
   */
  onAppend(listener: (entry: AuditEntry) => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /** Writes everything recorded so far; resolves once it is in the file. */
  flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = null;
    const batch = this.buffer;
    const dropped = this.droppedSinceWrite;
    this.buffer = [];
    this.droppedSinceWrite = 0;
    if (batch.length === 0 && dropped === 0) return this.writes.idle();
    // One write at a time, in order.
    return this.writes.run(() => this.write(batch, dropped));
  }

  /** The most recent entries, newest first, after writing what is buffered. */
  async readAudit(options: { limit?: number } = {}): Promise<AuditEntry[]> {
    await this.flush();
    return readAuditFiles(this.path, this.previousPath, options.limit);
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private schedule(delayMs: number): void {
    this.timer?.cancel();
    // The system clock's timers never keep a process alive; owners flush on close.
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  private async write(batch: readonly Pending[], dropped: number): Promise<void> {
    let text = '';
    let lastAt = -1;
    let time = '';
    for (const p of batch) {
      // Under load many entries share a millisecond: format each distinct time once.
      if (p.at !== lastAt) {
        lastAt = p.at;
        time = new Date(p.at).toISOString();
      }
      text += line(time, p);
    }
    if (dropped > 0) {
      const note: AuditEntry = { time: new Date(this.clock.now()).toISOString(), client: null, account: null, route: 'other', status: 0, outcome: `audit_dropped:${dropped}` };
      text += `${JSON.stringify({ v: AUDIT_LINE_VERSION, ...note })}\n`;
    }
    const bytes = Buffer.byteLength(text, 'utf8');
    try {
      if (this.size > 0 && this.size + bytes > this.maxBytes) {
        await rename(this.path, this.previousPath);
        this.size = 0;
      }
      await appendFile(this.path, text, { encoding: 'utf8', mode: PRIVATE_FILE_MODE });
      this.size += bytes;
      this.lastError = null;
    } catch (error) {
      // An audit write failure must not take token serving down; it is counted and exposed.
      this.lastError = error;
      this.droppedTotal += batch.length;
    }
  }
}

/** Names (validated client and account names) and outcome codes need no JSON escaping; anything else gets it. */
const PLAIN = /^[A-Za-z0-9._:-]*$/;
const quoted = (value: string | null): string => (value === null ? 'null' : PLAIN.test(value) ? `"${value}"` : JSON.stringify(value));

/** One JSON line, built by hand: the same bytes as JSON.stringify of an AuditEntry, at a fraction of the cost. */
function line(time: string, p: Pending): string {
  return `{"v":${AUDIT_LINE_VERSION},"time":"${time}","client":${quoted(p.client)},"account":${quoted(p.account)},"route":"${p.route}","status":${p.status},"outcome":${quoted(p.outcome)}}\n`;
}

/** Reads a data directory's audit log (both generations) without opening it for writing: newest first. */
export async function readAudit(dataDir: string, options: { limit?: number } = {}): Promise<AuditEntry[]> {
  return readAuditFiles(join(dataDir, AUDIT_FILE), join(dataDir, AUDIT_FILE_OLD), options.limit);
}

async function readAuditFiles(path: string, previousPath: string, limit = 100): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const file of [path, previousPath]) {
    const bytes = await readFileIfExists(file);
    if (bytes === null) continue;
    const lines = bytes.toString('utf8').split('\n');
    for (let i = lines.length - 1; i >= 0 && entries.length < limit; i--) {
      const line = lines[i];
      if (line === undefined || line === '') continue;
      const parsed = parseLine(line);
      // A line torn by a crash mid-append is skipped, not fatal.
      if (parsed !== null) entries.push(parsed);
    }
    if (entries.length >= limit) break;
  }
  return entries;
}

function parseLine(line: string): AuditEntry | null {
  try {
    const result = auditEntrySchema.safeParse(JSON.parse(line));
    if (!result.success) return null;
    const { v: _v, ...entry } = result.data;
    return entry;
  } catch {
    return null;
  }
}
