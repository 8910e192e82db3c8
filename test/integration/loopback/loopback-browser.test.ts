// Web pages in a real Chromium cannot get a token: not by DNS rebinding onto our port, not cross-origin from another local server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorld, must, serve, type Served, type World } from './support.js';
import { launchChromium } from '../../e2e/helpers/browser.js';

/** What a page's script ended with: a status and body it could read, or the error fetch threw. */
interface PageOutcome {
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

describe('a headless Chromium page', () => {
  let world: World;
  let loopback: Served;
  let key: string;
  let browser: Browser;
  let page: Page;
  let other: Server;
  let otherPort: number;

  /** Runs fetch(url, init) in the page and reports what the page saw. */
  const fetchInPage = (url: string, init: { headers?: Record<string, string>; mode?: 'cors' | 'no-cors' } = {}): Promise<PageOutcome> =>
    page.evaluate(
      async ({ url, init }) => {
        try {
          const response = await fetch(url, init);
          return { status: response.status, body: await response.text() };
        } catch (error) {
          return { error: String(error) };
        }
      },
      { url, init },
    );

  const outcomes = async (outcome: string): Promise<number> =>
    // Refusals are counted per minute: a row stands for `count` requests.
    (await loopback.audit.readAudit({ limit: 1000 })).filter((e) => e.outcome === outcome).reduce((n, e) => n + (e.count ?? 1), 0);

  const sawToken = (o: PageOutcome): boolean => world.oauth.issued.accessTokens.some((t) => (o.body ?? '').includes(t));

  beforeAll(async () => {
    world = await makeWorld();
    loopback = await serve(world, { authRateLimit: { burst: 10_000, perSecond: 10_000 } });
    key = must(await loopback.clients.addClient('browser-victim', ['work'])).key;
    // Another local server, the kind any web page or dev server a person runs could be.
    other = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>other</title><p>other origin</p>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherPort = (other.address() as AddressInfo).port;
    browser = await launchChromium(['--host-resolver-rules=MAP evil.test 127.0.0.1']);
    page = await browser.newPage();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
    await loopback?.close();
    await world?.close();
  });

  describe('on a rebound name (http://evil.test:PORT resolving to 127.0.0.1)', () => {
    let before: number;
    let outcome: PageOutcome;
    beforeAll(async () => {
      before = await outcomes('forbidden_host');
      await page.goto(`http://evil.test:${loopback.server.port}/`);
      // Same origin as far as the browser knows: no CORS, no Origin header, even the key is known.
      outcome = await fetchInPage('/v1/accounts/work/token', { headers: { Authorization: `Bearer ${key}` } });
    });

    it('is refused by the server for its Host', async () => {
      expect(await outcomes('forbidden_host')).toBeGreaterThan(before);
    });

    it('reads a 403', () => {
      expect(outcome.status).toBe(403);
    });

    it('sees no token', () => {
      expect(sawToken(outcome)).toBe(false);
    });
  });

  describe('on another local origin (http://127.0.0.1:OTHER)', () => {
    let before: number;
    let beforeBrowser: number;
    let results: PageOutcome[];
    beforeAll(async () => {
      before = await outcomes('forbidden_origin');
      beforeBrowser = await outcomes('forbidden_browser');
      await page.goto(`http://127.0.0.1:${otherPort}/`);
      const target = `http://127.0.0.1:${loopback.server.port}/v1/accounts/work/token`;
      results = [
        // With the key: a CORS preflight first.
        await fetchInPage(target, { headers: { Authorization: `Bearer ${key}` } }),
        // A simple CORS GET, and an opaque no-cors one.
        await fetchInPage(target),
        await fetchInPage(target, { mode: 'no-cors' }),
        await fetchInPage(`http://localhost:${loopback.server.port}/v1/accounts`, { headers: { Authorization: `Bearer ${key}` } }),
      ];
    });

    it('is refused by the server for its Origin', async () => {
      expect(await outcomes('forbidden_origin')).toBeGreaterThan(before);
    });

    it('is refused for its fetch metadata when no-cors leaves Origin out', async () => {
      expect(await outcomes('forbidden_browser')).toBeGreaterThan(beforeBrowser);
    });

    it('reads nothing from any of its attempts', () => {
      expect(results.filter((r) => r.body !== undefined && r.body !== '')).toEqual([]);
    });

    it('sees no token', () => {
      expect(results.some(sawToken)).toBe(false);
    });
  });
});
