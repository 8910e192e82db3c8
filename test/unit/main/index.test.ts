// Specifies the shell's start and quit against a fake Electron (the real binary is not needed): the core opened
// over TOKENRY_DATA_DIR/TOKENRY_PASSPHRASE, the hardened session and window, typed IPC with sender checks, the
// tray, the loopback provider following the settings, and a quit that releases the data directory.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openSettings } from '../../../electron/core/settings/settings-store.js';
import { passphraseProtector, TEST_SCRYPT } from '../../../electron/core/vault/protectors/passphrase.js';
import { makeDataDir } from '../../fixtures/data-dir.js';

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  const appListeners = new Map<string, Listener[]>();
  const ipc = new Map<string, Listener>();
  const windows: Array<Record<string, unknown>> = [];
  const protocolHandlers = new Map<string, (request: { url: string }) => Promise<Response>>();
  const trays: Array<{ menu: { template: Array<{ label?: string }> } | null; tooltip: string; destroyed: boolean }> = [];
  const sessionCalls: Record<string, unknown> = {};
  let exitCode: number | null = null;
  let onExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (onExit = resolve));
  // The tray is the last thing start() creates: once it exists, the shell has started.
  let onStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (onStarted = resolve));
  let nextId = 1;

  class BrowserWindow {
    static getAllWindows = () => windows.filter((w) => !(w['destroyed'] as boolean));
    readonly options: Record<string, unknown>;
    readonly webContents: Record<string, unknown>;
    destroyed = false;
    loadedUrl: string | null = null;
    constructor(options: Record<string, unknown>) {
      const id = nextId++;
      this.options = options;
      this.webContents = {
        id,
        mainFrame: { processId: id, routingId: 1 },
        on: () => undefined,
        setWindowOpenHandler: () => undefined,
        send: vi.fn(),
        isDestroyed: () => this.destroyed,
      };
      windows.push(this as unknown as Record<string, unknown>);
    }
    loadFile = vi.fn(async () => undefined);
    loadURL = vi.fn(async (url: string) => {
      this.loadedUrl = url;
    });
    once = () => this;
    on = () => this;
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    isMinimized = () => false;
    isVisible = () => true;
    isDestroyed = () => this.destroyed;
    destroy = () => {
      this.destroyed = true;
    };
  }

  class Tray {
    menu: { template: Array<{ label?: string }> } | null = null;
    tooltip = '';
    destroyed = false;
    constructor() {
      trays.push(this);
      onStarted();
    }
    setContextMenu(menu: { template: Array<{ label?: string }> }) {
      this.menu = menu;
    }
    setToolTip(text: string) {
      this.tooltip = text;
    }
    on() {}
    popUpContextMenu() {}
    isDestroyed() {
      return this.destroyed;
    }
    destroy() {
      this.destroyed = true;
    }
  }

  const electron = {
    app: {
      isPackaged: false,
      setPath: vi.fn(),
      getPath: () => tmpdir(),
      getVersion: () => '0.1.0',
      enableSandbox: vi.fn(),
      requestSingleInstanceLock: vi.fn(() => true),
      on: (name: string, listener: Listener) => appListeners.set(name, [...(appListeners.get(name) ?? []), listener]),
      whenReady: () => Promise.resolve(),
      quit: vi.fn(() => {
        const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
        for (const listener of appListeners.get('before-quit') ?? []) listener(event);
      }),
      exit: vi.fn((code: number) => {
        exitCode = code;
        onExit(code);
      }),
    },
    BrowserWindow,
    Tray,
    Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu: vi.fn() },
    nativeImage: {
      createEmpty: () => ({ addRepresentation: () => undefined, setTemplateImage: () => undefined }),
      createFromDataURL: () => ({}),
    },
    Notification: class {
      static isSupported = () => false;
    },
    clipboard: { readText: async () => '', writeText: async () => undefined, clear: () => undefined },
    dialog: { showErrorBox: vi.fn() },
    powerMonitor: { on: vi.fn(), removeListener: vi.fn() },
    shell: { openExternal: vi.fn() },
    safeStorage: {
      isAsyncEncryptionAvailable: vi.fn(async () => true),
      getSelectedStorageBackend: vi.fn(() => 'basic_text'),
      encryptStringAsync: vi.fn(),
      decryptStringAsync: vi.fn(),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: unknown) => (sessionCalls['request'] = h),
        setPermissionCheckHandler: (h: unknown) => (sessionCalls['check'] = h),
        setDevicePermissionHandler: (h: unknown) => (sessionCalls['device'] = h),
        setDisplayMediaRequestHandler: (h: unknown) => (sessionCalls['display'] = h),
        webRequest: { onHeadersReceived: (h: unknown) => (sessionCalls['headers'] = h) },
      },
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn(),
      handle: vi.fn((scheme: string, handler: (request: { url: string }) => Promise<Response>) => protocolHandlers.set(scheme, handler)),
    },
    ipcMain: {
      on: vi.fn(),
      handle: (channel: string, handler: Listener) => ipc.set(channel, handler),
      removeHandler: (channel: string) => ipc.delete(channel),
    },
  };
  return { electron, ipc, windows, trays, sessionCalls, exited, started, exitCode: () => exitCode, appListeners, protocolHandlers };
});

// electron-store (through the app's store opener) imports electron's default export.
vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

let dataDir: string;
const saved = { dir: process.env['TOKENRY_DATA_DIR'], pass: process.env['TOKENRY_PASSPHRASE'], url: process.env['ELECTRON_RENDERER_URL'] };

/**
 * A port for the app's loopback provider. The settings take a fixed port (not 0), so the test
 * asks for one that was free and, should another process take it first, simply asks again.
 */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Window = {
  options: { webPreferences: Record<string, unknown> };
  webContents: { id: number; mainFrame: { processId: number; routingId: number } };
  loadedUrl: string | null;
  loadFile: (...args: unknown[]) => unknown;
};

const mainWindow = () => fake.windows[0] as unknown as Window;
const trusted = () => {
  const window = mainWindow();
  return { sender: window.webContents, senderFrame: { ...window.webContents.mainFrame, parent: null, url: window.loadedUrl ?? '' } };
};
const call = (channel: string, event: unknown, ...args: unknown[]) => fake.ipc.get(channel)!(event, ...args) as Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tokenry-shell-'));
  // The provider starts disabled here; a test turns it on through the settings channel.
  const made = await makeDataDir(dataDir, passphraseProtector('shell test passphrase', { scrypt: TEST_SCRYPT }));
  const settings = await openSettings(dataDir, made.openStore);
  await settings.set({ ...settings.get(), loopbackEnabled: false });
  await made.vault.close();
  process.env['TOKENRY_DATA_DIR'] = dataDir;
  process.env['TOKENRY_PASSPHRASE'] = 'shell test passphrase';
  delete process.env['ELECTRON_RENDERER_URL'];
  await import('../../../electron/main/index.js');
  await fake.started;
  expect(fake.ipc.size).toBeGreaterThan(0);
});

afterAll(async () => {
  if (fake.exitCode() === null) fake.electron.app.quit();
  await fake.exited;
  for (const [key, value] of [['TOKENRY_DATA_DIR', saved.dir], ['TOKENRY_PASSPHRASE', saved.pass], ['ELECTRON_RENDERER_URL', saved.url]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Electron shell', () => {
  it('keeps Chromium profile and single-instance lock with the data, sandboxes every renderer', () => {
    expect(fake.electron.app.setPath).toHaveBeenCalledWith('userData', dataDir);
    expect(fake.electron.app.enableSandbox).toHaveBeenCalled();
    expect(fake.electron.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect([...fake.appListeners.keys()]).toEqual(expect.arrayContaining(['second-instance', 'web-contents-created', 'window-all-closed', 'before-quit']));
  });

  it('hardens the session before any page loads: permissions denied, CSP header', () => {
    expect(Object.keys(fake.sessionCalls).sort()).toEqual(['check', 'device', 'display', 'headers', 'request']);
    const headers = vi.fn();
    (fake.sessionCalls['headers'] as (d: unknown, cb: (r: unknown) => void) => void)({ responseHeaders: {} }, headers);
    const csp = (headers.mock.calls[0]![0] as { responseHeaders: Record<string, string[]> }).responseHeaders['Content-Security-Policy']![0]!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('opens one isolated, sandboxed window with the CommonJS preload and the built page', () => {
    expect(fake.windows).toHaveLength(1);
    const window = mainWindow();
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String(window.options.webPreferences['preload'])).toMatch(/preload[\\/]index\.cjs$/);
    expect(window.loadedUrl).toBe('app://tokenry/index.html');
    expect(window.loadFile).not.toHaveBeenCalled();
  });

  it('serves the page from its own app:// scheme, registered as privileged, never from file:// (issue 12, item 7)', async () => {
    expect(fake.electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([{ scheme: 'app', privileges: { standard: true, secure: true, codeCache: true } }]);
    const handler = fake.protocolHandlers.get('app');
    expect(handler).toBeDefined();
    for (const url of ['app://tokenry/../main/index.js', 'app://tokenry/%2e%2e%2fmain%2findex.js', 'app://other/index.html']) {
      expect((await handler!({ url })).status, url).toBe(404);
    }
  });

  it('answers the window over the typed IPC, with the vault protected by TOKENRY_PASSPHRASE', async () => {
    expect(await call('vault:status', trusted())).toEqual({ ok: true, value: { protectors: ['passphrase'], warning: null, osStore: null } });
    expect(await call('accounts:list', trusted())).toEqual({ ok: true, value: [] });
    expect(fake.electron.safeStorage.isAsyncEncryptionAvailable).not.toHaveBeenCalled();
  });

  it('refuses a sender that is not the window top frame showing the app', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const event = { ...trusted(), senderFrame: { ...trusted().senderFrame, url: 'https://example.com/' } };
    expect(await call('accounts:list', event)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });

  it('shows the accounts in the tray', () => {
    expect(fake.trays[0]!.menu?.template[0]).toEqual({ label: 'No accounts yet', enabled: false });
    expect(fake.trays[0]!.tooltip).toBe('Tokenry: 0 accounts');
  });

  it('starts the loopback provider when the settings enable it, and announces it', async () => {
    let port = 0;
    for (let attempt = 0; attempt < 5 && !existsSync(join(dataDir, 'loopback.json')); attempt++) {
      port = await freePort();
      expect(await call('settings:set', trusted(), { loopbackEnabled: true, loopbackPort: port })).toMatchObject({ ok: true });
    }
    expect(existsSync(join(dataDir, 'loopback.json'))).toBe(true);
    const response = await fetch(`http://127.0.0.1:${port}/v1/accounts`);
    expect(response.status).toBe(401);
  });

  it('on quit closes everything and releases the data directory', async () => {
    fake.electron.app.quit();
    expect(await fake.exited).toBe(0);
    expect(existsSync(join(dataDir, 'loopback.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'tokenry.lock'))).toBe(false);
    expect(fake.trays[0]!.destroyed).toBe(true);
    expect(fake.ipc.size).toBe(0);
  });
});
