import { ConnectionPage } from '@gongzhi/core';

/**
 * A page of rows shown as what they stand for (a grid's coverage rows as places, the map's
 * positions as features), `nodes` given in the page's order: the same cursors and page info; an
 * edge whose node is null (its row points at nothing the caller may load) is dropped, as the
 * schema guard drops unseen rows.
 */
export function withNodes<T, U>(page: ConnectionPage<T>, nodes: readonly (U | null)[]): ConnectionPage<U> {
  const edges = page.edges.flatMap((e, i) => {
    const node = nodes[i];
    return node == null ? [] : [{ cursor: e.cursor, node }];
  });
  return new ConnectionPage(edges, page.pageInfo);
}

/** {@link withNodes} with each row's node loaded by `map` (batched loaders: one statement for the page). */
export async function mapPage<T, U>(page: ConnectionPage<T>, map: (row: T) => Promise<U | null>): Promise<ConnectionPage<U>> {
  return withNodes(page, await Promise.all(page.nodes.map(map)));
}
