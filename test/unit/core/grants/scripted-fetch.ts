// Test support for the grant engine's one-request calls (discovery, userinfo, revocation): fetches injected through GrantDeps.

import type { Result } from '../../../../shared/result.js';
import { systemGrantDeps, type GrantDeps } from '../../../../electron/core/grants/grant-client.js';
import type { GrantError } from '../../../../electron/core/grants/grant-error.js';
import type { FetchLike } from '../../../../electron/core/grants/http-transport.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';

/** A fetch that answers every request with `status` and `body` as JSON, recording the addresses asked for. */
export const answering =
  (body: unknown, seen: string[] = [], status = 200): FetchLike =>
  async (input) => {
    seen.push(input);
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };

/** A fetch that never answers: it fails only when its request is aborted. */
export const silent: FetchLike = (_input, init) =>
  new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));

/** The system deps with `fetch` (and anything in `patch`) replaced. */
export const depsWith = (fetch: FetchLike, patch: Partial<GrantDeps> = {}): GrantDeps => ({ ...systemGrantDeps(), fetch, ...patch });

/** Deps whose clock throws something that is not a GrantError (a bug), to see that it is not passed off as a grant error. */
export const brokenClockDeps = (fetch: FetchLike): GrantDeps =>
  depsWith(fetch, {
    now: () => {
      throw new RangeError('clock out of range');
    },
  });

/**
 * What a call to a server that never answers has come to 1 ms before `ms` and at `ms`, on a fake clock
 * given to it as its timer: `['still waiting', 'timeout']` when its timeout is `ms`.
 */
export async function outcomeAround(ms: number, call: (deps: GrantDeps) => Promise<Result<unknown, GrantError>>): Promise<readonly [string, string]> {
  const clock = new FakeClock();
  let outcome = 'still waiting';
  void call(depsWith(silent, { now: () => clock.now(), setTimer: (fn, t) => clock.setTimer(fn, t) })).then((r) => (outcome = r.ok ? 'ok' : r.error.code));
  await clock.advance(ms - 1);
  const before = outcome;
  await clock.advance(1);
  return [before, outcome];
}
