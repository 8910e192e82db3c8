// `npm run demo`: every command it prints works, as printed, against the emulators it started, through the
// web harness that owns the throwaway data directory; stopping it removes that directory.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsFor, shellQuote, startDemo, type Demo } from '../../../scripts/demo/demo.js';
import { BIN, REPO_ROOT } from '../cli/cli-harness.js';

let demo: Demo;
let rendererDir: string;

beforeAll(async () => {
  // The page itself is the browser tests' business: any index.html will do for the harness here.
  rendererDir = await mkdtemp(join(tmpdir(), 'tokenry-demo-page-'));
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Tokenry</title>');
  demo = await startDemo({ port: 0, rendererDir });
}, 60_000);

afterAll(async () => {
  await demo?.close();
  await rm(rendererDir, { recursive: true, force: true });
});

/** The environment the demo tells the person to export, read from what it prints. */
function exported(text: string): Record<string, string> {
  const line = text.split('\n').find((l) => l.trim().startsWith('export '));
  const env: Record<string, string> = {};
  for (const match of (line ?? '').matchAll(/(TOKENRY_[A-Z_]+)=('[^']*'|\S+)/g)) env[match[1]!] = match[2]!.replace(/^'|'$/g, '');
  return env;
}

/** Runs one printed line with sh, as a person would paste it; `npx tokenry` is the project's bin, as npx resolves it. */
function shell(line: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const preamble = `npx() { shift; ${shellQuote(process.execPath)} ${shellQuote(BIN)} "$@"; }\n`;
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', preamble + line], { cwd: REPO_ROOT, env: { ...process.env, TOKENRY_CLIENT_KEY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run demo', () => {
  it('prints the page, and the data directory and passphrase as one line to export', () => {
    expect(demo.text).toMatch(/^Tokenry demo: http:\/\/127\.0\.0\.1:\d+\/#k=\S+\n/);
    expect(exported(demo.text)).toEqual({ TOKENRY_DATA_DIR: demo.dataDir, TOKENRY_PASSPHRASE: demo.passphrase });
  });

  it('has an account at each emulated provider already added in the page', () => {
    expect(demo.harness.core.service.accounts().map((a) => a.name)).toEqual(['axosoft', 'sugarcrm', 'teamserver', 'saasu', 'applixure']);
  });

  it('every login, token and account add line it prints works as printed (through the harness, which owns the data)', async () => {
    const env = exported(demo.text);
    const lines = demo.text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^(printf .* \| )?npx tokenry (login|token|account add) /.test(l));
    expect(lines).toHaveLength(15);
    for (const line of lines) {
      const run = await shell(line, env);
      expect({ line, code: run.code, stderr: run.stderr }).toEqual({ line, code: 0, stderr: '' });
    }
    expect(demo.harness.core.service.accounts().filter((a) => a.state.kind === 'valid').map((a) => a.name)).toEqual(['axosoft', 'sugarcrm', 'teamserver', 'saasu', 'applixure']);
  });

  it('its exec and client lines work too, and the loopback endpoint answers the new key', async () => {
    const env = exported(demo.text);
    const exec = demo.text.split('\n').find((l) => l.includes('npx tokenry exec'))!.trim();
    expect((await shell(exec, env)).stdout).toMatch(/^\d+ characters of token, in the environment only\n$/);
    const key = (await shell(demo.text.split('\n').find((l) => l.includes('client add'))!.trim().replace(/^KEY=\$\((.*)\)$/, '$1'), env)).stdout.trim();
    const url = /curl .* (http:\/\/127\.0\.0\.1:\d+\/v1\/accounts\/sugarcrm\/token)/.exec(demo.text)?.[1];
    const answer = await fetch(url!, { headers: { authorization: `Bearer ${key}` } });
    expect(answer.status).toBe(200);
  });

  it('prints the add line of a client-credentials provider with its secret on stdin, never as an argument', () => {
    const applixure = demo.providers.find((p) => p.name === 'applixure')!;
    const { add } = commandsFor(applixure, 'x');
    expect(add.startsWith(`printf '%s' ${shellQuote(applixure.clientSecret!)} | `)).toBe(true);
    expect(add.split(' | ')[1]).not.toContain(applixure.clientSecret!);
  });

  it('removes its data directory when stopped', async () => {
    await demo.close();
    expect(existsSync(demo.dataDir)).toBe(false);
  });
});
