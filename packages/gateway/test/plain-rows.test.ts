import { type EntityMetadata, type EntityProperty, ReferenceKind } from '@mikro-orm/core';
import { refId, selectRows } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
// The plugins' sources, as their own tests import them (see canary-district.ts).
import council from '../../plugin-council/src/index.js';
import grid from '../../plugin-grid/src/index.js';
import moralBank from '../../plugin-moral-bank/src/index.js';
import volunteer from '../../plugin-volunteer/src/index.js';

/**
 * A plain row (hot read paths: no hydration, no identity map) holds what the ORM's entity holds:
 * for every entity of the composed platform with rows in the demo district, every persisted
 * column property of its plain rows equals the hydrated entity's (dates, custom types such as
 * `date` columns and bigints, a to-one relation as the related row's id), and the row is an
 * instance of the entity, so its getters and GraphQL fields apply.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ plugins: [grid, volunteer, moralBank, council], seed: true });
});
afterAll(() => app?.close());

const isColumn = (prop: EntityProperty): boolean =>
  prop.persist !== false &&
  !prop.formula &&
  prop.fieldNames?.length === 1 &&
  (prop.kind === ReferenceKind.SCALAR ||
    prop.kind === ReferenceKind.MANY_TO_ONE ||
    (prop.kind === ReferenceKind.ONE_TO_ONE && !!prop.owner));

/** A property's value as compared: a relation as the related row's primary key, a date as its instant. */
function comparable(prop: EntityProperty, value: unknown): unknown {
  if (prop.kind !== ReferenceKind.SCALAR) {
    if (value === null || value === undefined) return null;
    return typeof value === 'object' ? refId(value) : value;
  }
  return value instanceof Date ? `Date ${value.toISOString()}` : value;
}

test('every entity with rows reads as plain rows equal to its hydrated entities', async () => {
  const metadata = app.platform.orm.getMetadata().getAll();
  const checked: string[] = [];
  const kinds = new Set<string>();
  for (const meta of new Set<EntityMetadata>(metadata.values())) {
    if (meta.abstract || meta.embeddable || meta.virtual || !meta.class || meta.primaryKeys.length !== 1) continue;
    const em = app.platform.orm.em.fork();
    const [primary] = meta.getPrimaryProps();
    const rows = await selectRows<Record<string, unknown>>({ em }, meta.class, `ORDER BY r."${primary.fieldNames[0]}" LIMIT 25`);
    if (rows.length === 0) continue;
    const entities = await em.find(meta.class, { [primary.name]: { $in: rows.map((row) => row[primary.name]) } });
    const byKey = new Map(entities.map((entity) => [String((entity as Record<string, unknown>)[primary.name]), entity]));
    for (const row of rows) {
      expect(row).toBeInstanceOf(meta.class);
      const entity = byKey.get(String(row[primary.name])) as Record<string, unknown>;
      expect(entity).toBeDefined();
      for (const prop of meta.props.filter(isColumn)) {
        expect([meta.className, prop.name, comparable(prop, row[prop.name])]).toEqual([
          meta.className,
          prop.name,
          comparable(prop, entity[prop.name]),
        ]);
        if (row[prop.name] != null) kinds.add(prop.customType ? `custom ${prop.runtimeType}` : String(prop.runtimeType));
      }
    }
    checked.push(meta.className);
  }
  // The demo district has rows of most entities, and among their columns dates, custom-typed values and booleans.
  expect(checked.length).toBeGreaterThanOrEqual(20);
  expect(checked).toEqual(expect.arrayContaining(['Request', 'Place', 'Person', 'PersonRole']));
  expect([...kinds]).toEqual(expect.arrayContaining(['Date', 'boolean', 'custom string']));
});
