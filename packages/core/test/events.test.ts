import { Place, PlaceType } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { bare } from './fixtures/plugins.js';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'watcher.place-named': { code: string };
  }
}

let app: TestApp;
const seen: string[] = [];

beforeAll(async () => {
  app = await createTestApp({
    plugins: [
      bare('watcher', {
        register: ({ events }) => {
          events.on(
            'watcher.place-named',
            async (event, { em }) => {
              // Inside the transaction: the row is visible here, not yet to others.
              const inside = await em.count(Place, { code: event.payload.code });
              seen.push(`blocking sees ${inside}`);
              if (event.payload.code === 'VETO') throw new Error('vetoed by the watcher');
            },
            { blocking: true },
          );
          events.on(
            'watcher.place-named',
            async (event, { em }) => {
              seen.push(`after commit sees ${await em.count(Place, { code: event.payload.code })}`);
            },
            { id: 'watcher.count-places' },
          );
          events.on(
            'watcher.place-named',
            () => {
              throw new Error('a failing after-commit handler');
            },
            { id: 'watcher.fail' },
          );
        },
      }),
    ],
  });
});
afterAll(() => app?.close());
beforeEach(() => {
  seen.length = 0;
});

async function createDistrict(code: string) {
  const { events } = app.platform;
  await events.transaction(app.platform.orm.em.fork(), async ({ em, emit }) => {
    em.create(Place, { type: PlaceType.DISTRICT, code, name: code, path: '/', depth: 0 });
    await em.flush();
    await emit('watcher.place-named', { code });
    seen.push('work done');
  });
}

test('blocking handlers run inside the transaction, the others after commit', async () => {
  await createDistrict('D1');
  expect(seen).toEqual(['blocking sees 1', 'work done', 'after commit sees 1']);
});

test('a blocking handler vetoes: nothing is written and no after-commit handler runs', async () => {
  await expect(createDistrict('VETO')).rejects.toThrow('vetoed by the watcher');
  expect(seen).toEqual(['blocking sees 1']);
  expect(await app.platform.orm.em.fork().count(Place, { code: 'VETO' })).toBe(0);
});

test('a failing after-commit handler does not undo the commit', async () => {
  await createDistrict('D2');
  expect(await app.platform.orm.em.fork().count(Place, { code: 'D2' })).toBe(1);
});

test('committed-event listeners receive the events of a transaction once, in order', async () => {
  const batches: string[][] = [];
  const stop = app.platform.events.onCommitted((events) => void batches.push(events.map((e) => e.name)));
  await createDistrict('D3');
  await expect(createDistrict('VETO')).rejects.toThrow();
  stop();
  expect(batches).toEqual([['watcher.place-named']]);
});
