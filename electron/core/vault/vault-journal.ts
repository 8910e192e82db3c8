// The vault's journal (secrets.journal): each batch of sealed changes appended as one line and fdatasync'ed, so a
// rotated refresh token is durable within milliseconds of the provider's answer; folded into secrets.json later.
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { damagedFile } from './atomic-file.js';
import { parseIdentityKey, type SealedBox, isSealedBox } from './envelope.js';
import { ioError } from './vault-error.js';

export const JOURNAL_FILE = 'secrets.journal';
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

/** Appends `text` and waits until it is on the disk (fdatasync): one small write, milliseconds. Creates the file 0600. */
export async function appendDurably(path: string, text: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'a', 0o600);
    await handle.writeFile(text, 'utf8');
    await handle.datasync();
  } catch (error) {
    throw ioError('append to', path, error);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Cuts the file back to `size` bytes, durably (after a failed append, or once secrets.json holds every record). */
export async function truncateDurably(path: string, size: number): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r+');
    await handle.truncate(size);
    await handle.datasync();
  } catch (error) {
    throw ioError('truncate', path, error);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
