// Live audit rows: entries as they are recorded, batched per interval and bounded per event.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forwardAuditRows } from '../../../../electron/core/loopback/audit-events.js';
import { AuditLog } from '../../../../electron/core/loopback/audit-log.js';
import { makeTempDir } from '../vault/vault-test-helpers.js';

const entry = (i: number) => ({ time: new Date(1_000 + i).toISOString(), client: 'ci', account: 'work', route: 'token' as const, status: 200, outcome: 'ok' });

describe('forwardAuditRows()', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends one event per interval with the rows recorded meanwhile, oldest first', async () => {
    const send = vi.fn();
    const forward = forwardAuditRows(send, { delayMs: 250 });
    forward.add(entry(1));
    forward.add(entry(2));
    expect(send).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(250);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith([
      { time: 1001, client: 'ci', account: 'work', outcome: 'ok', status: 200 },
      { time: 1002, client: 'ci', account: 'work', outcome: 'ok', status: 200 },
    ]);
  });

  it('keeps only the newest rows of a flood', async () => {
    const send = vi.fn();
    const forward = forwardAuditRows(send, { delayMs: 250, maxRows: 10 });
    for (let i = 0; i < 1000; i++) forward.add(entry(i));
    await vi.advanceTimersByTimeAsync(250);
    const rows = send.mock.calls[0]?.[0] as Array<{ time: number }>;
    expect(rows.map((r) => r.time)).toEqual(Array.from({ length: 10 }, (_, i) => 1990 + i));
  });

  it('sends what is pending when closed, then nothing more', async () => {
    const send = vi.fn();
    const forward = forwardAuditRows(send);
    forward.add(entry(1));
    forward.close();
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(1);
  });
});

describe('AuditLog.onAppend()', () => {
  it('tells each listener of every entry as it is recorded, before it reaches the file, until unsubscribed', async () => {
    const { dir, cleanup } = await makeTempDir('tokenry-audit-events-');
    const log = await AuditLog.open(dir, { flushDelayMs: 10_000 });
    const seen: string[] = [];
    const stop = log.onAppend((e) => seen.push(`${e.client}/${e.account}/${e.outcome}`));
    log.record('ci', 'work', 'token', 200, 'ok');
    log.record(null, null, 'other', 401, 'invalid_client_key');
    stop();
    log.record('ci', 'home', 'token', 200, 'ok');
    expect(seen).toEqual(['ci/work/ok', 'null/null/invalid_client_key']);
    await log.close();
    await cleanup();
  });
});
