// Specifies the core's logger: levels, scopes, fields, and that no secret can reach a sink.
import { describe, expect, it } from 'vitest';
import { createLogger, describeError, formatRecord, silentLogger, streamSink, type LogRecord } from '../../../../electron/core/log/logger.js';
import { GrantError } from '../../../../electron/core/grants/grant-error.js';

const T0 = Date.UTC(2026, 10, 27, 1, 2, 3, 456);

function collecting(level: 'debug' | 'info' | 'warn' | 'error' = 'debug') {
  const records: LogRecord[] = [];
  const log = createLogger({ level, sinks: [(r) => records.push(r)], now: () => T0, scope: 'core' });
  return { log, records };
}

describe('createLogger()', () => {
  it('drops lines below its level and keeps the rest, in order', () => {
    const { log, records } = collecting('warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  it('child() narrows the scope and writes to the same sinks', () => {
    const { log, records } = collecting();
    log.child('refresh').child('engine').info('renewed', { account: 'crm' });
    expect(records[0]).toEqual({ time: T0, level: 'info', scope: 'core.refresh.engine', message: 'renewed', fields: { account: 'crm' } });
  });

  it('redacts token-like values in messages and string fields', () => {
    const { log, records } = collecting();
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
    log.info(`got ${token}`, { body: `{"access_token":"${token}"}`, note: 'refresh_token=abc123' });
    const text = JSON.stringify(records);
    expect(text).not.toContain(token);
    expect(text).not.toContain('abc123');
    expect(records[0]?.message).toBe('got [redacted]');
  });

  it('logs only the kind of an object field, never its contents', () => {
    const { log, records } = collecting();
    log.info('record', { record: { accessToken: 'secret-value-1234' } });
    expect(records[0]?.fields).toEqual({ record: '[object]' });
  });

  it('reduces an error to name, code and message (redacted), following its causes', () => {
    const { log, records } = collecting();
    const cause = Object.assign(new Error('write /data/secrets.json failed'), { code: 'ENOSPC' });
    log.error('renewal failed', { cause: new GrantError('network', 'Could not reach the token endpoint.', { cause }) });
    expect(records[0]?.fields['cause']).toBe('GrantError [network]: Could not reach the token endpoint. <- Error [ENOSPC]: write /data/secrets.json failed');
  });

  it('a sink that throws breaks neither the caller nor the other sinks', () => {
    const seen: string[] = [];
    const log = createLogger({
      sinks: [
        () => {
          throw new Error('closed stream');
        },
        (r) => seen.push(r.message),
      ],
    });
    expect(() => log.warn('still logged')).not.toThrow();
    expect(seen).toEqual(['still logged']);
  });

  it('silentLogger drops everything', () => {
    expect(() => silentLogger.child('x').error('nothing', { cause: new Error('x') })).not.toThrow();
  });
});

describe('formatting', () => {
  it('formatRecord() writes one line: time, level, scope, message, fields (quoted where needed)', () => {
    expect(formatRecord({ time: T0, level: 'warn', scope: 'service', message: 'sign-in failed', fields: { account: 'crm', status: 400, why: 'bad grant' } })).toBe(
      '2026-11-27T01:02:03.456Z warn  service: sign-in failed account=crm status=400 why="bad grant"',
    );
  });

  it('streamSink() writes each record as a line', () => {
    let out = '';
    const log = createLogger({ sinks: [streamSink({ write: (t: string) => (out += t) })], now: () => T0 });
    log.info('hello');
    expect(out).toBe('2026-11-27T01:02:03.456Z info  hello\n');
  });

  it('describeError() says what was thrown when it is not an Error', () => {
    expect(describeError(42)).toBe('[thrown number]');
    expect(describeError('plain')).toBe('plain');
  });
});
