// Keeps the objects of unchanged accounts across a reload, so that only rows whose account changed re-render.
const sameView = <T>(a: T, b: T): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The new list, reusing `previous`'s object for every account whose view did not change (rows take
 * their account as a prop and Vue compares props by identity). Returns `previous` itself when
 * nothing changed at all, names and order included, so that watchers see no change.
 */
export function reconcile<T extends { readonly name: string }>(previous: readonly T[], next: readonly T[]): readonly T[] {
  const old = new Map(previous.map((a) => [a.name, a]));
  let changed = previous.length !== next.length;
  const merged = next.map((a, i) => {
    const before = old.get(a.name);
    if (before !== undefined && sameView(before, a)) {
      if (previous[i] !== before) changed = true;
      return before;
    }
    changed = true;
    return a;
  });
  return changed ? merged : previous;
}
