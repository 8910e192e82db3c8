// Vitest: unit, integration and browser (Playwright in Chromium) tests under plain Node; the Electron test skips without its binary.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 90_000,
    pool: 'forks',
    // Tests spawn bin/tokenry.js, which runs the built command: build it from the current sources first.
    globalSetup: ['test/build-cli.global-setup.ts'],
    reporters: ['default'],
    // electron-store imports electron: inlined so that unit tests' vi.mock('electron') reaches it.
    server: { deps: { inline: ['electron-store'] } },
  },
});
