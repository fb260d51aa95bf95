import { randomUUID } from 'node:crypto';
import {
  ancestorIds,
  type EventEmitter,
  expectRow,
  type GongzhiContext,
  type Person,
  Place,
  placeSummary,
  PlaceType,
  readContext,
  userError,
} from '@gongzhi/core';
import type { EntityManager } from './entity-manager.js';
import { type MoralBankAccount } from './account.entity.js';
import { assertMaySpend, type MoralBankOptions } from './bank.service.js';
import { announce, bankAccountId, isPgError, marks, postTransaction, retryOnDeadlock, sql } from './ledger.service.js';
import { TransactionKind } from './transaction.entity.js';
import { BookingStatus, MoralBankBooking, MoralBankVenuePolicy, type OpeningHours, type PriorityWindow } from './venue.entity.js';
import {
  describeHours,
  localSpan,
  overlappingWindow,
  validateOpeningHours,
  validatePriorityWindows,
  WEEKDAYS,
  withinOpeningHours,
} from './venue-time.js';
import { t } from './db.js';

/** How far back verified service counts as activity for priority (积分): one year. */
const ACTIVITY_DAYS = 365;

/**
 * Activity points of accounts: service minutes verified in the last year. A person's are the
 * service credited to them; a team's are the service its members did for the team.
 */
export async function activityPoints(em: EntityManager, accountIds: readonly string[], now: Date): Promise<Map<string, number>> {
  if (accountIds.length === 0) return new Map();
  const since = new Date(now.getTime() - ACTIVITY_DAYS * 86_400_000);
  const rows = await sql<{ id: string; points: number }>(
    em,
    `SELECT a.id, coalesce((
       SELECT sum(t.service_minutes) FROM ${t('ledger_transaction')} t
       WHERE t.kind = 'earn' AND t.community_id = a.community_id AND t.occurred_at >= ?
         AND CASE WHEN a.holder_kind = 'team' THEN t.team_id = a.team_id
                  ELSE EXISTS (SELECT 1 FROM ${t('entry')} e WHERE e.transaction_id = t.id AND e.account_id = a.id) END
     ), 0)::int AS points
     FROM ${t('account')} a WHERE a.id IN (${marks(accountIds)})`,
    [since, ...accountIds],
  );
  return new Map(rows.map((r) => [r.id, Math.max(0, r.points)]));
}

export interface VenuePolicyInput {
  venueId: string;
  timeZone?: string | null;
  openingHours: OpeningHours[];
  maxMinutes: number;
  refundCutoffMinutes: number;
  noShowForfeitPercent: number;
  priorityWindows?: PriorityWindow[] | null;
}

/** Sets (or replaces) how a venue is booked. The venue's community is the bank that is paid. */
export async function configureVenue(
  ctx: GongzhiContext,
  venue: Place,
  input: VenuePolicyInput,
  options: MoralBankOptions,
): Promise<MoralBankVenuePolicy> {
  const communityId = (await ctx.em.find(Place, { uuid: { $in: [...ancestorIds(venue), venue.uuid] }, type: PlaceType.COMMUNITY }))[0]
    ?.uuid;
  if (!communityId)
    throw userError(
      'BAD_USER_INPUT',
      `Venue ${venue.name} is not inside a community; attach it to a community (or a place under one) so a bank can take its bookings.`,
      'venueId',
    );
  const timeZone = input.timeZone ?? options.timeZone;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw userError('BAD_USER_INPUT', `"timeZone" must be an IANA time zone such as "Asia/Shanghai"; got "${timeZone}".`, 'timeZone');
  }
  const hours = validateOpeningHours(input.openingHours);
  const windows = validatePriorityWindows(input.priorityWindows ?? []);
  if (!Number.isInteger(input.maxMinutes) || input.maxMinutes < 15 || input.maxMinutes > 1440) {
    throw userError('BAD_USER_INPUT', `"maxMinutes" must be from 15 to 1440; got ${input.maxMinutes}.`, 'maxMinutes');
  }
  if (!Number.isInteger(input.refundCutoffMinutes) || input.refundCutoffMinutes < 0 || input.refundCutoffMinutes > 43_200) {
    throw userError(
      'BAD_USER_INPUT',
      `"refundCutoffMinutes" must be from 0 to 43200 (30 days); got ${input.refundCutoffMinutes}.`,
      'refundCutoffMinutes',
    );
  }
  if (!Number.isInteger(input.noShowForfeitPercent) || input.noShowForfeitPercent < 0 || input.noShowForfeitPercent > 100) {
    throw userError(
      'BAD_USER_INPUT',
      `"noShowForfeitPercent" must be from 0 to 100; got ${input.noShowForfeitPercent}.`,
      'noShowForfeitPercent',
    );
  }
  await ctx.events.transaction(ctx.em, async ({ em }) => {
    await sql(
      em,
      `INSERT INTO ${t('venue_policy')} (venue_id, community_id, time_zone, opening_hours, max_minutes, refund_cutoff_minutes, no_show_forfeit_percent, priority_windows, updated_at)
       VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?)
       ON CONFLICT (venue_id) DO UPDATE SET community_id = excluded.community_id, time_zone = excluded.time_zone, opening_hours = excluded.opening_hours,
         max_minutes = excluded.max_minutes, refund_cutoff_minutes = excluded.refund_cutoff_minutes,
         no_show_forfeit_percent = excluded.no_show_forfeit_percent, priority_windows = excluded.priority_windows, updated_at = excluded.updated_at`,
      [
        venue.uuid,
        communityId,
        timeZone,
        JSON.stringify(hours),
        input.maxMinutes,
        input.refundCutoffMinutes,
        input.noShowForfeitPercent,
        JSON.stringify(windows),
        ctx.now(),
      ],
    );
  });
  return ctx.em.fork().findOneOrFail(MoralBankVenuePolicy, { venueUuid: venue.uuid });
}

async function bookingEvent(em: EntityManager, emit: EventEmitter, bookingId: string): Promise<void> {
  const row = expectRow(
    await sql<{ venue_id: string; account_id: string; status: string }>(
      em,
      `SELECT b.venue_id, b.account_id, b.status FROM ${t('booking')} b WHERE b.id = ?`,
      [bookingId],
    ),
    `booking ${bookingId}`,
  );
  const venue = (await placeSummary(readContext(em), row.venue_id))!;
  await emit('moral-bank.booking-changed', {
    bookingId,
    venueId: row.venue_id,
    accountId: row.account_id,
    placePath: venue.path,
    status: row.status,
  });
}

/** Debits a confirmed booking: account → the bank's issuance account. */
async function debit(
  em: EntityManager,
  emit: EventEmitter,
  communityId: string,
  bookingId: string,
  accountId: string,
  minutes: number,
  actorId: string | null,
  at: Date,
  memo: string,
): Promise<string> {
  const bank = await bankAccountId(em, communityId);
  const result = await postTransaction(em, {
    communityId,
    kind: TransactionKind.BOOKING,
    legs: [
      { accountId, amount: -minutes },
      { accountId: bank, amount: minutes },
    ],
    bookingId,
    actorId,
    memo,
    occurredAt: at,
  });
  await sql(em, `UPDATE ${t('booking')} SET debit_transaction_id = ? WHERE id = ?`, [result.transactionId, bookingId]);
  await announce(em, emit, result.transactionId);
  return result.transactionId;
}

/** Refunds part or all of a booking: the bank's issuance account → the account. */
async function refund(
  em: EntityManager,
  emit: EventEmitter,
  booking: { id: string; account_id: string; community_id: string },
  minutes: number,
  actorId: string | null,
  at: Date,
  memo: string,
): Promise<string> {
  const bank = await bankAccountId(em, booking.community_id);
  const result = await postTransaction(em, {
    communityId: booking.community_id,
    kind: TransactionKind.REFUND,
    legs: [
      { accountId: bank, amount: -minutes },
      { accountId: booking.account_id, amount: minutes },
    ],
    bookingId: booking.id,
    actorId,
    memo,
    occurredAt: at,
  });
  await sql(em, `UPDATE ${t('booking')} SET refund_transaction_id = ? WHERE id = ?`, [result.transactionId, booking.id]);
  await announce(em, emit, result.transactionId);
  return result.transactionId;
}

export interface BookInput {
  venue: Place;
  account: MoralBankAccount;
  startsAt: Date;
  endsAt: Date;
  purpose: string | null;
}

/**
 * Books a venue. Outside priority windows the booking is confirmed and debited in one
 * transaction; the exclusion constraint makes overlapping bookings impossible, and the loser
 * of a race rolls back with its debit. Inside a priority window the booking is a request,
 * served later in priority order by {@link allocatePriorityRequests}.
 */
export async function book(ctx: GongzhiContext, input: BookInput, actor: Person): Promise<MoralBankBooking> {
  const { venue, account, startsAt, endsAt } = input;
  const policy = await ctx.em.findOne(MoralBankVenuePolicy, { venueUuid: venue.uuid });
  if (!policy)
    throw userError(
      'NOT_FOUND',
      `Venue ${venue.name} takes no moral-bank bookings yet; staff set its hours and rules with configureMoralBankVenue.`,
      'venueId',
    );
  if (account.community.uuid !== policy.community.uuid) {
    throw userError(
      'BAD_USER_INPUT',
      `Account ${account.name} is in another community's bank; book ${venue.name} with an account of the community it belongs to.`,
      'accountId',
    );
  }
  await assertMaySpend(ctx.em, account, actor, 'accountId');
  if (startsAt.getTime() % 60_000 !== 0 || endsAt.getTime() % 60_000 !== 0) {
    throw userError('BAD_USER_INPUT', 'Bookings start and end on whole minutes (no seconds).', 'startsAt');
  }
  if (endsAt <= startsAt) throw userError('BAD_USER_INPUT', '"endsAt" must be after "startsAt".', 'endsAt');
  if (startsAt < ctx.now())
    throw userError('BOOKING_IN_PAST', `A booking must start in the future; ${startsAt.toISOString()} has passed.`, 'startsAt');
  const span = localSpan(startsAt, endsAt, policy.timeZone);
  if (!span || !withinOpeningHours(policy.openingHours, span.weekday, span.from, span.to)) {
    const weekday = span?.weekday ?? 0;
    throw userError(
      'OUTSIDE_OPENING_HOURS',
      `${venue.name} is open ${span ? `${WEEKDAYS[weekday]} ${describeHours(policy.openingHours, weekday)}` : 'within one day at a time'} (${policy.timeZone}); book a time inside its opening hours.`,
      'startsAt',
    );
  }
  const minutes = span.to - span.from;
  const window = overlappingWindow(policy.priorityWindows, span.weekday, span.from, span.to);
  let points = 0;
  if (window) {
    points = (await activityPoints(ctx.em, [account.uuid], ctx.now())).get(account.uuid) ?? 0;
    if (points < window.minPoints) {
      throw userError(
        'PRIORITY_WINDOW',
        `${WEEKDAYS[window.weekday]} ${window.starts}–${window.ends} is a priority window for accounts with at least ${window.minPoints} activity points; ${account.name} has ${points}. Book another time.`,
        'startsAt',
      );
    }
  }
  const longest = window ? Math.max(window.maxMinutes, policy.maxMinutes) : policy.maxMinutes;
  if (minutes > longest) {
    throw userError(
      'BOOKING_TOO_LONG',
      `A booking of ${venue.name} may last at most ${longest} minutes${window ? ' in this priority window' : ''}; this one lasts ${minutes}.`,
      'endsAt',
    );
  }
  if (input.purpose && input.purpose.length > 200)
    throw userError('BAD_USER_INPUT', '"purpose" must be at most 200 characters.', 'purpose');

  const id = randomUUID();
  // Two losers of a race for one slot may deadlock in the overlap check; retried, they get SLOT_TAKEN.
  await retryOnDeadlock(() =>
    ctx.events.transaction(
      ctx.em,
      async ({ em, emit }) => {
        const now = ctx.now();
        const status = window ? BookingStatus.REQUESTED : BookingStatus.CONFIRMED;
        try {
          await sql(
            em,
            `INSERT INTO ${t('booking')} (id, venue_id, account_id, starts_at, ends_at, minutes, status, in_priority_window, priority_points, purpose, booked_by_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            [id, venue.uuid, account.uuid, startsAt, endsAt, minutes, status, !!window, points, input.purpose, actor.uuid, now, now],
          );
        } catch (err) {
          if (isPgError(err, '23P01', 'booking_no_overlap')) {
            throw userError(
              'SLOT_TAKEN',
              `${venue.name} is already booked for part of ${startsAt.toISOString()}–${endsAt.toISOString()}; choose another time.`,
              'startsAt',
            );
          }
          throw err;
        }
        if (!window)
          await debit(
            em,
            emit,
            policy.community.uuid,
            id,
            account.uuid,
            minutes,
            actor.uuid,
            now,
            `${venue.name} ${input.purpose ?? ''}`.trim(),
          );
        await bookingEvent(em, emit, id);
      },
      actor.uuid,
    ),
  );
  return ctx.em.fork().findOneOrFail(MoralBankBooking, { uuid: id });
}

interface BookingRow {
  id: string;
  account_id: string;
  community_id: string;
  starts_at: Date;
  minutes: number;
  status: BookingStatus;
  refund_cutoff_minutes: number;
  no_show_forfeit_percent: number;
  name: string;
}

async function lockBooking(em: EntityManager, bookingId: string): Promise<BookingRow> {
  const rows = await sql<Omit<BookingRow, 'name'> & { venue_id: string }>(
    em,
    `SELECT b.id, b.account_id, b.venue_id, v.community_id, b.starts_at, b.minutes, b.status, v.refund_cutoff_minutes, v.no_show_forfeit_percent
     FROM ${t('booking')} b JOIN ${t('venue_policy')} v ON v.venue_id = b.venue_id
     WHERE b.id = ? FOR UPDATE OF b`,
    [bookingId],
  );
  const { venue_id: venueId, ...booking } = expectRow(rows, `booking ${bookingId} (locked)`);
  return { ...booking, name: (await placeSummary(readContext(em), venueId))!.name };
}

/**
 * Cancels a booking before it starts. A confirmed booking cancelled at least the venue's
 * cut-off before its start is refunded in full; later, nothing is refunded.
 */
export async function cancel(ctx: GongzhiContext, booking: MoralBankBooking, actor: Person): Promise<MoralBankBooking> {
  await assertMaySpend(ctx.em, booking.account, actor, 'bookingId');
  await ctx.events.transaction(
    ctx.em,
    async ({ em, emit }) => {
      const row = await lockBooking(em, booking.uuid);
      const now = ctx.now();
      if (row.status !== BookingStatus.CONFIRMED && row.status !== BookingStatus.REQUESTED) {
        throw userError('CONFLICT', `This booking is ${row.status}; only requested or confirmed bookings can be cancelled.`, 'bookingId');
      }
      if (new Date(row.starts_at) <= now)
        throw userError('BOOKING_STARTED', 'This booking has already started and can no longer be cancelled.', 'bookingId');
      await sql(em, `UPDATE ${t('booking')} SET status = 'cancelled', updated_at = ? WHERE id = ?`, [now, row.id]);
      const beforeCutoff = new Date(row.starts_at).getTime() - now.getTime() >= row.refund_cutoff_minutes * 60_000;
      if (row.status === BookingStatus.CONFIRMED && beforeCutoff) {
        await refund(em, emit, row, row.minutes, actor.uuid, now, `${row.name} 取消退还`);
      }
      await bookingEvent(em, emit, row.id);
    },
    actor.uuid,
  );
  return ctx.em.fork().findOneOrFail(MoralBankBooking, { uuid: booking.uuid });
}

/** Records that nobody came: the venue's no-show rule decides how much is refunded. */
export async function markNoShow(ctx: GongzhiContext, booking: MoralBankBooking, actor: Person): Promise<MoralBankBooking> {
  await ctx.events.transaction(
    ctx.em,
    async ({ em, emit }) => {
      const row = await lockBooking(em, booking.uuid);
      const now = ctx.now();
      if (row.status !== BookingStatus.CONFIRMED)
        throw userError('CONFLICT', `This booking is ${row.status}; only a confirmed booking can be a no-show.`, 'bookingId');
      if (new Date(row.starts_at) > now)
        throw userError('BAD_USER_INPUT', 'A no-show can be recorded only once the booking has started.', 'bookingId');
      await sql(em, `UPDATE ${t('booking')} SET status = 'no_show', updated_at = ? WHERE id = ?`, [now, row.id]);
      const back = Math.floor((row.minutes * (100 - row.no_show_forfeit_percent)) / 100);
      if (back > 0)
        await refund(em, emit, row, back, actor.uuid, now, `${row.name} 未到场，按规则退还${100 - row.no_show_forfeit_percent}%`);
      await bookingEvent(em, emit, row.id);
    },
    actor.uuid,
  );
  return ctx.em.fork().findOneOrFail(MoralBankBooking, { uuid: booking.uuid });
}

/**
 * Serves a venue's requested bookings (priority windows) in priority order: most activity
 * points first, then first come. Each is confirmed and debited unless it overlaps one already
 * confirmed, has started, or its account cannot pay; those are declined. One allocation runs
 * per venue at a time (an advisory lock).
 */
export async function allocatePriorityRequests(ctx: GongzhiContext, venue: Place, actor: Person): Promise<MoralBankBooking[]> {
  const served: string[] = [];
  await ctx.events.transaction(
    ctx.em,
    async ({ em, emit }) => {
      await sql(em, "SELECT pg_advisory_xact_lock(hashtext('moral_bank.allocate:' || ?))", [venue.uuid]);
      const now = ctx.now();
      const requests = await sql<{
        id: string;
        account_id: string;
        community_id: string;
        starts_at: Date;
        ends_at: Date;
        minutes: number;
        purpose: string | null;
      }>(
        em,
        `SELECT b.id, b.account_id, v.community_id, b.starts_at, b.ends_at, b.minutes, b.purpose FROM ${t('booking')} b
         JOIN ${t('venue_policy')} v ON v.venue_id = b.venue_id
         WHERE b.venue_id = ? AND b.status = 'requested' ORDER BY b.priority_points DESC, b.created_at, b.id FOR UPDATE OF b`,
        [venue.uuid],
      );
      for (const r of requests) {
        served.push(r.id);
        const [clash] = await sql(
          em,
          `SELECT 1 FROM ${t('booking')} WHERE venue_id = ? AND status IN ('confirmed', 'no_show') AND during && tstzrange(?, ?, '[)')`,
          [venue.uuid, r.starts_at, r.ends_at],
        );
        // Lock the account with the bank's account, in id order like every ledger write, so no deadlock.
        const bank = await bankAccountId(em, r.community_id);
        const locked = await sql<{ id: string; balance: number; min_balance: number | null }>(
          em,
          `SELECT id, balance, min_balance FROM ${t('account')} WHERE id IN (?, ?) ORDER BY id FOR UPDATE`,
          [r.account_id, bank],
        );
        const acct = locked.find((a) => a.id === r.account_id);
        const affordable = acct!.min_balance === null || acct!.balance - r.minutes >= acct!.min_balance;
        if (clash || new Date(r.starts_at) <= now || !affordable) {
          await sql(em, `UPDATE ${t('booking')} SET status = 'declined', updated_at = ? WHERE id = ?`, [now, r.id]);
        } else {
          await sql(em, `UPDATE ${t('booking')} SET status = 'confirmed', updated_at = ? WHERE id = ?`, [now, r.id]);
          await debit(
            em,
            emit,
            r.community_id,
            r.id,
            r.account_id,
            r.minutes,
            actor.uuid,
            now,
            `${venue.name} ${r.purpose ?? ''}（优先时段）`.trim(),
          );
        }
        await bookingEvent(em, emit, r.id);
      }
    },
    actor.uuid,
  );
  if (served.length === 0) return [];
  const rows = await ctx.em.fork().find(MoralBankBooking, { uuid: { $in: served } });
  const byId = new Map(rows.map((b) => [b.uuid, b]));
  return served.map((id) => byId.get(id)!);
}
