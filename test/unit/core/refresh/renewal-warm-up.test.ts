// Specifies warmUpRenewal (issue 12, item 2): one made-up refresh_token grant against a server of its own on 127.0.0.1,
// read into a record and sealed, so a one-shot process's first real answer meets warm code; it never rejects.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { systemGrantDeps, type GrantDeps } from '../../../../electron/core/grants/grant-client.js';
import { systemSetTimer } from '../../../../electron/core/grants/http-transport.js';
import { afterWarmUp, warmUpRenewal } from '../../../../electron/core/refresh/renewal-warm-up.js';
import { deferred } from '../../../fixtures/deferred.js';

interface Sent {
  readonly url: URL;
  readonly method: string | undefined;
  readonly body: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly cacheControl: string | null;
}

/** The system's own dependencies, with every request and its answer's status recorded. */
function recorded(): { deps: GrantDeps; sent: Sent[] } {
  const system = systemGrantDeps();
  const sent: Sent[] = [];
  return {
    sent,
    deps: {
      ...system,
      fetch: async (input, init) => {
        const response = await system.fetch(input, init);
        sent.push({
          url: new URL(String(input)),
          method: init?.method,
          body: String(init?.body ?? ''),
          status: response.status,
          contentType: response.headers.get('content-type'),
          cacheControl: response.headers.get('cache-control'),
        });
        return response;
      },
    },
  };
}

const refusesConnections = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('warmUpRenewal()', () => {
  it('sends one refresh_token grant to its own server on 127.0.0.1, gets a token answer and says it warmed the path', async () => {
    const { deps, sent } = recorded();
    expect(await warmUpRenewal(deps)).toEqual({ warmed: true });
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.url.hostname).toBe('127.0.0.1');
    expect(request?.url.pathname).toBe('/token');
    expect(request?.method).toBe('POST');
    expect(new URLSearchParams(request?.body).get('grant_type')).toBe('refresh_token');
    expect(request?.status).toBe(200);
  });

  it('is answered as a provider answers a token request (RFC 6749 §5.1): JSON, not to be cached', async () => {
    const { deps, sent } = recorded();
    await warmUpRenewal(deps);
    expect({ contentType: sent[0]?.contentType, cacheControl: sent[0]?.cacheControl }).toEqual({ contentType: 'application/json', cacheControl: 'no-store' });
  });

  it('gives its request 2 seconds at most: it only saves time, and must never cost a command much', async () => {
    const system = systemGrantDeps();
    const armed: number[] = [];
    const deps: GrantDeps = {
      ...system,
      setTimer: (fire, ms) => {
        armed.push(ms);
        return systemSetTimer(fire, ms);
      },
    };
    await warmUpRenewal(deps);
    expect(armed).toEqual([2000]);
  });

  it('leaves no server listening once it is done', async () => {
    const { deps, sent } = recorded();
    await warmUpRenewal(deps);
    expect(await refusesConnections(Number(sent[0]?.url.port))).toBe(true);
  });

  it('says it did not warm, without rejecting, when the request cannot be sent', async () => {
    const deps: GrantDeps = { ...systemGrantDeps(), fetch: () => Promise.reject(new TypeError('fetch failed')) };
    expect(await warmUpRenewal(deps)).toEqual({ warmed: false });
  });

  it('says it did not warm, without rejecting, when reading the answer throws', async () => {
    const deps: GrantDeps = {
      ...systemGrantDeps(),
      now: () => {
        throw new Error('no clock');
      },
    };
    expect(await warmUpRenewal(deps)).toEqual({ warmed: false });
  });

  it('says it did not warm when the answer is not a token (nothing is retried)', async () => {
    let calls = 0;
    const system = systemGrantDeps();
    const deps: GrantDeps = {
      ...system,
      fetch: async () => {
        calls += 1;
        return new Response('{"error":"server_error"}', { status: 503, headers: { 'Content-Type': 'application/json' } });
      },
    };
    expect(await warmUpRenewal(deps)).toEqual({ warmed: false });
    expect(calls).toBe(1);
  });
});

describe('afterWarmUp()', () => {
  it('holds the first request until the warm-up is done, runs the warm-up once, and lets later requests straight through', async () => {
    const steps: string[] = [];
    const warm = deferred<void>();
    const fetch = afterWarmUp(
      async (input) => {
        steps.push(`request ${String(input)}`);
        return new Response('');
      },
      () => {
        steps.push('warm-up');
        return warm.promise;
      },
    );
    const first = fetch('https://one.example.test/', {});
    const second = fetch('https://two.example.test/', {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(steps).toEqual(['warm-up']);
    warm.resolve();
    await Promise.all([first, second]);
    await fetch('https://three.example.test/', {});
    expect(steps).toEqual(['warm-up', 'request https://one.example.test/', 'request https://two.example.test/', 'request https://three.example.test/']);
  });

  it('sends the request all the same when the warm-up fails', async () => {
    const fetch = afterWarmUp(async () => new Response('sent'), () => Promise.reject(new Error('no loopback here')));
    expect(await (await fetch('https://one.example.test/', {})).text()).toBe('sent');
  });
});
