// Builds the `tokenry` command into out/cli/ with esbuild: one entry chunk that loads only what every
// command needs, and chunks (the vault, the grant engine, the loopback server, zod...) loaded by the
// commands that use them. Plain JavaScript, so that bin/tokenry.js can run it on a fresh clone.
//
// Classic zod is built apart (zod-classic.js) and loaded only by modules that use it: bundled with the
// rest, the zod core it shares with zod/mini would land in one chunk, and `tokenry token` through an
// owner, which checks its answers with zod/mini (shared/token-answer.ts), would load all of it.
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_OUT_DIR = join(ROOT, 'out', 'cli');
export const CLI_ENTRY = join(CLI_OUT_DIR, 'tokenry.mjs');

const CLASSIC_ZOD = 'zod-classic.mjs';

/**
 * conf imports ajv (with ajv-formats) and semver at load, and uses them only for JSON-schema
 * validation and migrations, which Tokenry never asks of it (vault/data-store.ts validates with zod).
 * They are a third of the core's code; the command ships without them. Should conf ever reach for
 * them, the stub fails loudly (and the CLI tests, which run this build, fail).
 */
const CONF_UNUSED = /^(ajv\/dist\/2020\.js|ajv-formats|semver)$/;
const confUnusedApart = {
  name: 'conf-unused-apart',
  setup(build) {
    build.onResolve({ filter: CONF_UNUSED }, (args) => (args.importer.includes('/node_modules/conf/') ? { path: args.path, namespace: 'conf-unused' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'conf-unused' }, (args) => ({
      contents: `const unused = () => { throw new Error(${JSON.stringify(`${args.path} is not in the tokenry command (conf schemas and migrations are not used)`)}); };
export default new Proxy(unused, { get: () => unused, construct: unused });
export const Ajv2020 = unused;`,
    }));
  },
};

/** `import ... from 'zod'` (classic, not zod/mini) becomes an import of the separately built zod-classic.js. */
const classicZodApart = {
  name: 'classic-zod-apart',
  setup(build) {
    build.onResolve({ filter: /^zod$/ }, () => ({ path: `./${CLASSIC_ZOD}`, external: true }));
  },
};

/**
 * Builds into a fresh directory, then renames it into place: a command started meanwhile sees the
 * old build or the new one, never half of one (several processes building at once: the first wins).
 */
export async function buildCli({ quiet = false } = {}) {
  const { build } = await import('esbuild');
  const temp = `${CLI_OUT_DIR}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const common = { absWorkingDir: ROOT, bundle: true, format: 'esm', platform: 'node', target: 'node20.19', minify: true, sourcemap: 'linked', logLevel: quiet ? 'silent' : 'warning' };
  try {
    await build({
      ...common,
      stdin: { contents: "export * from 'zod';", resolveDir: ROOT, sourcefile: 'zod-classic.js' },
      outfile: join(temp, CLASSIC_ZOD),
    });
    await build({
      ...common,
      entryPoints: { tokenry: 'electron/cli/run.ts' },
      outdir: temp,
      splitting: true,
      // Every file in one folder, so that './zod-classic.js' means the same file from each of them.
      chunkNames: '[name]-[hash]',
      // .mjs: Node knows each file is a module without looking for a package.json.
      outExtension: { '.js': '.mjs' },
      plugins: [classicZodApart, confUnusedApart],
      // Native bindings stay in node_modules; everything else is bundled (fewer files to find and parse).
      external: ['@napi-rs/keyring', 'electron'],
      // CommonJS dependencies bundled into ESM still call require() for Node's own modules, and read __filename.
      banner: {
        js:
          "import { createRequire as __tokenryRequire } from 'node:module'; import { fileURLToPath as __tokenryPath } from 'node:url';" +
          ' const require = __tokenryRequire(import.meta.url); const __filename = __tokenryPath(import.meta.url); const __dirname = __tokenryPath(new URL(".", import.meta.url));',
      },
    });
    await rm(CLI_OUT_DIR, { recursive: true, force: true });
    try {
      await rename(temp, CLI_OUT_DIR);
    } catch (error) {
      // Another process put its build in place first: same sources, same build.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST' && error.code !== 'EPERM') throw error;
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
  return CLI_ENTRY;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await buildCli();
  process.stdout.write(`Built ${CLI_ENTRY}\n`);
}
