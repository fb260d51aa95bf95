import { type EventPayload, Person, PersonRole, PersonRoleKind } from '@gongzhi/core';
import { createTestClock, uuidOf } from '@gongzhi/core/testing';
import { act, as, createWorld, failure, Q, type World } from './world.js';

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

const RESCHEDULE = `mutation($id: ID!, $input: RescheduleCouncilMeetingInput!) { rescheduleCouncilMeeting(id: $id, input: $input) {
  meeting { scheduledAt remindedAt place { name } cancelledAt } errors { code message field } } }`;
const CANCEL = `mutation($id: ID!, $why: String!) { cancelCouncilMeeting(id: $id, reason: $why) {
  meeting { cancelledAt cancelReason } errors { code message field } } }`;

test('a meeting moved is reminded again before its new time; one called off says why and is not reminded, nor added to', async () => {
  const events: { name: string; payload: unknown }[] = [];
  const stop = w.app.platform.events.onCommitted((batch) => void events.push(...batch.map((e) => ({ name: e.name, payload: e.payload }))));
  clock.set('2026-11-26T09:00:00+08:00');
  const friday = await schedule('周五议事', '2026-11-28T19:00:00+08:00', false);
  const sunday = await schedule('周日议事', '2026-11-29T10:00:00+08:00', false);
  clock.set('2026-11-28T17:00:30+08:00');
  expect(await round()).toEqual([uuidOf(friday)]);

  // Too little notice for a meeting that is not urgent: refused, nothing moves.
  const soon = await failure(w.app, RESCHEDULE, { id: friday, input: { scheduledAt: '2026-11-28T20:00:00+08:00' } }, as(rep));
  expect(soon).toMatchObject({ code: 'NOTICE_TOO_SHORT', field: 'input.scheduledAt' });
  const moved = await act(w.app, RESCHEDULE, { id: friday, input: { scheduledAt: '2026-11-30T19:00:00+08:00', placeId: null } }, as(rep));
  expect(moved).toEqual({ scheduledAt: '2026-11-30T11:00:00.000Z', remindedAt: null, place: null, cancelledAt: null });
  expect(events.find((e) => e.name === 'council.meeting-rescheduled')?.payload).toEqual({
    councilId: uuidOf(councilId),
    placePath: w.community.path,
    meetingId: uuidOf(friday),
    scheduledAt: '2026-11-30T11:00:00.000Z',
    previousScheduledAt: '2026-11-28T11:00:00.000Z',
    placeId: null,
  });

  expect(await failure(w.app, CANCEL, { id: sunday, why: ' ' }, as(rep))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
  const called = await act(w.app, CANCEL, { id: sunday, why: '疫情防控，暂停聚集' }, as(rep));
  expect(called).toEqual({ cancelledAt: '2026-11-28T09:00:30.000Z', cancelReason: '疫情防控，暂停聚集' });
  expect(events.find((e) => e.name === 'council.meeting-cancelled')?.payload).toMatchObject({
    meetingId: uuidOf(sunday),
    reason: '疫情防控，暂停聚集',
  });
  const gone = { code: 'MEETING_CANCELLED', message: 'The meeting "周日议事" was called off (疫情防控，暂停聚集); schedule a new one.' };
  expect(await failure(w.app, CANCEL, { id: sunday, why: '再取消' }, as(rep))).toMatchObject(gone);
  expect(await failure(w.app, RESCHEDULE, { id: sunday, input: { scheduledAt: '2026-12-06T10:00:00+08:00' } }, as(rep))).toMatchObject(
    gone,
  );
  expect(await failure(w.app, Q.agenda, { input: { meetingId: sunday, title: '停车' } }, as(rep))).toMatchObject({
    ...gone,
    field: 'input.meetingId',
  });
  stop();

  // Sunday's reminder time comes and goes: called off, not reminded. Friday's moved meeting is reminded before its new time.
  clock.set('2026-11-29T08:00:30+08:00');
  expect(await round()).toEqual([]);
  clock.set('2026-11-30T17:00:30+08:00');
  expect(await round()).toEqual([uuidOf(friday)]);
  // A meeting that took place is not moved or called off.
  clock.set('2026-11-30T19:00:01+08:00');
  expect(await failure(w.app, CANCEL, { id: friday, why: '太晚了' }, as(rep))).toMatchObject({ code: 'MEETING_STARTED' });
});

test('a meeting is not called off under an open vote', async () => {
  clock.set('2026-12-01T09:00:00+08:00');
  const meeting = await schedule('表决会', '2026-12-03T19:00:00+08:00', false);
  const item = await act(w.app, Q.agenda, { input: { meetingId: meeting, title: '更换长椅' } }, as(rep));
  await act(w.app, Q.propose, { a: item.id, t: '用新长椅替换旧沙发' }, as(rep));
  expect(await failure(w.app, CANCEL, { id: meeting, why: '改期' }, as(rep))).toEqual({
    code: 'CONFLICT',
    message: '1 proposal(s) on the agenda of "表决会" are still open: close them before calling the meeting off.',
    field: 'id',
  });
  // Moving it is fine: the vote goes on.
  expect(await act(w.app, RESCHEDULE, { id: meeting, input: { scheduledAt: '2026-12-04T19:00:00+08:00' } }, as(rep))).toMatchObject({
    scheduledAt: '2026-12-04T11:00:00.000Z',
    place: { name: expect.any(String) },
  });
});
