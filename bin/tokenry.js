#!/usr/bin/env node
// The `tokenry` command: runs the TypeScript CLI through tsx, so it works straight after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/main.ts');
const code = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdinIsTTY: process.stdin.isTTY === true,
});
process.exitCode = code;
