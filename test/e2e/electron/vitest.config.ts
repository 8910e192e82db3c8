// Vitest for the Electron end-to-end test: the built app (out/) driven by playwright-core's _electron.
// Run after `npm run build`: npx vitest run -c test/e2e/electron/vitest.config.ts
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: resolve(import.meta.dirname, '../../..'),
  test: {
    include: ['test/e2e/electron/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
