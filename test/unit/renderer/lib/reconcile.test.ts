import { describe, expect, it } from 'vitest';
import { reconcile } from '../../../../renderer/src/lib/reconcile.js';
import { accountView } from './account-fixture.js';

describe('reconcile()', () => {
  const a = accountView({ name: 'a' });
  const b = accountView({ name: 'b' });

  it('returns the previous list itself when nothing changed', () => {
    const previous = [a, b];
    expect(reconcile(previous, [accountView({ name: 'a' }), accountView({ name: 'b' })])).toBe(previous);
  });

  it('keeps the objects of unchanged accounts and takes the changed one', () => {
    const changed = accountView({ name: 'b', state: { kind: 'signed_out' } });
    const next = reconcile([a, b], [accountView({ name: 'a' }), changed]);
    expect(next[0]).toBe(a);
    expect(next[1]).toBe(changed);
  });

  it('reports a reorder as a change while keeping the objects', () => {
    const previous = [a, b];
    const next = reconcile(previous, [accountView({ name: 'b' }), accountView({ name: 'a' })]);
    expect(next).not.toBe(previous);
    expect(next[0]).toBe(b);
    expect(next[1]).toBe(a);
  });

  it('drops removed accounts and adds new ones', () => {
    const c = accountView({ name: 'c' });
    const next = reconcile([a, b], [accountView({ name: 'a' }), c]);
    expect(next.map((x) => x.name)).toEqual(['a', 'c']);
    expect(next[0]).toBe(a);
    expect(reconcile([a, b], [accountView({ name: 'a' })]).map((x) => x.name)).toEqual(['a']);
  });
});
