import type { EntityManager } from '@mikro-orm/postgresql';
import { PlatformResolver, PluginInfo } from './graphql/platform.resolver.js';
import { places } from './migrations/core/0001_places.js';
import { people } from './migrations/core/0002_people.js';
import type { Migration } from './migrations/migration.js';
import type { ClassType } from './plugin/plugin.js';
import { Person } from './person/person.entity.js';
import { Place } from './place/place.entity.js';
import { PlaceResolver } from './place/place.resolver.js';

/** Core's own contribution, composed by the host exactly like a plugin's. */
export const coreModule: {
  entities: ClassType[];
  migrations: readonly Migration[];
  resolvers: ClassType[];
  orphanedTypes: ClassType[];
  seed: (em: EntityManager, clock: () => Date) => Promise<void>;
} = {
  entities: [Place, Person],
  migrations: [places, people],
  resolvers: [PlatformResolver, PlaceResolver],
  orphanedTypes: [PluginInfo],
  seed: async () => {},
};
