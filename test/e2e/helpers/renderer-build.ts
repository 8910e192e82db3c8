// Makes sure out/renderer holds a build of the current renderer sources, building it when missing or stale.
import { execFile } from 'node:child_process';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const RENDERER_OUT = join(ROOT, 'out/renderer');
const LOCK = join(ROOT, 'out/.renderer-build.lock');
const SOURCES = [join(ROOT, 'renderer/src'), join(ROOT, 'renderer/index.html'), join(ROOT, 'shared')];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (info === null) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

async function isFresh(): Promise<boolean> {
  const built = await stat(join(RENDERER_OUT, 'index.html')).catch(() => null);
  if (built === null) return false;
  const sources = Math.max(...(await Promise.all(SOURCES.map(newestMtime))));
  return built.mtimeMs >= sources;
}

/** Only the renderer, with the same settings electron-vite uses for it (root renderer/, relative base). */
async function buildRendererOnly(): Promise<void> {
  const { build } = await import('vite');
  const { default: vue } = await import('@vitejs/plugin-vue');
  await build({
    configFile: false,
    root: join(ROOT, 'renderer'),
    base: './',
    plugins: [vue()],
    logLevel: 'warn',
    build: { outDir: RENDERER_OUT, emptyOutDir: true, rollupOptions: { input: { index: join(ROOT, 'renderer/index.html') } } },
  });
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  await mkdir(join(ROOT, 'out'), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(LOCK);
      break;
    } catch {
      // Another test file is building; a lock older than three minutes is a leftover.
      const info = await stat(LOCK).catch(() => null);
      if (info !== null && Date.now() - info.mtimeMs > 180_000) await rmdir(LOCK).catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${LOCK}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(LOCK).catch(() => undefined);
  }
}

/**
 * Runs `npx electron-vite build` when out/renderer/index.html is missing or older than the renderer
 * sources; if that fails (the main process may be mid-change), builds the renderer alone with Vite.
 */
export async function ensureRendererBuilt(): Promise<void> {
  if (await isFresh()) return;
  await withLock(async () => {
    if (await isFresh()) return;
    try {
      await promisify(execFile)('npx', ['electron-vite', 'build'], { cwd: ROOT, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      process.stderr.write(`electron-vite build failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); building the renderer alone.\n`);
      await buildRendererOnly();
    }
  });
}
