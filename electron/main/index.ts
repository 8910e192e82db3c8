// Electron main process: the thin shell that owns the window, the tray and the vault's OS protection;
// all behaviour lives in electron/core (opened through openAppCore) and the small modules beside this one.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, clipboard, dialog, Menu, nativeImage, powerMonitor, protocol, session, shell, type NativeImage } from 'electron';
import type { AppCore } from '../core/bridge/app-core.js';
import { resolveDataDir } from '../core/vault/data-dir.js';
import { isWebUrl } from '../core/flows/web-url.js';
import { createTokenClipboard } from './clipboard.js';
import { keyIconDataUrl } from './icon.js';
import { CHANGES_ACCOUNTS } from '../../shared/ipc.js';
import { registerIpc, sendEvent } from './ipc/typed-ipc-main.js';
import { forwardAuditRows } from '../core/loopback/audit-events.js';
import { openElectronStore } from './electron-stores.js';
import { copyNotice, createSignInNotifier, loopbackSignInNotice, showNotice } from './notifications.js';
import { allowArguments, askForAccess } from './access-requests.js';
import { openCoreForApp } from './open-core.js';
import { createPassphrasePrompt } from './passphrase-window.js';
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appFileFor,
  appResponseHeaders,
  contentSecurityPolicy,
  isAllowedExternalUrl,
  rendererLocation,
  type RendererLocation,
} from './renderer-location.js';
import { createRecentList, createTray, type TokenryTray } from './tray.js';
import { hardenContents, hardenSession, WINDOW_WEB_PREFERENCES } from './window-security.js';

/** TOKENRY_DATA_DIR (tests, headless use, several profiles), else the app's user-data folder. */
const dataDir = resolveDataDir(undefined, process.env);
// Chromium's profile and the single-instance lock live with the data: one app per data directory.
app.setPath('userData', dataDir);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();
// The app's own scheme (app://tokenry/), standard and secure like https; registered before the app is ready.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);

const tokens = createTokenClipboard(clipboard);
/** Accounts copied lately, for the tray's "Recently used" when there are too many to list. */
const recent = createRecentList();
let core: AppCore | null = null;
let tray: TokenryTray | null = null;
let mainWindow: BrowserWindow | null = null;
let renderer: RendererLocation | null = null;
const cleanups: Array<() => void> = [];
let exitCode = 0;

function appIcon(): NativeImage {
  return nativeImage.createFromDataURL(keyIconDataUrl(256, 'app'));
}

function openExternalIfAllowed(url: string): void {
  if (isAllowedExternalUrl(url)) void shell.openExternal(url);
}

/** The browser sign-in's opener: any http(s) page (the provider's authorization or verification page), nothing else. */
async function openSignInPage(url: string): Promise<void> {
  if (!isWebUrl(url)) throw new Error('Only http(s) addresses are opened in the browser.');
  await shell.openExternal(url);
}

function createWindow(location: RendererLocation): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Tokenry',
    ...(process.platform === 'linux' ? { icon: appIcon() } : {}),
    webPreferences: { ...WINDOW_WEB_PREFERENCES, preload: join(import.meta.dirname, '../preload/index.cjs') },
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(location.url);
  return window;
}

/** Brings the window up, creating it again if it was closed (the app lives on in the tray). */
function showWindow(): void {
  if (core === null || renderer === null) return;
  if (mainWindow === null || mainWindow.isDestroyed()) {
    mainWindow = createWindow(renderer);
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

/** macOS needs an Edit menu for copy and paste in text fields; elsewhere a packaged app shows none. */
function setApplicationMenu(): void {
  if (process.platform === 'darwin') {
    Menu.setApplicationMenu(Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]));
  } else if (app.isPackaged) {
    Menu.setApplicationMenu(null);
  }
}

async function copyFromTray(name: string): Promise<void> {
  if (core === null) return;
  // The core renews the token first when it would expire within 60 s (service.token with minValidSeconds 60),
  // then copies it; the clipboard is cleared after settings.clipboardClearSeconds if it still holds it.
  const response = await core.handlers['tokens:copy'](name);
  if (response.ok) {
    recent.touch(name);
    tray?.refresh();
  }
  showNotice(copyNotice(name, response, Date.now()), showWindow);
}

async function start(): Promise<void> {
  const location = rendererLocation({ devUrl: process.env['ELECTRON_RENDERER_URL'], isPackaged: app.isPackaged, mainDir: import.meta.dirname });
  renderer = location;
  const csp = contentSecurityPolicy(location);
  hardenSession(session.defaultSession, csp);
  if (location.kind === 'app') {
    // The built renderer's files, and nothing else; each answer carries the window's CSP itself.
    const dir = location.dir;
    protocol.handle(APP_SCHEME, async (request) => {
      const file = appFileFor(request.url, dir);
      const body = file === null ? null : await readFile(file).catch(() => null);
      if (file === null || body === null) return new Response(null, { status: 404 });
      return new Response(body, { status: 200, headers: appResponseHeaders(file, csp) });
    });
  }
  setApplicationMenu();

  const prompt = createPassphrasePrompt(appIcon());
  const loopbackProblem = (message: string): void =>
    showNotice({ title: 'The token endpoint for scripts did not start', body: `${message} Choose another port in Settings.` }, showWindow);
  let opened: AppCore | null;
  try {
    opened = await openCoreForApp({
      dataDir,
      env: process.env,
      platform: process.platform,
      askPassphrase: prompt.ask,
      core: {
        copyToClipboard: (token, clearAfterSeconds) => tokens.copy(token, clearAfterSeconds),
        openStore: openElectronStore,
        // The core starts the loopback provider on the configured port and follows settings changes.
        onNeedsSignIn: (name) => showNotice(loopbackSignInNotice(name), showWindow),
        // A program asked for an account outside its key's list: the person allows it once, always, or not.
        onAccessRequested: (client, account) =>
          askForAccess(client, account, process.platform, (answer) => {
            const args = allowArguments(client, account, answer);
            if (args !== null) void core?.handlers['clients:allow'](...args);
          }),
        onLoopbackProblem: (error) => loopbackProblem(error.message),
        // Pinned accounts live in the settings: the tray follows them.
        onSettingsChanged: () => tray?.refresh(),
        // Browser sign-in (authorization code + PKCE) opens the system browser, never a window of ours (RFC 8252 §8.12).
        openExternal: openSignInPage,
        // Another process took the data directory: nothing more can be saved, so say so and stop.
        onLockLost: (error) => {
          dialog.showErrorBox('Tokenry stopped', `${error.message}.`);
          exitCode = 1;
          app.quit();
        },
      },
    });
  } catch (error) {
    prompt.close();
    throw error;
  }
  if (opened === null) {
    prompt.close();
    app.quit();
    return;
  }
  const ready = opened;
  core = ready;
  // Timers stand still while the machine sleeps: on waking, renew what fell due meanwhile.
  const onResume = (): void => ready.service.resume();
  powerMonitor.on('resume', onResume);
  cleanups.push(() => powerMonitor.removeListener('resume', onResume));

  cleanups.push(
    registerIpc(ready, {
      contents: () => (mainWindow === null || mainWindow.isDestroyed() ? null : mainWindow.webContents),
      renderer: location,
      onHandled: (channel, response) => {
        if (response.ok && CHANGES_ACCOUNTS.has(channel)) tray?.refresh();
      },
      // A token copied in the window counts as recently used in the tray too.
      onCopied: (name) => {
        recent.touch(name);
        tray?.refresh();
      },
    }),
  );
  mainWindow = createWindow(location);
  prompt.close();

  // Loopback requests reach the window as they happen (batched), so its audit log is live.
  const auditToWindow = forwardAuditRows((rows) => sendEvent(mainWindow === null || mainWindow.isDestroyed() ? null : mainWindow.webContents, 'audit:appended', rows));
  const stopAudit = ready.loopback.auditLog.onAppend((entry) => auditToWindow.add(entry));
  cleanups.push(() => {
    stopAudit();
    auditToWindow.close();
  });

  // Changes made by `tokenry` commands through the control channel reach the window and the tray too.
  cleanups.push(
    ready.events.on('accounts:changed', () => {
      tray?.refresh();
      sendEvent(mainWindow === null || mainWindow.isDestroyed() ? null : mainWindow.webContents, 'accounts:changed', null);
    }),
  );

  const notifySignIn = createSignInNotifier(ready.service.accounts(), (_name, notice) => showNotice(notice, showWindow));
  cleanups.push(
    ready.onState((name, state) => {
      tray?.refresh();
      notifySignIn(name, state);
    }),
  );
  tray = createTray(
    () => ready.service.accounts(),
    {
      copy: (name) => void copyFromTray(name),
      open: () => showWindow(),
      quit: () => app.quit(),
    },
    process.platform,
    () => ({ pinned: ready.settings.get().pinnedAccounts ?? [], recent: recent.names() }),
  );
}

/** Closes everything that holds the data directory; bounded, so that quitting never hangs. */
async function shutdown(): Promise<void> {
  tray?.destroy();
  tray = null;
  for (const cleanup of cleanups.splice(0)) cleanup();
  const closing = (async () => {
    await tokens.clearNow();
    await core?.close();
    core = null;
  })();
  await Promise.race([
    closing.catch((error: unknown) => core?.log.error('closing failed', { cause: error })),
    new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
  ]);
}

function fatal(error: unknown): void {
  console.error('Tokenry could not start:', error);
  dialog.showErrorBox('Tokenry could not start', error instanceof Error ? error.message : String(error));
  exitCode = 1;
  app.quit();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  // Every web contents (the window, the passphrase prompt, anything else): no navigation, no new windows.
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, openExternalIfAllowed));
  app.on('activate', () => showWindow());
  // With a tray the app keeps serving tokens after its window closes; Quit is in the tray menu.
  app.on('window-all-closed', () => {
    // While starting, start() decides (a cancelled passphrase prompt quits; a failure quits through fatal()).
    if (core === null) return;
    if (tray !== null || process.platform === 'darwin') return;
    app.quit();
  });
  let shuttingDown = false;
  app.on('before-quit', (event) => {
    event.preventDefault();
    if (shuttingDown) return;
    shuttingDown = true;
    void shutdown().finally(() => app.exit(exitCode));
  });
  app.whenReady().then(start).catch(fatal);
}
