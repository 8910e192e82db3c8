// Specifies the built preload: a sandboxed preload can require only 'electron', so everything else must be bundled.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PRELOAD = join(import.meta.dirname, '../../../out/preload/index.cjs');
const built = existsSync(PRELOAD);
if (!built) console.warn(`SKIPPED preload bundle check: ${PRELOAD} is not built (run electron-vite build)`);

describe.skipIf(!built)('out/preload/index.cjs', () => {
  it('requires nothing but electron (zod and shared/ipc.ts are bundled in)', () => {
    const source = readFileSync(PRELOAD, 'utf8');
    const required = [...source.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    expect(new Set(required)).toEqual(new Set(['electron']));
  });

  it('is CommonJS, exposing window.tokenry', () => {
    const source = readFileSync(PRELOAD, 'utf8');
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).toContain('exposeInMainWorld');
    expect(source).toContain('"tokenry"');
  });
});
