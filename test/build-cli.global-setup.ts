// Vitest global setup: builds the `tokenry` command (out/cli) once before the tests, so that tests spawning
// bin/tokenry.js run the current sources, exactly as shipped.
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';

export default async function setup(): Promise<void> {
  const script = join(resolve(import.meta.dirname, '..'), 'scripts', 'build', 'build-cli.mjs');
  const { buildCli } = (await import(pathToFileURL(script).href)) as { buildCli: (options: { quiet: boolean }) => Promise<string> };
  await buildCli({ quiet: true });
}
