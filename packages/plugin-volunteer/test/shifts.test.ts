import { problemOf, uuidOf } from '@gongzhi/core/testing';
import { as, candleLightRota, codeOf, countRows, createShift, createTeam, createWorld, succeed, type World } from './fixtures.js';

let w: World;
let teamId: string;
const SIGNUP =
  'mutation($id: ID!) { signUpForVolunteerShift(shiftId: $id) { signup { id person { name } } errors { code message field } } }';
const SHIFT =
  'mutation($input: CreateVolunteerShiftInput!) { createVolunteerShift(input: $input) { shift { id capacity spotsLeft } errors { code message field } } }';
const SCHEDULE = `mutation($input: CreateVolunteerShiftScheduleInput!) {
  createVolunteerShiftSchedule(input: $input) { schedule { id weekdays startTime endTime timeZone } errors { code message field } } }`;

beforeAll(async () => {
  w = await createWorld();
  const p = w.people;
  teamId = await createTeam(
    w,
    '烛光队',
    p['王小丽'],
    [1, 2, 3, 4, 5, 6, 7, 8].map((i) => p[`居民${i}`]),
    'CANDLE_LIGHT',
  );
});
afterAll(() => w?.app.close());

const shift = (title: string, startsAt: string, endsAt: string, capacity: number) =>
  createShift(w, teamId, w.people['王小丽'], { title, startsAt, endsAt, capacity });

test('a recurring schedule materialises slots for a date range, once, in local time', async () => {
  const { schedule } = (await succeed(w.app, SCHEDULE, { input: candleLightRota(w, teamId) }, as(w.people['王小丽'])))
    .createVolunteerShiftSchedule;
  expect(schedule).toMatchObject({ weekdays: [1, 3, 5], startTime: '19:00:00', endTime: '21:00:00', timeZone: 'Asia/Shanghai' });
  const MAT =
    'mutation($id: ID!, $from: String!, $to: String!) { materializeVolunteerShifts(scheduleId: $id, from: $from, to: $to) { shifts { startsAt endsAt capacity title } errors { code message field } } }';
  // 2026-06-01 is a Monday: Mon, Wed, Fri of two weeks.
  const first = (await succeed(w.app, MAT, { id: schedule.id, from: '2026-06-01', to: '2026-06-14' }, as(w.people['王小丽'])))
    .materializeVolunteerShifts.shifts;
  expect(first.map((s: { startsAt: string }) => s.startsAt)).toEqual([
    '2026-06-01T11:00:00.000Z',
    '2026-06-03T11:00:00.000Z',
    '2026-06-05T11:00:00.000Z',
    '2026-06-08T11:00:00.000Z',
    '2026-06-10T11:00:00.000Z',
    '2026-06-12T11:00:00.000Z',
  ]);
  expect(first[0]).toEqual({ startsAt: '2026-06-01T11:00:00.000Z', endsAt: '2026-06-01T13:00:00.000Z', capacity: 2, title: '烛光夜访' });
  // Repeating (overlapping range) creates nothing twice.
  const again = (await succeed(w.app, MAT, { id: schedule.id, from: '2026-06-08', to: '2026-06-21' }, as(w.people['王小丽'])))
    .materializeVolunteerShifts.shifts;
  expect(again).toHaveLength(6);
  expect(await countRows(w.app, 'shift', `schedule_id = '${uuidOf(schedule.id)}'`)).toBe(9);
  // A night rota crossing midnight ends the next day.
  const { schedule: night } = (
    await succeed(
      w.app,
      SCHEDULE,
      {
        input: {
          teamId,
          placeId: w.building.id,
          title: '夜间守望岗',
          weekdays: [6],
          startTime: '22:00',
          endTime: '06:00',
          capacity: 1,
          validFrom: '2026-06-01',
          validUntil: '2026-06-30',
        },
      },
      as(w.people['王小丽']),
    )
  ).createVolunteerShiftSchedule;
  const nights = (await succeed(w.app, MAT, { id: night.id, from: '2026-06-20', to: '2026-07-31' }, as(w.people['王小丽'])))
    .materializeVolunteerShifts.shifts;
  expect(nights).toEqual([
    { startsAt: '2026-06-20T14:00:00.000Z', endsAt: '2026-06-20T22:00:00.000Z', capacity: 1, title: '夜间守望岗' },
    expect.objectContaining({ startsAt: '2026-06-27T14:00:00.000Z' }),
  ]);
  // Bad rules are refused.
  const bad = await w.app.execute(
    SCHEDULE,
    {
      input: {
        teamId,
        placeId: w.community.id,
        title: 'x',
        weekdays: [0, 8],
        startTime: '19:00',
        endTime: '21:00',
        capacity: 2,
        validFrom: '2026-06-01',
      },
    },
    as(w.people['王小丽']),
  );
  expect(codeOf(bad)).toBe('BAD_USER_INPUT');
  const tooLong = await w.app.execute(MAT, { id: schedule.id, from: '2026-06-01', to: '2026-12-31' }, as(w.people['王小丽']));
  expect(codeOf(tooLong)).toBe('BAD_USER_INPUT');
});

test('concurrent sign-ups for the last place: exactly one of eight wins, the others get SLOT_FULL', async () => {
  const id = await shift('检查点轮值', '2026-06-02T08:00:00+08:00', '2026-06-02T12:00:00+08:00', 3);
  await succeed(w.app, SIGNUP, { id }, as(w.people['居民1']));
  await succeed(w.app, SIGNUP, { id }, as(w.people['居民2']));
  const racers = [3, 4, 5, 6, 7, 8].map((i) => w.people[`居民${i}`]).concat([w.people['王小丽']]);
  const results = await Promise.all(racers.map((person) => w.app.execute(SIGNUP, { id }, as(person))));
  const codes = results.map(codeOf);
  expect(codes.filter((c) => c === null)).toHaveLength(1);
  expect(codes.filter((c) => c === 'SLOT_FULL')).toHaveLength(racers.length - 1);
  expect(problemOf(results.find((r) => codeOf(r) === 'SLOT_FULL')!)?.message).toContain('All 3 places');
  expect(await countRows(w.app, 'shift_signup', `shift_id = '${uuidOf(id)}' AND cancelled_at IS NULL`)).toBe(3);
  const view = await succeed(w.app, 'query($id: ID!) { node(id: $id) { ... on VolunteerShift { spotsLeft signups { nodes { id } } } } }', {
    id,
  });
  expect(view.node).toMatchObject({ spotsLeft: 0 });
  expect(view.node.signups.nodes).toHaveLength(3);
});

test('the database refuses one person on two overlapping shifts (DOUBLE_BOOKED), also when signing up for both at once', async () => {
  const p = w.people;
  const morning = await shift('早班', '2026-06-03T08:00:00+08:00', '2026-06-03T12:00:00+08:00', 5);
  const overlapping = await shift('上午检查点', '2026-06-03T11:00:00+08:00', '2026-06-03T13:00:00+08:00', 5);
  const afterwards = await shift('午班', '2026-06-03T12:00:00+08:00', '2026-06-03T16:00:00+08:00', 5);
  await succeed(w.app, SIGNUP, { id: morning }, as(p['居民1']));
  const refused = await w.app.execute(SIGNUP, { id: overlapping }, as(p['居民1']));
  expect(codeOf(refused)).toBe('DOUBLE_BOOKED');
  expect(problemOf(refused)?.message).toContain('overlapping');
  // Nothing written: no sign-up, and the place it would have taken is still free.
  expect(await countRows(w.app, 'shift_signup', `shift_id = '${uuidOf(overlapping)}'`)).toBe(0);
  expect(await countRows(w.app, 'shift', `id = '${uuidOf(overlapping)}' AND taken = 0`)).toBe(1);
  // Back-to-back shifts do not overlap (ranges are half-open).
  expect(codeOf(await w.app.execute(SIGNUP, { id: afterwards }, as(p['居民1'])))).toBeNull();
  // Two overlapping sign-ups of one person at the same moment: the constraint lets one through.
  const both = await Promise.all([morning, overlapping].map((id) => w.app.execute(SIGNUP, { id }, as(p['居民2']))));
  expect(both.map(codeOf).sort()).toEqual([null, 'DOUBLE_BOOKED'].sort());
  // Signing up twice for the same shift.
  expect(codeOf(await w.app.execute(SIGNUP, { id: morning }, as(p['居民1'])))).toBe('ALREADY_SIGNED_UP');
  // Only members sign up.
  expect(codeOf(await w.app.execute(SIGNUP, { id: morning }, as(p['外来1'])))).toBe('NOT_TEAM_MEMBER');
});

test('swap and hand-over between members, refused when it would double-book', async () => {
  const p = w.people;
  const a = await shift('周六上午', '2026-06-06T08:00:00+08:00', '2026-06-06T12:00:00+08:00', 2);
  const b = await shift('周六下午', '2026-06-06T13:00:00+08:00', '2026-06-06T17:00:00+08:00', 2);
  const c = await shift('周六午间', '2026-06-06T11:00:00+08:00', '2026-06-06T14:00:00+08:00', 2);
  const sa = (await succeed(w.app, SIGNUP, { id: a }, as(p['居民3']))).signUpForVolunteerShift.signup.id;
  const sb = (await succeed(w.app, SIGNUP, { id: b }, as(p['居民4']))).signUpForVolunteerShift.signup.id;
  const swapped = await succeed(
    w.app,
    'mutation($a: ID!, $b: ID!) { swapVolunteerShifts(signupId: $a, otherSignupId: $b) { signups { shift { title } person { name } } errors { code message } } }',
    { a: sa, b: sb },
    as(p['居民3']),
  );
  expect(swapped.swapVolunteerShifts.signups).toEqual([
    { shift: { title: '周六上午' }, person: { name: '居民4' } },
    { shift: { title: '周六下午' }, person: { name: '居民3' } },
  ]);
  // 居民5 on the midday shift (overlapping both): handing the morning shift to them is refused.
  await succeed(w.app, SIGNUP, { id: c }, as(p['居民5']));
  const refused = await w.app.execute(
    'mutation($s: ID!, $to: ID!) { handOverVolunteerShift(signupId: $s, toPersonId: $to) { signup { id } errors { code message } } }',
    { s: sa, to: p['居民5'].id },
    as(p['居民4']),
  );
  expect(codeOf(refused)).toBe('DOUBLE_BOOKED');
  const handed = await succeed(
    w.app,
    'mutation($s: ID!, $to: ID!) { handOverVolunteerShift(signupId: $s, toPersonId: $to) { signup { person { name } } errors { code message } } }',
    { s: sa, to: p['居民6'].id },
    as(p['居民4']),
  );
  expect(handed.handOverVolunteerShift.signup.person.name).toBe('居民6');
  // A stranger cannot swap other people's shifts.
  expect(
    codeOf(
      await w.app.execute(
        'mutation($a: ID!, $b: ID!) { swapVolunteerShifts(signupId: $a, otherSignupId: $b) { signups { id } errors { code } } }',
        { a: sa, b: sb },
        as(p['居民7']),
      ),
    ),
  ).toBe('NOT_TEAM_LEADER');
});

test('check-in and check-out log pending service hours; check-out before check-in and cancelled places are handled', async () => {
  const p = w.people;
  const id = await shift('周日值守', '2026-06-07T09:00:00+08:00', '2026-06-07T11:00:00+08:00', 2);
  const signup = (await succeed(w.app, SIGNUP, { id }, as(p['居民7']))).signUpForVolunteerShift.signup.id;
  const other = (await succeed(w.app, SIGNUP, { id }, as(p['居民8']))).signUpForVolunteerShift.signup.id;
  const OUT =
    'mutation($id: ID!) { checkOutVolunteerShift(signupId: $id) { signup { checkedInAt checkedOutAt serviceEntry { minutes source status servedOn community { name } team { name } } } errors { code message field } } }';
  const IN = 'mutation($id: ID!) { checkInVolunteerShift(signupId: $id) { signup { checkedInAt } errors { code message field } } }';
  expect(codeOf(await w.app.execute(OUT, { id: signup }, as(p['居民7'])))).toBe('CHECK_IN_FIRST');
  expect(codeOf(await w.app.execute(IN, { id: signup }, as(p['居民7'])))).toBe('OUTSIDE_SHIFT'); // six days early
  w.clock.set('2026-06-07T08:50:00+08:00');
  try {
    expect(codeOf(await w.app.execute(IN, { id: signup }, as(p['居民8'])))).toBe('FORBIDDEN');
    await succeed(w.app, IN, { id: signup }, as(p['居民7']));
    expect(
      codeOf(
        await w.app.execute(
          'mutation($id: ID!) { cancelVolunteerShiftSignup(signupId: $id) { signup { id } errors { code } } }',
          { id: signup },
          as(p['居民7']),
        ),
      ),
    ).toBe('ALREADY_CHECKED_IN');
    // The other volunteer cancels: the place frees.
    await succeed(
      w.app,
      'mutation($id: ID!) { cancelVolunteerShiftSignup(signupId: $id) { signup { cancelledAt } errors { code message } } }',
      { id: other },
      as(p['居民8']),
    );
    expect((await succeed(w.app, 'query($id: ID!) { node(id: $id) { ... on VolunteerShift { spotsLeft } } }', { id })).node.spotsLeft).toBe(
      1,
    );
    w.clock.advance(2 * 3600_000 + 15 * 60_000 + 30_000);
    const out = (await succeed(w.app, OUT, { id: signup }, as(p['居民7']))).checkOutVolunteerShift.signup;
    expect(out.serviceEntry).toEqual({
      minutes: 135,
      source: 'SHIFT',
      status: 'PENDING',
      servedOn: '2026-06-07',
      community: { name: '芳星园三区社区' },
      team: { name: '烛光队' },
    });
    expect(codeOf(await w.app.execute(OUT, { id: signup }, as(p['居民7'])))).toBe('ALREADY_CHECKED_OUT');
    expect(await countRows(w.app, 'service_entry', `shift_signup_id = '${uuidOf(signup)}'`)).toBe(1);
  } finally {
    w.clock.set('2026-06-01T09:00:00+08:00');
  }
});

test('a shift longer than 24 hours or ending before it starts is refused, nothing written', async () => {
  const before = await countRows(w.app, 'shift');
  for (const [startsAt, endsAt] of [
    ['2026-06-09T08:00:00Z', '2026-06-09T07:00:00Z'],
    ['2026-06-09T08:00:00Z', '2026-06-10T08:01:00Z'],
  ]) {
    const r = await w.app.execute(
      SHIFT,
      { input: { teamId, placeId: w.building.id, title: '坏班次', startsAt, endsAt, capacity: 2 } },
      as(w.people['王小丽']),
    );
    expect(codeOf(r)).toBe('INVALID_DURATION');
  }
  expect(await countRows(w.app, 'shift')).toBe(before);
});
