import type { GongzhiEvent } from '@gongzhi/core';
import { problemOf, uuidOf } from '@gongzhi/core/testing';
import { accountOf, as, bookHall, code, configureHall, countRows, createWorld, depositors, ERRORS, ledger, type World } from './fixture.js';

/**
 * A venue closes for a time (活动室装修, 疫情封控): `closeMoralBankVenue` calls off the bookings of
 * that time not yet begun, refunding the confirmed ones in full whatever the cut-off, and no booking
 * is made in it after; a booking racing the closure is refused or called off, never kept.
 */
let w: World;
let accounts: { id: string }[] = [];
beforeAll(async () => {
  w = await createWorld(5);
  accounts = await depositors(w, [150, 150, 150, 150, 150]);
  expect(problemOf(await configureHall(w))).toBeUndefined();
});
afterAll(() => w?.app.close());

const CLOSE = `mutation($input: CloseMoralBankVenueInput!) { closeMoralBankVenue(input: $input) {
  closure { id startsAt endsAt reason calledOff } ${ERRORS} } }`;
const close = (startsAt: string, endsAt: string, reason = '活动室装修', caller?: Parameters<typeof as>[0]) =>
  w.app.execute(CLOSE, { input: { venueId: w.hall.id, startsAt, endsAt, reason } }, caller ? as(caller) : undefined);
const book = (i: number, startsAt: string, endsAt: string) => bookHall(w, w.people[i], accounts[i], startsAt, endsAt);
const balance = async (i: number) => (await accountOf(w, w.people[i]))!.balance;
const statusOf = async (id: string) =>
  (await w.app.run('query($id: ID!) { node(id: $id) { ... on MoralBankBooking { status refundTransaction { minutes } } } }', { id })).node;

test('closing a venue calls off its bookings then, refunded in full even inside the cut-off; no booking is made in it after', async () => {
  const start = [await balance(0), await balance(1), await balance(2)];
  const tonight = (await book(0, '2026-06-01T20:00:00+08:00', '2026-06-01T21:00:00+08:00')).data!.bookMoralBankVenue.booking; // 11 h ahead
  const friday = (await book(1, '2026-06-05T10:00:00+08:00', '2026-06-05T12:00:00+08:00')).data!.bookMoralBankVenue.booking;
  const saturday = (await book(2, '2026-06-06T09:00:00+08:00', '2026-06-06T10:00:00+08:00')).data!.bookMoralBankVenue.booking;
  const after = (await book(3, '2026-06-08T10:00:00+08:00', '2026-06-08T11:00:00+08:00')).data!.bookMoralBankVenue.booking;
  expect([tonight.status, friday.status, saturday.status, after.status]).toEqual(['CONFIRMED', 'CONFIRMED', 'REQUESTED', 'CONFIRMED']);
  expect([await balance(0), await balance(1), await balance(2)]).toEqual([start[0] - 60, start[1] - 120, start[2]]);

  // Only staff who manage the bank where the venue is; a reason the bookers are told; a time ahead.
  expect(code(await close('2026-06-01T12:00:00+08:00', '2026-06-07T00:00:00+08:00', '装修', w.people[0]))).toBe('FORBIDDEN');
  expect(problemOf(await close('2026-06-07T00:00:00+08:00', '2026-06-01T12:00:00+08:00'))).toMatchObject({ field: 'input.endsAt' });
  expect(problemOf(await close('2026-05-01T00:00:00+08:00', '2026-05-02T00:00:00+08:00'))).toMatchObject({ field: 'input.endsAt' });
  expect(problemOf(await close('2026-06-01T12:00:00+08:00', '2026-06-07T00:00:00+08:00', ' '))).toMatchObject({ field: 'input.reason' });

  const events: GongzhiEvent[] = [];
  const stop = w.app.platform.events.onCommitted((batch) => void events.push(...batch));
  const closed = await close('2026-06-01T12:00:00+08:00', '2026-06-07T00:00:00+08:00');
  stop();
  expect(closed.data!.closeMoralBankVenue).toEqual({
    closure: {
      id: expect.any(String),
      startsAt: '2026-06-01T04:00:00.000Z',
      endsAt: '2026-06-06T16:00:00.000Z',
      reason: '活动室装修',
      calledOff: 3,
    },
    errors: [],
  });
  expect(await statusOf(tonight.id)).toEqual({ status: 'CANCELLED', refundTransaction: { minutes: 60 } });
  expect(await statusOf(friday.id)).toEqual({ status: 'CANCELLED', refundTransaction: { minutes: 120 } });
  expect(await statusOf(saturday.id)).toEqual({ status: 'CANCELLED', refundTransaction: null });
  expect(await statusOf(after.id)).toEqual({ status: 'CONFIRMED', refundTransaction: null });
  expect([await balance(0), await balance(1), await balance(2)]).toEqual(start);
  expect(events.filter((e) => e.name === 'moral-bank.booking-changed').map((e) => (e.payload as { status: string }).status)).toEqual([
    'cancelled',
    'cancelled',
    'cancelled',
  ]);
  expect(events.find((e) => e.name === 'moral-bank.venue-closed')?.payload).toEqual({
    closureId: uuidOf(closed.data!.closeMoralBankVenue.closure.id),
    venueId: w.hall.uuid,
    placePath: w.hall.path,
    startsAt: '2026-06-01T04:00:00.000Z',
    endsAt: '2026-06-06T16:00:00.000Z',
    calledOff: 3,
  });

  const rows = await countRows(w);
  const refused = await book(4, '2026-06-03T10:00:00+08:00', '2026-06-03T11:00:00+08:00');
  expect(problemOf(refused)).toEqual({
    code: 'VENUE_CLOSED',
    message: 'Venue 排练厅 is closed from 2026-06-01T04:00:00.000Z to 2026-06-06T16:00:00.000Z (活动室装修); book another time.',
    field: 'input.startsAt',
  });
  expect(await countRows(w)).toEqual(rows);
  expect(await balance(4)).toBe(start[2]);

  // A resident who books sees when and why the venue is closed.
  const seen = await w.app.run(
    'query($v: ID!) { place(id: $v) { moralBankVenuePolicy { closures { nodes { reason calledOff } } } } }',
    { v: w.hall.id },
    as(w.people[4]),
  );
  expect(seen.place.moralBankVenuePolicy.closures.nodes).toEqual([{ reason: '活动室装修', calledOff: 3 }]);
  expect(await ledger(w)).toMatchObject({ ok: true });
});

test('a booking racing a closure of its time is refused or called off and refunded, never kept', async () => {
  for (const [round, day] of ['2026-06-09', '2026-06-10', '2026-06-11'].entries()) {
    const i = round % 2 === 0 ? 3 : 4;
    const before = await balance(i);
    const [booked] = await Promise.all([
      book(i, `${day}T10:00:00+08:00`, `${day}T11:00:00+08:00`),
      close(`${day}T00:00:00+08:00`, `${day}T23:00:00+08:00`, '疫情防控'),
    ]);
    const booking = booked.data?.bookMoralBankVenue.booking;
    if (booking) expect(await statusOf(booking.id)).toEqual({ status: 'CANCELLED', refundTransaction: { minutes: 60 } });
    else expect(code(booked)).toBe('VENUE_CLOSED');
    expect(await balance(i)).toBe(before);
  }
  expect(await ledger(w)).toMatchObject({ ok: true });
});

test('a venue opens again before the closure ends: one under way ends now, one not begun is withdrawn', async () => {
  const REOPEN = `mutation($id: ID!) { reopenMoralBankVenue(closureId: $id) { closure { endsAt } ${ERRORS} } }`;
  const closureId = async (startsAt: string, endsAt: string) =>
    (await close(startsAt, endsAt, '消防检查')).data!.closeMoralBankVenue.closure.id;
  // Under way since 08:00 (now is 09:00 on 1 June): refused, then open again.
  const now = await closureId('2026-06-01T08:00:00+08:00', '2026-06-01T11:30:00+08:00');
  expect(code(await book(4, '2026-06-01T10:00:00+08:00', '2026-06-01T11:00:00+08:00'))).toBe('VENUE_CLOSED');
  expect(code(await w.app.execute(REOPEN, { id: now }, as(w.people[4])))).toBe('FORBIDDEN');
  const reopened = await w.app.execute(REOPEN, { id: now });
  expect(reopened.data!.reopenMoralBankVenue).toEqual({ closure: { endsAt: '2026-06-01T01:00:00.000Z' }, errors: [] });
  expect(problemOf(await book(4, '2026-06-01T10:00:00+08:00', '2026-06-01T11:00:00+08:00'))).toBeUndefined();
  expect(code(await w.app.execute(REOPEN, { id: now }))).toBe('CONFLICT');
  // Not begun: withdrawn, gone from the list; the time is bookable.
  const later = await closureId('2026-06-20T00:00:00+08:00', '2026-06-22T00:00:00+08:00');
  expect(problemOf(await w.app.execute(REOPEN, { id: later }))).toBeUndefined();
  expect(problemOf(await book(4, '2026-06-21T10:00:00+08:00', '2026-06-21T11:00:00+08:00'))).toBeUndefined();
  const listed = await w.app.run('query($v: ID!) { place(id: $v) { moralBankVenuePolicy { closures { nodes { id } } } } }', {
    v: w.hall.id,
  });
  expect(listed.place.moralBankVenuePolicy.closures.nodes.map((c: { id: string }) => c.id)).not.toContain(later);
  expect(code(await w.app.execute(REOPEN, { id: later }))).toBe('NOT_FOUND');
});
