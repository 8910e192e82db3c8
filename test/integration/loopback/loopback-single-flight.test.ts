// Many clients at once on a token about to expire: one upstream renewal, one token for all; then the provider goes away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../fixtures/fake-clock.js';
import { get, makeWorld, must, serve, type Served, type World } from './support.js';

const LIFETIME_S = 30;
/** The service's clock: it moves only when the test moves it, so no answer depends on how loaded the machine is. */
const clock = new FakeClock(Date.now());

let world: World;
/** Just less than a fresh token's lifetime: the current token no longer lasts it, a fresh one does for a second. */
let minValidS: number;
let loopback: Served;
let key: string;

beforeAll(async () => {
  world = await makeWorld({ accessTokenLifetime: LIFETIME_S }, { clock });
  loopback = await serve(world, { authRateLimit: { burst: 10_000, perSecond: 10_000 } });
  key = must(await loopback.clients.addClient('fleet', ['work'])).key;
  const view = must(world.service.account('work'));
  const lifetimeMs = (view.expiresAt ?? 0) - (view.issuedAt ?? 0);
  minValidS = Math.floor(lifetimeMs / 1000) - 1;
  // Two seconds on: the current token no longer lasts min_valid; a fresh one will, as long as the clock stands still.
  clock.time += 2_000;
});
afterAll(async () => {
  await loopback?.close();
  await world?.close();
});

describe('a hundred concurrent callers on an expiring token', () => {
  let answers: Array<{ status: number; token: unknown }>;
  let upstream: number;
  beforeAll(async () => {
    const before = world.oauth.tokenCalls();
    const replies = await Promise.all(
      Array.from({ length: 100 }, () => get(loopback.server.port, `/v1/accounts/work/token?min_valid=${minValidS}`, { key })),
    );
    upstream = world.oauth.tokenCalls() - before;
    answers = replies.map((r) => ({ status: r.status, token: r.status === 200 ? r.json()['access_token'] : null }));
  });

  it('all get an answer of 200', () => {
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
  });

  it('cause exactly one upstream token request', () => {
    expect(upstream).toBe(1);
  });

  it('all get the same, newly issued token', () => {
    expect([...new Set(answers.map((a) => a.token))]).toEqual([world.oauth.issued.accessTokens.at(-1)]);
  });
});

describe('when the provider goes away', () => {
  it('answers 503 provider_unreachable for a token that needs renewing', async () => {
    await world.oauth.close();
    // One second before expiry, asked for five: it must be renewed, and nobody answers.
    const view = must(world.service.account('work'));
    clock.time = (view.expiresAt ?? 0) - 1_000;
    const answer = await get(loopback.server.port, `/v1/accounts/work/token?min_valid=5`, { key });
    expect([answer.status, answer.json()['error']]).toEqual([503, 'provider_unreachable']);
  });

  it('still hands out the current token when it lasts long enough', async () => {
    clock.time -= 10_000;
    expect((await get(loopback.server.port, '/v1/accounts/work/token', { key })).status).toBe(200);
  });
});
