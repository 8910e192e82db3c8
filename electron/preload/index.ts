// Preload: exposes the narrow window.tokenry bridge (shared/ipc.ts's createBridge) to the isolated renderer.
// Built as one CommonJS file (out/preload/index.cjs) because the window is sandboxed.
import { contextBridge } from 'electron';
import { createBridge } from '../../shared/ipc.js';
import { invoke, subscribe } from './typed-ipc-renderer.js';

contextBridge.exposeInMainWorld('tokenry', createBridge(invoke, subscribe));
