// Specifies the app's loopback wiring: started with the app on the configured port, following the settings,
// announced in loopback.json, audit rows in the contract's shape.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClientStore, readLoopbackInfo } from '../../../../electron/core/loopback/index.js';
import type { Settings } from '../../../../electron/core/settings/settings-store.js';
import { auditRows, fileAuditApi, loopbackChange, startLoopback } from '../../../../electron/core/loopback/loopback-runner.js';

describe('loopbackChange', () => {
  it('starts, stops, moves or keeps the provider as the settings ask', () => {
    expect(loopbackChange(null, { loopbackEnabled: true, loopbackPort: 27813 })).toBe('start');
    expect(loopbackChange(27813, { loopbackEnabled: true, loopbackPort: 27813 })).toBe('keep');
    expect(loopbackChange(27813, { loopbackEnabled: true, loopbackPort: 27814 })).toBe('restart');
    expect(loopbackChange(27813, { loopbackEnabled: false, loopbackPort: 27813 })).toBe('stop');
    expect(loopbackChange(null, { loopbackEnabled: false, loopbackPort: 27813 })).toBe('keep');
  });
});

describe('auditRows', () => {
  it('turns ISO times into epoch milliseconds and drops the route', () => {
    expect(auditRows([{ time: '2024-01-02T03:04:05.000Z', client: 'ci', account: 'work', route: 'token', status: 200, outcome: 'ok' }])).toEqual([
      { time: Date.UTC(2024, 0, 2, 3, 4, 5), client: 'ci', account: 'work', outcome: 'ok', status: 200 },
    ]);
  });
});

describe('startLoopback', () => {
  let dataDir: string;
  let clients: ClientStore;
  let settings: Settings;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tokenry-loopback-'));
    clients = await ClientStore.open(dataDir);
    // Port 0 (any free port) is what tests use; the settings schema itself allows 1024 and up.
    settings = { leadSeconds: 300, clipboardClearSeconds: 30, loopbackPort: 0, loopbackEnabled: true };
  });

  afterEach(async () => {
    await clients.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const core = () => ({
    dataDir,
    clients,
    settings: { get: () => settings } as never,
    service: { accounts: () => [], token: async () => ({ ok: false as const, error: { code: 'not_found', kind: 'not_found' as const, message: 'no' } }) } as never,
  });

  it('serves on 127.0.0.1, announces itself, answers unauthenticated requests with 401 and audits them', async () => {
    const loopback = await startLoopback(core());
    const url = loopback.url();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await readLoopbackInfo(dataDir)).toEqual({ url, pid: process.pid });
    const response = await fetch(`${url}/v1/accounts`);
    expect(response.status).toBe(401);
    const rows = await loopback.audit.read(10);
    expect(rows[0]).toMatchObject({ client: null, outcome: 'missing_client_key', status: 401 });
    await loopback.close();
    expect(loopback.url()).toBeNull();
    expect(await readLoopbackInfo(dataDir)).toBeNull();
    expect((await fileAuditApi(dataDir).read(10))[0]).toMatchObject({ outcome: 'missing_client_key' });
  });

  it('stops when disabled and starts again when enabled', async () => {
    const loopback = await startLoopback(core());
    await loopback.apply({ ...settings, loopbackEnabled: false });
    expect(loopback.url()).toBeNull();
    expect(await readLoopbackInfo(dataDir)).toBeNull();
    await loopback.apply({ ...settings, loopbackEnabled: true });
    expect(loopback.url()).not.toBeNull();
    await loopback.close();
  });

  it('reports a port in use and keeps the app running without the provider', async () => {
    const first = await startLoopback(core());
    const port = Number(new URL(first.url()!).port);
    settings = { ...settings, loopbackPort: port };
    const onProblem = vi.fn();
    const second = await startLoopback(core(), { onProblem });
    expect(second.url()).toBeNull();
    expect(onProblem).toHaveBeenCalledWith(expect.objectContaining({ code: 'port_in_use' }));
    await second.close();
    await first.close();
  });
});
