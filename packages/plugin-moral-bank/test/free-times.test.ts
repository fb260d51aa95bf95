import { problemOf } from '@gongzhi/core/testing';
import { accountOf, as, bookHall, configureHall, createWorld, DAILY_HOURS, depositors, ERRORS, mutate, type World } from './fixture.js';

/**
 * A venue's free times (空闲时段): what a resident's booking app shows before she picks a slot.
 * Opening hours less confirmed bookings and closures, a day at a time, cut at priority windows;
 * read by whoever sees the venue's rules, so a neighbour learns when the hall is free, not who
 * booked it.
 */
let w: World;
let accounts: { id: string }[] = [];
beforeAll(async () => {
  w = await createWorld(4);
  accounts = await depositors(w, [150, 30, 30, 30]);
  expect(problemOf(await configureHall(w))).toBeUndefined();
});
afterAll(() => w?.app.close());

const FREE = `query($venue: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { place(id: $venue) { moralBankVenuePolicy {
  freeTimes(from: $from, to: $to) { startsAt endsAt longestBooking priorityWindow { starts ends minPoints maxMinutes } } } } }`;
const freeTimes = async (from: string, to: string, venue = w.hall.id, caller = w.people[3]) => {
  const result = await w.app.execute(FREE, { venue, from, to }, as(caller));
  return {
    result,
    times: (result.data?.place as { moralBankVenuePolicy: { freeTimes: unknown[] } | null } | null)?.moralBankVenuePolicy?.freeTimes,
  };
};
/** A free stretch in Beijing time, as the API answers it. */
const stretch = (from: string, to: string, longestBooking: number, priorityWindow: Record<string, unknown> | null = null) => ({
  startsAt: new Date(`${from}+08:00`).toISOString(),
  endsAt: new Date(`${to}+08:00`).toISOString(),
  longestBooking,
  priorityWindow,
});

test('free times are the opening hours from now on, less confirmed bookings and closures; a priority window is its own stretch', async () => {
  // Monday 1 June, 09:00 in Beijing: today from now, Tuesday the whole day.
  expect((await freeTimes('2026-06-01T00:00:00+08:00', '2026-06-03T00:00:00+08:00')).times).toEqual([
    stretch('2026-06-01T09:00:00', '2026-06-01T21:00:00', 120),
    stretch('2026-06-02T08:00:00', '2026-06-02T21:00:00', 120),
  ]);

  const before = (await accountOf(w, w.people[0]))!.balance;
  const booked = await bookHall(w, w.people[0], accounts[0], '2026-06-02T10:00:00+08:00', '2026-06-02T11:30:00+08:00');
  expect(problemOf(booked)).toBeUndefined();
  await mutate(w, `mutation($input: CloseMoralBankVenueInput!) { closeMoralBankVenue(input: $input) { closure { id } ${ERRORS} } }`, {
    input: { venueId: w.hall.id, startsAt: '2026-06-02T15:00:00+08:00', endsAt: '2026-06-02T16:00:00+08:00', reason: '消防检查' },
  });
  // A neighbour (no booking of her own) sees when the hall is free, not who holds it.
  expect((await freeTimes('2026-06-02T00:00:00+08:00', '2026-06-03T00:00:00+08:00')).times).toEqual([
    stretch('2026-06-02T08:00:00', '2026-06-02T10:00:00', 120),
    stretch('2026-06-02T11:30:00', '2026-06-02T15:00:00', 120),
    stretch('2026-06-02T16:00:00', '2026-06-02T21:00:00', 120),
  ]);

  // Saturday's priority window (09:00–12:00, 100 points, up to 180 minutes) is a stretch of its own;
  // a request in it holds nothing until it is served.
  const requested = await bookHall(w, w.people[0], accounts[0], '2026-06-06T09:00:00+08:00', '2026-06-06T12:00:00+08:00');
  expect(requested.data?.bookMoralBankVenue).toMatchObject({ booking: { status: 'REQUESTED' } });
  const window = { starts: '09:00', ends: '12:00', minPoints: 100, maxMinutes: 180 };
  expect((await freeTimes('2026-06-06T00:00:00+08:00', '2026-06-07T00:00:00+08:00')).times).toEqual([
    stretch('2026-06-06T08:00:00', '2026-06-06T09:00:00', 60),
    stretch('2026-06-06T09:00:00', '2026-06-06T12:00:00', 180, window),
    stretch('2026-06-06T12:00:00', '2026-06-06T21:00:00', 120),
  ]);
  expect((await accountOf(w, w.people[0]))!.balance).toBe(before - 90);
});

test('opening hours follow the venue’s time zone through a change of clocks, and stop at midnight', async () => {
  await mutate(
    w,
    `mutation($input: MoralBankVenuePolicyInput!) { configureMoralBankVenue(input: $input) { policy { timeZone } ${ERRORS} } }`,
    {
      input: {
        venueId: w.chess.id,
        timeZone: 'Europe/Berlin',
        openingHours: [
          ...DAILY_HOURS.map((h) => ({ ...h, opens: '09:00', closes: '17:00' })),
          { weekday: 6, opens: '20:00', closes: '24:00' },
        ],
        maxMinutes: 240,
      },
    },
  );
  // Berlin moves its clocks forward on Sunday 28 March 2027: 09:00 is 08:00 UTC on Saturday, 07:00 UTC on Sunday.
  expect((await freeTimes('2027-03-27T00:00:00Z', '2027-03-29T00:00:00Z', w.chess.id)).times).toEqual([
    { startsAt: '2027-03-27T08:00:00.000Z', endsAt: '2027-03-27T16:00:00.000Z', longestBooking: 240, priorityWindow: null },
    { startsAt: '2027-03-27T19:00:00.000Z', endsAt: '2027-03-27T23:00:00.000Z', longestBooking: 240, priorityWindow: null },
    { startsAt: '2027-03-28T07:00:00.000Z', endsAt: '2027-03-28T15:00:00.000Z', longestBooking: 240, priorityWindow: null },
  ]);
});

test('free times in the past are none; a span backwards or longer than a month is refused naming "to"', async () => {
  expect((await freeTimes('2026-05-01T00:00:00+08:00', '2026-05-02T00:00:00+08:00')).times).toEqual([]);
  // Seconds are cut to whole minutes, as bookings are made.
  expect((await freeTimes('2026-06-03T10:00:30+08:00', '2026-06-03T11:59:59+08:00')).times).toEqual([
    stretch('2026-06-03T10:01:00', '2026-06-03T11:59:00', 118),
  ]);
  expect(problemOf((await freeTimes('2026-06-03T00:00:00+08:00', '2026-06-02T00:00:00+08:00')).result)).toEqual({
    code: 'BAD_USER_INPUT',
    message: '"to" must be after "from".',
    field: 'to',
  });
  expect(problemOf((await freeTimes('2026-06-02T00:00:00+08:00', '2026-07-15T00:00:00+08:00')).result)).toEqual({
    code: 'BAD_USER_INPUT',
    message: 'Free times are read for at most 31 days at a time; "to" is 43 days after "from".',
    field: 'to',
  });
  // A month of a venue's calendar is one statement, whatever its bookings.
  const sent = await w.app.recordStatements(() => freeTimes('2026-06-01T00:00:00+08:00', '2026-07-01T00:00:00+08:00'));
  expect(sent.filter((sql) => sql.includes('booking'))).toHaveLength(1);
});

test('overlapping priority windows list each minute once, in the earlier window', async () => {
  await mutate(
    w,
    `mutation($input: MoralBankVenuePolicyInput!) { configureMoralBankVenue(input: $input) { policy { timeZone } ${ERRORS} } }`,
    {
      input: {
        venueId: w.chess.id,
        timeZone: 'Asia/Shanghai',
        openingHours: DAILY_HOURS,
        maxMinutes: 60,
        priorityWindows: [
          { weekday: 7, starts: '11:00', ends: '14:00', minPoints: 50, maxMinutes: 90 },
          { weekday: 7, starts: '09:00', ends: '12:00', minPoints: 100, maxMinutes: 180 },
        ],
      },
    },
  );
  const early = { starts: '09:00', ends: '12:00', minPoints: 100, maxMinutes: 180 };
  const late = { starts: '11:00', ends: '14:00', minPoints: 50, maxMinutes: 90 };
  expect((await freeTimes('2026-06-07T00:00:00+08:00', '2026-06-08T00:00:00+08:00', w.chess.id)).times).toEqual([
    stretch('2026-06-07T08:00:00', '2026-06-07T09:00:00', 60),
    stretch('2026-06-07T09:00:00', '2026-06-07T12:00:00', 180, early),
    stretch('2026-06-07T12:00:00', '2026-06-07T14:00:00', 90, late),
    stretch('2026-06-07T14:00:00', '2026-06-07T21:00:00', 60),
  ]);
});
