import { type EventPayload, Person, PersonRole, PersonRoleKind } from '@gongzhi/core';
import { createTestClock, uuidOf } from '@gongzhi/core/testing';
import { act, as, createWorld, Q, type World } from './world.js';

/**
 * A council meeting's members are reminded once, `meetingReminderMinutes` before it starts
 * (`council.meeting-reminder`, `remindedAt`): not for a meeting convened inside that time, not
 * once it started, however many rounds run.
 */
const clock = createTestClock('2026-11-23T09:00:00+08:00');
const REMINDED = 'query($id: ID!) { node(id: $id) { ... on CouncilMeeting { remindedAt } } }';
let w: World;
let rep: Person;
let councilId: string;
const reminders: EventPayload<'council.meeting-reminder'>[] = [];

beforeAll(async () => {
  w = await createWorld(clock.now, { pluginOptions: { council: { meetingReminderIntervalMs: 0 } } });
  ({ member: rep, councilId } = await councilWithMember(w, '提醒议事会'));
  w.app.platform.events.on('council.meeting-reminder', (e) => void reminders.push(e.payload));
});
afterAll(() => w?.app.close());

/** A council of the world's community, through the API, with one resident representative seated. */
async function councilWithMember(world: World, name: string): Promise<{ member: Person; councilId: string }> {
  const em = world.app.platform.orm.em.fork();
  const member = em.create(Person, { name: `${name}代表` });
  em.create(PersonRole, { person: member, place: world.community, role: PersonRoleKind.RESIDENT, startsOn: '2020-01-01' });
  await em.flush();
  const input = {
    communityId: world.community.id,
    name,
    kind: 'NAMED',
    votingRule: 'SIMPLE_MAJORITY',
    voteCounting: 'PER_SEAT',
    quorumPercent: 50,
  };
  const councilId = (await act(world.app, Q.createCouncil, { input })).id as string;
  await act(world.app, Q.addMember, { c: councilId, s: 'RESIDENT_REPRESENTATIVE', p: member.id });
  return { member, councilId };
}

const round = () => w.app.platform.services.get('council').remindMeetings();
const schedule = async (title: string, scheduledAt: string, urgent: boolean) =>
  (await act(w.app, Q.schedule, { input: { councilId, title, scheduledAt, urgent, placeId: w.hall.id } }, as(rep))).id as string;
const remindedAt = async (id: string) => (await w.app.run(REMINDED, { id }, as(rep))).node.remindedAt as string | null;

test('two hours before, a meeting convened earlier is reminded once, with its time and place; an urgent one convened inside that time is not', async () => {
  const weekly = await schedule('周三议事', '2026-11-25T19:00:00+08:00', false);
  const urgent = await schedule('紧急议事：管道破裂', '2026-11-23T10:30:00+08:00', true);
  expect(await round()).toEqual([]);
  expect(await remindedAt(urgent)).toBeNull();

  clock.set('2026-11-25T16:59:00+08:00');
  expect(await round()).toEqual([]);
  clock.set('2026-11-25T17:00:30+08:00');
  const [a, b] = await Promise.all([round(), round()]); // two processes' rounds at once
  expect([...a, ...b]).toEqual([uuidOf(weekly)]);
  for (let i = 0; i < 100 && reminders.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
  expect(reminders).toEqual([
    {
      councilId: uuidOf(councilId),
      placePath: w.community.path,
      meetingId: uuidOf(weekly),
      title: '周三议事',
      scheduledAt: '2026-11-25T11:00:00.000Z',
      placeId: w.hall.uuid,
    },
  ]);
  expect(await remindedAt(weekly)).toBe('2026-11-25T09:00:30.000Z');
  clock.set('2026-11-25T19:01:00+08:00');
  expect(await round()).toEqual([]);
  expect(reminders).toHaveLength(1);
});

test('the plugin runs the round on its interval; a reminder time past a week stops the start', async () => {
  const own = createTestClock('2026-11-23T09:00:00+08:00');
  const other = await createWorld(own.now, { pluginOptions: { council: { meetingReminderMinutes: 30, meetingReminderIntervalMs: 30 } } });
  try {
    expect(other.app.platform.scheduledTasks).toContainEqual(
      expect.objectContaining({ task: 'council.meeting-reminders', intervalMs: 30 }),
    );
    const { member, councilId: council } = await councilWithMember(other, '定时议事会');
    const meeting = (
      await act(
        other.app,
        Q.schedule,
        { input: { councilId: council, title: '议事', scheduledAt: '2026-11-24T10:00:00+08:00', urgent: false } },
        as(member),
      )
    ).id as string;
    own.set('2026-11-24T09:45:00+08:00');
    let at: string | null = null;
    for (let i = 0; i < 100 && !at; i++) {
      await new Promise((r) => setTimeout(r, 20));
      at = (await other.app.run(REMINDED, { id: meeting }, as(member))).node.remindedAt;
    }
    expect(at).toBe('2026-11-24T01:45:00.000Z');
  } finally {
    await other.app.close();
  }
  await expect(createWorld(clock.now, { pluginOptions: { council: { meetingReminderMinutes: 10_081 } } })).rejects.toThrow(
    /meetingReminderMinutes must be a whole number of minutes from 0 \(no reminders\) to 10080 \(a week\); got 10081/,
  );
});
