// The loopback audit log: every hand-out on its own line, kept for a stated time apart from refusals, which are counted
// per minute by reason and source, so that a flood of refused requests can never push a hand-out out.
// Buffered off the hot path, written in batches, in size-bounded segment files under audit/. See docs/technical/loopback.md.
import { open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, fsyncDir, PRIVATE_FILE_MODE } from '../vault/atomic-file.js';
import { ioError, nodeErrorCode } from '../vault/vault-error.js';
import { SerialQueue } from '../vault/serial-queue.js';
import { UNGUARDED, type WriteGuard } from '../vault/write-guard.js';
import { systemClock, type Clock, type TimerHandle } from '../refresh/clock.js';

/** Where the log lives in a data directory. */
export const AUDIT_DIR = 'audit';
/** The single-file log of earlier versions: still read (newest first, after the segments), never written. */
export const AUDIT_FILE = 'audit.log';
export const AUDIT_FILE_OLD = 'audit.log.1';

export type AuditRoute = 'accounts' | 'token' | 'other';

/** One request as the log keeps it: who asked for what and how it ended. Never a token, never a key. */
export interface AuditEntry {
  /** ISO 8601: when it happened (for counted refusals, the last one of the minute). */
  readonly time: string;
  /** The authenticated client's name; `null` when the request was refused before authentication. */
  readonly client: string | null;
  readonly account: string | null;
  readonly route: AuditRoute;
  readonly status: number;
  /** `ok`, or the error code answered (`invalid_client_key`, `forbidden_host`, `needs_sign_in`...). */
  readonly outcome: string;
  /** Counted refusals: how many in that minute (absent: one request). */
  readonly count?: number;
  /** Counted refusals before authentication: the remote address they came from (`*`: any other address that minute). */
  readonly source?: string;
}

/** The format of each line. */
export const AUDIT_LINE_VERSION = 1;

export interface AuditLogOptions {
  /** Hand-outs and refusals older than this many days are removed (default 90). */
  readonly retentionDays?: number;
  /** At most this many bytes of hand-outs; the oldest go first (default 1 GiB, far above any refusal flood, which never counts here). */
  readonly maxHandoutBytes?: number;
  /** At most this many bytes of counted refusals besides the segment being written (default 64 MiB); hand-outs are never removed to make room for them. */
  readonly maxRefusalBytes?: number;
  /** A new segment file is started past this size (default 8 MiB). */
  readonly segmentBytes?: number;
  /** Distinct (reason, client, account, source) counted per minute; beyond, they are counted under source `*` (default 256). */
  readonly refusalKeysPerMinute?: number;
  /** Hand-outs held in memory at most; beyond, new ones are counted as dropped (default 10,000). */
  readonly maxBuffered?: number;
  /** How long a hand-out may wait for its batch (default 200 ms). */
  readonly flushDelayMs?: number;
  /** A batch this large is written at once (default 512). */
  readonly batchSize?: number;
  /** Time and the flush timer (tests drive them by hand). */
  readonly clock?: Pick<Clock, 'now' | 'setTimer'>;
  /** The owner's lock, checked before every write. */
  readonly guard?: WriteGuard;
}

type Kind = 'handouts' | 'refusals';

interface Pending {
  readonly at: number;
  readonly client: string | null;
  readonly account: string | null;
  readonly route: AuditRoute;
  readonly status: number;
  readonly outcome: string;
}

interface Counted {
  readonly minute: number;
  readonly route: AuditRoute;
  readonly outcome: string;
  readonly status: number;
  readonly client: string | null;
  readonly account: string | null;
  readonly source: string | null;
  count: number;
  last: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const SEGMENT = /^(handouts|refusals)-(\d{8}T\d{9}Z)(?:-(\d+))?\.log$/;

/** `20260127T031200123Z`: sortable as text, safe in a file name. */
function stampOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:.]/g, '');
}

function timeOfStamp(stamp: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(stamp);
  return m === null ? Number.NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]));
}

interface Segment {
  readonly kind: Kind;
  readonly name: string;
  readonly path: string;
  /** When its first entry was written. */
  readonly start: number;
  size: number;
  /** When its newest entry happened; null until known (a segment found on opening is read for it when it matters). */
  last: number | null;
}

async function listSegments(dir: string): Promise<Segment[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return [];
    throw ioError('list', dir, error);
  }
  const segments: Segment[] = [];
  for (const name of names) {
    const m = SEGMENT.exec(name);
    if (m === null) continue;
    const start = timeOfStamp(m[2] ?? '');
    if (Number.isNaN(start)) continue;
    const size = await stat(join(dir, name)).then(
      (s) => s.size,
      () => 0,
    );
    segments.push({ kind: m[1] as Kind, name, path: join(dir, name), start, size, last: null });
  }
  // Oldest first; same start: by name (a suffix tells two segments of the same millisecond apart).
  return segments.sort((a, b) => a.start - b.start || a.name.localeCompare(b.name));
}

export class AuditLog {
  readonly dir: string;
  readonly #dataDir: string;
  #handouts: Pending[] = [];
  /** Refusals counted per minute and key, not yet written. */
  #counted = new Map<string, Counted>();
  #keysThisMinute = new Map<number, number>();
  #droppedSinceWrite = 0;
  #droppedTotal = 0;
  #timer: TimerHandle | null = null;
  #minuteTimer: TimerHandle | null = null;
  readonly #writes = new SerialQueue();
  readonly #clock: Pick<Clock, 'now' | 'setTimer'>;
  readonly #guard: WriteGuard;
  #segments: Segment[];
  #lastError: unknown = null;
  readonly #retentionMs: number;
  readonly #caps: Readonly<Record<Kind, number>>;
  readonly #segmentBytes: number;
  readonly #keysPerMinute: number;
  readonly #maxBuffered: number;
  readonly #flushDelayMs: number;
  readonly #batchSize: number;
  readonly #appendListeners = new Set<(entry: AuditEntry) => void>();

  private constructor(dataDir: string, segments: Segment[], options: AuditLogOptions) {
    this.#dataDir = dataDir;
    this.dir = join(dataDir, AUDIT_DIR);
    this.#segments = segments;
    this.#retentionMs = (options.retentionDays ?? 90) * DAY;
    this.#caps = { handouts: options.maxHandoutBytes ?? 1024 * 1024 * 1024, refusals: options.maxRefusalBytes ?? 64 * 1024 * 1024 };
    this.#segmentBytes = options.segmentBytes ?? 8 * 1024 * 1024;
    this.#keysPerMinute = options.refusalKeysPerMinute ?? 256;
    this.#maxBuffered = options.maxBuffered ?? 10_000;
    this.#flushDelayMs = options.flushDelayMs ?? 200;
    this.#batchSize = options.batchSize ?? 512;
    this.#clock = options.clock ?? systemClock;
    this.#guard = options.guard ?? UNGUARDED;
  }

  /** Opens the log of `dataDir` (creating audit/, 0700) and removes what is past its retention. */
  static async open(dataDir: string, options: AuditLogOptions = {}): Promise<AuditLog> {
    const dir = join(dataDir, AUDIT_DIR);
    await ensurePrivateDir(dir);
    const log = new AuditLog(dataDir, await listSegments(dir), options);
    await log.#writes.run(() => log.#prune());
    return log;
  }

  /** Hand-outs lost because the buffer was full or a write failed, since opening. */
  get dropped(): number {
    return this.#droppedTotal;
  }

  /** The last write error, if the most recent write failed. */
  get error(): unknown {
    return this.#lastError;
  }

  /**
   * Notes one request. Hot path: an array push for a hand-out, a counter for a refusal; the disk
   * is touched later, in a batch. `source` is the remote address (kept for refusals before
   * authentication, which are counted by it).
   */
  record(client: string | null, account: string | null, route: AuditRoute, status: number, outcome: string, source: string | null = null): void {
    const at = this.#clock.now();
    if (this.#appendListeners.size > 0) {
      const entry: AuditEntry = { time: new Date(at).toISOString(), client, account, route, status, outcome };
      for (const listener of this.#appendListeners) listener(entry);
    }
    if (status === 200) {
      this.#recordHandout({ at, client, account, route, status, outcome });
    } else {
      this.#count(at, client, account, route, status, outcome, client === null ? source : null);
    }
  }

  /**
   * Calls `listener` with each entry as it is recorded (before it reaches the file), refusals
   * included one by one, so a window can show requests live. Listeners must be cheap (this is the
   * request path). Returns the unsubscribe.
   */
  onAppend(listener: (entry: AuditEntry) => void): () => void {
    this.#appendListeners.add(listener);
    return () => this.#appendListeners.delete(listener);
  }

  /** Writes the hand-outs recorded so far and the refusals of finished minutes; resolves once they are in the files. */
  flush(): Promise<void> {
    return this.#flush(false);
  }

  /** The most recent entries, newest first: hand-outs and counted refusals (the current minute's too), after writing what is buffered. */
  async readAudit(options: { limit?: number } = {}): Promise<AuditEntry[]> {
    await this.flush();
    const limit = options.limit ?? 100;
    const inMemory = [...this.#counted.values()].map(countedEntry);
    return newestFirst([...(await readAuditFiles(this.#dataDir, limit)), ...inMemory], limit);
  }

  /** Writes everything, the current minute's refusal counts included. */
  async close(): Promise<void> {
    this.#minuteTimer?.cancel();
    this.#minuteTimer = null;
    await this.#flush(true);
  }

  #recordHandout(pending: Pending): void {
    if (this.#handouts.length >= this.#maxBuffered) {
      this.#droppedSinceWrite += 1;
      this.#droppedTotal += 1;
      return;
    }
    this.#handouts.push(pending);
    if (this.#handouts.length === this.#batchSize) this.#schedule(0);
    else if (this.#timer === null) this.#schedule(this.#flushDelayMs);
  }

  /** Counts a refusal under its minute and key; a flood costs one map entry per distinct key, and at most #keysPerMinute of those. */
  #count(at: number, client: string | null, account: string | null, route: AuditRoute, status: number, outcome: string, source: string | null): void {
    const minute = Math.floor(at / MINUTE) * MINUTE;
    let key = `${minute}|${route}|${outcome}|${status}|${client ?? ''}|${account ?? ''}|${source ?? ''}`;
    let counted = this.#counted.get(key);
    if (counted === undefined) {
      const keys = this.#keysThisMinute.get(minute) ?? 0;
      if (keys >= this.#keysPerMinute) {
        // Beyond the bound, every other key of this minute is counted under one row per outcome.
        key = `${minute}|${outcome}|${status}|*`;
        counted = this.#counted.get(key);
        if (counted === undefined) {
          counted = { minute, route: 'other', outcome, status, client: null, account: null, source: '*', count: 0, last: at };
          this.#counted.set(key, counted);
        }
      } else {
        this.#keysThisMinute.set(minute, keys + 1);
        counted = { minute, route, outcome, status, client, account, source, count: 0, last: at };
        this.#counted.set(key, counted);
        // Written once its minute is over.
        if (keys === 0) this.#scheduleMinuteEnd(minute);
      }
    }
    counted.count += 1;
    counted.last = at;
  }

  #scheduleMinuteEnd(minute: number): void {
    if (this.#minuteTimer !== null) return;
    this.#minuteTimer = this.#clock.setTimer(() => {
      this.#minuteTimer = null;
      void this.flush();
    }, Math.max(0, minute + MINUTE - this.#clock.now()) + 1);
  }

  #schedule(delayMs: number): void {
    this.#timer?.cancel();
    // The system clock's timers never keep a process alive; owners flush on close.
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = null;
      void this.flush();
    }, delayMs);
  }

  #flush(all: boolean): Promise<void> {
    this.#timer?.cancel();
    this.#timer = null;
    const handouts = this.#handouts;
    const dropped = this.#droppedSinceWrite;
    this.#handouts = [];
    this.#droppedSinceWrite = 0;
    const currentMinute = Math.floor(this.#clock.now() / MINUTE) * MINUTE;
    const refusals: Counted[] = [];
    for (const [key, counted] of this.#counted) {
      if (!all && counted.minute >= currentMinute) continue;
      refusals.push(counted);
      this.#counted.delete(key);
    }
    for (const minute of this.#keysThisMinute.keys()) if (all || minute < currentMinute) this.#keysThisMinute.delete(minute);
    if (this.#counted.size > 0) this.#scheduleMinuteEnd(currentMinute);
    if (handouts.length === 0 && dropped === 0 && refusals.length === 0) return this.#writes.idle();
    // One write at a time, in order.
    return this.#writes.run(() => this.#write(handouts, dropped, refusals));
  }

  async #write(handouts: readonly Pending[], dropped: number, refusals: readonly Counted[]): Promise<void> {
    let text = '';
    let lastAt = -1;
    let time = '';
    for (const p of handouts) {
      // Under load many entries share a millisecond: format each distinct time once.
      if (p.at !== lastAt) {
        lastAt = p.at;
        time = new Date(p.at).toISOString();
      }
      text += handoutLine(time, p);
    }
    if (dropped > 0) {
      const note: AuditEntry = { time: new Date(this.#clock.now()).toISOString(), client: null, account: null, route: 'other', status: 0, outcome: `audit_dropped:${dropped}` };
      text += `${JSON.stringify({ v: AUDIT_LINE_VERSION, ...note })}\n`;
    }
    try {
      await this.#guard.verify();
      if (text !== '') await this.#append('handouts', text, Math.max(lastAt, dropped > 0 ? this.#clock.now() : -1));
      if (refusals.length > 0) await this.#append('refusals', refusals.map(refusalLine).join(''), Math.max(...refusals.map((c) => c.last)));
      this.#lastError = null;
    } catch (error) {
      // An audit write failure must not take token serving down; it is counted and exposed.
      this.#lastError = error;
      this.#droppedTotal += handouts.length;
    }
  }

  /** Appends to the kind's newest segment, starting a new one (and pruning) when it is full or a day old. */
  async #append(kind: Kind, text: string, latest: number): Promise<void> {
    const bytes = Buffer.byteLength(text, 'utf8');
    let segment = this.#segments.filter((s) => s.kind === kind).at(-1);
    const full = segment !== undefined && segment.size > 0 && segment.size + bytes > this.#segmentBytes;
    if (segment === undefined || full || this.#clock.now() - segment.start > DAY) {
      segment = this.#newSegment(kind);
      await this.#prune();
    }
    let handle;
    try {
      handle = await open(segment.path, 'a', PRIVATE_FILE_MODE);
      await handle.writeFile(text, 'utf8');
    } catch (error) {
      throw ioError('append to', segment.path, error);
    } finally {
      await handle?.close().catch(() => undefined);
    }
    if (segment.size === 0) await fsyncDir(this.dir).catch(() => undefined);
    segment.size += bytes;
    segment.last = Math.max(segment.last ?? latest, latest);
  }

  #newSegment(kind: Kind): Segment {
    const start = Math.max(this.#clock.now(), (this.#segments.filter((s) => s.kind === kind).at(-1)?.start ?? 0) + 1);
    const name = `${kind}-${stampOf(start)}.log`;
    const segment: Segment = { kind, name, path: join(this.dir, name), start, size: 0, last: null };
    this.#segments.push(segment);
    return segment;
  }

  /**
   * Removes segments past the retention time (their newest entry is older), then the oldest
   * while a kind is over its size cap. Hand-outs and refusals are counted apart: no amount of
   * refusals removes a hand-out. The newest segment of a kind is never removed.
   */
  async #prune(): Promise<void> {
    const cutoff = this.#clock.now() - this.#retentionMs;
    const doomed = new Set<Segment>();
    for (const kind of ['handouts', 'refusals'] as const) {
      const mine = this.#segments.filter((s) => s.kind === kind);
      for (const segment of mine.slice(0, -1)) {
        // Entries are appended in time order: the last line says how old the whole segment is.
        segment.last ??= await lastEntryTime(segment.path);
        if (segment.last !== null && segment.last < cutoff) doomed.add(segment);
      }
      let total = mine.filter((s) => !doomed.has(s)).reduce((sum, s) => sum + s.size, 0);
      for (const segment of mine.slice(0, -1)) {
        if (total <= this.#caps[kind]) break;
        if (doomed.has(segment)) continue;
        doomed.add(segment);
        total -= segment.size;
      }
    }
    if (doomed.size === 0) return;
    await this.#guard.verify();
    for (const segment of doomed) {
      await unlink(segment.path).catch((error: unknown) => {
        if (nodeErrorCode(error) !== 'ENOENT') throw ioError('remove', segment.path, error);
      });
    }
    this.#segments = this.#segments.filter((s) => !doomed.has(s));
  }
}

/** Names (validated client and account names) and outcome codes need no JSON escaping; anything else gets it. */
const PLAIN = /^[A-Za-z0-9._:-]*$/;
const quoted = (value: string | null): string => (value === null ? 'null' : PLAIN.test(value) ? `"${value}"` : JSON.stringify(value));

/** One JSON line, built by hand: the same bytes as JSON.stringify of an AuditEntry, at a fraction of the cost. */
function handoutLine(time: string, p: Pending): string {
  return `{"v":${AUDIT_LINE_VERSION},"time":"${time}","client":${quoted(p.client)},"account":${quoted(p.account)},"route":"${p.route}","status":${p.status},"outcome":${quoted(p.outcome)}}\n`;
}

function refusalLine(c: Counted): string {
  return `${JSON.stringify({ v: AUDIT_LINE_VERSION, minute: new Date(c.minute).toISOString(), time: new Date(c.last).toISOString(), client: c.client, account: c.account, source: c.source, route: c.route, status: c.status, outcome: c.outcome, count: c.count })}\n`;
}

function countedEntry(c: Counted): AuditEntry {
  return {
    time: new Date(c.last).toISOString(),
    client: c.client,
    account: c.account,
    route: c.route,
    status: c.status,
    outcome: c.outcome,
    count: c.count,
    ...(c.source === null ? {} : { source: c.source }),
  };
}

const handoutSchema = z.object({
  v: z.literal(AUDIT_LINE_VERSION).optional(),
  time: z.string(),
  client: z.string().nullable(),
  account: z.string().nullable(),
  route: z.enum(['accounts', 'token', 'other']),
  status: z.number().int(),
  outcome: z.string(),
});

const refusalSchema = z.object({
  v: z.literal(AUDIT_LINE_VERSION),
  minute: z.string(),
  time: z.string(),
  client: z.string().nullable(),
  account: z.string().nullable(),
  source: z.string().nullable(),
  route: z.enum(['accounts', 'token', 'other']),
  status: z.number().int(),
  outcome: z.string(),
  count: z.number().int().positive(),
});

/** Reads a data directory's audit log without opening it for writing: newest first. */
export async function readAudit(dataDir: string, options: { limit?: number } = {}): Promise<AuditEntry[]> {
  const limit = options.limit ?? 100;
  return newestFirst(await readAuditFiles(dataDir, limit), limit);
}

/** Up to `limit` newest entries of each kind (and of the old single-file log), unsorted. */
async function readAuditFiles(dataDir: string, limit: number): Promise<AuditEntry[]> {
  const segments = await listSegments(join(dataDir, AUDIT_DIR));
  const entries: AuditEntry[] = [];
  for (const kind of ['handouts', 'refusals'] as const) {
    const files = segments.filter((s) => s.kind === kind).map((s) => s.path);
    entries.push(...(await newestLines(files.reverse(), limit, kind === 'handouts' ? parseHandout : parseRefusal)));
  }
  entries.push(...(await newestLines([join(dataDir, AUDIT_FILE), join(dataDir, AUDIT_FILE_OLD)], limit, parseHandout)));
  return entries;
}

function newestFirst(entries: readonly AuditEntry[], limit: number): AuditEntry[] {
  return [...entries].sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)).slice(0, limit);
}

/** The last `limit` parsable lines of `files` (newest file first), read from each file's end in chunks. */
async function newestLines(files: readonly string[], limit: number, parse: (line: string) => AuditEntry | null): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (const file of files) {
    if (out.length >= limit) break;
    for (const line of await lastLines(file, limit - out.length)) {
      const entry = parse(line);
      // A line torn by a crash mid-append is skipped, not fatal.
      if (entry !== null) out.push(entry);
    }
  }
  return out;
}

const CHUNK = 64 * 1024;

/** Up to `count` complete lines from the end of `path`, newest first, without reading the whole file. */
async function lastLines(path: string, count: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return [];
    throw ioError('read', path, error);
  }
  try {
    const size = (await handle.stat()).size;
    const lines: string[] = [];
    let position = size;
    /** Bytes of a line that starts in an earlier chunk (kept as bytes: a character may be split between chunks). */
    let carry = Buffer.alloc(0);
    while (position > 0 && lines.length < count) {
      const length = Math.min(CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      await handle.read(chunk, 0, length, position);
      let text = Buffer.concat([chunk, carry]);
      if (position > 0) {
        const newline = text.indexOf(0x0a);
        if (newline === -1) {
          carry = text;
          continue;
        }
        carry = text.subarray(0, newline);
        text = text.subarray(newline + 1);
      }
      const parts = text.toString('utf8').split('\n');
      for (let i = parts.length - 1; i >= 0 && lines.length < count; i -= 1) {
        const line = parts[i];
        if (line !== undefined && line !== '') lines.push(line);
      }
    }
    return lines;
  } finally {
    await handle.close();
  }
}

/** The time of a segment's newest entry, or null when it has none that can be read. */
async function lastEntryTime(path: string): Promise<number | null> {
  for (const line of await lastLines(path, 5)) {
    const entry = parseHandout(line) ?? parseRefusal(line);
    const time = entry === null ? Number.NaN : Date.parse(entry.time);
    if (!Number.isNaN(time)) return time;
  }
  return null;
}

function parseHandout(line: string): AuditEntry | null {
  try {
    const result = handoutSchema.safeParse(JSON.parse(line));
    if (!result.success) return null;
    const { v: _v, ...entry } = result.data;
    return entry;
  } catch {
    return null;
  }
}

function parseRefusal(line: string): AuditEntry | null {
  try {
    const result = refusalSchema.safeParse(JSON.parse(line));
    if (!result.success) return null;
    const { time, client, account, source, route, status, outcome, count } = result.data;
    return { time, client, account, route, status, outcome, count, ...(source === null ? {} : { source }) };
  } catch {
    return null;
  }
}
