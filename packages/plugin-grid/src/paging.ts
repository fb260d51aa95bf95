import { ConnectionPage } from '@gongzhi/core';

/**
 * A page of rows shown as the rows they point at (a grid's coverage rows as places, a worker's
 * assignments as grids): the same cursors and page info; an edge whose row points at nothing
 * (or at a row the caller may not load) is dropped, as the schema guard drops unseen rows.
 */
export async function mapPage<T, U>(page: ConnectionPage<T>, map: (row: T) => Promise<U | null>): Promise<ConnectionPage<U>> {
  const nodes = await Promise.all(page.edges.map((e) => map(e.node)));
  const edges = page.edges.flatMap((e, i) => (nodes[i] == null ? [] : [{ cursor: e.cursor, node: nodes[i] }]));
  return new ConnectionPage(edges, page.pageInfo);
}
