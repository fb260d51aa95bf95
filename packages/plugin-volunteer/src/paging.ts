import { ConnectionPage } from '@gongzhi/core';

/**
 * A page of rows shown as the rows they point at (a membership's team, a leader's person),
 * keeping the rows' cursors and page info: the list is paged in the order of the rows that
 * choose it. `load` should go through a batched loader so a page costs one read.
 */
export async function mapPage<T, U>(page: ConnectionPage<T>, load: (row: T) => Promise<U | null>): Promise<ConnectionPage<U>> {
  const nodes = await Promise.all(page.edges.map((e) => load(e.node)));
  const edges = page.edges.flatMap((e, i) => (nodes[i] == null ? [] : [{ cursor: e.cursor, node: nodes[i] as U }]));
  return new ConnectionPage(edges, page.pageInfo);
}
