import { assignWorker, createGrid, createWorld, request, submit, type World } from './world.js';

let w: World;
afterAll(() => w?.app.close());

test('the escalation, a scheduled task of the plugin, escalates on its interval and stops on close', async () => {
  w = await createWorld({ escalationIntervalMs: 50, gridLevelHours: 1 });
  const grid = await createGrid(w.app, w.place.fxy.id, '第一网格', [w.place.c1.id]);
  await assignWorker(w.app, grid, w.person.wang.id);
  const id = await submit(w.app, w.place.h101.id, w.person.resident.id, '楼道灯坏了');
  w.clock.advance(2 * 3_600_000);
  let level = 'GRID';
  for (let i = 0; i < 100 && level === 'GRID'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    level = (await request(w.app, id)).level;
  }
  expect(level).toBe('COMMUNITY');
  await w.app.close();
  w = undefined as never;
});

test('invalid options stop the start with a message saying what is right', async () => {
  await expect(createWorld({ escalationIntervalMs: -1 })).rejects.toThrow(/escalationIntervalMs must be a whole number/);
});

test('a default limit in minutes (gridLevelMinutes) replaces the hours: 20 minutes escalates after 21, not after 19', async () => {
  w = await createWorld({ escalationIntervalMs: 50, gridLevelMinutes: 20 });
  const grid = await createGrid(w.app, w.place.fxy.id, '第一网格', [w.place.c1.id]);
  await assignWorker(w.app, grid, w.person.wang.id);
  const limits = await w.app.run(
    'query($c: ID!) { place(id: $c) { grids { nodes { escalationLimits { gridLevelMinutes gridLevelSource } } } } }',
    {
      c: w.place.fxy.id,
    },
  );
  expect(limits.place.grids.nodes).toEqual([{ escalationLimits: { gridLevelMinutes: 20, gridLevelSource: 'default' } }]);
  const id = await submit(w.app, w.place.h101.id, w.person.resident.id, '楼道灯坏了');
  w.clock.advance(19 * 60_000);
  await new Promise((r) => setTimeout(r, 400)); // several runs of the job
  expect((await request(w.app, id)).level).toBe('GRID');
  w.clock.advance(2 * 60_000);
  let level = 'GRID';
  for (let i = 0; i < 100 && level === 'GRID'; i++) {
    await new Promise((r) => setTimeout(r, 50));
    level = (await request(w.app, id)).level;
  }
  expect(level).toBe('COMMUNITY');
  await w.app.close();
  w = undefined as never;
});

test('a default limit in minutes out of range stops the start', async () => {
  await expect(createWorld({ gridLevelMinutes: 0 })).rejects.toThrow(
    /gridLevelMinutes must be a whole number of minutes from 1 to 525600 \(a year\), or left out to use the hours; got 0/,
  );
});
