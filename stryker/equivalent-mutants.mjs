// A Stryker ignorer for the mutants no test can kill because they change nothing a caller can observe.
// Each entry names a file, the exact source of the smallest node whose mutants are equivalent, and why.
// Matching by source text (not line numbers) keeps an entry on its code while others edit the file;
// scripts/mutation/run-mutation.ts warns about an entry that no longer matches anything.
import { EQUIVALENT_MUTANTS } from './equivalent-mutants-list.mjs';

const squash = (text) => text.replace(/\s+/g, ' ').trim();

const byFile = new Map();
for (const entry of EQUIVALENT_MUTANTS) {
  const list = byFile.get(entry.file) ?? [];
  list.push({ ...entry, code: squash(entry.code) });
  byFile.set(entry.file, list);
}

/** @param {import('@babel/core').NodePath} path */
function shouldIgnore(path) {
  const file = path.hub?.file;
  const filename = file?.opts?.filename;
  if (typeof filename !== 'string') return undefined;
  const normalized = filename.replaceAll('\\', '/');
  for (const [suffix, entries] of byFile) {
    if (!normalized.endsWith(suffix)) continue;
    const { start, end } = path.node;
    if (start == null || end == null) return undefined;
    const source = squash(file.code.slice(start, end));
    const hit = entries.find((e) => e.code === source);
    if (hit) return `Equivalent: ${hit.reason}`;
  }
  return undefined;
}

// The shape Stryker's declareValuePlugin(PluginKind.Ignore, ...) returns, written out so that this file needs
// nothing but Stryker itself.
export const strykerPlugins = [{ kind: 'Ignore', name: 'tokenry-equivalent-mutants', value: { shouldIgnore } }];
