import { createPlace, createPlatform, defineCommand, PlaceType, type Platform, runEachAsSystem, type ScheduledTask } from '@gongzhi/core';
import { createTestApp, createTestDatabase, type TestApp, type TestDatabase } from '@gongzhi/core/testing';
import { Writable } from 'node:stream';
import pino from 'pino';
import { bare } from './fixtures/plugins.js';

/**
 * A plugin's `scheduledTasks` run in rounds on the host's schedule: their writes reach the API, a
 * failed round is logged and counted and the next comes all the same, a task turned off never runs,
 * and closing waits for a round under way before the plugin's `destroy`.
 */
let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const waitFor = async (what: string, check: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** The plugins' tasks of a platform (core's own come first). */
const pluginTasks = (platform: Pick<Platform, 'scheduledTasks'>) => platform.scheduledTasks.filter((t) => !t.task.startsWith('core.'));

function logLines() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

test('rounds run on the interval as the system, their writes seen through the API; a failed round is logged and the next comes', async () => {
  let round = 0;
  const districts: ScheduledTask<{ everyMs: number }> = {
    id: 'new-districts',
    intervalMs: (options) => options.everyMs,
    async run(ctx) {
      round++;
      if (round === 2) throw new Error('the registry did not answer (test)');
      const outcome = await ctx.runCommand('ticker.new-districts', createPlace, {
        type: PlaceType.DISTRICT,
        code: `T-${round}`,
        name: `第${round}区`,
      });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    },
  };
  const { lines, logger } = logLines();
  app = await createTestApp({
    logger,
    plugins: [bare('ticker', { options: { defaults: { everyMs: 60_000 } }, scheduledTasks: [districts] })],
    pluginOptions: { ticker: { everyMs: 30 } },
  });
  const platform = app.platform;
  await waitFor('three rounds', () => round >= 3);
  await waitFor('the third round counted', () => pluginTasks(platform)[0].rounds >= 2);

  const data = await app.run<{ places: { nodes: { code: string; name: string }[] } }>('{ places(type: DISTRICT) { nodes { code name } } }');
  expect(data.places.nodes.map((p) => p.code)).toEqual(expect.arrayContaining(['T-1', 'T-3']));
  expect(data.places.nodes.map((p) => p.code)).not.toContain('T-2');
  const totals = pluginTasks(platform)[0];
  expect(totals).toMatchObject({ task: 'ticker.new-districts', intervalMs: 30, failedRounds: 1 });
  expect(totals.lastSucceededAt).toBeInstanceOf(Date);
  const failure = lines.find((l) => l.msg === 'a round of a scheduled task failed; the next round comes as scheduled');
  expect(failure).toMatchObject({
    level: 50,
    plugin: 'ticker',
    task: 'ticker.new-districts',
    err: { message: 'the registry did not answer (test)' },
  });
  // The audit log names the task's writes by its label.
  const audit = await app.run<{ auditLog: { nodes: { actorKind: string; actorName: string }[] } }>(
    '{ auditLog(filter: { action: "place.create" }) { nodes { actorKind actorName } } }',
  );
  expect(new Set(audit.auditLog.nodes.map((e) => `${e.actorKind} ${e.actorName}`))).toEqual(
    new Set(['system system: ticker.new-districts']),
  );
});

test('a task turned off (interval 0) never runs; close waits for a round under way, which sees stopped, before destroy', async () => {
  const calls: string[] = [];
  let release: () => void = () => undefined;
  const slow: ScheduledTask = {
    id: 'slow',
    intervalMs: () => 10,
    async run(_ctx, round) {
      calls.push('round started');
      await new Promise<void>((r) => (release = r));
      calls.push(`round ended, stopped: ${round.stopped}`);
    },
  };
  const off: ScheduledTask = { id: 'off', intervalMs: () => 0, run: () => Promise.resolve(void calls.push('off ran')) };
  app = await createTestApp({ plugins: [bare('busy', { scheduledTasks: [slow, off], destroy: () => void calls.push('destroy') })] });
  expect(app.platform.scheduledTasks.map((t) => [t.task, t.intervalMs])).toEqual([
    ['core.due-reminders', 600_000],
    ['core.left-uploads', 3_600_000],
    ['core.photo-link-key', 3_600_000],
    ['core.photo-thumbnails', 60_000],
    ['busy.slow', 10],
    ['busy.off', 0],
  ]);
  await waitFor('the round', () => calls.includes('round started'));
  const closed = app.close();
  app = undefined;
  await new Promise((r) => setTimeout(r, 50));
  expect(calls).toEqual(['round started']);
  release();
  await closed;
  expect(calls).toEqual(['round started', 'round ended, stopped: true', 'destroy']);
});

test('runEachAsSystem runs a command per input as the system: a refusal and a fault are logged with their input, and the next runs', async () => {
  const { lines, logger } = logLines();
  let results: { input: { n: number }; value: number }[] | null = null;
  const double = defineCommand<{ n: number }, number>({
    name: 'test.double',
    async run(uow, { n }) {
      if (n === 2) throw new Error('the second fails (test)');
      // Refused by core's check (an empty code): a domain error, in the outcome.
      if (n === 3) await uow.run(createPlace, { type: PlaceType.DISTRICT, code: ' ', name: '无码区' });
      return n * 2;
    },
  });
  const each: ScheduledTask = {
    id: 'each',
    intervalMs: () => 20,
    async run(ctx, round) {
      results ??= await runEachAsSystem(ctx, 'ticker.each', double, [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }], round);
    },
  };
  app = await createTestApp({ logger, plugins: [bare('ticker', { scheduledTasks: [each] })] });
  await waitFor('the round', () => results !== null);
  expect(results).toEqual([
    { input: { n: 1 }, value: 2 },
    { input: { n: 4 }, value: 8 },
  ]);
  expect(lines.filter((l) => String(l.msg).startsWith('a command of a scheduled round'))).toEqual([
    expect.objectContaining({
      level: 50,
      msg: 'a command of a scheduled round failed; the next one runs',
      label: 'ticker.each',
      command: 'test.double',
      input: { n: 2 },
      err: expect.objectContaining({ message: 'the second fails (test)' }),
    }),
    expect.objectContaining({
      level: 50,
      msg: 'a command of a scheduled round was refused',
      input: { n: 3 },
      errors: [expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.code' })],
    }),
  ]);
});

test('a round runs in one process at a time: while one holds the task, the other skips its turns, then takes one', async () => {
  const db = await createTestDatabase();
  const started: string[] = [];
  let running = 0;
  let most = 0;
  let open: () => void = () => undefined;
  const gate = new Promise<void>((r) => (open = r));
  const sweep = (who: string): ScheduledTask => ({
    id: 'sweep',
    intervalMs: () => 10,
    async run() {
      most = Math.max(most, ++running);
      started.push(who);
      await (started.length === 1 ? gate : new Promise((r) => setTimeout(r, 5)));
      running--;
    },
  });
  const [a, b] = await Promise.all(
    ['A', 'B'].map((who) => createPlatform({ databaseUrl: db.url, plugins: [bare('sweeper', { scheduledTasks: [sweep(who)] })] })),
  );
  try {
    await waitFor('a first round', () => started.length === 1);
    const [holder, other] = started[0] === 'A' ? [a, b] : [b, a];
    await new Promise((r) => setTimeout(r, 150));
    expect(started).toHaveLength(1);
    expect(pluginTasks(other)[0]).toMatchObject({ task: 'sweeper.sweep', rounds: 0, failedRounds: 0 });
    expect(pluginTasks(other)[0].skippedRounds).toBeGreaterThanOrEqual(3);
    expect(pluginTasks(holder)[0].skippedRounds).toBe(0);
    open();
    // The lease is given back with the round: the other process's next turn may take it.
    await waitFor('a round in each process', () => pluginTasks(a)[0].rounds > 0 && pluginTasks(b)[0].rounds > 0);
    expect(most).toBe(1);
  } finally {
    open();
    await Promise.all([a.close(), b.close()]);
    await db.drop();
  }
});

test('leases take no connection of the pool: with a pool of one, three tasks at once run their commands', async () => {
  const db = await createTestDatabase();
  let made = 0;
  const districts = (id: string): ScheduledTask => ({
    id,
    intervalMs: () => 5,
    async run(ctx) {
      const outcome = await ctx.runCommand('ticker.districts', createPlace, {
        type: PlaceType.DISTRICT,
        code: `P-${++made}`,
        name: `第${made}区`,
      });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    },
  });
  // The three rounds' leases share one connection of their own (their statements sent one after another).
  const platform = await createPlatform({
    databaseUrl: db.url,
    poolSize: 1,
    acquireTimeoutMs: 1_000,
    plugins: [bare('ticker', { scheduledTasks: [districts('a'), districts('b'), districts('c')] })],
  });
  try {
    await waitFor('two rounds of each', () => pluginTasks(platform).every((t) => t.rounds >= 2));
    for (const totals of pluginTasks(platform)) expect(totals).toMatchObject({ failedRounds: 0, skippedRounds: 0 });
  } finally {
    await platform.close();
    await db.drop();
  }
});

describe('declarations checked at start', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());
  const task = (id: string, intervalMs = 1000): ScheduledTask => ({ id, intervalMs: () => intervalMs, run: () => Promise.resolve() });

  test.each([
    ['an id that is not kebab-case', [task('Nightly_Run')], /scheduled task with id "Nightly_Run", which is not kebab-case\. Fix:/],
    [
      'the same id twice',
      [task('nightly'), task('nightly')],
      /declares the scheduled task "nightly" twice\. Fix: give each task its own id/,
    ],
    [
      'a negative interval',
      [task('nightly', -5)],
      /"night\.nightly" has interval -5 ms\. Fix: a whole number of milliseconds, 0 to turn it off/,
    ],
    ['an interval that is not a number', [task('nightly', Number.NaN)], /"night\.nightly" has interval NaN ms/],
  ])('%s stops the start', async (_what, scheduledTasks, message) => {
    await expect(createPlatform({ databaseUrl: db.url, plugins: [bare('night', { scheduledTasks })] })).rejects.toThrow(message);
  });
});
