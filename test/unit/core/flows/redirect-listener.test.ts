// Specifies the browser flow's one-shot loopback listener: 127.0.0.1 only, Host checked, forged callbacks refused
// while it keeps waiting, closed after the real one, on timeout (fake clock) and on cancel.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { listenForRedirect, redirectTarget, type RedirectListener } from '../../../../electron/core/flows/redirect-listener.js';
import { FakeClock } from '../../../fixtures/fake-clock.js';

const expectation = { state: 'the-state', issuer: 'https://id.example.test', issRequired: false };
let listener: RedirectListener | null = null;
afterEach(async () => {
  await listener?.close();
  listener = null;
});

async function open(clock = new FakeClock(0), signal?: AbortSignal, target = redirectTarget({})): Promise<RedirectListener> {
  listener = await listenForRedirect({ target, timeoutMs: 300_000, setTimer: (fn, ms) => clock.setTimer(fn, ms), ...(signal === undefined ? {} : { signal }) });
  return listener;
}

/** A GET with a Host header of our choosing (fetch cannot set one). */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: target.port, path: `${target.pathname}${target.search}`, headers: host === undefined ? {} : { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('redirectTarget()', () => {
  it('is 127.0.0.1 on any free port at /callback by default, a fixed port, or exactly the URI given', () => {
    expect([redirectTarget({}), redirectTarget({ redirectPort: 8765 }), redirectTarget({ redirectUri: 'http://localhost:8765/oauth/done' })]).toEqual([
      { hostname: '127.0.0.1', port: 0, path: '/callback' },
      { hostname: '127.0.0.1', port: 8765, path: '/callback' },
      { hostname: 'localhost', port: 8765, path: '/oauth/done' },
    ]);
  });

  it("names localhost on any free port where the provider registers localhost redirects (Entra's)", () => {
    expect(redirectTarget({ redirectHost: 'localhost' })).toEqual({ hostname: 'localhost', port: 0, path: '/callback' });
  });
});

describe('a listener for a localhost redirect', () => {
  it('hands out a localhost URI while listening on 127.0.0.1 only', async () => {
    const l = await open(new FakeClock(0), undefined, redirectTarget({ redirectHost: 'localhost' }));
    try {
      const uri = new URL(l.redirectUri);
      const reached = await fetch(`http://127.0.0.1:${uri.port}/elsewhere`, { headers: { host: `localhost:${uri.port}` } });
      expect([uri.hostname, reached.status]).toEqual(['localhost', 404]);
    } finally {
      await l.close();
    }
  });
});

describe('listenForRedirect()', () => {
  it('listens on 127.0.0.1 on a free port and hands out the matching redirect URI', async () => {
    const l = await open();
    expect(l.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
  });

  it('answers the real callback with a page saying the tab can be closed, then stops listening', async () => {
    const l = await open();
    const result = l.wait(expectation);
    const page = await get(`${l.redirectUri}?code=c-1&state=the-state`);
    expect([page.status, page.body.includes('You can close this tab')]).toEqual([200, true]);
    expect(await result).toEqual({ ok: true, value: { code: 'c-1', iss: null } });
    await expect(get(`${l.redirectUri}?code=c-2&state=the-state`)).rejects.toThrow();
  });

  it('answers a forged callback 400 and keeps waiting for the real one', async () => {
    const l = await open();
    const result = l.wait(expectation);
    expect((await get(`${l.redirectUri}?code=evil&state=wrong`)).status).toBe(400);
    expect((await get(`${l.redirectUri}?code=evil`)).status).toBe(400);
    await get(`${l.redirectUri}?code=good&state=the-state`);
    expect(await result).toMatchObject({ ok: true, value: { code: 'good' } });
  });

  it('refuses a foreign Host (DNS rebinding) with 403 and keeps waiting', async () => {
    const l = await open();
    const result = l.wait(expectation);
    expect((await get(`${l.redirectUri}?code=c&state=the-state`, 'evil.example.test')).status).toBe(403);
    await get(`${l.redirectUri}?code=c-3&state=the-state`);
    expect(await result).toMatchObject({ ok: true, value: { code: 'c-3' } });
  });

  it('answers 404 elsewhere (a favicon) and keeps waiting', async () => {
    const l = await open();
    const result = l.wait(expectation);
    expect((await get(l.redirectUri.replace('/callback', '/favicon.ico'))).status).toBe(404);
    await get(`${l.redirectUri}?code=c-4&state=the-state`);
    expect((await result).ok).toBe(true);
  });

  it('ends the sign-in as refused on error=access_denied, with a page saying so', async () => {
    const l = await open();
    const result = l.wait(expectation);
    const page = await get(`${l.redirectUri}?error=access_denied&state=the-state`);
    expect([page.status, page.body.includes('not given access')]).toEqual([200, true]);
    expect(await result).toMatchObject({ ok: false, error: { code: 'access_denied' } });
  });

  it('ends as sign_in_timeout when the time runs out on the clock, and stops listening', async () => {
    const clock = new FakeClock(0);
    const l = await open(clock);
    const result = l.wait(expectation);
    await clock.advance(300_000);
    expect(await result).toMatchObject({ ok: false, error: { code: 'sign_in_timeout', kind: 'cancelled' } });
    await expect(get(l.redirectUri)).rejects.toThrow();
  });

  it('ends as cancelled when the sign-in is cancelled, and stops listening', async () => {
    const controller = new AbortController();
    const l = await open(new FakeClock(0), controller.signal);
    const result = l.wait(expectation);
    controller.abort();
    expect(await result).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    await expect(get(l.redirectUri)).rejects.toThrow();
  });

  it('refuses a callback that comes before the sign-in expects one', async () => {
    const l = await open();
    expect((await get(`${l.redirectUri}?code=c&state=the-state`)).status).toBe(400);
  });

  it('says invalid_config when a fixed port is taken', async () => {
    const first = await open();
    const port = Number(new URL(first.redirectUri).port);
    await expect(listenForRedirect({ target: { hostname: '127.0.0.1', port, path: '/callback' }, timeoutMs: 1000, setTimer: (fn, ms) => new FakeClock(0).setTimer(fn, ms) })).rejects.toMatchObject({
      code: 'invalid_config',
    });
  });
});
