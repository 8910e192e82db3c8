// Specifies the main side of the IPC contract: every channel handled, every sender checked, errors as values.

import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountState } from '../../../shared/account-state.js';
import type { SignInProgress } from '../../../shared/accounts.js';
import { CHANNELS, type Handlers } from '../../../shared/ipc.js';
import { ok } from '../../../shared/result.js';

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: vi.fn((channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) => handlers.set(channel, handler)),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  },
}));

const { FORBIDDEN_SENDER, isTrustedSender, registerIpc } = await import('../../../electron/main/ipc/typed-ipc-main.js');
type Contents = Parameters<typeof isTrustedSender>[1];

const RENDERER = { kind: 'app', dir: '/opt/Tokenry/resources/app.asar/out/renderer', url: 'app://tokenry/index.html' } as const;
const INDEX_URL = RENDERER.url;

function fakeContents() {
  return { isDestroyed: vi.fn(() => false), mainFrame: { processId: 7, routingId: 1 }, send: vi.fn() };
}

function frame(overrides: Partial<{ processId: number; routingId: number; parent: unknown; url: string }> = {}) {
  return { processId: 7, routingId: 1, parent: null, url: INDEX_URL, ...overrides };
}

function fakeCore() {
  const entries = Object.keys(CHANNELS).map((channel) => [channel, vi.fn(async (...args: unknown[]) => ok({ channel, args }))]);
  let stateListener: ((name: string, state: AccountState) => void) | null = null;
  let progressListener: ((name: string, progress: SignInProgress) => void) | null = null;
  const unsubscribe = vi.fn();
  const stopProgress = vi.fn();
  return {
    handlers: Object.fromEntries(entries) as unknown as Handlers,
    onState: vi.fn((listener: (name: string, state: AccountState) => void) => {
      stateListener = listener;
      return unsubscribe;
    }),
    onSignInProgress: vi.fn((listener: (name: string, progress: SignInProgress) => void) => {
      progressListener = listener;
      return stopProgress;
    }),
    emit: (name: string, state: AccountState) => stateListener?.(name, state),
    progress: (name: string, progress: SignInProgress) => progressListener?.(name, progress),
    unsubscribe,
    stopProgress,
  };
}

function setup() {
  const contents = fakeContents();
  const core = fakeCore();
  const onHandled = vi.fn();
  const dispose = registerIpc(core, { contents: () => contents as unknown as Contents, renderer: RENDERER, onHandled });
  const call = (channel: string, event: unknown, ...args: unknown[]) => {
    const handler = handlers.get(channel);
    if (handler === undefined) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  };
  return { contents, core, onHandled, dispose, call, trusted: { sender: contents, senderFrame: frame() } };
}

beforeEach(() => {
  handlers.clear();
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});

describe('registerIpc', () => {
  it('handles exactly the contract channels, and removes them again', () => {
    const { dispose, core } = setup();
    expect([...handlers.keys()].sort()).toEqual(Object.keys(CHANNELS).sort());
    dispose();
    expect(handlers.size).toBe(0);
    expect(core.unsubscribe).toHaveBeenCalled();
  });

  it('dispatches a trusted request with its validated arguments', async () => {
    const { call, trusted, onHandled } = setup();
    const response = await call('accounts:sign-in', trusted, 'work', { username: 'ada', password: 'pw' });
    expect(response).toEqual({ ok: true, value: { channel: 'accounts:sign-in', args: ['work', { username: 'ada', password: 'pw' }] } });
    expect(onHandled).toHaveBeenCalledWith('accounts:sign-in', response);
  });

  it('tells the window accounts:changed after a successful change, not after a read or a failure', async () => {
    const { call, trusted, contents, core } = setup();
    await call('accounts:list', trusted);
    expect(contents.send).not.toHaveBeenCalled();
    await call('accounts:remove', trusted, 'work');
    expect(contents.send).toHaveBeenCalledWith('accounts:changed', null);
    contents.send.mockClear();
    vi.mocked(core.handlers['accounts:refresh']).mockResolvedValueOnce({ ok: false, error: { code: 'x', kind: 'network', message: 'down' } });
    await call('accounts:refresh', trusted, 'work');
    expect(contents.send).not.toHaveBeenCalled();
  });

  it('answers bad arguments with an invalid_input value, never a throw', async () => {
    const { call, trusted, core } = setup();
    const response = (await call('accounts:remove', trusted, 42)) as { ok: boolean; error: { code: string; kind: string } };
    expect(response.ok).toBe(false);
    expect(response.error).toMatchObject({ code: 'invalid_arguments', kind: 'invalid_input' });
    expect(core.handlers['accounts:remove']).not.toHaveBeenCalled();
    expect(await call('accounts:add', trusted, { name: 'x', provider: 'oauth2', refreshToken: 'smuggled' })).toMatchObject({ ok: false });
  });

  it('turns a handler that throws into an internal error value that does not repeat what was thrown', async () => {
    const { call, trusted, core } = setup();
    vi.mocked(core.handlers['accounts:list']).mockRejectedValueOnce(new Error('disk on fire, token abc'));
    const response = await call('accounts:list', trusted);
    expect(response).toMatchObject({ ok: false, error: { code: 'internal_error', kind: 'internal' } });
    expect(JSON.stringify(response)).not.toContain('disk on fire');
  });

  it('turns a failed file write into a storage error naming its cause', async () => {
    const { call, trusted, core } = setup();
    vi.mocked(core.handlers['accounts:list']).mockRejectedValueOnce(Object.assign(new Error('no space left'), { code: 'ENOSPC' }));
    expect(await call('accounts:list', trusted)).toMatchObject({ ok: false, error: { code: 'storage_failed', kind: 'storage', message: expect.stringContaining('ENOSPC') } });
  });

  it('refuses senders that are not the window top frame showing the app page', async () => {
    const { call, contents, core } = setup();
    const forbidden = { ok: false, error: FORBIDDEN_SENDER };
    expect(FORBIDDEN_SENDER).toMatchObject({ code: 'forbidden_sender', kind: 'invalid_input' });
    const cases: Array<[string, unknown]> = [
      ['another webContents', { sender: fakeContents(), senderFrame: frame() }],
      ['no frame (disposed)', { sender: contents, senderFrame: null }],
      ['a subframe', { sender: contents, senderFrame: frame({ routingId: 9, parent: frame() }) }],
      ['a frame with a parent', { sender: contents, senderFrame: frame({ parent: frame() }) }],
      ['another process', { sender: contents, senderFrame: frame({ processId: 8 }) }],
      ['a remote page', { sender: contents, senderFrame: frame({ url: 'https://example.com/' }) }],
      ['another local file', { sender: contents, senderFrame: frame({ url: pathToFileURL('/tmp/evil.html').href }) }],
      ['a data: page', { sender: contents, senderFrame: frame({ url: 'data:text/html,hi' }) }],
      [
        'a frame whose url getter throws',
        {
          sender: contents,
          senderFrame: {
            ...frame(),
            get url(): string {
              throw new Error('Render frame was disposed');
            },
          },
        },
      ],
    ];
    for (const [label, event] of cases) {
      expect(await call('tokens:reveal', event, 'work'), label).toEqual(forbidden);
    }
    expect(core.handlers['tokens:reveal']).not.toHaveBeenCalled();
  });

  it('refuses every request once the window is destroyed', async () => {
    const { call, contents, trusted } = setup();
    contents.isDestroyed.mockReturnValue(true);
    expect(await call('accounts:list', trusted)).toEqual({ ok: false, error: FORBIDDEN_SENDER });
  });

  it('forwards account states to the window as accounts:state', () => {
    const { core, contents } = setup();
    core.emit('work', { kind: 'needs_sign_in', reason: 'Refresh token expired.' });
    expect(contents.send).toHaveBeenCalledWith('accounts:state', { name: 'work', state: { kind: 'needs_sign_in', reason: 'Refresh token expired.' } });
    contents.isDestroyed.mockReturnValue(true);
    core.emit('work', { kind: 'signed_out' });
    expect(contents.send).toHaveBeenCalledTimes(1);
  });

  it('forwards a waiting sign-in\'s progress as accounts:sign-in-progress, and stops on dispose', () => {
    const { core, contents, dispose } = setup();
    const progress: SignInProgress = { kind: 'browser', url: 'https://id.example.test/auth?state=s', opened: true, expiresAt: 1 };
    core.progress('work', progress);
    expect(contents.send).toHaveBeenCalledWith('accounts:sign-in-progress', { name: 'work', progress });
    dispose();
    expect(core.stopProgress).toHaveBeenCalled();
  });
});

describe('isTrustedSender', () => {
  it('needs a window', () => {
    const contents = fakeContents();
    expect(isTrustedSender({ sender: contents, senderFrame: frame() } as never, null, RENDERER)).toBe(false);
    expect(isTrustedSender({ sender: contents, senderFrame: frame() } as never, contents as unknown as Contents, RENDERER)).toBe(true);
  });

  it('accepts the dev server origin when the renderer comes from it', () => {
    const contents = fakeContents();
    const dev = { kind: 'dev-server', url: 'http://localhost:5173/' } as const;
    expect(isTrustedSender({ sender: contents, senderFrame: frame({ url: 'http://localhost:5173/#/x' }) } as never, contents as unknown as Contents, dev)).toBe(true);
    expect(isTrustedSender({ sender: contents, senderFrame: frame() } as never, contents as unknown as Contents, dev)).toBe(false);
  });
});
