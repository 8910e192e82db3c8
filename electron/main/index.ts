// Electron main process: the thin shell that owns the window; all behaviour lives in electron/core.
import { join } from 'node:path';
import { app, BrowserWindow, session, shell } from 'electron';
import { hardenContents, WINDOW_WEB_PREFERENCES } from './window-security.js';

const ALLOWED_EXTERNAL = ['https://github.com/', 'https://datatracker.ietf.org/'];

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 720,
    show: false,
    title: 'Tokenry',
    webPreferences: { ...WINDOW_WEB_PREFERENCES, preload: join(import.meta.dirname, '../preload/index.cjs') },
  });
  hardenContents(window.webContents, (url) => {
    if (ALLOWED_EXTERNAL.some((prefix) => url.startsWith(prefix))) void shell.openExternal(url);
  });
  window.once('ready-to-show', () => window.show());
  const devUrl = process.env['ELECTRON_RENDERER_URL'];
  if (!app.isPackaged && devUrl) void window.loadURL(devUrl);
  else void window.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return window;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  void app.whenReady().then(() => {
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
