// window.tokenry for the web harness: the same bridge as Electron's preload (built by createBridgeWith
// from the one contract), over a WebSocket to the harness instead of IPC.
//
// This script runs before the app and blocks the page while it does, so it leaves zod out (shared/
// bridge.ts, not shared/ipc.ts): the harness checks every event against the contract before sending
// it on this authenticated socket. And it opens the socket, and asks for the account list, at once,
// while the app still loads.
//
// The harness hands out a per-run secret in the URL fragment (#k=...). Fragments never reach a
// server or a Referer; this script takes it, keeps it for the tab (sessionStorage, so a reload
// works), drops it from the address bar, and sends it as the first message on every connection.
import { createBridgeWith, type EventCheck, type TokenryBridge } from '../../shared/bridge.js';
import type { Channel, EventChannel, EventPayload } from '../../shared/ipc.js';
import type { ErrorValue } from '../../shared/errors.js';
import type { Result } from '../../shared/result.js';

type Response = Result<unknown, ErrorValue>;

interface ServerMessage {
  readonly type?: unknown;
  readonly id?: unknown;
  readonly response?: unknown;
  readonly event?: unknown;
  readonly payload?: unknown;
}

const SECRET_KEY = 'tokenry-harness-key';
const RECONNECT_MS = 1000;

const failure = (code: string, kind: ErrorValue['kind'], message: string): { ok: false; error: ErrorValue } => ({
  ok: false,
  error: { code, kind, message },
});
const UNREACHABLE = failure('harness_unreachable', 'network', 'Lost the connection to the Tokenry web harness. Is it still running?');
const REFUSED = failure(
  'harness_refused',
  'config',
  'The web harness refused this page: open the exact address it printed (the part after #k= is the key).',
);

function takeSecret(): string | null {
  const match = /^#(?:.*&)?k=([^&]+)/.exec(location.hash);
  if (match?.[1] !== undefined) {
    const secret = decodeURIComponent(match[1]);
    sessionStorage.setItem(SECRET_KEY, secret);
    history.replaceState(null, '', `${location.pathname}${location.search}`);
    return secret;
  }
  return sessionStorage.getItem(SECRET_KEY);
}

class HarnessConnection {
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket | Response> | null = null;
  private readonly pending = new Map<number, (response: Response) => void>();
  private readonly listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  private nextId = 1;
  private refused = false;
  private everConnected = false;

  constructor(private readonly secret: string | null) {}

  /** The account list asked for at connection, for the app's first accounts() call (see warmUp). */
  private early: { readonly answer: Promise<Response>; stale: boolean } | null = null;

  /**
   * Opens the socket now and asks for the account list at once, while the app's code still loads:
   * the app's first accounts() call then takes that answer instead of waiting a round trip after it
   * has booted. Should an account event arrive before the app asks (it subscribes first, so later
   * events reach it), the early answer may be older than the event and is dropped for a fresh call.
   */
  warmUp(): void {
    this.early = { answer: this.send('accounts:list', []), stale: false };
  }

  invoke = async (channel: Channel, args: unknown[]): Promise<Response> => {
    if (channel === 'accounts:list' && this.early !== null) {
      const early = this.early;
      this.early = null;
      if (!early.stale) return early.answer;
    }
    return this.send(channel, args);
  };

  private send = async (channel: Channel, args: unknown[]): Promise<Response> => {
    const socket = await this.connect();
    if (!(socket instanceof WebSocket)) return socket;
    const id = this.nextId++;
    return new Promise<Response>((resolve) => {
      this.pending.set(id, resolve);
      socket.send(JSON.stringify({ type: 'call', id, channel, args }));
    });
  };

  subscribe = (event: EventChannel, listener: (payload: unknown) => void): (() => void) => {
    let set = this.listeners.get(event);
    if (set === undefined) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    void this.connect();
    return () => set.delete(listener);
  };

  private connect(): Promise<WebSocket | Response> {
    if (this.refused || this.secret === null) return Promise.resolve(REFUSED);
    if (this.socket !== null && this.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    this.opening ??= new Promise((resolve) => {
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const socket = new WebSocket(`${scheme}://${location.host}/ipc`);
      let ready = false;
      // Calls follow the hello at once, without waiting for `ready`: the harness reads a socket's
      // messages in order, so they arrive authenticated (or are refused with it), a round trip sooner.
      socket.addEventListener('open', () => {
        socket.send(JSON.stringify({ type: 'hello', secret: this.secret }));
        this.socket = socket;
        this.opening = null;
        resolve(socket);
      });
      socket.addEventListener('message', (message: MessageEvent<unknown>) => {
        if (typeof message.data !== 'string') return;
        let data: ServerMessage;
        try {
          data = JSON.parse(message.data) as ServerMessage;
        } catch {
          return;
        }
        if (data.type === 'ready') {
          ready = true;
          const reconnected = this.everConnected;
          this.everConnected = true;
          // Events may have been missed while disconnected: have the app reload what it shows.
          if (reconnected) this.emit('accounts:changed', null);
        } else if (data.type === 'result' && typeof data.id === 'number') {
          const done = this.pending.get(data.id);
          this.pending.delete(data.id);
          done?.(data.response as Response);
        } else if (data.type === 'event' && typeof data.event === 'string') {
          this.emit(data.event as EventChannel, data.payload);
        }
      });
      socket.addEventListener('close', (event: CloseEvent) => {
        if (event.code === 4401) this.refused = true;
        this.socket = null;
        this.opening = null;
        for (const done of this.pending.values()) done(this.refused ? REFUSED : UNREACHABLE);
        this.pending.clear();
        if (!ready) resolve(this.refused ? REFUSED : UNREACHABLE);
        // Keep events flowing: reconnect while someone listens (unless the key was refused).
        if (!this.refused && this.everConnected && this.listeners.size > 0) setTimeout(() => void this.connect(), RECONNECT_MS);
      });
    });
    return this.opening;
  }

  private emit(event: EventChannel, payload: unknown): void {
    if (this.early !== null && (event === 'accounts:state' || event === 'accounts:changed')) this.early.stale = true;
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}

/**
 * Copying cannot go through `tokens:copy` here: the harness's core runs in another process with no
 * access to this browser's clipboard. So the page reveals the token and writes it itself, then
 * clears it after the configured time if the clipboard still holds it (when the page may read it).
 */
function copyInPage(base: TokenryBridge): TokenryBridge['copyToken'] {
  return async (name) => {
    const token = await base.revealToken(name);
    if (!token.ok) return token;
    const text = token.value.access_token;
    try {
      await navigator.clipboard.writeText(text);
    } catch (error) {
      return failure('clipboard_unavailable', 'config', `The browser refused to write to the clipboard (${error instanceof Error ? error.message : 'denied'}).`);
    }
    const settings = await base.settings();
    const seconds = settings.ok ? settings.value.clipboardClearSeconds : 0;
    if (seconds === 0) return { ok: true, value: { clearsAt: null } };
    setTimeout(() => {
      navigator.clipboard
        .readText()
        .then((current) => (current === text ? navigator.clipboard.writeText('') : undefined))
        .catch(() => undefined);
    }, seconds * 1000);
    return { ok: true, value: { clearsAt: Date.now() + seconds * 1000 } };
  };
}

/** The harness validated each event against the contract before sending it (see the header). */
const trustHarness: EventCheck = <E extends EventChannel>(_event: E, payload: unknown) => ({ ok: true, value: payload as EventPayload<E> });

const connection = new HarnessConnection(takeSecret());
connection.warmUp();
const base = createBridgeWith(connection.invoke, connection.subscribe, trustHarness);
const bridge: TokenryBridge = Object.freeze({ ...base, copyToken: copyInPage(base) });
Object.defineProperty(window, 'tokenry', { value: bridge, enumerable: true });
