// The main side of the IPC contract (shared/ipc.ts): one ipcMain.handle per channel, every sender checked,
// every argument validated by dispatch(), every failure a value. The only file of main that touches ipcMain.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { AccountState } from '../../../shared/account-state.js';
import type { SignInProgress } from '../../../shared/accounts.js';
import type { ErrorValue } from '../../../shared/errors.js';
import { CHANGES_ACCOUNTS, CHANNELS, type Channel, type EventChannel, type EventPayload, type Handlers } from '../../../shared/ipc.js';
import { err, type Result } from '../../../shared/result.js';
import { answerRequest } from '../../core/bridge/handlers.js';
import { silentLogger, type Logger } from '../../core/log/logger.js';
import { isAllowedSender, type RendererLocation } from '../renderer-location.js';

/** The answer to a request from anything but the app window's own top frame. */
export const FORBIDDEN_SENDER: ErrorValue = Object.freeze({
  code: 'forbidden_sender',
  kind: 'invalid_input',
  message: "This request did not come from Tokenry's own window.",
});

/** What the IPC layer needs of the core (AppCore has it). */
export interface IpcCore {
  readonly handlers: Handlers;
  readonly log?: Logger;
  onState(listener: (name: string, state: AccountState) => void): () => void;
  /** A browser or device sign-in waits for the person: forwarded as `accounts:sign-in-progress`. */
  onSignInProgress?(listener: (name: string, progress: SignInProgress) => void): () => void;
}

export interface IpcOptions {
  /** The app window's webContents: the only one allowed to call (null while there is no window). */
  readonly contents: () => WebContents | null;
  /** Where the app's page comes from; a frame showing anything else is refused. */
  readonly renderer: RendererLocation;
  /** Told after each answered request (the shell rebuilds the tray after account changes). */
  readonly onHandled?: (channel: Channel, response: Result<unknown, ErrorValue>) => void;
  /** Told the account whose token the window copied (the tray lists it as recently used). */
  readonly onCopied?: (name: string) => void;
}

type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/**
 * Whether a request comes from the app window's top frame while it shows the app's own page:
 * not another window, not a subframe, not a page the window was somehow navigated to.
 */
export function isTrustedSender(event: SenderEvent, contents: WebContents | null, renderer: RendererLocation): boolean {
  if (contents === null || contents.isDestroyed() || event.sender !== contents) return false;
  try {
    const frame = event.senderFrame;
    if (frame === null || frame.parent !== null) return false;
    const top = contents.mainFrame;
    if (frame.processId !== top.processId || frame.routingId !== top.routingId) return false;
    return isAllowedSender(frame.url, renderer);
  } catch {
    // The frame was disposed (navigated away or closed) while the request was in flight.
    return false;
  }
}

/** Answers one request: sender check, then the contract's validation and handler. Never throws. */
export async function answer(
  core: Pick<IpcCore, 'handlers' | 'log'>,
  options: Pick<IpcOptions, 'contents' | 'renderer'>,
  channel: Channel,
  event: SenderEvent,
  args: unknown[],
): Promise<Result<unknown, ErrorValue>> {
  const log = core.log ?? silentLogger;
  if (!isTrustedSender(event, options.contents(), options.renderer)) {
    log.warn('refused a request from an untrusted sender', { channel });
    return err(FORBIDDEN_SENDER);
  }
  return answerRequest(core.handlers, channel, args, log);
}

/** Sends a contract event to the window, if it is still there. */
export function sendEvent<E extends EventChannel>(contents: WebContents | null, event: E, payload: EventPayload<E>): void {
  if (contents === null || contents.isDestroyed()) return;
  contents.send(event, payload);
}

/**
 * Registers a handler for every channel of the contract, forwards the core's account states as
 * `accounts:state` and announces `accounts:changed` after a successful change. Returns a
 * function that removes them all again.
 */
export function registerIpc(core: IpcCore, options: IpcOptions): () => void {
  const channels = Object.keys(CHANNELS) as Channel[];
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, ...args: unknown[]) => {
      const response = await answer(core, options, channel, event, args);
      if (response.ok && CHANGES_ACCOUNTS.has(channel)) sendEvent(options.contents(), 'accounts:changed', null);
      if (response.ok && channel === 'tokens:copy' && typeof args[0] === 'string') options.onCopied?.(args[0]);
      try {
        options.onHandled?.(channel, response);
      } catch (error) {
        (core.log ?? silentLogger).error('after-request hook failed', { channel, cause: error });
      }
      return response;
    });
  }
  const stopStates = core.onState((name, state) => sendEvent(options.contents(), 'accounts:state', { name, state }));
  const stopProgress = core.onSignInProgress?.((name, progress) => sendEvent(options.contents(), 'accounts:sign-in-progress', { name, progress })) ?? (() => undefined);
  return () => {
    stopStates();
    stopProgress();
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
