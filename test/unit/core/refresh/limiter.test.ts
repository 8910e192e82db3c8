// Specifies Limiter: a bound on upstream calls running at once, handed over first come, first served.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Limiter } from '../../../../electron/core/refresh/limiter.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';
import { deferred } from '../../../fixtures/deferred.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('new Limiter(%s) throws a RangeError', (max) => {
    expect(() => new Limiter(max)).toThrow(RangeError);
  });

  it('new Limiter() says what it needs when it refuses a count', () => {
    expect(() => new Limiter(0)).toThrow('Limiter needs a positive whole number of slots.');
  });

  it('Limiter.run() runs at most max operations at once and starts the rest as slots free up', async () => {
    const limiter = new Limiter(2);
    const gates = Array.from({ length: 5 }, () => deferred<number>());
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run(() => {
        started.push(i);
        return gate.promise;
      }),
    );
    await settle();
    expect(started).toEqual([0, 1]);
    gates[1]?.resolve(1);
    await settle();
    expect(started).toEqual([0, 1, 2]);
    gates[0]?.resolve(0);
    gates[2]?.resolve(2);
    await settle();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[3]?.resolve(3);
    gates[4]?.resolve(4);
    await expect(Promise.all(runs)).resolves.toEqual([0, 1, 2, 3, 4]);
    expect(limiter.highWater).toBe(2);
  });

  it('Limiter.run() hands freed slots to waiters in the order they arrived', async () => {
    const limiter = new Limiter(1);
    const gates = Array.from({ length: 4 }, () => deferred<void>());
    const order: number[] = [];
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        order.push(i);
        await gate.promise;
      }),
    );
    for (const i of [3, 2, 1, 0]) gates[i]?.resolve();
    // A newcomer arriving while the queue drains goes to the back.
    const late = limiter.run(async () => {
      order.push(99);
    });
    await Promise.all([...runs, late]);
    expect(order).toEqual([0, 1, 2, 3, 99]);
    expect(limiter.highWater).toBe(1);
  });

  it('Limiter.run() hands a freed slot straight to the waiter, so a newcomer in the same tick cannot slip in', async () => {
    const limiter = new Limiter(1);
    const gate = deferred<void>();
    const order: string[] = [];
    let newcomer: Promise<void> | undefined;
    // Reacts to the same event as the running call, registered just before it: arrives right after the
    // slot frees and before the woken waiter resumes.
    void gate.promise.then(() =>
      queueMicrotask(() => {
        newcomer = limiter.run(async () => {
          order.push('newcomer');
        });
      }),
    );
    const a = limiter.run(() => {
      order.push('a');
      return gate.promise;
    });
    const b = limiter.run(async () => {
      order.push('b');
      await settle();
    });
    gate.resolve();
    await a;
    await settle();
    await Promise.all([b, newcomer]);
    expect(newcomer).toBeDefined();
    expect(order).toEqual(['a', 'b', 'newcomer']);
    expect(limiter.highWater).toBe(1);
  });

  it('Limiter.run() frees the slot when the operation rejects, and passes the rejection on', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('upstream down')))).rejects.toThrow('upstream down');
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('Limiter.run() frees the slot when the operation throws before returning a promise', async () => {
    const limiter = new Limiter(1);
    const throwsAtOnce = (): Promise<string> => {
      throw new Error('sync');
    };
    await expect(limiter.run(throwsAtOnce)).rejects.toThrow('sync');
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('Limiter.highWater never exceeds max and matches the concurrency the operations observe (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.record({ startAt: fc.integer({ min: 0, max: 500 }), duration: fc.integer({ min: 0, max: 300 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        async (max, jobs) => {
          const clock = new FakeClock(0);
          const limiter = new Limiter(max);
          let active = 0;
          let peak = 0;
          const done: Array<Promise<number>> = [];
          jobs.forEach((job, i) => {
            clock.setTimer(() => {
              done.push(
                limiter.run(async () => {
                  active++;
                  peak = Math.max(peak, active);
                  await clock.sleep(job.duration);
                  active--;
                  return i;
                }),
              );
            }, job.startAt);
          });
          await clock.runUntil(500 + 300 * jobs.length + 1);
          const results = await Promise.all(done);
          expect(results.slice().sort((x, y) => x - y)).toEqual(jobs.map((_, i) => i));
          expect(peak).toBeLessThanOrEqual(max);
          expect(limiter.highWater).toBe(peak);
        },
      ),
      { seed: 20250101, numRuns: 60 },
    );
  });
});
