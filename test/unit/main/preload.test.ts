// Specifies the preload: window.tokenry is createBridge over the contract's channels and events, and nothing more.

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_METHODS, type TokenryBridge } from '../../../shared/ipc.js';

const exposed = new Map<string, unknown>();
const listeners = new Map<string, Set<(event: unknown, payload: unknown) => void>>();
const ipcRenderer = {
  invoke: vi.fn(async (..._args: unknown[]): Promise<unknown> => ({ ok: true, value: [] })),
  on: vi.fn((channel: string, listener: (event: unknown, payload: unknown) => void) => {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
    return ipcRenderer;
  }),
  removeListener: vi.fn((channel: string, listener: (event: unknown, payload: unknown) => void) => {
    listeners.get(channel)?.delete(listener);
    return ipcRenderer;
  }),
};
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: vi.fn((key: string, api: unknown) => exposed.set(key, api)) },
  ipcRenderer,
}));

await import('../../../electron/preload/index.js');
const { invoke, subscribe } = await import('../../../electron/preload/typed-ipc-renderer.js');
const bridge = exposed.get('tokenry') as TokenryBridge;

const emit = (channel: string, payload: unknown) => {
  for (const listener of listeners.get(channel) ?? []) listener({ sender: ipcRenderer, senderId: 0 }, payload);
};

beforeEach(() => {
  ipcRenderer.invoke.mockClear();
});

describe('window.tokenry', () => {
  it('is the only thing exposed, a frozen bridge of the contract methods (no ipcRenderer, no Node)', () => {
    expect([...exposed.keys()]).toEqual(['tokenry']);
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.keys(bridge).sort()).toEqual([...Object.keys(BRIDGE_METHODS), 'onAccountState', 'onAccountsChanged', 'onAuditAppended', 'onSignInProgress'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
    expect(Object.values(bridge)).not.toContain(ipcRenderer);
  });

  it('invokes each method on its contract channel with its arguments spread', async () => {
    await bridge.accounts();
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('accounts:list');
    await bridge.signIn('work', { username: 'ada', password: 'pw' });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('accounts:sign-in', 'work', { username: 'ada', password: 'pw' });
    await bridge.addClient('ci', ['work', 'home']);
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('clients:add', 'ci', ['work', 'home']);
    for (const [method, channel] of Object.entries(BRIDGE_METHODS)) {
      await (bridge[method as keyof typeof BRIDGE_METHODS] as (...a: unknown[]) => Promise<unknown>)('x');
      expect(ipcRenderer.invoke).toHaveBeenLastCalledWith(channel, 'x');
    }
  });

  it('returns what main answers, and a transport failure as an error value', async () => {
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: 'forbidden_sender', kind: 'invalid_input', message: 'no' } });
    expect(await bridge.vaultStatus()).toEqual({ ok: false, error: { code: 'forbidden_sender', kind: 'invalid_input', message: 'no' } });
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'vault:status'"));
    expect(await bridge.vaultStatus()).toEqual({ ok: false, error: { code: 'ipc_failed', kind: 'unavailable', message: "No handler registered for 'vault:status'" } });
  });

  it('delivers valid account states without the IPC event, drops malformed ones, and unsubscribes', () => {
    const received: unknown[] = [];
    const stop = bridge.onAccountState((event) => received.push(event));
    emit('accounts:state', { name: 'work', state: { kind: 'valid', expiresAt: 1 } });
    emit('accounts:state', { name: 'work', state: { kind: 'hacked' } });
    emit('accounts:state', 'garbage');
    expect(received).toEqual([{ name: 'work', state: { kind: 'valid', expiresAt: 1 } }]);
    stop();
    expect(listeners.get('accounts:state')?.size).toBe(0);
    emit('accounts:state', { name: 'work', state: { kind: 'signed_out' } });
    expect(received).toHaveLength(1);
  });

  it('delivers pushed audit rows and drops malformed ones', () => {
    const received: unknown[] = [];
    const stop = bridge.onAuditAppended((rows) => received.push(rows));
    const row = { time: 1, client: 'ci', account: 'work', outcome: 'ok', status: 200 };
    emit('audit:appended', [row]);
    emit('audit:appended', [{ time: 'yesterday' }]);
    expect(received).toEqual([[row]]);
    stop();
  });

  it('calls accounts-changed listeners with no argument', () => {
    const listener = vi.fn();
    const stop = bridge.onAccountsChanged(listener);
    emit('accounts:changed', null);
    expect(listener).toHaveBeenCalledWith();
    stop();
  });
});

describe('typed-ipc-renderer', () => {
  it('refuses channels and events outside the contract', async () => {
    expect(await invoke('shell:open' as never, [])).toEqual({ ok: false, error: { code: 'unknown_channel', kind: 'invalid_input', message: 'Unknown request.' } });
    expect(ipcRenderer.invoke).not.toHaveBeenCalled();
    const before = ipcRenderer.on.mock.calls.length;
    const stop = subscribe('ELECTRON_BROWSER_REQUIRE' as never, () => undefined);
    expect(ipcRenderer.on.mock.calls.length).toBe(before);
    stop();
  });
});
