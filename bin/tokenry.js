#!/usr/bin/env node
// The `tokenry` command: runs the built CLI (out/cli/tokenry.mjs, from `npm run build:cli`, `npm run build`
// or `npm test`), so that a call costs a Node start-up rather than a TypeScript compile. On a fresh clone
// it builds it first (one line on stderr says so); where esbuild is missing, it runs the sources through tsx.
// TOKENRY_FROM_SOURCE=1 always runs the sources (while changing them). See docs/technical/control-channel.md.
import { existsSync } from 'node:fs';

const built = new URL('../out/cli/tokenry.mjs', import.meta.url);
if (process.env.TOKENRY_FROM_SOURCE !== '1' && existsSync(built)) {
  await import(built.href);
} else {
  let ran = false;
  if (process.env.TOKENRY_FROM_SOURCE !== '1') {
    try {
      process.stderr.write('tokenry: building the command line once (out/cli), for fast start-ups from now on\n');
      const { buildCli } = await import('../scripts/build/build-cli.mjs');
      await buildCli({ quiet: true });
      await import(built.href);
      ran = true;
    } catch {
      process.stderr.write('tokenry: could not build out/cli; running from the TypeScript sources (slower)\n');
    }
  }
  if (!ran) {
    const { register } = await import('tsx/esm/api');
    register();
    await import('../electron/cli/run.ts');
  }
}
