// Specifies SingleFlight: one operation per key in flight, its result shared by every caller for that key.

import { describe, expect, it } from 'vitest';
import { SingleFlight } from '../../../../electron/core/refresh/single-flight.js';
import { deferred } from '../../../fixtures/deferred.js';

describe('SingleFlight', () => {
  it('SingleFlight.run() calls the operation once for concurrent callers of one key and gives each the same result', async () => {
    const flight = new SingleFlight<string, { token: string }>();
    const gate = deferred<{ token: string }>();
    let calls = 0;
    const op = (): Promise<{ token: string }> => {
      calls++;
      return gate.promise;
    };
    const callers = Array.from({ length: 50 }, () => flight.run('a', op));
    expect(calls).toBe(1);
    gate.resolve({ token: 't1' });
    const results = await Promise.all(callers);
    expect(new Set(results).size).toBe(1);
    expect(results[0]).toEqual({ token: 't1' });
  });

  it('SingleFlight.run() runs operations for different keys independently', async () => {
    const flight = new SingleFlight<string, string>();
    const a = deferred<string>();
    const b = deferred<string>();
    const pa = flight.run('a', () => a.promise);
    const pb = flight.run('b', () => b.promise);
    expect(flight.size).toBe(2);
    b.resolve('B');
    await expect(pb).resolves.toBe('B');
    expect(flight.isRunning('a')).toBe(true);
    expect(flight.isRunning('b')).toBe(false);
    a.resolve('A');
    await expect(pa).resolves.toBe('A');
    expect(flight.size).toBe(0);
  });

  it('SingleFlight.run() starts a fresh operation once the previous one for the key has settled', async () => {
    const flight = new SingleFlight<string, number>();
    let calls = 0;
    const op = async (): Promise<number> => ++calls;
    await expect(flight.run('k', op)).resolves.toBe(1);
    await expect(flight.run('k', op)).resolves.toBe(2);
    expect(calls).toBe(2);
  });

  it('SingleFlight.run() shares a rejection with every caller, then forgets the key', async () => {
    const flight = new SingleFlight<string, number>();
    const gate = deferred<number>();
    const first = flight.run('k', () => gate.promise);
    const second = flight.run('k', () => Promise.resolve(99));
    gate.reject(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await expect(second).rejects.toThrow('boom');
    expect(flight.isRunning('k')).toBe(false);
    await expect(flight.run('k', () => Promise.resolve(7))).resolves.toBe(7);
  });

  it('SingleFlight.isRunning() is true from the moment run() returns until the operation settles', async () => {
    const flight = new SingleFlight<string, string>();
    const gate = deferred<string>();
    const p = flight.run('k', () => gate.promise);
    expect(flight.isRunning('k')).toBe(true);
    gate.resolve('done');
    await p;
    expect(flight.isRunning('k')).toBe(false);
  });

  it('SingleFlight.run() rejects, and forgets the key, when the operation throws before returning a promise', async () => {
    const flight = new SingleFlight<string, number>();
    const throwsAtOnce = (): Promise<number> => {
      throw new Error('sync failure');
    };
    await expect(flight.run('k', throwsAtOnce)).rejects.toThrow('sync failure');
    expect(flight.isRunning('k')).toBe(false);
    expect(flight.size).toBe(0);
    await expect(flight.run('k', () => Promise.resolve(1))).resolves.toBe(1);
  });
});
