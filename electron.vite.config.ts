// electron-vite: builds the main process, the preload bridge and the Vue renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  main: {
    build: { externalizeDeps: true, rollupOptions: { input: { index: resolve(import.meta.dirname, 'electron/main/index.ts') } } },
  },
  preload: {
    // A sandboxed preload can require only 'electron': bundle everything else (zod, the contract) into it.
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        // Sandboxed preloads cannot load ES modules: emit one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [vue()],
    build: { minify: true, rollupOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } } },
  },
});
