import { createPlatform } from '@gongzhi/core';
import { createTestDatabase, problemOf, uuidOf } from '@gongzhi/core/testing';
import moralBank from '../src/index.js';
import volunteer from '../../plugin-volunteer/src/index.js';
import { accountOf, as, bookHall, configureHall, createWorld, depositors, ledger, verifyService, type World } from './fixture.js';

/**
 * Requests for a priority window (积分换场地: active teams first) are served without staff: the
 * plugin's round serves a day's requests `priorityAllocationHours` before that day begins (the
 * venue's time), most activity points first, each once however many processes run it.
 */
let w: World;
let accounts: { id: string }[] = [];
beforeAll(async () => {
  w = await createWorld(3, { pluginOptions: { 'moral-bank': { priorityAllocationIntervalMs: 0 } } });
  accounts = await depositors(w, [150, 120, 30]);
  expect(problemOf(await configureHall(w))).toBeUndefined();
});
afterAll(() => w?.app.close());

const allocate = () => w.app.platform.services.get('moral-bank').allocateDuePriorityRequests();
const statusOf = async (id: string) =>
  (await w.app.run('query($id: ID!) { node(id: $id) { ... on MoralBankBooking { status } } }', { id }, as(w.staff))).node.status as string;
const requested = async (i: number, startsAt: string, endsAt: string) => {
  const answer = await bookHall(w, w.people[i], accounts[i], startsAt, endsAt);
  expect(answer.data?.bookMoralBankVenue.booking).toMatchObject({ status: 'REQUESTED', inPriorityWindow: true });
  return answer.data!.bookMoralBankVenue.booking.id as string;
};

test("a day's requests are served the day before it begins, most points first, once by two rounds at once; later days wait", async () => {
  // Monday: two teams ask for overlapping Saturday mornings, one also for the Saturday after.
  const lessActive = await requested(1, '2026-06-06T10:00:00+08:00', '2026-06-06T12:00:00+08:00');
  const mostActive = await requested(0, '2026-06-06T09:00:00+08:00', '2026-06-06T11:00:00+08:00');
  const nextWeek = await requested(0, '2026-06-13T09:00:00+08:00', '2026-06-13T11:00:00+08:00');
  const balances = [(await accountOf(w, w.people[0]))!.balance, (await accountOf(w, w.people[1]))!.balance];

  expect(await allocate()).toEqual([]);
  w.clock.set('2026-06-04T23:59:00+08:00'); // Thursday night: Saturday begins in more than 24 h
  expect(await allocate()).toEqual([]);
  w.clock.set('2026-06-05T00:00:00+08:00'); // Friday: Saturday's requests are due
  const [one, two] = await Promise.all([allocate(), allocate()]);
  expect([...one, ...two].sort()).toEqual([uuidOf(mostActive), uuidOf(lessActive)].sort());

  expect(await statusOf(mostActive)).toBe('CONFIRMED');
  expect(await statusOf(lessActive)).toBe('DECLINED');
  expect(await statusOf(nextWeek)).toBe('REQUESTED');
  // Debited once, the loser not at all; the ledger still adds up.
  expect((await accountOf(w, w.people[0]))!.balance).toBe(balances[0] - 120);
  expect((await accountOf(w, w.people[1]))!.balance).toBe(balances[1]);
  expect(await ledger(w)).toMatchObject({ ok: true, entrySum: 0 });
  // Nothing left for the day: another round serves nothing.
  expect(await allocate()).toEqual([]);

  const audit = await w.app.run<{ auditLog: { nodes: { actorName: string }[] } }>(
    '{ auditLog(filter: { action: "moral-bank.allocateDuePriorityRequests" }) { nodes { actorName } } }',
  );
  expect(new Set(audit.auditLog.nodes.map((n) => n.actorName))).toEqual(new Set(['system: moral-bank.priority-allocation']));
});

test('the plugin runs the round on its interval; 0 hours leaves it to staff; a lead past a month stops the start', async () => {
  const other = await createWorld(1, { pluginOptions: { 'moral-bank': { priorityAllocationIntervalMs: 30 } } });
  try {
    expect(other.app.platform.scheduledTasks).toContainEqual(
      expect.objectContaining({ task: 'moral-bank.priority-allocation', intervalMs: 30 }),
    );
    await verifyService(other, other.people[0], 150);
    const account = (await accountOf(other, other.people[0]))!;
    expect(problemOf(await configureHall(other))).toBeUndefined();
    const booked = await bookHall(other, other.people[0], account, '2026-06-06T09:00:00+08:00', '2026-06-06T10:00:00+08:00');
    const id = booked.data!.bookMoralBankVenue.booking.id as string;
    other.clock.set('2026-06-05T08:00:00+08:00');
    let status = 'REQUESTED';
    for (let i = 0; i < 150 && status === 'REQUESTED'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await other.app.run('query($id: ID!) { node(id: $id) { ... on MoralBankBooking { status } } }', { id }, as(other.staff)))
        .node.status;
    }
    expect(status).toBe('CONFIRMED');
  } finally {
    await other.app.close();
  }

  const off = await createWorld(1, { pluginOptions: { 'moral-bank': { priorityAllocationHours: 0 } } });
  try {
    expect(off.app.platform.scheduledTasks).toContainEqual(
      expect.objectContaining({ task: 'moral-bank.priority-allocation', intervalMs: 0 }),
    );
    expect(await off.app.platform.services.get('moral-bank').allocateDuePriorityRequests()).toEqual([]);
  } finally {
    await off.app.close();
  }

  const db = await createTestDatabase();
  try {
    await expect(
      createPlatform({
        databaseUrl: db.url,
        plugins: [volunteer, moralBank],
        pluginOptions: { 'moral-bank': { priorityAllocationHours: 745 } },
      }),
    ).rejects.toThrow(/priorityAllocationHours must be a whole number of hours from 0 \(only staff allocate\) to 744 \(a month\); got 745/);
  } finally {
    await db.drop();
  }
});
