// Window hardening: isolated, sandboxed renderer; no navigation, no new windows, links only to an allow-list;
// a strict CSP sent as a response header; every permission denied.
import type { Session, WebContents, WebPreferences } from 'electron';

export const WINDOW_WEB_PREFERENCES: WebPreferences = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  spellcheck: false,
  navigateOnDragDrop: false,
  safeDialogs: true,
};

/** The events and methods of a WebContents that the hardening uses (a fake in unit tests). */
export type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Refuses every navigation, redirect, webview and window.open. A link the person follows (a
 * click or window.open) is offered to `openExternal`, which decides whether the system browser
 * may open it; the window itself never leaves the app's page.
 */
export function hardenContents(contents: HardenableContents, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    // Not emitted for the app's own loadFile/loadURL: this is a link or script in the page.
    if (event.isMainFrame) openExternal(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
}

/** The parts of a Session the hardening configures. */
export type HardenableSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler' | 'setDisplayMediaRequestHandler'
> & {
  readonly webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/** Headers after the app's CSP is set; any Content-Security-Policy the response carried is replaced. */
export function withCspHeader(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const next: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') next[name] = value;
  }
  next['Content-Security-Policy'] = [csp];
  return next;
}

/**
 * Denies every permission (camera, notifications from the page, clipboard reads, HID, screen
 * capture...) and sets `csp` as a response header on everything the session loads, on top of
 * the page's own meta tag.
 */
export function hardenSession(session: HardenableSession, csp: string): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback(null));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) });
  });
}
