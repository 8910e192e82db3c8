// The project's Vitest configuration narrowed to one mutation area's tests (stryker/areas.mjs).
import { defineConfig, type ViteUserConfig } from 'vitest/config';
import projectConfig from '../../vitest.config.js';
import { AREAS } from '../areas.mjs';

export function areaVitestConfig(area: string): ViteUserConfig {
  const definition = AREAS[area];
  if (definition === undefined) throw new Error(`Unknown mutation area "${area}"`);
  const { tests, exclude = [] } = definition;
  return defineConfig({
    ...projectConfig,
    // Paths in areas.mjs are relative to the project root, not to this folder.
    root: new URL('../../', import.meta.url).pathname,
    test: {
      ...projectConfig.test,
      include: tests,
      exclude: ['**/node_modules/**', ...exclude],
      // A mutant that makes a test hang fails it in seconds rather than waiting out Stryker's timeout, which
      // restarts the worker; these tests take milliseconds each.
      testTimeout: 5_000,
      hookTimeout: 20_000,
    },
  });
}
