// Preload: exposes the narrow window.tokenry bridge to the isolated renderer.
import { contextBridge } from 'electron';

contextBridge.exposeInMainWorld('tokenry', Object.freeze({ platform: process.platform }));
