// Specifies the loopback host, the one way the app, `tokenry serve` and the web harness run the provider:
// serving on the port asked for, moving and stopping on request, announced in loopback.json, audit rows in the contract's shape.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRows, openLoopbackHost, readAudit, readLoopbackInfo, wantedPort, type LoopbackHost } from '../../../../electron/core/loopback/index.js';
import type { LoopbackTokenSource } from '../../../../electron/core/loopback/loopback-server.js';

describe('wantedPort()', () => {
  it('serves on the configured port while enabled, on none while disabled, and a fixed port wins', () => {
    expect(wantedPort({ loopbackEnabled: true, loopbackPort: 27813 })).toBe(27813);
    expect(wantedPort({ loopbackEnabled: false, loopbackPort: 27813 })).toBeNull();
    expect(wantedPort({ loopbackEnabled: false, loopbackPort: 27813 }, 0)).toBe(0);
    expect(wantedPort({ loopbackEnabled: true, loopbackPort: 27813 }, null)).toBeNull();
  });
});

describe('auditRows()', () => {
  it('turns ISO times into epoch milliseconds and drops the route', () => {
    expect(auditRows([{ time: '2024-01-02T03:04:05.000Z', client: 'ci', account: 'work', route: 'token', status: 200, outcome: 'ok' }])).toEqual([
      { time: Date.UTC(2024, 0, 2, 3, 4, 5), client: 'ci', account: 'work', outcome: 'ok', status: 200 },
    ]);
  });
});

describe('openLoopbackHost()', () => {
  let dataDir: string;
  let host: LoopbackHost | undefined;
  const service: LoopbackTokenSource = {
    accounts: () => [],
    token: async () => ({ ok: false, error: { code: 'not_found', kind: 'not_found', message: 'no' } }),
  };

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tokenry-loopback-'));
  });

  afterEach(async () => {
    await host?.close();
    host = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves nothing until asked; then on 127.0.0.1, announced, answering unauthenticated requests with 401 and auditing them', async () => {
    host = await openLoopbackHost({ dataDir, service });
    expect(host.url()).toBeNull();
    expect((await host.serve(0)).ok).toBe(true);
    const url = host.url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await readLoopbackInfo(dataDir)).toEqual({ url, pid: process.pid });
    expect((await fetch(`${url}/v1/accounts`)).status).toBe(401);
    expect((await host.audit.read(10))[0]).toMatchObject({ client: null, outcome: 'missing_client_key ×1 in that minute from 127.0.0.1', status: 401 });
    await host.close();
    expect(host.url()).toBeNull();
    expect(await readLoopbackInfo(dataDir)).toBeNull();
    expect((await readAudit(dataDir, { limit: 10 }))[0]).toMatchObject({ outcome: 'missing_client_key' });
  });

  it('stops on serve(null), keeps a server asked for the same port, and starts again when asked', async () => {
    host = await openLoopbackHost({ dataDir, service });
    await host.serve(0);
    const server = host.server();
    await host.serve(0);
    expect(host.server()).toBe(server);
    await host.serve(null);
    expect(host.url()).toBeNull();
    expect(await readLoopbackInfo(dataDir)).toBeNull();
    await host.serve(0);
    expect(host.url()).not.toBeNull();
  });

  it('reports a port in use as an error value and keeps running without a server', async () => {
    host = await openLoopbackHost({ dataDir, service });
    await host.serve(0);
    const port = Number(new URL(host.url() ?? '').port);
    const otherDir = await mkdtemp(join(tmpdir(), 'tokenry-loopback-'));
    const second = await openLoopbackHost({ dataDir: otherDir, service });
    try {
      const result = await second.serve(port);
      expect(result.ok ? null : result.error.code).toBe('port_in_use');
      expect(second.url()).toBeNull();
    } finally {
      await second.close();
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

describe('auditRows()', () => {
  it('says how many refusals a counted row stands for, and from where', () => {
    const time = '2026-01-01T00:00:30.000Z';
    expect(
      auditRows([
        { time, client: 'ci', account: 'work', route: 'token', status: 200, outcome: 'ok' },
        { time, client: null, account: null, route: 'token', status: 401, outcome: 'invalid_client_key', count: 412, source: '127.0.0.5' },
        { time, client: null, account: null, route: 'other', status: 401, outcome: 'invalid_client_key', count: 9, source: '*' },
      ]).map((r) => r.outcome),
    ).toEqual(['ok', 'invalid_client_key ×412 in that minute from 127.0.0.5', 'invalid_client_key ×9 in that minute from other addresses']);
  });
});
