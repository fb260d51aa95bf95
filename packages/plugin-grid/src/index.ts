import { definePlugin, packageVersion, refId } from '@gongzhi/core';
import { Grid } from './grid.entity.js';
import { GridResolver, PlaceGridsResolver } from './grid.resolver.js';
import { grids } from './migrations/0001_grids.js';

export { Grid };

/** Grid management (网格化服务管理): grids, grid workers, visits and tiered escalation. */
export const plugin = definePlugin({
  id: 'grid',
  version: packageVersion(import.meta.url),
  coreRange: '^0.1.0',
  entities: [Grid],
  placeRules: [{ entity: Grid, place: (row: Grid) => refId(row.community) }],
  migrations: [grids],
  resolvers: [GridResolver, PlaceGridsResolver],
});

export default plugin;
