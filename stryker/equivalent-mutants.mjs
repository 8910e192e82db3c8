// A Stryker ignorer for the mutants no test can kill because they change nothing a caller can observe.
// Each entry (equivalent-mutants-list.mjs) names a file, the exact source of the node whose mutants are
// equivalent, optionally which mutators, and why. Matching by source text (not line numbers) keeps an entry on
// its code while others edit the file; scripts/mutation/run-mutation.ts warns about an entry that matches nothing.
import { EQUIVALENT_MUTANTS } from './equivalent-mutants-list.mjs';

const squash = (text) => text.replace(/\s+/g, ' ').trim();

const entriesFor = (filename) => {
  const normalized = filename.replaceAll('\\', '/');
  return EQUIVALENT_MUTANTS.filter((e) => normalized.endsWith(e.file)).map((e) => ({ ...e, code: squash(e.code) }));
};

const sourceOf = (file, node) => (node.start == null || node.end == null ? null : squash(file.code.slice(node.start, node.end)));

/**
 * Entries that name mutators become Stryker's own directive on the node's line, written onto the node before the
 * instrumenter reaches it: `Stryker disable next-line <mutators>: <reason>` (a block comment, so that the
 * instrumented code stays on one line). Entries without mutators ignore every mutant inside the node.
 * @param {import('@babel/core').NodePath} path
 */
function shouldIgnore(path) {
  const file = path.hub?.file;
  const filename = file?.opts?.filename;
  if (typeof filename !== 'string') return undefined;
  const entries = entriesFor(filename);
  if (entries.length === 0) return undefined;
  if (path.isProgram()) {
    const narrow = entries.filter((e) => e.mutators !== undefined);
    if (narrow.length > 0) {
      path.traverse({
        enter(inner) {
          const source = sourceOf(file, inner.node);
          for (const entry of narrow) {
            if (entry.code !== source) continue;
            const directive = { type: 'CommentBlock', value: ` Stryker disable next-line ${entry.mutators.join(',')}: Equivalent: ${entry.reason} ` };
            inner.node.leadingComments = [...(inner.node.leadingComments ?? []), directive];
          }
        },
      });
    }
    return undefined;
  }
  const source = sourceOf(file, path.node);
  const hit = entries.find((e) => e.mutators === undefined && e.code === source);
  return hit ? `Equivalent: ${hit.reason}` : undefined;
}

// The shape Stryker's declareValuePlugin(PluginKind.Ignore, ...) returns, written out so that this file needs
// nothing but Stryker itself.
export const strykerPlugins = [{ kind: 'Ignore', name: 'tokenry-equivalent-mutants', value: { shouldIgnore } }];
