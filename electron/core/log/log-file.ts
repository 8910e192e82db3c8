// The app's log file in the data directory (logs/tokenry.log, 0600), rotated by size so it never grows without bound.
import { join } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../vault/atomic-file.js';
import { formatRecord, type LogSink } from './logger.js';

export const LOG_DIR = 'logs';
export const LOG_FILE = 'tokenry.log';

export interface LogFileOptions {
  /** Rotate when the file reaches this size (default 1 MiB). */
  readonly maxBytes?: number;
  /** Rotated files kept besides the current one (default 3). */
  readonly keep?: number;
}

export interface LogFile {
  readonly path: string;
  readonly sink: LogSink;
  /** Writes what is buffered and closes the file. */
  close(): Promise<void>;
}

/** Opens `<dataDir>/logs/tokenry.log` for appending; rotated files are tokenry.log.1 ... .N. */
export async function openLogFile(dataDir: string, options: LogFileOptions = {}): Promise<LogFile> {
  const dir = join(dataDir, LOG_DIR);
  await ensurePrivateDir(dir);
  const stream: RotatingFileStream = createStream(LOG_FILE, {
    path: dir,
    size: `${Math.max(1, Math.ceil((options.maxBytes ?? 1024 * 1024) / 1024))}K`,
    rotate: options.keep ?? 3,
    mode: PRIVATE_FILE_MODE,
  });
  let failed = false;
  // A log that cannot be written (disk full) is dropped, never allowed to crash the app.
  stream.on('error', () => {
    failed = true;
  });
  return {
    path: join(dir, LOG_FILE),
    sink: (record) => {
      if (!failed && stream.writable) stream.write(`${formatRecord(record)}\n`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (stream.closed || stream.destroyed) return resolve();
        stream.end(() => resolve());
      }),
  };
}
