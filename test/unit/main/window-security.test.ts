// Specifies the window hardening: web preferences, refused navigation and windows, the CSP header, denied permissions.

import { describe, expect, it, vi } from 'vitest';
import {
  hardenContents,
  hardenSession,
  withCspHeader,
  WINDOW_WEB_PREFERENCES,
  type HardenableContents,
  type HardenableSession,
} from '../../../electron/main/window-security.js';

type Listener = (event: { preventDefault(): void; url?: string; isMainFrame?: boolean }) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((details: { url: string }) => { action: string }) | null = null;
  const contents = {
    on: (name: string, listener: Listener) => {
      listeners.set(name, listener);
      return contents;
    },
    setWindowOpenHandler: (handler: (details: { url: string }) => { action: string }) => {
      openHandler = handler;
    },
  };
  const fire = (name: string, extra: { url?: string; isMainFrame?: boolean } = {}) => {
    const event = { preventDefault: vi.fn(), ...extra };
    const listener = listeners.get(name);
    if (listener === undefined) throw new Error(`no ${name} listener`);
    listener(event);
    return event;
  };
  return { contents: contents as unknown as HardenableContents, fire, open: (url: string) => openHandler?.({ url }) };
}

describe('WINDOW_WEB_PREFERENCES', () => {
  it('isolates and sandboxes the renderer, without Node anywhere', () => {
    expect(WINDOW_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('hardenContents', () => {
  it('prevents every navigation and offers followed links to the external opener', () => {
    const { contents, fire } = fakeContents();
    const openExternal = vi.fn();
    hardenContents(contents, openExternal);
    const event = fire('will-navigate', { url: 'https://github.com/tokenry', isMainFrame: true });
    expect(event.preventDefault).toHaveBeenCalled();
    expect(openExternal).toHaveBeenCalledWith('https://github.com/tokenry');
  });

  it('prevents frame navigations, redirects and webviews', () => {
    const { contents, fire } = fakeContents();
    hardenContents(contents, vi.fn());
    for (const name of ['will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      expect(fire(name, { url: 'http://127.0.0.1:9/' }).preventDefault, name).toHaveBeenCalled();
    }
  });

  it('denies window.open and hands the URL to the external opener (which decides)', () => {
    const { contents, open } = fakeContents();
    const openExternal = vi.fn();
    hardenContents(contents, openExternal);
    expect(open('http://127.0.0.1:9/')).toEqual({ action: 'deny' });
    expect(openExternal).toHaveBeenCalledWith('http://127.0.0.1:9/');
  });
});

describe('withCspHeader', () => {
  it('sets the policy and replaces any the response carried, whatever its case', () => {
    expect(withCspHeader({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] }, "default-src 'none'")).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': ["default-src 'none'"],
    });
    expect(withCspHeader(undefined, "default-src 'none'")).toEqual({ 'Content-Security-Policy': ["default-src 'none'"] });
  });
});

describe('hardenSession', () => {
  it('denies every permission request and check, and sends the CSP on every response', () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const session = {
      setPermissionRequestHandler: (h: never) => (handlers['request'] = h),
      setPermissionCheckHandler: (h: never) => (handlers['check'] = h),
      setDevicePermissionHandler: (h: never) => (handlers['device'] = h),
      setDisplayMediaRequestHandler: (h: never) => (handlers['display'] = h),
      webRequest: { onHeadersReceived: (h: never) => (handlers['headers'] = h) },
    } as unknown as HardenableSession;
    hardenSession(session, "default-src 'none'");

    const request = handlers['request'] as unknown as (c: unknown, p: string, cb: (granted: boolean) => void) => void;
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      const callback = vi.fn();
      request({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
    }
    expect((handlers['check'] as unknown as () => boolean)()).toBe(false);
    expect((handlers['device'] as unknown as () => boolean)()).toBe(false);
    const display = vi.fn();
    (handlers['display'] as unknown as (r: unknown, cb: (s: unknown) => void) => void)({}, display);
    expect(display).toHaveBeenCalledWith(null);

    const headers = vi.fn();
    (handlers['headers'] as unknown as (d: unknown, cb: (r: unknown) => void) => void)({ responseHeaders: { 'Content-Security-Policy': ['x'] } }, headers);
    expect(headers).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': ["default-src 'none'"] } });
  });
});
