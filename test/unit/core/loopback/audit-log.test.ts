// The audit log: buffered off the hot path, written in batches, bounded in memory, rotated by size, read newest first.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog, readAudit } from '../../../../electron/core/loopback/audit-log.js';
import { makeTempDir } from '../vault/vault-test-helpers.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await makeTempDir('tokenry-audit-'));
});
afterEach(async () => cleanup());

const logText = async (name = 'audit.log') => readFile(join(dir, name), 'utf8').catch(() => '');
const lines = async (name = 'audit.log') => (await logText(name)).split('\n').filter((l) => l !== '');

describe('recording', () => {
  it('does not touch the disk when a request is recorded', async () => {
    const log = await AuditLog.open(dir, { flushDelayMs: 10_000 });
    log.record('ci', 'work', 'token', 200, 'ok');
    expect(await logText()).toBe('');
  });

  it('writes the batch after the delay, not before', async () => {
    const clock = new FakeClock();
    const log = await AuditLog.open(dir, { flushDelayMs: 200, clock });
    log.record('ci', 'work', 'token', 200, 'ok');
    log.record('ci', 'home', 'token', 409, 'needs_sign_in');
    await clock.advance(199);
    expect(await logText()).toBe('');
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(1);
    // The timer fired and started the write; flush() now only waits for it.
    expect(clock.pendingTimers).toBe(0);
    await log.flush();
    expect((await lines()).length).toBe(2);
  });

  it('writes at once when a batch is full', async () => {
    const clock = new FakeClock();
    const log = await AuditLog.open(dir, { flushDelayMs: 10_000, batchSize: 5, clock });
    for (let i = 0; i < 5; i++) log.record('ci', 'work', 'token', 200, 'ok');
    await clock.advance(0);
    await log.flush();
    expect((await lines()).length).toBe(5);
    expect(clock.pendingTimers).toBe(0);
  });

  it('keeps its format version, time, client, account, route, status and outcome on each line', async () => {
    const log = await AuditLog.open(dir);
    log.record('ci', 'work', 'token', 403, 'account_not_allowed');
    await log.flush();
    const entry = JSON.parse((await lines())[0] ?? '{}') as Record<string, unknown>;
    expect({ ...entry, time: typeof entry['time'] }).toEqual({ v: 1, time: 'string', client: 'ci', account: 'work', route: 'token', status: 403, outcome: 'account_not_allowed' });
  });

  it('reads lines written before lines carried a version, and skips lines of a newer format', async () => {
    await writeFile(
      join(dir, 'audit.log'),
      '{"time":"2026-01-01T00:00:00.000Z","client":"old","account":null,"route":"accounts","status":200,"outcome":"ok"}\n' +
        '{"v":2,"time":"2026-01-01T00:00:01.000Z","client":"future","account":null,"route":"accounts","status":200,"outcome":"ok"}\n',
    );
    expect((await readAudit(dir)).map((e) => e.client)).toEqual(['old']);
  });

  it('creates audit.log readable by the owner only', async () => {
    const log = await AuditLog.open(dir);
    log.record(null, null, 'other', 401, 'missing_client_key');
    await log.flush();
    expect((await stat(join(dir, 'audit.log'))).mode & 0o777).toBe(0o600);
  });

  it('holds at most maxBuffered entries in memory and says how many it dropped', async () => {
    const log = await AuditLog.open(dir, { flushDelayMs: 10_000, maxBuffered: 3, batchSize: 1000 });
    for (let i = 0; i < 10; i++) log.record('ci', 'work', 'token', 200, 'ok');
    await log.flush();
    expect([log.dropped, (await lines()).at(-1)?.includes('"outcome":"audit_dropped:7"')]).toEqual([7, true]);
  });
});

describe('rotation', () => {
  it('moves audit.log to audit.log.1 once it would pass maxBytes', async () => {
    const log = await AuditLog.open(dir, { maxBytes: 400 });
    for (let i = 0; i < 6; i++) {
      log.record('ci', `account-${i}`, 'token', 200, 'ok');
      await log.flush();
    }
    expect([(await lines('audit.log.1')).length > 0, (await stat(join(dir, 'audit.log'))).size <= 400]).toEqual([true, true]);
  });

  it('keeps one previous generation only', async () => {
    const log = await AuditLog.open(dir, { maxBytes: 200 });
    for (let i = 0; i < 20; i++) {
      log.record('ci', `account-${i}`, 'token', 200, 'ok');
      await log.flush();
    }
    const all = await log.readAudit({ limit: 1000 });
    expect(all.length).toBeLessThan(10);
  });
});

describe('reading', () => {
  it('answers the most recent entries first, across both generations', async () => {
    // About 115 bytes a line: three fit in audit.log, so a4 and a3 end up in the new file, a2 and a1 in audit.log.1.
    const log = await AuditLog.open(dir, { maxBytes: 400 });
    for (let i = 0; i < 5; i++) {
      log.record('ci', `a${i}`, 'token', 200, 'ok');
      await log.flush();
    }
    expect((await log.readAudit({ limit: 4 })).map((e) => e.account)).toEqual(['a4', 'a3', 'a2', 'a1']);
  });

  it('includes what is still buffered', async () => {
    const log = await AuditLog.open(dir, { flushDelayMs: 10_000 });
    log.record('ci', 'work', 'token', 200, 'ok');
    expect((await log.readAudit({ limit: 10 })).length).toBe(1);
  });

  it('skips a line torn by a crash', async () => {
    await writeFile(join(dir, 'audit.log'), '{"time":"t","client":null,"account":null,"route":"other","status":401,"outcome":"missing_client_key"}\n{"time":"t","cli', { mode: 0o600 });
    expect((await readAudit(dir)).map((e) => e.outcome)).toEqual(['missing_client_key']);
  });

  it('answers nothing when there is no log yet', async () => {
    expect(await readAudit(dir)).toEqual([]);
  });
});

describe('the line format', () => {
  it('is exactly JSON, escaping anything that is not a plain name', async () => {
    const log = await AuditLog.open(dir);
    log.record('ci', 'we"ird\n', 'token', 200, 'ok');
    log.record(null, null, 'other', 401, 'missing_client_key');
    await log.flush();
    const parsed = (await lines()).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map((e) => [e['client'], e['account'], e['outcome']])).toEqual([
      ['ci', 'we"ird\n', 'ok'],
      [null, null, 'missing_client_key'],
    ]);
  });
});
