// The log file in the data directory (logs/tokenry.log, 0600), rotated by size so it never grows without bound.
// Lines logged before it opens (it opens once the data directory's lock is held) wait in a small buffer.
import { join } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../vault/atomic-file.js';
import { formatRecord, type LogRecord, type LogSink } from './logger.js';

export const LOG_DIR = 'logs';
export const LOG_FILE = 'tokenry.log';

export interface LogFileOptions {
  /** Rotate when the file reaches this size (default 1 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one (default 3). */
  readonly keep?: number;
}

/** Lines held while the file is not open yet; beyond, the oldest are dropped. */
const MAX_WAITING = 200;

export class LogFile {
  #stream: RotatingFileStream | null = null;
  #failed = false;
  #waiting: LogRecord[] = [];
  #path: string | null = null;

  constructor(private readonly options: LogFileOptions = {}) {}

  /** The file's path once open. */
  get path(): string | null {
    return this.#path;
  }

  /** Writes to the file once it is open; until then the line waits. Never throws: a log must not break what it logs. */
  readonly sink: LogSink = (record) => {
    const stream = this.#stream;
    if (stream === null) {
      if (this.#waiting.length >= MAX_WAITING) this.#waiting.shift();
      this.#waiting.push(record);
      return;
    }
    if (!this.#failed && stream.writable) stream.write(`${formatRecord(record)}\n`);
  };

  /** Opens `<dataDir>/logs/tokenry.log` for appending (rotated files: tokenry.log.1 ... .N) and writes what waited. */
  async open(dataDir: string): Promise<void> {
    if (this.#stream !== null) return;
    const dir = join(dataDir, LOG_DIR);
    await ensurePrivateDir(dir);
    const stream = createStream(LOG_FILE, {
      path: dir,
      size: `${Math.max(1, Math.ceil((this.options.maxBytes ?? 1024 * 1024) / 1024))}K`,
      rotate: this.options.keep ?? 3,
      mode: PRIVATE_FILE_MODE,
    });
    // A log that cannot be written (disk full) is given up, never allowed to crash the app.
    stream.on('error', () => {
      this.#failed = true;
    });
    this.#stream = stream;
    this.#path = join(dir, LOG_FILE);
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const record of waiting) this.sink(record);
  }

  /** Writes what is buffered and closes the file. */
  close(): Promise<void> {
    const stream = this.#stream;
    this.#stream = null;
    return new Promise<void>((resolve) => {
      if (stream === null || stream.closed || stream.destroyed) return resolve();
      stream.end(() => resolve());
    });
  }
}
