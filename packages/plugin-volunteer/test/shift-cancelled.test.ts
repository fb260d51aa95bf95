import type { GongzhiEvent } from '@gongzhi/core';
import { uuidOf } from '@gongzhi/core/testing';
import { as, createShift, createTeam, createWorld, succeed, type World } from './fixtures.js';

/**
 * A shift is called off (`cancelVolunteerShift`): rain, an event moved. A leader does it before it
 * starts, saying why; every sign-up goes with it and each volunteer is told; nobody signs up again,
 * not even one racing the cancellation.
 */
let w: World;
let teamId: string;
const SIGNUP = 'mutation($id: ID!) { signUpForVolunteerShift(shiftId: $id) { signup { id } errors { code message field } } }';
const CANCEL = `mutation($id: ID!, $reason: String!) {
  cancelVolunteerShift(id: $id, reason: $reason) { shift { title cancelledAt cancelReason taken spotsLeft } errors { code message field } } }`;

beforeAll(async () => {
  w = await createWorld();
  teamId = await createTeam(
    w,
    '巡逻队',
    w.people['王小丽'],
    [1, 2, 3, 4].map((i) => w.people[`居民${i}`]),
    'MUTUAL_AID',
  );
});
afterAll(() => w?.app.close());

/** A two-hour shift of the team for three volunteers. */
const shift = (title: string, startsAt: string) =>
  createShift(w, teamId, w.people['王小丽'], {
    title,
    startsAt,
    endsAt: new Date(new Date(startsAt).getTime() + 2 * 3_600_000).toISOString(),
    capacity: 3,
  });

test('a leader calls a shift off: its sign-ups go with it, each volunteer is told, nobody signs up again', async () => {
  const id = await shift('周六上午巡逻', '2026-06-06T09:00:00+08:00');
  const signups: string[] = [];
  for (const i of [1, 2]) signups.push((await succeed(w.app, SIGNUP, { id }, as(w.people[`居民${i}`]))).signUpForVolunteerShift.signup.id);

  const events: GongzhiEvent[] = [];
  const stop = w.app.platform.events.onCommitted((batch) => void events.push(...batch));
  const cancelled = await w.app.run(CANCEL, { id, reason: ' 暴雨预警 ' }, as(w.people['王小丽']));
  stop();
  expect(cancelled.cancelVolunteerShift).toEqual({
    shift: { title: '周六上午巡逻', cancelledAt: expect.any(String), cancelReason: '暴雨预警', taken: 0, spotsLeft: 3 },
    errors: [],
  });
  const told = events.filter((e) => e.name === 'volunteer.shift-changed').map((e) => e.payload as { signupId: string; change: string });
  expect(told.map((e) => e.change)).toEqual(['cancelled', 'cancelled']);
  expect(told.map((e) => e.signupId).sort()).toEqual(signups.map(uuidOf).sort());

  const late = await w.app.run(SIGNUP, { id }, as(w.people['居民3']));
  expect(late.signUpForVolunteerShift.errors).toEqual([
    {
      code: 'SHIFT_CANCELLED',
      message: expect.stringMatching(/^The shift "周六上午巡逻" was called off at 2026-.* \(暴雨预警\); sign up for another one\.$/),
      field: 'shiftId',
    },
  ]);
  const twice = await w.app.run(CANCEL, { id, reason: '再取消' }, as(w.people['王小丽']));
  expect(twice.cancelVolunteerShift.errors).toEqual([expect.objectContaining({ code: 'ALREADY_CANCELLED', field: 'id' })]);
});

test('of a sign-up and a cancellation at once, the sign-up never lands on the shift called off', async () => {
  for (let round = 0; round < 5; round++) {
    const id = await shift(`晚间巡逻${round}`, `2026-06-0${round + 2}T19:00:00+08:00`);
    const [signup, cancel] = await Promise.all([
      w.app.run(SIGNUP, { id }, as(w.people['居民4'])),
      w.app.run(CANCEL, { id, reason: '活动改期' }, as(w.people['王小丽'])),
    ]);
    expect(cancel.cancelVolunteerShift.errors).toEqual([]);
    const signed = signup.signUpForVolunteerShift.errors.length === 0;
    if (!signed) expect(signup.signUpForVolunteerShift.errors).toEqual([expect.objectContaining({ code: 'SHIFT_CANCELLED' })]);
    const after = await w.app.run('query($id: ID!) { node(id: $id) { ... on VolunteerShift { taken signups { nodes { id } } } } }', { id });
    // Either way nobody is on it: a sign-up that came first was cancelled with the shift.
    expect(after.node).toEqual({ taken: 0, signups: { nodes: [] } });
  }
});

test('only a leader, with a reason, before the shift begins', async () => {
  const id = await shift('周日巡逻', '2026-06-07T09:00:00+08:00');
  const member = await w.app.run(CANCEL, { id, reason: '不想去' }, as(w.people['居民1']));
  expect(member.cancelVolunteerShift.errors).toEqual([
    { code: 'NOT_TEAM_LEADER', message: 'Only a leader of 巡逻队 may call shifts off; 居民1 is not one of its leaders.', field: 'id' },
  ]);
  const silent = await w.app.run(CANCEL, { id, reason: '  ' }, as(w.people['王小丽']));
  expect(silent.cancelVolunteerShift.errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'reason' })]);
  w.clock.set('2026-06-07T09:30:00+08:00');
  const begun = await w.app.run(CANCEL, { id, reason: '下雨了' }, as(w.people['王小丽']));
  expect(begun.cancelVolunteerShift.errors).toEqual([
    {
      code: 'SHIFT_STARTED',
      message: 'This shift began at 2026-06-07T01:00:00.000Z: it is not called off now; its volunteers check out instead.',
      field: 'id',
    },
  ]);
});

test('a leader changes how many a shift takes: more places, never fewer than signed up; a sign-up racing it is counted', async () => {
  const id = await shift('周日检查点值守', '2026-06-07T19:00:00+08:00');
  const CAPACITY = `mutation($id: ID!, $n: Int!) { changeVolunteerShiftCapacity(id: $id, capacity: $n) {
    shift { capacity taken spotsLeft } errors { code message field } } }`;
  for (const i of [1, 2]) await succeed(w.app, SIGNUP, { id }, as(w.people[`居民${i}`]));
  expect((await w.app.run(CAPACITY, { id, n: 1 }, as(w.people['王小丽']))).changeVolunteerShiftCapacity.errors).toEqual([
    {
      code: 'CONFLICT',
      message: '2 volunteers are signed up: the shift cannot take fewer (1); cancel sign-ups first.',
      field: 'capacity',
    },
  ]);
  expect((await w.app.run(CAPACITY, { id, n: 5 }, as(w.people['居民1']))).changeVolunteerShiftCapacity.errors).toEqual([
    expect.objectContaining({ code: 'NOT_TEAM_LEADER' }),
  ]);
  // Down to exactly the last free place while someone takes it: both orders end consistent.
  const [lowered, signedUp] = await Promise.all([
    w.app.run(CAPACITY, { id, n: 2 }, as(w.people['王小丽'])),
    w.app.run(SIGNUP, { id }, as(w.people['居民3'])),
  ]);
  const outcome = [lowered.changeVolunteerShiftCapacity.errors.length === 0, signedUp.signUpForVolunteerShift.errors.length === 0];
  expect(outcome.filter(Boolean)).toHaveLength(1);
  const raised = await w.app.run(CAPACITY, { id, n: 6 }, as(w.people['王小丽']));
  expect(raised.changeVolunteerShiftCapacity.shift).toEqual({ capacity: 6, taken: outcome[1] ? 3 : 2, spotsLeft: outcome[1] ? 3 : 4 });
});
