import { uuidOf } from '@gongzhi/core/testing';
import type { EventPayload } from '@gongzhi/core';
import { as, createTeam, createWorld, succeed, type World } from './fixtures.js';

/**
 * Volunteers signed up for a shift are reminded once, `shiftReminderMinutes` before it starts
 * (`volunteer.shift-reminder`, `remindedAt`): not after cancelling, not for a sign-up made inside
 * that time, not once it started, however many rounds run.
 */
const SHIFT =
  'mutation($input: CreateVolunteerShiftInput!) { createVolunteerShift(input: $input) { shift { id } errors { code message field } } }';
const SIGNUP = 'mutation($id: ID!) { signUpForVolunteerShift(shiftId: $id) { signup { id } errors { code message field } } }';
const CANCEL = 'mutation($id: ID!) { cancelVolunteerShiftSignup(signupId: $id) { signup { id } errors { code } } }';
const REMINDED = 'query($id: ID!) { node(id: $id) { ... on VolunteerShiftSignup { remindedAt } } }';

let w: World;
let teamId: string;
const reminders: EventPayload<'volunteer.shift-reminder'>[] = [];

beforeAll(async () => {
  w = await createWorld({ pluginOptions: { volunteer: { reminderIntervalMs: 0 } } }); // Monday 2026-06-01 09:00 in Beijing
  const p = w.people;
  teamId = await createTeam(w, '检查点队', p['王小丽'], [p['居民1'], p['居民2'], p['居民3']], 'MUTUAL_AID');
  w.app.platform.events.on('volunteer.shift-reminder', (e) => void reminders.push(e.payload));
});
afterAll(() => w?.app.close());

const round = () => w.app.platform.services.get('volunteer').remindShifts();
const signUp = async (name: string, shiftId: string) =>
  (await succeed(w.app, SIGNUP, { id: shiftId }, as(w.people[name]))).signUpForVolunteerShift.signup.id as string;
const remindedAt = async (signupId: string, name: string) =>
  (await w.app.run(REMINDED, { id: signupId }, as(w.people[name]))).node.remindedAt as string | null;

test('two hours before: each active sign-up made earlier is reminded once, with the shift', async () => {
  const { createVolunteerShift } = await succeed(
    w.app,
    SHIFT,
    {
      input: {
        teamId,
        placeId: w.building.id,
        title: '小区门口检查点',
        startsAt: '2026-06-03T19:00:00+08:00',
        endsAt: '2026-06-03T21:00:00+08:00',
        capacity: 3,
      },
    },
    as(w.people['王小丽']),
  );
  const shiftId = createVolunteerShift.shift.id as string;
  const first = await signUp('居民1', shiftId);
  const cancelled = await signUp('居民2', shiftId);
  await succeed(w.app, CANCEL, { id: cancelled }, as(w.people['居民2']));

  w.clock.set('2026-06-03T16:59:00+08:00'); // 2 h 1 min before: not yet
  expect(await round()).toEqual([]);

  w.clock.set('2026-06-03T17:00:30+08:00');
  const [a, b] = await Promise.all([round(), round()]); // two processes' rounds at once
  expect([...a, ...b]).toEqual([uuidOf(first)]);
  for (let i = 0; i < 100 && reminders.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
  expect(reminders).toEqual([
    {
      signupId: uuidOf(first),
      shiftId: uuidOf(shiftId),
      personId: w.people['居民1'].uuid,
      teamId: uuidOf(teamId),
      placePath: w.building.path,
      title: '小区门口检查点',
      startsAt: '2026-06-03T11:00:00.000Z',
    },
  ]);
  expect(await remindedAt(first, '居民1')).toBe('2026-06-03T09:00:30.000Z');
  expect(await remindedAt(cancelled, '居民2')).toBeNull();

  // Signed up inside the two hours: they know; no reminder. Once it started, nobody is reminded.
  w.clock.set('2026-06-03T17:30:00+08:00');
  const late = await signUp('居民3', shiftId);
  expect(await round()).toEqual([]);
  expect(await remindedAt(late, '居民3')).toBeNull();
  w.clock.set('2026-06-03T19:05:00+08:00');
  expect(await round()).toEqual([]);
  expect(reminders).toHaveLength(1);
});

test('the plugin runs the round on its interval; 0 minutes turns reminders off', async () => {
  const own = await createWorld({ pluginOptions: { volunteer: { reminderIntervalMs: 30 } } });
  try {
    const team = await createTeam(own, '定时队', own.people['王小丽'], [own.people['居民1']]);
    const input = {
      teamId: team,
      placeId: own.building.id,
      title: '夜间巡查',
      startsAt: '2026-06-01T12:00:00+08:00',
      endsAt: '2026-06-01T13:00:00+08:00',
      capacity: 1,
    };
    const shiftId = (await succeed(own.app, SHIFT, { input }, as(own.people['王小丽']))).createVolunteerShift.shift.id as string;
    const signup = (await succeed(own.app, SIGNUP, { id: shiftId }, as(own.people['居民1']))).signUpForVolunteerShift.signup.id as string;
    own.clock.set('2026-06-01T10:30:00+08:00');
    let at: string | null = null;
    for (let i = 0; i < 100 && !at; i++) {
      await new Promise((r) => setTimeout(r, 20));
      at = (await own.app.run(REMINDED, { id: signup }, as(own.people['居民1']))).node.remindedAt;
    }
    expect(at).toBe('2026-06-01T02:30:00.000Z');
  } finally {
    await own.app.close();
  }
  const off = await createWorld({ pluginOptions: { volunteer: { shiftReminderMinutes: 0 } } });
  try {
    expect(off.app.platform.scheduledTasks.find((t) => t.task === 'volunteer.shift-reminders')).toMatchObject({ intervalMs: 0 });
  } finally {
    await off.app.close();
  }
});

test('a reminder time past a week stops the start', async () => {
  await expect(createWorld({ pluginOptions: { volunteer: { shiftReminderMinutes: 10_081 } } })).rejects.toThrow(
    /shiftReminderMinutes must be a whole number of minutes from 0 \(no reminders\) to 10080 \(a week\); got 10081/,
  );
});
