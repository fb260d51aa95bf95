import { registerEnumType } from 'type-graphql';

/** A grid (网格) covers compounds or buildings; a micro-grid (微网格) nests in one and covers buildings, units or households. */
export enum GridKind {
  GRID = 'grid',
  MICRO_GRID = 'micro_grid',
}

/** The people's-conditions map colours (民情图): red needs attention now, orange watch, green fine. */
export enum GridAttentionLevel {
  RED = 'red',
  ORANGE = 'orange',
  GREEN = 'green',
}

/** What a worker checks during a household visit (入户走访). */
export enum GridCheckItem {
  HEATING = 'heating',
  GAS = 'gas',
  ELECTRICITY = 'electricity',
  WATER = 'water',
  FIRE_SAFETY = 'fire_safety',
  HEALTH = 'health',
  NETWORK = 'network',
  OTHER = 'other',
}

registerEnumType(GridKind, { name: 'GridKind', description: 'Grid (网格) or micro-grid (微网格).' });
registerEnumType(GridAttentionLevel, {
  name: 'GridAttentionLevel',
  description: "The people's-conditions map colour (民情图): red, orange or green.",
});
registerEnumType(GridCheckItem, {
  name: 'GridCheckItem',
  description: 'A check made during a household visit: heating, gas, electricity, water, fire safety, health, network, other.',
});
