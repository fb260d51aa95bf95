import { randomUUID } from 'node:crypto';
import { defineCommand, type Named, type Place, placeSummary, type UnitOfWork } from '@gongzhi/core';
import { assertMaySpend, bankAccountId } from '../account/account.commands.js';
import { MoralBankAccount } from '../account/account.entity.js';
import { activityPoints } from '../account/account.queries.js';
import { MoralBankPermission } from '../permissions.js';
import { requireVenue } from '../place-types.js';
import { postTransaction } from '../transaction/ledger.js';
import { TransactionKind } from '../transaction/transaction.entity.js';
import type { MoralBankVenuePolicy, PriorityWindow } from '../venue/venue.entity.js';
import { venuePolicy } from '../venue/venue.queries.js';
import { describeHours, localSpan, overlappingWindow, WEEKDAYS, withinOpeningHours } from '../venue/venue-time.js';
import { BookingStatus, MoralBankBooking } from './booking.entity.js';
import { t } from '../db.js';
import { bankMessages, bankPhrases } from '../messages.js';

/** The rows a booking's money moves between, and the booking's place. */
interface BookingParties {
  id: string;
  venueUuid: string;
  accountId: string;
  communityId: string;
}

/**
 * The statement that takes, until commit, the lock every write confirming bookings of one venue
 * holds (a new booking, an allocation of priority requests): one after another, the loser of a
 * race meets the winner's committed row in the exclusion constraint and gets its error
 * (SLOT_TAKEN) at once. Racing unlocked, two inserts of overlapping bookings could each wait for
 * the other's uncommitted row inside the constraint's check: a deadlock PostgreSQL breaks after
 * a second, again and again with five racers on a busy machine.
 */
const VENUE_LOCK = "pg_advisory_xact_lock(hashtext('moral_bank.venue:' || ?))";

/** Takes the venue's lock ({@link VENUE_LOCK}) until commit: what closing a venue does before it looks for bookings to call off. */
export async function lockVenue(uow: UnitOfWork, venueUuid: string): Promise<void> {
  await uow.em.execute(`SELECT ${VENUE_LOCK}`, [venueUuid]);
}

/**
 * Refuses a booking of [startsAt, endsAt) when the venue is closed for part of it. Asked after the
 * booking's row went in with the venue's lock, in a statement of its own, so it sees a closure
 * that committed while this booking waited for the lock (a closure takes the lock too).
 */
async function checkOpen(uow: UnitOfWork, venue: Place, startsAt: Date, endsAt: Date): Promise<void> {
  const [closed] = await uow.em.execute<{ starts_at: Date; ends_at: Date; reason: string }[]>(
    `SELECT starts_at, ends_at, reason FROM ${t('venue_closure')}
      WHERE venue_id = ? AND starts_at < ? AND ends_at > ? ORDER BY starts_at LIMIT 1`,
    [venue.uuid, endsAt, startsAt],
  );
  if (closed) {
    throw bankMessages.venueClosed.error(
      {
        venueName: venue.name,
        from: new Date(closed.starts_at).toISOString(),
        to: new Date(closed.ends_at).toISOString(),
        reason: closed.reason,
      },
      'input.startsAt',
    );
  }
}

/**
 * Calls off the bookings of a venue not yet begun that overlap [from, to), because the venue
 * closes: a confirmed one is refunded in full whatever the cut-off (the venue's doing, not the
 * booker's), a requested one (nothing debited) is cancelled; each is announced. The caller holds
 * the venue's lock. Returns how many.
 */
export async function callOffBookings(uow: UnitOfWork, venue: Place, from: Date, to: Date, reason: string): Promise<number> {
  const policy = (await venuePolicy(uow, venue.uuid))!;
  const rows = await uow.em.execute<{ id: string; account_id: string; minutes: number; status: BookingStatus }[]>(
    `SELECT id, account_id, minutes, status FROM ${t('booking')}
      WHERE venue_id = ? AND status IN ('requested', 'confirmed') AND starts_at < ? AND ends_at > ? AND starts_at > ?
      ORDER BY starts_at, id`,
    [venue.uuid, to, from, uow.now()],
  );
  for (const row of rows) {
    const parties = { id: row.id, venueUuid: venue.uuid, accountId: row.account_id, communityId: policy.community.uuid };
    if (row.status === BookingStatus.CONFIRMED) {
      await settle(uow, parties, TransactionKind.REFUND, Number(row.minutes), `${venue.name} 暂停开放，全额退还：${reason}`);
    }
    await changeStatus(uow, parties, BookingStatus.CANCELLED);
  }
  return rows.length;
}

/** Moves a booking's minutes: a debit (account → the bank's issuance account) or a refund (back); records it on the booking. */
async function settle(
  uow: UnitOfWork,
  booking: BookingParties,
  kind: TransactionKind.BOOKING | TransactionKind.REFUND,
  minutes: number,
  memo: string,
) {
  const bank = await bankAccountId(uow.em, booking.communityId);
  const sign = kind === TransactionKind.BOOKING ? -1 : 1;
  const result = await postTransaction(uow, {
    communityId: booking.communityId,
    kind,
    legs: [
      { accountId: booking.accountId, amount: sign * minutes },
      { accountId: bank, amount: -sign * minutes },
    ],
    bookingId: booking.id,
    actorId: uow.actor.personId,
    memo,
    occurredAt: uow.now(),
  });
  const column = kind === TransactionKind.BOOKING ? 'debit_transaction_id' : 'refund_transaction_id';
  await uow.em.execute(`UPDATE ${t('booking')} SET ${column} = ? WHERE id = ?`, [result.transactionId, booking.id]);
}

/** Sets a booking's status and emits `moral-bank.booking-changed` (delivered after commit). */
async function changeStatus(uow: UnitOfWork, booking: BookingParties, status: BookingStatus): Promise<void> {
  await uow.em.execute(`UPDATE ${t('booking')} SET status = ?, updated_at = ? WHERE id = ?`, [status, uow.now(), booking.id]);
  await announce(uow, booking, status);
}

async function announce(uow: UnitOfWork, booking: BookingParties, status: BookingStatus): Promise<void> {
  const venue = await placeSummary(uow, booking.venueUuid);
  await uow.emit('moral-bank.booking-changed', {
    bookingId: booking.id,
    venueId: booking.venueUuid,
    accountId: booking.accountId,
    placePath: venue?.path ?? '',
    status,
  });
}

/** The booking as the command leaves it (its row changed by SQL). */
function reloaded(uow: UnitOfWork, id: string): Promise<MoralBankBooking> {
  return uow.em.findOneOrFail(MoralBankBooking, { uuid: id }, { refresh: true });
}

/** Checks a slot against the venue's rules: whole minutes, in the future, within opening hours, not too long, priority windows. */
async function checkSlot(
  uow: UnitOfWork,
  venue: Place,
  account: MoralBankAccount,
  policy: MoralBankVenuePolicy,
  { startsAt, endsAt }: { startsAt: Date; endsAt: Date },
): Promise<{ minutes: number; window: PriorityWindow | null; points: number }> {
  if (startsAt.getTime() % 60_000 !== 0 || endsAt.getTime() % 60_000 !== 0)
    throw bankMessages.bookingsStartEndWhole.error('input.startsAt');
  if (endsAt <= startsAt) throw bankMessages.endsatAfterStartsat.error('input.endsAt');
  if (startsAt < uow.now()) throw bankMessages.bookingStartFuturePassed.error({ startsAt: startsAt.toISOString() }, 'input.startsAt');
  const span = localSpan(startsAt, endsAt, policy.timeZone);
  if (!span || !withinOpeningHours(policy.openingHours, span.weekday, span.from, span.to)) {
    const open = span ? `${WEEKDAYS[span.weekday]} ${describeHours(policy.openingHours, span.weekday)}` : 'within one day at a time';
    throw bankMessages.openBookTimeInside.error({ venueName: venue.name, open, timeZone: policy.timeZone }, 'input.startsAt');
  }
  const minutes = span.to - span.from;
  const window = overlappingWindow(policy.priorityWindows, span.weekday, span.from, span.to);
  const points = window ? ((await activityPoints(uow.em, [account.uuid], uow.now())).get(account.uuid) ?? 0) : 0;
  if (window && points < window.minPoints) {
    throw bankMessages.priorityWindowAccountsLeast.error(
      {
        weekday: WEEKDAYS[window.weekday],
        starts: window.starts,
        ends: window.ends,
        minPoints: window.minPoints,
        accountName: account.name,
        points,
      },
      'input.startsAt',
    );
  }
  const longest = window ? Math.max(window.maxMinutes, policy.maxMinutes) : policy.maxMinutes;
  if (minutes > longest) {
    throw bankMessages.bookingMayLastMost.error(
      { venueName: venue.name, longest, window: window ? bankPhrases.inPriorityWindow : '', minutes },
      'input.endsAt',
    );
  }
  return { minutes, window, points };
}

export interface BookInput {
  venue: Named<Place>;
  account: Named<MoralBankAccount>;
  startsAt: Date;
  endsAt: Date;
  purpose?: string | null;
}

/**
 * Books a venue, paid from an account the actor may spend. Outside priority windows the booking
 * is confirmed and debited at once; the exclusion constraint makes overlapping bookings
 * impossible (SLOT_TAKEN, see `constraintErrors`; racers take turns on the venue's lock), and the
 * loser of a race rolls back with its debit. Inside a priority window the booking is a request, served later in priority order
 * by {@link allocatePriorityRequests}.
 */
export const bookVenue = defineCommand<BookInput, MoralBankBooking>({
  name: 'moral-bank.bookVenue',
  // A venue is paid from an account of its own community's bank: the account's community lies on
  // the venue's line of places. No widening: a neighbouring community's minutes are its own bank's.
  links: { account: { to: 'venue' } },
  async run(uow, input) {
    const actor = await uow.actingPerson();
    const { venue, account } = input;
    requireVenue(venue, 'input.venueId');
    const policy = await venuePolicy(uow, venue.uuid);
    if (!policy) {
      throw bankMessages.venueTakesMoralBank.error({ venueName: venue.name }, 'input.venueId');
    }
    await assertMaySpend(uow, account, actor, 'input.accountId');
    const { minutes, window, points } = await checkSlot(uow, venue, account, policy, input);
    const purpose = input.purpose?.trim() || null;
    if (purpose && purpose.length > 200) throw bankMessages.purposeMostCharacters.error('input.purpose');
    const booking = { id: randomUUID(), venueUuid: venue.uuid, accountId: account.uuid, communityId: policy.community.uuid };
    const status = window ? BookingStatus.REQUESTED : BookingStatus.CONFIRMED;
    const now = uow.now();
    // The venue's lock and the row in one statement (the lock is taken before the row is checked).
    await uow.em.execute(
      `INSERT INTO ${t('booking')} (id, venue_id, account_id, starts_at, ends_at, minutes, status, in_priority_window, priority_points, purpose, booked_by_id, created_at, updated_at)
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM (SELECT ${VENUE_LOCK}) AS venue_lock`,
      [
        booking.id,
        venue.uuid,
        account.uuid,
        input.startsAt,
        input.endsAt,
        minutes,
        status,
        !!window,
        points,
        purpose,
        actor.uuid,
        now,
        now,
        venue.uuid,
      ],
    );
    await checkOpen(uow, venue, input.startsAt, input.endsAt);
    if (!window) await settle(uow, booking, TransactionKind.BOOKING, minutes, `${venue.name} ${purpose ?? ''}`.trim());
    await announce(uow, booking, status);
    return reloaded(uow, booking.id);
  },
});

/** The parties of a booking already made, and its venue's rules. */
async function partiesOf(uow: UnitOfWork, booking: MoralBankBooking) {
  const policy = (await venuePolicy(uow, booking.venueUuid))!;
  const venue = (await placeSummary(uow, booking.venueUuid))!;
  const parties = { id: booking.uuid, venueUuid: booking.venueUuid, accountId: booking.account.uuid, communityId: policy.community.uuid };
  return { parties, policy, venueName: venue.name };
}

/**
 * Cancels a booking before it starts; only someone who may spend its account may. A confirmed
 * booking cancelled at least the venue's cut-off before its start is refunded in full; later,
 * nothing is refunded.
 */
export const cancelBooking = defineCommand<{ booking: Named<MoralBankBooking> }, MoralBankBooking>({
  name: 'moral-bank.cancelBooking',
  lock: ['booking'],
  async run(uow, { booking }) {
    const actor = await uow.actingPerson();
    await assertMaySpend(uow, await uow.em.findOneOrFail(MoralBankAccount, { uuid: booking.account.uuid }), actor, 'bookingId');
    const now = uow.now();
    if (booking.status !== BookingStatus.CONFIRMED && booking.status !== BookingStatus.REQUESTED)
      throw bankMessages.bookingOnlyRequestedConfirmed.error({ bookingStatus: booking.status }, 'bookingId');
    if (booking.startsAt <= now) throw bankMessages.bookingAlreadyStartedCan.error('bookingId');
    const { parties, policy, venueName } = await partiesOf(uow, booking);
    const beforeCutoff = booking.startsAt.getTime() - now.getTime() >= policy.refundCutoffMinutes * 60_000;
    if (booking.status === BookingStatus.CONFIRMED && beforeCutoff)
      await settle(uow, parties, TransactionKind.REFUND, booking.minutes, `${venueName} 取消退还`);
    await changeStatus(uow, parties, BookingStatus.CANCELLED);
    return reloaded(uow, booking.uuid);
  },
});

/** Records that nobody came, once the booking has started; the venue's no-show rule decides how much is refunded. */
export const markNoShow = defineCommand<{ booking: Named<MoralBankBooking> }, MoralBankBooking>({
  name: 'moral-bank.markNoShow',
  lock: ['booking'],
  async run(uow, { booking }) {
    const actor = await uow.actingPerson();
    const account = await uow.em.findOneOrFail(MoralBankAccount, { uuid: booking.account.uuid });
    if (account.person?.uuid === actor.uuid) throw bankMessages.nobodyRecordsTheirOwn.error('bookingId');
    if (booking.status !== BookingStatus.CONFIRMED)
      throw bankMessages.bookingOnlyConfirmedBooking.error({ bookingStatus: booking.status }, 'bookingId');
    if (booking.startsAt > uow.now()) throw bankMessages.showCanRecordedOnly.error('bookingId');
    const { parties, policy, venueName } = await partiesOf(uow, booking);
    const kept = policy.noShowForfeitPercent;
    const back = Math.floor((booking.minutes * (100 - kept)) / 100);
    if (back > 0) await settle(uow, parties, TransactionKind.REFUND, back, `${venueName} 未到场，按规则退还${100 - kept}%`);
    await changeStatus(uow, parties, BookingStatus.NO_SHOW);
    return reloaded(uow, booking.uuid);
  },
});

/**
 * Serves a venue's requested bookings (priority windows) in priority order: most activity points
 * first, then first come. Each is confirmed and debited unless it overlaps one already confirmed,
 * has started, or its account cannot pay; those are declined. It holds the venue's lock (see
 * {@link VENUE_LOCK}): one allocation or booking of a venue at a time. Needs `moral-bank.manage` at the venue.
 */
export const allocatePriorityRequests = defineCommand<{ venue: Named<Place> }, MoralBankBooking[]>({
  name: 'moral-bank.allocatePriorityRequests',
  async run(uow, { venue }) {
    await uow.actingPerson();
    uow.actor.authorize(MoralBankPermission.MANAGE, requireVenue(venue, 'venueId').path);
    return serveRequests(uow, venue, null);
  },
});

/**
 * The automatic allocation (the plugin's `priority-allocation` round, run as the system): serves
 * the venue's requests for the days that begin within `hoursAhead` hours (the venue's own time
 * zone), in priority order as {@link allocatePriorityRequests} does. Requests for later days keep
 * waiting, so everyone asking for a day is weighed together. Answers the bookings served.
 */
export const allocateDuePriorityRequests = defineCommand<{ venueId: string; hoursAhead: number }, MoralBankBooking[]>({
  name: 'moral-bank.allocateDuePriorityRequests',
  async run(uow, { venueId, hoursAhead }) {
    const venue = await placeSummary(uow, venueId);
    if (!venue) return [];
    return serveRequests(uow, { uuid: venueId, name: venue.name }, hoursAhead);
  },
});

/**
 * The condition "booking `b` (with its venue's policy `v`) is on a day that begins within the
 * given hours of the given time, in the venue's time zone": its parameters are that time and the hours.
 */
export const DUE_DAY_SQL = `(b.starts_at AT TIME ZONE v.time_zone)::date <= ((?::timestamptz + ?::int * interval '1 hour') AT TIME ZONE v.time_zone)::date`;

/** Serves the venue's requests (those of the days beginning within `hoursAhead` hours, or all), under the venue's lock. */
async function serveRequests(
  uow: UnitOfWork,
  venue: { uuid: string; name: string },
  hoursAhead: number | null,
): Promise<MoralBankBooking[]> {
  await uow.em.execute(`SELECT ${VENUE_LOCK}`, [venue.uuid]);
  const now = uow.now();
  const requests = await uow.em.execute<
    { id: string; account_id: string; community_id: string; starts_at: Date; ends_at: Date; minutes: number; purpose: string | null }[]
  >(
    `SELECT b.id, b.account_id, v.community_id, b.starts_at, b.ends_at, b.minutes, b.purpose FROM ${t('booking')} b
     JOIN ${t('venue_policy')} v ON v.venue_id = b.venue_id
     WHERE b.venue_id = ? AND b.status = 'requested'
       ${hoursAhead === null ? '' : `AND ${DUE_DAY_SQL}`}
     ORDER BY b.priority_points DESC, b.created_at, b.id FOR UPDATE OF b`,
    hoursAhead === null ? [venue.uuid] : [venue.uuid, now, hoursAhead],
  );
  for (const r of requests) {
    const booking = { id: r.id, venueUuid: venue.uuid, accountId: r.account_id, communityId: r.community_id };
    const [clash] = await uow.em.execute(
      `SELECT 1 FROM ${t('booking')} WHERE venue_id = ? AND status IN ('confirmed', 'no_show') AND during && tstzrange(?, ?, '[)')`,
      [venue.uuid, r.starts_at, r.ends_at],
    );
    // Lock the account with the bank's account, in id order like every ledger write, so no deadlock.
    const bank = await bankAccountId(uow.em, r.community_id);
    const locked = await uow.em.execute<{ id: string; balance: number; min_balance: number | null }[]>(
      `SELECT id, balance, min_balance FROM ${t('account')} WHERE id IN (?, ?) ORDER BY id FOR UPDATE`,
      [r.account_id, bank],
    );
    const payer = locked.find((a) => a.id === r.account_id)!;
    const affordable = payer.min_balance === null || payer.balance - r.minutes >= payer.min_balance;
    if (clash || new Date(r.starts_at) <= now || !affordable) {
      await changeStatus(uow, booking, BookingStatus.DECLINED);
      continue;
    }
    await settle(uow, booking, TransactionKind.BOOKING, r.minutes, `${venue.name} ${r.purpose ?? ''}（优先时段）`.trim());
    await changeStatus(uow, booking, BookingStatus.CONFIRMED);
  }
  if (requests.length === 0) return [];
  const served = await uow.em.find(MoralBankBooking, { uuid: { $in: requests.map((r) => r.id) } }, { refresh: true });
  const byId = new Map(served.map((b) => [b.uuid, b]));
  return requests.map((r) => byId.get(r.id)!);
}
