import { Attached } from '@gongzhi/core';

/**
 * Per-operation state kept with the object it belongs to (`Attached`, core's stand-in for a module's
 * WeakMap, whose entries V8's young-generation collector keeps until a full collection). It must
 * answer as a WeakMap would, and leave the owner looking as it did.
 */
describe('a value attached to an object', () => {
  it('is kept per owner and per Attached, as a WeakMap entry would be', () => {
    const rows = new Attached<object, string[]>('test.rows');
    const paths = new Attached<object, string>('test.paths');
    const [first, second] = [{}, {}];
    expect(rows.get(first)).toBeUndefined();
    expect(rows.has(first)).toBe(false);
    rows.set(first, ['a']).set(second, ['b']);
    paths.set(first, '1.2');
    expect(rows.get(first)).toEqual(['a']);
    expect(rows.get(second)).toEqual(['b']);
    expect(paths.get(first)).toBe('1.2');
    expect(paths.get(second)).toBeUndefined();
    expect(rows.delete(first)).toBe(true);
    expect(rows.has(first)).toBe(false);
    expect(paths.get(first)).toBe('1.2');
    expect(rows.delete(first)).toBe(false);
  });

  it('leaves the owner as it looked: not in its keys, a spread or its JSON', () => {
    const kept = new Attached<Record<string, unknown>, number>('test.kept');
    const owner: Record<string, unknown> = { id: 'x' };
    kept.set(owner, 1);
    expect(Object.keys(owner)).toEqual(['id']);
    expect(JSON.stringify(owner)).toBe('{"id":"x"}');
    const copy = { ...owner };
    expect(kept.get(copy)).toBeUndefined();
    expect(kept.get(owner)).toBe(1);
  });

  it('works on a Map (an operation’s loaders) and refuses a frozen owner', () => {
    const kept = new Attached<object, string>('test.onMap');
    const loaders = new Map<string, unknown>();
    kept.set(loaders, 'read');
    expect(kept.get(loaders)).toBe('read');
    expect(loaders.size).toBe(0);
    expect(() => kept.set(Object.freeze({}), 'x')).toThrow(TypeError);
  });
});
