import { toGlobalId } from '@gongzhi/core';
import { problemOf } from '@gongzhi/core/testing';
import {
  accountOf,
  as,
  BOOKING_FIELDS,
  bookHall,
  code,
  configureHall,
  countRows,
  createWorld,
  depositors,
  DAILY_HOURS,
  ERRORS,
  ledger,
  mutate,
  verifyService,
  type World,
} from './fixture.js';

let w: World;
let accounts: { id: string }[] = [];
beforeAll(async () => {
  w = await createWorld(8);
  // Activity: people 0 and 1 are the most active (they reach the priority window), the rest less.
  accounts = await depositors(w, [150, 120, 30, 30, 30, 30, 30, 20]);
  const configured = await configure({});
  expect(problemOf(configured)).toBeUndefined();
});
afterAll(() => w?.app.close());

const configure = (change: Record<string, unknown>) => configureHall(w, change);
const book = (i: number, startsAt: string, endsAt: string, extra: Record<string, unknown> = {}) =>
  bookHall(w, w.people[i], accounts[i], startsAt, endsAt, extra);
const balance = async (i: number) => (await accountOf(w, w.people[i]))!.balance;

test('a venue has opening hours, a longest booking, a refund cut-off, a no-show rule and priority windows', async () => {
  const data = await w.app.run(
    'query($id: ID!) { place(id: $id) { moralBankVenuePolicy { timeZone maxMinutes priorityWindows { weekday minPoints } } } }',
    { id: w.hall.id },
  );
  expect(data.place.moralBankVenuePolicy).toEqual({
    timeZone: 'Asia/Shanghai',
    maxMinutes: 120,
    priorityWindows: [{ weekday: 6, minPoints: 100 }],
  });
  expect(problemOf(await configure({ venueId: w.community.id }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.venueId' });
  expect(problemOf(await configure({ openingHours: [{ weekday: 8, opens: '08:00', closes: '21:00' }] }))).toMatchObject({
    field: 'input.openingHours',
  });
  expect(problemOf(await configure({ openingHours: [{ weekday: 1, opens: '21:00', closes: '08:00' }] }))).toMatchObject({
    field: 'input.openingHours',
  });
  expect(problemOf(await configure({ maxMinutes: 5000 }))).toMatchObject({ field: 'input.maxMinutes' });
  expect(problemOf(await configure({ timeZone: 'Mars/Olympus' }))).toMatchObject({ field: 'input.timeZone' });
  // Configuring needs moral-bank.manage at the venue: a volunteer who sees it is refused, the venue unchanged.
  const volunteer = await w.app.execute(
    `mutation($input: MoralBankVenuePolicyInput!) { configureMoralBankVenue(input: $input) { policy { maxMinutes } ${ERRORS} } }`,
    { input: { venueId: w.hall.id, openingHours: DAILY_HOURS, maxMinutes: 30 } },
    as(w.people[0]),
  );
  expect(problemOf(volunteer)).toMatchObject({ code: 'FORBIDDEN' });
  expect((await w.app.run('query($id: ID!) { place(id: $id) { moralBankVenuePolicy { maxMinutes } } }', { id: w.hall.id })).place).toEqual({
    moralBankVenuePolicy: { maxMinutes: 120 },
  });
});

test('a booking debits its length; an overlapping one is impossible, an adjacent one fine', async () => {
  const before = await balance(2);
  const first = await book(2, '2026-06-02T14:00:00+08:00', '2026-06-02T16:00:00+08:00');
  expect(problemOf(first)).toBeUndefined();
  expect(first.data!.bookMoralBankVenue.booking).toMatchObject({
    status: 'CONFIRMED',
    minutes: 120,
    debitTransaction: { minutes: 120 },
    account: { balance: before - 120 },
  });

  const rows = await countRows(w);
  const overlap = await book(3, '2026-06-02T15:30:00+08:00', '2026-06-02T16:30:00+08:00');
  expect(problemOf(overlap)).toMatchObject({ code: 'SLOT_TAKEN', field: 'input.startsAt' });
  expect(await countRows(w)).toEqual(rows);
  expect(await balance(3)).toBe(150);

  const adjacent = await book(3, '2026-06-02T16:00:00+08:00', '2026-06-02T17:00:00+08:00');
  expect(adjacent.data!.bookMoralBankVenue.booking.status).toBe('CONFIRMED');
  expect(await balance(3)).toBe(90);
});

test('concurrent bookings of the same venue and time: exactly one wins, the losers are not debited', async () => {
  const racers = [3, 4, 5, 6, 7];
  const before = await Promise.all(racers.map(balance));
  const results = await Promise.all(racers.map((i) => book(i, '2026-06-03T19:00:00+08:00', '2026-06-03T20:00:00+08:00')));
  const winners = results.filter((r) => !problemOf(r));
  expect(winners).toHaveLength(1);
  for (const loser of results.filter((r) => problemOf(r))) expect(code(loser)).toBe('SLOT_TAKEN');
  const after = await Promise.all(racers.map(balance));
  const debited = racers.filter((_, k) => after[k] !== before[k]);
  expect(debited).toHaveLength(1);
  expect(after[racers.indexOf(debited[0])]).toBe(before[racers.indexOf(debited[0])] - 60);
  const list = await w.app.run(
    'query($v: ID!) { moralBankBookings(venueId: $v, from: "2026-06-03T00:00:00+08:00", to: "2026-06-04T00:00:00+08:00") { nodes { status } } }',
    { v: w.hall.id },
  );
  expect(list.moralBankBookings.nodes).toEqual([{ status: 'CONFIRMED' }]);
  expect(await ledger(w)).toMatchObject({ ok: true });
});

test('bookings in the past, outside opening hours, too long, or otherwise wrong are refused and write nothing', async () => {
  const open = `mutation($c: ID!, $h: ID!) { openMoralBankAccount(communityId: $c, holderKind: PERSON, holderId: $h) { account { id } ${ERRORS} } }`;
  // Seen by the district's social worker: an account of the neighbouring community's bank; unseen: a canary account and venue.
  const other = await mutate(w, open, { c: w.otherCommunity.id, h: w.neighbour.id });
  const canary = await mutate(w, open, { c: w.canary.community.id, h: w.canary.person.id });
  const rows = await countRows(w);
  const cases: [number, string, string, Record<string, unknown>, string, string][] = [
    [4, '2026-05-31T14:00:00+08:00', '2026-05-31T15:00:00+08:00', {}, 'BOOKING_IN_PAST', 'input.startsAt'],
    [4, '2026-06-04T07:00:00+08:00', '2026-06-04T09:00:00+08:00', {}, 'OUTSIDE_OPENING_HOURS', 'input.startsAt'],
    [4, '2026-06-04T20:00:00+08:00', '2026-06-04T22:00:00+08:00', {}, 'OUTSIDE_OPENING_HOURS', 'input.startsAt'],
    [4, '2026-06-04T23:00:00+08:00', '2026-06-05T01:00:00+08:00', {}, 'OUTSIDE_OPENING_HOURS', 'input.startsAt'],
    [4, '2026-06-04T10:00:00+08:00', '2026-06-04T13:00:00+08:00', {}, 'BOOKING_TOO_LONG', 'input.endsAt'],
    [4, '2026-06-04T10:00:00+08:00', '2026-06-04T09:00:00+08:00', {}, 'BAD_USER_INPUT', 'input.endsAt'],
    [4, '2026-06-04T10:00:30+08:00', '2026-06-04T11:00:00+08:00', {}, 'BAD_USER_INPUT', 'input.startsAt'],
    [4, '2026-06-04T10:00:00+08:00', '2026-06-04T11:00:00+08:00', { venueId: w.chess.id }, 'NOT_FOUND', 'input.venueId'],
    [4, '2026-06-04T10:00:00+08:00', '2026-06-04T11:00:00+08:00', { venueId: w.community.id }, 'BAD_USER_INPUT', 'input.venueId'],
    [4, '2026-06-04T10:00:00+08:00', '2026-06-04T11:00:00+08:00', { venueId: w.canary.venue.id }, 'NOT_FOUND', 'input.venueId'],
    // A volunteer of this community does not see the neighbouring community's accounts.
    [4, '2026-06-04T10:00:00+08:00', '2026-06-04T11:00:00+08:00', { accountId: other.account.id }, 'NOT_FOUND', 'input.accountId'],
    [4, '2026-06-04T10:00:00+08:00', '2026-06-04T11:00:00+08:00', { accountId: canary.account.id }, 'NOT_FOUND', 'input.accountId'],
    [
      4,
      '2026-06-04T10:00:00+08:00',
      '2026-06-04T11:00:00+08:00',
      { accountId: toGlobalId('MoralBankAccount', '00000000-0000-4000-8000-000000000000') },
      'NOT_FOUND',
      'input.accountId',
    ],
    [4, '2026-06-04T10:00:00+08:00', '2026-06-04T11:00:00+08:00', { accountId: accounts[5].id }, 'NOT_ACCOUNT_HOLDER', 'input.accountId'],
    // Saturday morning is a priority window: 30 activity points are not enough.
    [4, '2026-06-06T09:00:00+08:00', '2026-06-06T10:00:00+08:00', {}, 'PRIORITY_WINDOW', 'input.startsAt'],
  ];
  for (const [i, startsAt, endsAt, extra, expected, field] of cases) {
    const result = await book(i, startsAt, endsAt, extra);
    expect({ startsAt, ...problemOf(result) }).toMatchObject({ startsAt, code: expected, field });
  }
  // The district's social worker sees the neighbouring community's account but may not pay this venue from it.
  const linked = await w.app.execute(
    `mutation($input: MoralBankBookingInput!) { bookMoralBankVenue(input: $input) { booking { id } ${ERRORS} } }`,
    {
      input: {
        venueId: w.hall.id,
        accountId: other.account.id,
        startsAt: '2026-06-04T10:00:00+08:00',
        endsAt: '2026-06-04T11:00:00+08:00',
      },
    },
    as(w.districtWorker),
  );
  expect(problemOf(linked)).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'input.accountId' });
  // Fewer minutes than the booking costs.
  const poor = await book(7, '2026-06-04T10:00:00+08:00', '2026-06-04T12:00:00+08:00');
  expect(code(poor)).toBe('INSUFFICIENT_BALANCE');
  expect(await countRows(w)).toEqual(rows);
});

test('cancelling before the cut-off refunds, after it does not; a no-show keeps the share the venue’s rule says', async () => {
  await verifyService(w, w.people[5], 60);
  await verifyService(w, w.people[6], 60);
  const start5 = await balance(5);
  const early = (await book(5, '2026-06-10T10:00:00+08:00', '2026-06-10T11:00:00+08:00')).data!.bookMoralBankVenue.booking;
  const late = (await book(5, '2026-06-02T10:00:00+08:00', '2026-06-02T11:00:00+08:00')).data!.bookMoralBankVenue.booking; // 25 h ahead…
  const cancel = (id: string, i = 5) =>
    w.app.execute(
      `mutation($id: ID!) { cancelMoralBankBooking(bookingId: $id) { booking { ${BOOKING_FIELDS} } ${ERRORS} } }`,
      { id },
      as(w.people[i]),
    );
  expect(await balance(5)).toBe(start5 - 120);
  expect(code(await cancel(early.id, 4))).toBe('NOT_ACCOUNT_HOLDER');
  const refunded = (await cancel(early.id)).data!.cancelMoralBankBooking.booking;
  expect(refunded).toMatchObject({ status: 'CANCELLED', refundTransaction: { minutes: 60 } });
  expect(await balance(5)).toBe(start5 - 60);
  expect(code(await cancel(early.id))).toBe('CONFLICT');

  w.clock.advance(2 * 3600_000); // …now 23 h ahead: inside the cut-off
  const kept = (await cancel(late.id)).data!.cancelMoralBankBooking.booking;
  expect(kept).toMatchObject({ status: 'CANCELLED', refundTransaction: null });
  expect(await balance(5)).toBe(start5 - 60);

  const start6 = await balance(6);

  const missed = (await book(6, '2026-06-02T18:00:00+08:00', '2026-06-02T20:00:00+08:00')).data!.bookMoralBankVenue.booking;
  const noShow = (i: number) =>
    w.app.execute(
      `mutation($id: ID!) { markMoralBankNoShow(bookingId: $id) { booking { ${BOOKING_FIELDS} } ${ERRORS} } }`,
      { id: missed.id },
      as(w.people[i]),
    );
  expect(code(await noShow(0))).toBe('BAD_USER_INPUT'); // it has not started
  w.clock.set('2026-06-02T18:30:00+08:00');
  expect(code(await cancel(missed.id, 6))).toBe('BOOKING_STARTED');
  expect(code(await noShow(6))).toBe('NOT_ALLOWED');
  const recorded = (await noShow(0)).data!.markMoralBankNoShow.booking;
  expect(recorded).toMatchObject({ status: 'NO_SHOW', refundTransaction: { minutes: 60 } });
  expect(await balance(6)).toBe(start6 - 120 + 60);
  expect(await ledger(w)).toMatchObject({ ok: true });
});

test('priority windows: active accounts get longer slots, requests are served most points first, losers not debited', async () => {
  const saturday = ['2026-06-06T09:00:00+08:00', '2026-06-06T12:00:00+08:00'] as const;
  const second = await book(1, '2026-06-06T10:00:00+08:00', '2026-06-06T12:00:00+08:00');
  const first = await book(0, ...saturday); // 180 minutes: longer than the usual 120
  expect(problemOf(first)).toBeUndefined();
  expect(second.data!.bookMoralBankVenue.booking).toMatchObject({
    status: 'REQUESTED',
    inPriorityWindow: true,
    priorityPoints: 120,
    debitTransaction: null,
  });
  expect(first.data!.bookMoralBankVenue.booking).toMatchObject({ status: 'REQUESTED', priorityPoints: 150, minutes: 180 });
  const before = [await balance(0), await balance(1)];

  const allocate = `mutation($v: ID!) { allocateMoralBankPriorityRequests(venueId: $v) { bookings { id status priorityPoints } ${ERRORS} } }`;
  // Allocating needs moral-bank.manage at the venue; a canary venue does not exist for this caller.
  expect(problemOf(await w.app.execute(allocate, { v: w.hall.id }, as(w.people[0])))).toMatchObject({ code: 'FORBIDDEN' });
  expect(problemOf(await w.app.execute(allocate, { v: w.canary.venue.id }, as(w.staff)))).toMatchObject({
    code: 'NOT_FOUND',
    field: 'venueId',
  });
  const allocated = await mutate(w, allocate, { v: w.hall.id }, as(w.staff));
  expect(allocated.bookings).toEqual([
    { id: first.data!.bookMoralBankVenue.booking.id, status: 'CONFIRMED', priorityPoints: 150 },
    { id: second.data!.bookMoralBankVenue.booking.id, status: 'DECLINED', priorityPoints: 120 },
  ]);
  expect(await balance(0)).toBe(before[0] - 180);
  expect(await balance(1)).toBe(before[1]);
  expect(await ledger(w)).toMatchObject({ ok: true, entrySum: 0 });
});
