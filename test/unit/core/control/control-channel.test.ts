// Specifies the owner's control channel: where it listens and who may talk to it, the handshake, the
// contract's requests answered by the IPC handlers, events to subscribers, queueing, draining, closing.
import { existsSync } from 'node:fs';
import { chmod, lstat, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../../../electron/core/bridge/app-core.js';
import { createCoreEvents } from '../../../../electron/core/bridge/core-events.js';
import { connectControl } from '../../../../electron/core/control/control-client.js';
import { CONTROL_INFO_FILE, CONTROL_SOCKET_FILE, readControlInfo } from '../../../../electron/core/control/control-files.js';
import { encodeMessage, handshakeProof, newNonce } from '../../../../electron/core/control/control-protocol.js';
import { startControlServer } from '../../../../electron/core/control/control-server.js';
import { silentLogger } from '../../../../electron/core/log/logger.js';
import { acquireLock } from '../../../../electron/core/vault/lock.js';
import type { Handlers } from '../../../../shared/ipc.js';
import { deferred } from '../../../fixtures/deferred.js';
import { APPLIXURE_DEFAULTS, startApplixure } from '../../../fixtures/emulators/index.js';
import { makeTempDir, testPassphrase } from '../vault/vault-test-helpers.js';

let dataDir: string;
let cleanup: () => Promise<void>;
let core: AppCore | undefined;
beforeEach(async () => ({ dir: dataDir, cleanup } = await makeTempDir('tokenry-control-')));
afterEach(async () => {
  await core?.close();
  core = undefined;
  await cleanup();
});

const open = async (control: { lasting: boolean } = { lasting: true }): Promise<AppCore> =>
  (core = await openAppCore({ dataDir, protector: testPassphrase(), purpose: 'control test', copyToClipboard: async () => null, loopbackPort: null, log: silentLogger, control }));

const newAccount = { name: 'crm', provider: 'applixure', overrides: { baseUrl: 'https://api.example.test' }, clientId: 'id', clientSecret: 'secret-canary' };

describe('the control channel of an owner', () => {
  it('listens on a 0600 socket in the data directory, announced in a 0600 control.json', async () => {
    await open();
    const socket = await lstat(join(dataDir, CONTROL_SOCKET_FILE));
    const info = await lstat(join(dataDir, CONTROL_INFO_FILE));
    expect([socket.isSocket(), socket.mode & 0o777, info.mode & 0o777]).toEqual([true, 0o600, 0o600]);
    expect(readControlInfo(dataDir)).toMatchObject({ path: join(dataDir, CONTROL_SOCKET_FILE), pid: process.pid });
  });

  it('tells a client who owns the directory and whether it lasts', async () => {
    await open({ lasting: false });
    const connection = await connectControl(dataDir);
    expect(connection?.owner).toEqual({ pid: process.pid, purpose: 'control test', lasting: false });
    connection?.close();
  });

  it('answers the contract with the IPC handlers: an account added through it is listed by the owner', async () => {
    const owner = await open();
    const connection = (await connectControl(dataDir))!;
    const added = await connection.call('accounts:add', [newAccount]);
    expect(added).toMatchObject({ ok: true, value: { name: 'crm', hasClientSecret: true } });
    expect(owner.service.accounts().map((a) => a.name)).toEqual(['crm']);
    expect(await connection.call('accounts:get', ['crm'])).toMatchObject({ ok: true, value: { name: 'crm' } });
    connection.close();
  });

  it('validates arguments like IPC: a bad one is an invalid_input error value', async () => {
    await open();
    const connection = (await connectControl(dataDir))!;
    expect(await connection.call('tokens:get', ['crm', { minValidSeconds: -1 }])).toMatchObject({ ok: false, error: { kind: 'invalid_input', code: 'invalid_arguments' } });
    expect(await connection.call('no:such-channel', [])).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    connection.close();
  });

  it('forwards the events a client subscribed to (accounts:changed after a change made through it)', async () => {
    await open();
    const listener = (await connectControl(dataDir))!;
    const changed = deferred<string>();
    listener.subscribe(['accounts:changed', 'not:an-event'], (event) => changed.resolve(event));
    // The subscription is in place once a call on the same connection has been answered.
    await listener.call('accounts:list', []);
    const writer = (await connectControl(dataDir))!;
    await writer.call('accounts:add', [newAccount]);
    expect(await changed.promise).toBe('accounts:changed');
    listener.close();
    writer.close();
  });

  it('ends a connection that does not prove it can read control.json, answering nothing', async () => {
    await open();
    const socket = connect({ path: join(dataDir, CONTROL_SOCKET_FILE) });
    const lines = createInterface({ input: socket });
    const received: string[] = [];
    lines.on('line', (line) => {
      received.push(line);
      const welcome = JSON.parse(line) as { t: string; nonce: string };
      if (welcome.t !== 'welcome') return;
      const wrongKey = Buffer.alloc(32, 7).toString('base64url');
      socket.write(encodeMessage({ t: 'hello', v: 1, nonce: newNonce(), proof: handshakeProof(wrongKey, 'client', welcome.nonce) }));
      socket.write(encodeMessage({ t: 'call', id: 1, channel: 'accounts:list', args: [] }));
    });
    await new Promise((resolve) => socket.on('close', resolve));
    expect(received.map((line) => (JSON.parse(line) as { t: string }).t)).toEqual(['welcome']);
  });

  it('is not used when its socket is not private to this user', async () => {
    await open();
    await chmod(join(dataDir, CONTROL_SOCKET_FILE), 0o666);
    await expect(connectControl(dataDir)).rejects.toMatchObject({ code: 'not_private' });
  });

  it('refuses an impostor on the socket: one that cannot prove it read control.json learns nothing', async () => {
    const owner = await open();
    await owner.control!.close();
    const path = join(dataDir, CONTROL_SOCKET_FILE);
    // A process listens where the owner did and keeps control.json as it was (it cannot read the key).
    await writeFile(join(dataDir, CONTROL_INFO_FILE), JSON.stringify({ version: 1, path, pid: process.pid, key: newNonce() }), { mode: 0o600 });
    const heard: string[] = [];
    const impostor = createServer((socket) => {
      createInterface({ input: socket }).on('line', (line) => {
        heard.push((JSON.parse(line) as { t: string }).t);
        socket.write(encodeMessage({ t: 'ready', proof: newNonce(), owner: { pid: 1, purpose: 'impostor', lasting: true } }));
      });
      socket.write(encodeMessage({ t: 'welcome', v: 1, nonce: newNonce() }));
    });
    await new Promise<void>((resolve) => impostor.listen(path, resolve));
    await chmod(path, 0o600);
    try {
      await expect(connectControl(dataDir)).rejects.toMatchObject({ code: 'handshake_failed' });
      expect(heard).toEqual(['hello']);
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });

  it('removes its socket and control.json on close; no owner is found afterwards', async () => {
    const owner = await open();
    await owner.close();
    core = undefined;
    expect([existsSync(join(dataDir, CONTROL_SOCKET_FILE)), existsSync(join(dataDir, CONTROL_INFO_FILE))]).toEqual([false, false]);
    expect(await connectControl(dataDir)).toBeNull();
  });

  it('finds no owner behind a dead owner’s leftovers, and the next owner replaces them', async () => {
    await writeFile(join(dataDir, CONTROL_INFO_FILE), JSON.stringify({ version: 1, path: join(dataDir, CONTROL_SOCKET_FILE), pid: 999_999, key: newNonce() }), { mode: 0o600 });
    expect(await connectControl(dataDir)).toBeNull();
    await open();
    const connection = await connectControl(dataDir);
    expect(connection?.owner.pid).toBe(process.pid);
    connection?.close();
  });
});

describe('a client that goes away', () => {
  it('stops the sign-in it started in the owner (Ctrl-C, a killed command)', async () => {
    const emulator = await startApplixure();
    const gate = deferred<void>();
    emulator.knobs.hold = gate.promise;
    try {
      const owner = await open();
      const added = await owner.service.addAccount({ name: 'metrics', provider: 'applixure', overrides: { baseUrl: emulator.baseUrl }, clientId: APPLIXURE_DEFAULTS.clientId, clientSecret: APPLIXURE_DEFAULTS.clientSecret });
      expect(added.ok).toBe(true);
      const cancelled = new Promise<string>((resolve) =>
        owner.onState((name, state) => {
          if (state.kind === 'error') resolve(`${name} ${state.error.code}`);
        }),
      );
      const connection = (await connectControl(dataDir))!;
      const signIn = connection.call('accounts:sign-in', ['metrics', {}]);
      await emulator.arrived(1);
      connection.close();
      await expect(signIn).rejects.toMatchObject({ code: 'closed' });
      expect(await cancelled).toBe('metrics cancelled');
    } finally {
      gate.resolve();
      await emulator.close();
    }
  });
});

describe('startControlServer()', () => {
  it('queues requests until the owner is open, then answers them', async () => {
    const lock = await acquireLock(dataDir, { purpose: 'queue test' });
    const handlers = deferred<Handlers>();
    const server = await startControlServer({ dataDir, handlers: handlers.promise, owner: { purpose: 'queue test', lasting: false } });
    try {
      const connection = (await connectControl(dataDir))!;
      const answered = connection.call('accounts:list', []);
      handlers.resolve({ 'accounts:list': async () => ({ ok: true, value: [] }) } as unknown as Handlers);
      expect(await answered).toEqual({ ok: true, value: [] });
      connection.close();
    } finally {
      await server.close();
      await lock.release();
    }
  });

  it('sends queued requests back as owner_unavailable when the owner could not open', async () => {
    const handlers = deferred<Handlers>();
    const server = await startControlServer({ dataDir, handlers: handlers.promise, owner: { purpose: 'failing owner', lasting: false } });
    const connection = (await connectControl(dataDir))!;
    const answered = connection.call('accounts:list', []);
    handlers.reject(new Error('wrong passphrase'));
    expect(await answered).toMatchObject({ ok: false, error: { code: 'owner_unavailable' } });
    connection.close();
    await server.close();
  });

  it('closeWhenIdle() serves every open connection first, then stops', async () => {
    const server = await startControlServer({
      dataDir,
      handlers: { 'accounts:list': async () => ({ ok: true, value: [] }) } as unknown as Handlers,
      owner: { purpose: 'one shot', lasting: false },
      events: createCoreEvents(),
    });
    const connection = (await connectControl(dataDir))!;
    const closed = server.closeWhenIdle();
    expect(await connection.call('accounts:list', [])).toEqual({ ok: true, value: [] });
    expect(server.connections()).toBe(1);
    connection.close();
    await closed;
    expect(await connectControl(dataDir)).toBeNull();
  });
});
