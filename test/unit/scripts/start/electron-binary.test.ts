// locateElectron() reads the electron package's files as its index.js would; downloadElectron() runs its installer quietly.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { downloadElectron, downloadFailure, downloadsSkipped, locateElectron } from '../../../../scripts/start/electron-binary.js';

let pkg: string;
beforeEach(async () => {
  pkg = await mkdtemp(join(tmpdir(), 'tokenry-electron-pkg-'));
});
afterEach(() => rm(pkg, { recursive: true, force: true }));

async function installBinary(dir: string, relative = 'electron'): Promise<string> {
  await mkdir(join(dir, 'dist'), { recursive: true });
  await writeFile(join(dir, 'path.txt'), relative);
  const executable = join(dir, 'dist', relative);
  await writeFile(executable, '#!/bin/sh\n');
  await chmod(executable, 0o755);
  return executable;
}

describe('locateElectron()', () => {
  it('finds the binary that path.txt names under dist/', async () => {
    const executable = await installBinary(pkg);
    expect(locateElectron(pkg, {})).toEqual({ kind: 'installed', executable });
  });

  it('reports a package whose binary was never downloaded (no path.txt), as after a fresh npm ci', () => {
    expect(locateElectron(pkg, {})).toEqual({ kind: 'missing', reason: 'not downloaded yet' });
  });

  it('reports a path.txt whose binary is gone', async () => {
    await writeFile(join(pkg, 'path.txt'), 'electron');
    expect(locateElectron(pkg, {})).toEqual({ kind: 'missing', reason: `${join(pkg, 'dist', 'electron')} does not exist` });
  });

  it('takes ELECTRON_EXEC_PATH first, the binary electron-vite would start', async () => {
    const executable = await installBinary(join(pkg, 'custom'));
    expect(locateElectron(null, { ELECTRON_EXEC_PATH: executable })).toEqual({ kind: 'installed', executable });
  });

  it('reports an ELECTRON_EXEC_PATH that does not exist', () => {
    expect(locateElectron(pkg, { ELECTRON_EXEC_PATH: '/nowhere/electron' })).toEqual({ kind: 'missing', reason: 'ELECTRON_EXEC_PATH names /nowhere/electron, which does not exist' });
  });

  it('reports a missing electron package', () => {
    expect(locateElectron(null, {})).toEqual({ kind: 'missing', reason: 'the electron package is not installed' });
  });

  it('looks under ELECTRON_OVERRIDE_DIST_PATH when it is set, as electron does', async () => {
    await installBinary(pkg);
    const override = join(pkg, 'elsewhere');
    expect(locateElectron(pkg, { ELECTRON_OVERRIDE_DIST_PATH: override })).toEqual({
      kind: 'missing',
      reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${join(override, 'electron')}`,
    });
  });
});

describe('downloadsSkipped()', () => {
  it.each([
    ['1', true],
    ['true', true],
    ['0', false],
    ['false', false],
    ['', false],
    [undefined, false],
  ])('ELECTRON_SKIP_BINARY_DOWNLOAD=%s -> %s', (value, skipped) => {
    expect(downloadsSkipped(value === undefined ? {} : { ELECTRON_SKIP_BINARY_DOWNLOAD: value })).toBe(skipped);
  });
});

describe('downloadFailure()', () => {
  it("keeps the error's first line and drops the stack", () => {
    const output = 'TypeError: fetch failed\n    at node:internal/deps/undici:1:1\n    at async FetchDownloader.download (x.js:46:30)\n';
    expect(downloadFailure(output)).toBe('TypeError: fetch failed');
  });

  it('shortens a very long line', () => {
    expect(downloadFailure(`Error: ${'x'.repeat(300)}`)).toHaveLength(160);
  });
});

describe('downloadElectron()', () => {
  it("succeeds when electron's installer does, leaving the binary where locateElectron finds it", async () => {
    await writeFile(
      join(pkg, 'install.js'),
      "const fs = require('fs'); fs.mkdirSync('dist'); fs.writeFileSync('dist/electron', ''); fs.chmodSync('dist/electron', 0o755); fs.writeFileSync('path.txt', 'electron');\n",
    );
    expect(await downloadElectron(pkg)).toEqual({ ok: true });
    expect(locateElectron(pkg, {}).kind).toBe('installed');
  });

  it("fails with the installer's one-line reason", async () => {
    await writeFile(join(pkg, 'install.js'), "console.error('TypeError: fetch failed\\n    at FetchDownloader.download (x.js:1:1)'); process.exit(1);\n");
    expect(await downloadElectron(pkg)).toEqual({ ok: false, reason: 'TypeError: fetch failed' });
  });

  it('gives up on an installer that never answers', async () => {
    await writeFile(join(pkg, 'install.js'), 'setInterval(() => {}, 1000);\n');
    expect(await downloadElectron(pkg, { timeoutMs: 1000 })).toEqual({ ok: false, reason: 'no answer within 1 s' });
  });
});
