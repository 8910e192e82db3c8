// The vault's journal (secrets-<gen>.journal): each batch of sealed changes written as one line the moment it is
// asked for and fdatasync'ed, so a rotated refresh token is safe within milliseconds of the provider's answer;
// folded into secrets.json later, in the background.
import { close, closeSync, fdatasync, ftruncateSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { damagedFile, fsyncDir, readFileIfExists } from './atomic-file.js';
import { parseIdentityKey, type SealedBox, isSealedBox } from './envelope.js';
import { changedOnDisk } from './file-fingerprint.js';
import { ioError, nodeErrorCode, VaultError } from './vault-error.js';

/** The format of each journal line. */
export const JOURNAL_VERSION = 1;

/** One batch of changes: every change lands together (one line) or not at all (a torn line is ignored). */
export interface JournalRecord {
  /** Increasing; secrets.json's `seq` says which records it already holds. */
  readonly seq: number;
  /** [identity key, sealed secret or null to delete]. */
  readonly changes: ReadonlyArray<readonly [string, SealedBox | null]>;
}

const lineSchema = z.strictObject({
  v: z.literal(JOURNAL_VERSION),
  seq: z.number().int().positive(),
  set: z.array(z.tuple([z.string(), z.custom<SealedBox>(isSealedBox).nullable()])).min(1),
});

/** One record as a line of compact JSON. */
export function serializeJournalRecord(record: JournalRecord): string {
  return `${JSON.stringify({ v: JOURNAL_VERSION, seq: record.seq, set: record.changes })}\n`;
}

/**
 * The records of a journal, in order. A last line without its newline is a write that a crash
 * cut short: it is ignored (nothing of it was acknowledged). Any complete line that is not a
 * record, or records out of order, mean damage: `damaged_file`, and the journal is left as it is.
 */
export function parseJournal(bytes: Uint8Array, path: string): JournalRecord[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const end = text.lastIndexOf('\n');
  if (end === -1) return [];
  const records: JournalRecord[] = [];
  let previous = 0;
  for (const [index, line] of text.slice(0, end).split('\n').entries()) {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw damagedFile(path, `line ${index + 1} is not valid JSON`);
    }
    if (typeof raw === 'object' && raw !== null && typeof (raw as { v?: unknown }).v === 'number' && (raw as { v: number }).v > JOURNAL_VERSION) {
      throw damagedFile(path, `line ${index + 1} was written by a newer Tokenry`);
    }
    const parsed = lineSchema.safeParse(raw);
    if (!parsed.success) throw damagedFile(path, `line ${index + 1} is not a journal record`);
    if (parsed.data.seq <= previous) throw damagedFile(path, `line ${index + 1} is out of order`);
    for (const [key] of parsed.data.set) {
      if (parseIdentityKey(key) === null) throw damagedFile(path, `line ${index + 1} names a malformed entry`);
    }
    previous = parsed.data.seq;
    records.push({ seq: parsed.data.seq, changes: parsed.data.set });
  }
  return records;
}

/** Journal files are generations: `secrets-<gen>.journal`; appends go to the newest, older ones are removed once folded in. */
const GENERATION = /^secrets-([1-9][0-9]{0,14})\.journal$/;
export const journalFileName = (gen: number): string => `secrets-${gen}.journal`;

/** The journal as found on disk: its records in order, and its files (to remove once secrets.json holds them). */
export interface JournalOnDisk {
  readonly records: readonly JournalRecord[];
  readonly files: readonly string[];
  /** The newest generation found (0: none). */
  readonly lastGeneration: number;
}

export const NO_JOURNAL: JournalOnDisk = { records: [], files: [], lastGeneration: 0 };

/** Reads every journal generation in `dir`, oldest first; `damaged_file` when one is damaged or they are out of order. */
export async function readJournal(dir: string): Promise<JournalOnDisk> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (nodeErrorCode(error) === 'ENOENT') return NO_JOURNAL;
    throw ioError('list', dir, error);
  }
  const generations = names
    .map((name) => ({ name, gen: Number(GENERATION.exec(name)?.[1] ?? Number.NaN) }))
    .filter((g) => Number.isSafeInteger(g.gen))
    .sort((a, b) => a.gen - b.gen);
  const records: JournalRecord[] = [];
  const files: string[] = [];
  for (const { name } of generations) {
    const path = join(dir, name);
    const bytes = await readFileIfExists(path);
    if (bytes === null) continue;
    files.push(path);
    for (const record of parseJournal(bytes, path)) {
      const last = records.at(-1);
      if (last !== undefined && record.seq <= last.seq) throw damagedFile(path, 'its records are out of order with the earlier journal files');
      records.push(record);
    }
  }
  return { records, files, lastGeneration: generations.at(-1)?.gen ?? 0 };
}

/**
 * Appends records to the newest journal generation. The write itself is synchronous, so a
 * record's bytes are in the operating system (safe from a crash of this process, kill -9
 * included) by the time `append` returns; the promise it returns resolves once they are on the
 * disk (fdatasync, and the directory entry of a new file). fdatasyncs complete in append order.
 */
export class JournalWriter {
  readonly #dir: string;
  #gen: number;
  #path: string;
  /** Bytes of complete records in the active file, as this process wrote them. */
  #size = 0;
  #exists = false;
  /** A failed write may have left part of a record past #size. */
  #torn = false;
  /** Files of earlier generations, to remove once secrets.json holds their records. */
  #older: string[];
  #durable: Promise<void> = Promise.resolve();
  #dirSynced: Promise<void> = Promise.resolve();

  constructor(dir: string, found: JournalOnDisk) {
    this.#dir = dir;
    this.#gen = found.lastGeneration + 1;
    this.#path = join(dir, journalFileName(this.#gen));
    this.#older = [...found.files];
  }

  /** Bytes written to the active file. */
  get activeBytes(): number {
    return this.#size;
  }

  /** Whether any journal file is on disk. */
  get hasFiles(): boolean {
    return this.#exists || this.#older.length > 0;
  }

  /** Writes `text` (whole records) now; resolves once it is durable. Throws `io` or `changed_on_disk` without writing. */
  append(text: string): Promise<void> {
    const path = this.#path;
    this.#checkActive();
    const bytes = Buffer.from(text, 'utf8');
    let fd: number | null = null;
    try {
      fd = openSync(path, 'a', 0o600);
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    } catch (error) {
      // Part of the record may be in the file: cut it off now, or before the next append.
      this.#torn = true;
      if (fd !== null) {
        try {
          ftruncateSync(fd, this.#size);
          this.#torn = false;
        } catch {
          // A device that cannot be truncated (or the disk failing): retried before the next append.
        }
        closeSync(fd);
      }
      throw ioError('append to', path, error);
    }
    if (!this.#exists) {
      this.#exists = true;
      this.#dirSynced = fsyncDir(this.#dir);
    }
    this.#size += bytes.length;
    const dirSynced = this.#dirSynced;
    const written = fd;
    const durable = this.#durable.then(() => datasyncAndClose(written, path)).then(() => dirSynced);
    this.#durable = durable.catch(() => undefined);
    return durable;
  }

  /**
   * Starts a new generation for later appends. Resolves the earlier files once everything
   * written to them is durable: a fold writes secrets.json, then removes them (`remove`).
   */
  async rotate(): Promise<string[]> {
    if (this.#exists) this.#older.push(this.#path);
    this.#gen += 1;
    this.#path = join(this.#dir, journalFileName(this.#gen));
    this.#size = 0;
    this.#exists = false;
    this.#torn = false;
    await this.#durable;
    return [...this.#older];
  }

  /** Removes earlier files whose records secrets.json now holds (a failure costs nothing: their records are skipped by seq). */
  async remove(files: readonly string[]): Promise<void> {
    for (const path of files) {
      await unlink(path).catch((error: unknown) => {
        if (nodeErrorCode(error) !== 'ENOENT') throw ioError('remove', path, error);
      });
      this.#older = this.#older.filter((p) => p !== path);
    }
  }

  /** Resolves once everything appended so far is durable (or failed). */
  idle(): Promise<void> {
    return this.#durable;
  }

  /** The active file must hold exactly what this process wrote: another writer's records are never appended to. */
  #checkActive(): void {
    let size: number | null;
    try {
      size = statSync(this.#path).size;
    } catch (error) {
      if (nodeErrorCode(error) !== 'ENOENT') throw ioError('check', this.#path, error);
      size = null;
    }
    if (size === null) {
      if (this.#exists) throw changedOnDisk(this.#path, null);
      return;
    }
    if (!this.#exists && size > 0) throw changedOnDisk(this.#path, null);
    if (size === this.#size) {
      this.#torn = false;
      return;
    }
    if (this.#torn && size > this.#size) {
      try {
        truncateSync(this.#path, this.#size);
      } catch (error) {
        throw ioError('truncate', this.#path, error);
      }
      this.#torn = false;
      return;
    }
    throw new VaultError('changed_on_disk', `${this.#path} was changed by another program since Tokenry wrote it; nothing more is appended to it`, { path: this.#path });
  }
}

function datasyncAndClose(fd: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fdatasync(fd, (syncError) => {
      close(fd, () => (syncError === null ? resolve() : reject(ioError('flush', path, syncError))));
    });
  });
}
