import { executeRead, narrowRows, rowTable, selectRows, SYSTEM_CALLER } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
// The plugins' sources, as their own tests import them (see canary-district.ts).
import council from '../../plugin-council/src/index.js';
import grid from '../../plugin-grid/src/index.js';
import moralBank from '../../plugin-moral-bank/src/index.js';
import volunteer from '../../plugin-volunteer/src/index.js';

/**
 * A place rule that says what it reads of a row (`reads`) lets a page of that entity read only
 * those columns (`pageColumns`). Generated from the composed platform's rules: every rule that
 * declares `reads` gives the same places and owners for the demo district's rows read with only
 * those columns as for whole rows. A rule that reads a column it does not declare throws here
 * (a narrow row throws when asked for a column it did not read).
 */
let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ plugins: [grid, volunteer, moralBank, council], seed: true });
}, 180_000);
afterAll(() => app?.close());

test('every place rule that declares what it reads gives narrow rows the places and owners it gives whole rows', async () => {
  const ctx = app.platform.createContext(SYSTEM_CALLER);
  const declared = [...ctx.placeRules].flatMap(([entity, rules]) => rules.filter((rule) => rule.reads).map((rule) => ({ entity, rule })));
  // Core's request rule at least: a list that went empty would check nothing.
  expect(declared.map(({ entity }) => entity.name)).toContain('Request');
  for (const { entity, rule } of declared) {
    const whole = await selectRows<object>(ctx, entity, 'ORDER BY r.id LIMIT 40');
    expect({ entity: entity.name, rows: whole.length > 0 }).toEqual({ entity: entity.name, rows: true });
    const narrow = narrowRows(ctx, entity, rule.reads!);
    const rows = narrow.rows(
      await executeRead<object[]>(ctx.em, `SELECT ${narrow.columns} FROM ${rowTable(ctx, entity)} r ORDER BY r.id LIMIT 40`),
    );
    const answers = async (row: object) => ({
      place: rule.place ? await rule.place(row as never, ctx) : null,
      owners: rule.owners ? await rule.owners(row as never, ctx) : null,
    });
    for (let i = 0; i < whole.length; i++) {
      expect({ entity: entity.name, ...(await answers(rows[i])) }).toEqual({ entity: entity.name, ...(await answers(whole[i])) });
    }
  }
});
