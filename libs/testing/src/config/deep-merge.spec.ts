import { deepMerge } from './deep-merge';

describe('deepMerge', () => {
  it('merges nested maps, replaces lists and scalars, deletes on null, and leaves its inputs alone', () => {
    const base = { a: { b: 1, c: [1, 2], d: 'x' }, e: true };
    const merged = deepMerge(base, { a: { b: 2, c: [3], d: null }, f: { g: 1 } });
    expect(merged).toEqual({ a: { b: 2, c: [3] }, e: true, f: { g: 1 } });
    expect(base).toEqual({ a: { b: 1, c: [1, 2], d: 'x' }, e: true });
  });
});
