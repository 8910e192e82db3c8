// SerialQueue: one task at a time, in call order, a failure never blocking what follows.
import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../../../electron/core/vault/serial-queue.js';
import { deferred } from '../../../fixtures/deferred.js';

describe('SerialQueue', () => {
  it('run() starts a task only after every earlier task has settled', async () => {
    const queue = new SerialQueue();
    const first = deferred<string>();
    const order: string[] = [];
    const a = queue.run(async () => {
      order.push('a starts');
      const value = await first.promise;
      order.push('a ends');
      return value;
    });
    const b = queue.run(() => {
      order.push('b runs');
      return 'b';
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(order).toEqual(['a starts']);
    first.resolve('a');
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(order).toEqual(['a starts', 'a ends', 'b runs']);
  });

  it('run() rejects with a failing task\'s error and still runs the next task', async () => {
    const queue = new SerialQueue();
    const failing = queue.run(() => Promise.reject(new Error('disk full')));
    const next = queue.run(() => 'written');
    await expect(failing).rejects.toThrow('disk full');
    expect(await next).toBe('written');
  });

  it('idle() resolves once every queued task has settled, failures included', async () => {
    const queue = new SerialQueue();
    const gate = deferred<void>();
    let settled = false;
    void queue.run(() => gate.promise).finally(() => {
      settled = true;
    });
    void queue.run(() => Promise.reject(new Error('x'))).catch(() => undefined);
    const idle = queue.idle();
    gate.resolve();
    await idle;
    expect(settled).toBe(true);
  });
});
