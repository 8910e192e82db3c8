// window.tokenry: the one bridge the renderer talks to (Electron's preload or the web harness's bridge).
import type { TokenryBridge } from '../../shared/ipc.js';

declare global {
  interface Window {
    readonly tokenry: TokenryBridge;
    /** Set by the renderer benchmark (before the app loads) to record tick timings and render counts. */
    __TOKENRY_PERF__?: boolean;
  }
}

export {};
