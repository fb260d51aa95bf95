import { type ConnectionArgs, pageOfRows } from '@gongzhi/core';

/** pageOfRows: computed lists page like table rows (same arguments, cursors and errors). */
const rows = Array.from({ length: 7 }, (_, i) => ({ at: new Date(Date.UTC(2026, 0, 1 + (i % 3))), name: `n${i}` }));
const order = { keys: ['at', 'name'] as const, direction: 'desc' as const };
const options = { connection: 'Test.rows', defaultSize: 3 };
const page = (args: ConnectionArgs) => pageOfRows(rows, order, args, options);
const names = (p: ReturnType<typeof page>) => p.nodes.map((r) => r.name);

test('forward and backward pages walk every row once, in order', () => {
  const all = [...rows].sort((a, b) => b.at.getTime() - a.at.getTime() || (a.name < b.name ? 1 : -1)).map((r) => r.name);
  const forward: string[] = [];
  let after: string | null = null;
  for (;;) {
    const p = page({ first: 3, after });
    forward.push(...names(p));
    if (!p.pageInfo.hasNextPage) break;
    after = p.pageInfo.endCursor;
  }
  expect(forward).toEqual(all);
  const last = page({ last: 2 });
  expect(names(last)).toEqual(all.slice(-2));
  expect(last.pageInfo.hasPreviousPage).toBe(true);
  expect(names(page({ last: 2, before: last.pageInfo.startCursor }))).toEqual(all.slice(-4, -2));
});

test('the cap, forged cursors and duplicate keys are refused', () => {
  expect(() => page({ first: 101 })).toThrow(/page cap/);
  expect(() =>
    pageOfRows(rows, order, { first: 2, after: page({ first: 1 }).pageInfo.endCursor }, { ...options, connection: 'Other.rows' }),
  ).toThrow(/cursor/i);
  expect(() => pageOfRows([...rows, ...rows.slice(0, 1)], order, {}, options)).toThrow(/share the order keys/);
});
