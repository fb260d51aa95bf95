import { type GongzhiEvent, Person, type Place, PlaceType, type PluginRuntimeContext, remindDueRequests } from '@gongzhi/core';
import { bare } from './fixtures/plugins.js';
import { createTestApp, createTestClock, placeWriter, type TestApp, uuidOf } from '@gongzhi/core/testing';
import { moved, submitted } from './fixtures/requests.js';

/**
 * Reminders of coming deadlines (临期提醒, 催办): a 12345 order must be finished in time, and the
 * holder's app is told a day before (`request.due-soon`, once per deadline), by the scheduled
 * round `core.due-reminders`.
 */
const clock = createTestClock('2026-06-01T09:00:00+08:00');
let app: TestApp;
const place: Record<string, Place> = {};
let resident: Person;
/** What a plugin's bootstrap gets: the system's way to run commands, as a round does. */
let runtime: PluginRuntimeContext;

beforeAll(async () => {
  app = await createTestApp({
    clock: clock.now,
    requestReminders: { dueSoonHours: 24 },
    plugins: [bare('probe', { bootstrap: (ctx) => void (runtime = ctx) })],
  });
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  place.sub = write(PlaceType.SUBDISTRICT, 'DR-S', '方庄街道', null);
  place.c = write(PlaceType.COMMUNITY, 'DR-C', '芳星园三区社区', place.sub);
  place.h = write(PlaceType.HOUSEHOLD, 'DR-H', '20号楼101', place.c);
  resident = em.create(Person, { name: '宋阿姨', household: place.h });
  await em.flush();
});
afterAll(() => app?.close());

/** Runs the reminder round now and answers the events it emitted about `ids` (other tests' requests are theirs). */
async function round(...ids: string[]): Promise<GongzhiEvent[]> {
  const events: GongzhiEvent[] = [];
  const stop = app.platform.events.onCommitted((batch) => void events.push(...batch));
  try {
    await app.platform.runScheduledTask('core.due-reminders');
  } finally {
    stop();
  }
  const mine = new Set(ids.map(uuidOf));
  return events.filter((e) => mine.has((e.payload as { requestId: string }).requestId));
}

const submit = (title: string, dueAt: string | null) => submitted(app, { title, placeId: place.h.id, requesterId: resident.id, dueAt });
const hours = (n: number) => new Date(clock.now().getTime() + n * 3_600_000).toISOString();

test('an open request is reminded of its deadline once, a day before; finished, later or late ones are not', async () => {
  const soon = await submit('楼道堆物清理', hours(20));
  const later = await submit('路灯维修', hours(30));
  const none = await submit('咨询', null);
  const done = await submit('已办结的', hours(10));
  for (const to of ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED']) await moved(app, done, to);
  const late = await submit('已超期的', hours(1));
  clock.advance(2 * 3_600_000);

  const all = [soon, later, none, done, late];
  const first = await round(...all);
  expect(first.map((e) => [e.name, e.payload])).toEqual([
    [
      'request.due-soon',
      {
        requestId: uuidOf(soon),
        placePath: place.h.path,
        status: 'submitted',
        level: 'grid',
        dueAt: new Date(new Date(hours(18)).getTime()).toISOString(),
        assigneeId: null,
        dispatchedToId: null,
      },
    ],
  ]);
  // Once: the next round finds nothing new.
  expect(await round(...all)).toEqual([]);
  // Twelve hours on, the repair is inside the window too.
  clock.advance(12 * 3_600_000);
  expect((await round(...all)).map((e) => (e.payload as { requestId: string }).requestId)).toEqual([uuidOf(later)]);
  expect(await round(...all)).toEqual([]);
});

test('a deadline moved is reminded of afresh; the audit log names the round', async () => {
  const id = await submit('外墙脱落', hours(5));
  expect((await round(id)).map((e) => (e.payload as { requestId: string }).requestId)).toEqual([uuidOf(id)]);
  const changed = await app.run(
    `mutation($id: ID!, $dueAt: DateTimeISO) { changeRequestDeadline(id: $id, dueAt: $dueAt, reason: "需要协调物业") { errors { code message } } }`,
    { id, dueAt: hours(40) },
  );
  expect(changed.changeRequestDeadline.errors).toEqual([]);
  expect(await round(id)).toEqual([]);
  clock.advance(20 * 3_600_000);
  const again = await round(id);
  expect(again.map((e) => [(e.payload as { requestId: string }).requestId, (e.payload as { dueAt: string }).dueAt])).toEqual([
    [uuidOf(id), hours(20)],
  ]);
  const log = await app.run(`query { auditLog(first: 5) { nodes { action actorName changes { field before after } } } }`);
  expect(log.auditLog.nodes).toContainEqual(
    expect.objectContaining({ action: 'request.remindDue', actorName: 'system: core.due-reminders' }),
  );
});

test('two rounds at once (a lease lost with its connection) remind of each request once: the row lock decides', async () => {
  const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => submit(`${i + 1}号楼电梯年检`, hours(3 + i))));
  const events: GongzhiEvent[] = [];
  const stop = app.platform.events.onCommitted((batch) => void events.push(...batch));
  const reminders = { ...runtime, options: { dueSoonHours: 24, intervalMs: 600_000 } };
  const [a, b] = await Promise.all([remindDueRequests(reminders), remindDueRequests(reminders)]);
  stop();
  expect([...a, ...b].sort()).toEqual(ids.map(uuidOf).sort());
  expect(events.filter((e) => e.name === 'request.due-soon')).toHaveLength(6);
});
