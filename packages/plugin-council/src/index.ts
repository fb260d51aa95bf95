import { definePlugin, packageVersion, refId } from '@gongzhi/core';
import { Council, VotingRule } from './council.entity.js';
import { CouncilResolver, PlaceCouncilsResolver } from './council.resolver.js';
import { councils } from './migrations/0001_councils.js';

export { Council, VotingRule };

/** Community deliberation (议事会, 协商议事): councils, meetings, proposals and decisions. */
export const plugin = definePlugin({
  id: 'council',
  version: packageVersion(import.meta.url),
  coreRange: '^0.1.0',
  entities: [Council],
  placeRules: [{ entity: Council, place: (row: Council) => refId(row.community) }],
  migrations: [councils],
  resolvers: [CouncilResolver, PlaceCouncilsResolver],
});

export default plugin;
