// The core's logger: levels, a scope per module, structured fields, and never a secret (every line is redacted).
import { redact } from '../grants/redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Values a log line may carry; errors are reduced to their name, code and message (redacted), never their data. */
export type LogValue = string | number | boolean | null | undefined | Error | unknown;
export type LogFields = Readonly<Record<string, LogValue>>;

/** One line, already redacted: what a sink writes. */
export interface LogRecord {
  readonly time: number;
  readonly level: LogLevel;
  readonly scope: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, string | number | boolean | null>>;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** The same sinks under a narrower scope (`service` -> `service.refresh`). */
  child(scope: string): Logger;
}

export interface LoggerOptions {
  /** Lines below this level are dropped before they are formatted. Default `info`. */
  readonly level?: LogLevel;
  readonly sinks: readonly LogSink[];
  readonly scope?: string;
  readonly now?: () => number;
}

/** The logger for code that was given none: drops everything. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

export function createLogger(options: LoggerOptions): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const make = (scope: string): Logger => {
    const emit = (level: LogLevel, message: string, fields: LogFields | undefined): void => {
      if (RANK[level] < threshold || options.sinks.length === 0) return;
      const record: LogRecord = { time: now(), level, scope, message: redact(message), fields: cleanFields(fields) };
      for (const sink of options.sinks) {
        // A sink that fails (a closed stream, a full disk) must never break what is being logged.
        try {
          sink(record);
        } catch {
          /* nowhere left to report it */
        }
      }
    };
    return {
      debug: (message, fields) => emit('debug', message, fields),
      info: (message, fields) => emit('info', message, fields),
      warn: (message, fields) => emit('warn', message, fields),
      error: (message, fields) => emit('error', message, fields),
      child: (child) => make(scope === '' ? child : `${scope}.${child}`),
    };
  };
  return make(options.scope ?? '');
}

function cleanFields(fields: LogFields | undefined): LogRecord['fields'] {
  const out: Record<string, string | number | boolean | null> = {};
  if (fields === undefined) return out;
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = cleanValue(value);
  }
  return out;
}

function cleanValue(value: LogValue): string | number | boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return redact(value);
  if (value instanceof Error) return describeError(value);
  // Objects may hold anything (a token record...): only their kind is logged.
  return `[${typeof value}]`;
}

/** `Name [code]: message <- cause...`, redacted: what was thrown, without the data it carried. */
export function describeError(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return typeof error === 'string' ? redact(error) : `[thrown ${typeof error}]`;
  const code = (error as { code?: unknown }).code;
  const head = `${error.name}${typeof code === 'string' ? ` [${code}]` : ''}: ${redact(error.message)}`;
  return error.cause !== undefined && depth < 4 ? `${head} <- ${describeError(error.cause, depth + 1)}` : head;
}

/** One line of text: `2026-11-27T01:02:03.456Z info  service.refresh: renewed account=crm`. */
export function formatRecord(record: LogRecord): string {
  const fields = Object.entries(record.fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' && /[\s"=]/.test(value) ? JSON.stringify(value) : String(value)}`)
    .join(' ');
  const scope = record.scope === '' ? '' : `${record.scope}: `;
  return `${new Date(record.time).toISOString()} ${record.level.padEnd(5)} ${scope}${record.message}${fields === '' ? '' : ` ${fields}`}`;
}

/** A sink writing formatted lines to a stream (the CLI's stderr with --debug). */
export function streamSink(stream: { write(text: string): unknown }): LogSink {
  return (record) => {
    stream.write(`${formatRecord(record)}\n`);
  };
}
