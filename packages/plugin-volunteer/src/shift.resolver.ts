import {
  actingPerson,
  type GongzhiContext,
  loadById,
  loadByForeignKey,
  Person,
  Place,
  placeSummary,
  readContext,
  refId,
  requireEntity,
  requireIsoDate,
  requirePerson,
  requirePlace,
  userError,
  requireVisible,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VolunteerServiceEntry } from './service-entry.entity.js';
import { MAX_ENTRY_MINUTES, ServiceHoursService } from './service-hours.service.js';
import { VolunteerShift, VolunteerShiftSchedule, VolunteerShiftSignup } from './shift.entity.js';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerServiceSource } from './volunteer.enums.js';
import type { VolunteerShiftEventPayload } from './volunteer.events.js';
import {
  inTransaction,
  localDate,
  requireCommunityOf,
  requireLeader,
  requireMember,
  requireText,
  sql,
  type Tx,
} from './volunteer.support.js';
import { t } from './db.js';

/** The longest date range one materialisation covers. */
export const MAX_MATERIALIZE_DAYS = 92;
/** How early before a shift's start a volunteer may check in. */
export const CHECK_IN_EARLY_MINUTES = 60;

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

@InputType({ description: 'A recurring shift rule: weekdays, local start and end time, capacity, validity.' })
export class CreateVolunteerShiftScheduleInput {
  @Field(() => ID)
  teamId!: string;

  @Field(() => ID, { description: 'Where the shifts take place (a checkpoint, a compound…).' })
  placeId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => [Int], { description: 'ISO weekdays: 1 = Monday … 7 = Sunday.' })
  weekdays!: number[];

  @Field(() => String, { description: 'Local start time, HH:MM.' })
  startTime!: string;

  @Field(() => String, { description: 'Local end time, HH:MM; at or before the start time means the next day (a night shift).' })
  endTime!: string;

  @Field(() => Int, { description: 'Volunteers per slot (1–1000).' })
  capacity!: number;

  @Field(() => String, { description: 'First day, YYYY-MM-DD.' })
  validFrom!: string;

  @Field(() => String, { nullable: true, description: 'Last day, YYYY-MM-DD; open-ended when omitted.' })
  validUntil?: string | null;

  @Field(() => String, { defaultValue: 'Asia/Shanghai', description: 'IANA time zone of the times.' })
  timeZone!: string;
}

@InputType({ description: 'A one-off shift slot.' })
export class CreateVolunteerShiftInput {
  @Field(() => ID)
  teamId!: string;

  @Field(() => ID)
  placeId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => Date)
  startsAt!: Date;

  @Field(() => Date, { description: 'After startsAt, at most 24 hours later.' })
  endsAt!: Date;

  @Field(() => Int)
  capacity!: number;
}

function checkCapacity(capacity: number, argument: string): void {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1000) {
    throw userError('BAD_USER_INPUT', `"${argument}" must be a whole number from 1 to 1000, got ${capacity}.`, argument);
  }
}

/**
 * Shifts: recurring rules, slots with capacity, sign-up, swap, hand-over, check-in and
 * check-out. Capacity is taken with a conditional update (`taken < capacity`), so of N
 * concurrent sign-ups for the last place exactly one wins (SLOT_FULL for the rest); a person
 * is never on two overlapping shifts because the database refuses it (exclusion constraint
 * over the shift's time range, DOUBLE_BOOKED).
 */
@Resolver(() => VolunteerShift)
export class VolunteerShiftResolver {
  private async changed(tx: Tx, signup: VolunteerShiftSignup, change: VolunteerShiftEventPayload['change']) {
    const shift = await tx.em.findOneOrFail(VolunteerShift, { uuid: refId(signup.shift)! });
    await tx.emit('volunteer.shift-changed', {
      signupId: signup.uuid,
      shiftId: shift.uuid,
      personId: refId(signup.person)!,
      placePath: shift.placePath,
      change,
    });
  }

  private async loadSignup(tx: Tx, signupId: string) {
    const signup = await requireEntity(tx.em, VolunteerShiftSignup, 'VolunteerShiftSignup', signupId, 'signupId');
    const shift = await tx.em.findOneOrFail(VolunteerShift, { uuid: refId(signup.shift)! });
    const team = await tx.em.findOneOrFail(VolunteerTeam, { uuid: refId(shift.team)! });
    return { signup, shift, team };
  }

  @Query(() => [VolunteerShift], { description: "A team's shifts starting from `from` until before `to`, in time order (at most 500)." })
  async volunteerShifts(
    @Arg('teamId', () => ID) teamId: string,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerShift[]> {
    const team = await requireEntity(ctx.em, VolunteerTeam, 'VolunteerTeam', teamId, 'teamId');
    return ctx.em.find(
      VolunteerShift,
      { team, startsAt: { $gte: from, $lt: to } },
      { orderBy: { startsAt: 'asc', uuid: 'asc' }, limit: 500 },
    );
  }

  @Mutation(() => VolunteerShiftSchedule, {
    description: 'Creates a recurring shift rule (leaders only). Slots appear with materializeVolunteerShifts.',
  })
  async createVolunteerShiftSchedule(
    @Arg('input', () => CreateVolunteerShiftScheduleInput) input: CreateVolunteerShiftScheduleInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerShiftSchedule> {
    const actor = await actingPerson(ctx);
    const title = requireText(input.title, 'input.title');
    const weekdays = [...new Set(input.weekdays)].sort();
    if (weekdays.length === 0 || weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
      throw userError(
        'BAD_USER_INPUT',
        `"input.weekdays" must list ISO weekdays from 1 (Monday) to 7 (Sunday), at least one; got [${input.weekdays.join(', ')}].`,
        'input.weekdays',
      );
    }
    for (const [name, value] of [
      ['input.startTime', input.startTime],
      ['input.endTime', input.endTime],
    ] as const) {
      if (!HH_MM.test(value))
        throw userError('BAD_USER_INPUT', `"${name}" must be a time written HH:MM (00:00–23:59), got "${value}".`, name);
    }
    if (input.startTime === input.endTime)
      throw userError(
        'INVALID_DURATION',
        '"input.endTime" must differ from "input.startTime": a shift lasts less than 24 hours.',
        'input.endTime',
      );
    checkCapacity(input.capacity, 'input.capacity');
    const validFrom = requireIsoDate(input.validFrom, 'input.validFrom');
    const validUntil = input.validUntil ? requireIsoDate(input.validUntil, 'input.validUntil') : null;
    if (validUntil && validUntil < validFrom)
      throw userError(
        'BAD_USER_INPUT',
        `"input.validUntil" (${validUntil}) must be on or after "input.validFrom" (${validFrom}).`,
        'input.validUntil',
      );
    try {
      new Intl.DateTimeFormat('en', { timeZone: input.timeZone });
    } catch {
      throw userError(
        'BAD_USER_INPUT',
        `"input.timeZone" must be an IANA time zone such as Asia/Shanghai, got "${input.timeZone}".`,
        'input.timeZone',
      );
    }
    return inTransaction(ctx, async ({ em }) => {
      const team = await requireEntity(em, VolunteerTeam, 'VolunteerTeam', input.teamId, 'input.teamId');
      await requireLeader(em, team, actor, 'create shift schedules');
      const place = await requirePlace(em, input.placeId, 'input.placeId');
      await requireCommunityOf(em, place, 'input.placeId');
      const schedule = em.create(VolunteerShiftSchedule, {
        team,
        place,
        title,
        weekdays,
        startTime: `${input.startTime}:00`,
        endTime: `${input.endTime}:00`,
        timeZone: input.timeZone,
        capacity: input.capacity,
        validFrom,
        validUntil,
      });
      await em.flush();
      return schedule;
    });
  }

  @Mutation(() => [VolunteerShift], {
    description: `Creates the slots of a schedule for the days from \`from\` to \`to\` (inclusive, at most ${MAX_MATERIALIZE_DAYS} days, within the schedule's validity) and returns every slot of the schedule in that range. Safe to repeat: a day's slot is created once.`,
  })
  async materializeVolunteerShifts(
    @Arg('scheduleId', () => ID) scheduleId: string,
    @Arg('from', () => String, { description: 'YYYY-MM-DD' }) fromArg: string,
    @Arg('to', () => String, { description: 'YYYY-MM-DD' }) toArg: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerShift[]> {
    const actor = await actingPerson(ctx);
    const from = requireIsoDate(fromArg, 'from');
    const to = requireIsoDate(toArg, 'to');
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days < 1 || days > MAX_MATERIALIZE_DAYS) {
      throw userError(
        'BAD_USER_INPUT',
        `"to" must be on or after "from" and at most ${MAX_MATERIALIZE_DAYS} days later; ${from} to ${to} is ${days} days.`,
        'to',
      );
    }
    return inTransaction(ctx, async ({ em }) => {
      const schedule = await requireEntity(em, VolunteerShiftSchedule, 'VolunteerShiftSchedule', scheduleId, 'scheduleId');
      const team = await em.findOneOrFail(VolunteerTeam, { uuid: refId(schedule.team)! });
      await requireLeader(em, team, actor, 'open shifts');
      const place = (await placeSummary(readContext(em), refId(schedule.place)!))!;
      // Local date + local time, read in the schedule's time zone: correct across DST changes too.
      await sql(
        em,
        `INSERT INTO ${t('shift')} (id, team_id, schedule_id, place_id, place_path, title, starts_at, ends_at, capacity)
         SELECT gen_random_uuid(), s.team_id, s.id, s.place_id, ?::text, s.title,
                (d::date + s.start_time) AT TIME ZONE s.time_zone,
                (d::date + s.end_time + CASE WHEN s.end_time <= s.start_time THEN interval '1 day' ELSE interval '0' END) AT TIME ZONE s.time_zone,
                s.capacity
           FROM ${t('shift_schedule')} s
          CROSS JOIN generate_series(greatest(?::date, s.valid_from), least(?::date, coalesce(s.valid_until, ?::date)), interval '1 day') AS d
          WHERE s.id = ? AND extract(isodow FROM d)::smallint = ANY (s.weekdays)
         ON CONFLICT (schedule_id, starts_at) DO NOTHING`,
        [place.path, from, to, to, schedule.uuid],
      );
      const ids = await sql<{ id: string }>(
        em,
        `SELECT sh.id FROM ${t('shift')} sh JOIN ${t('shift_schedule')} s ON s.id = sh.schedule_id
          WHERE sh.schedule_id = ? AND (sh.starts_at AT TIME ZONE s.time_zone)::date BETWEEN ?::date AND ?::date`,
        [schedule.uuid, from, to],
      );
      return em.find(VolunteerShift, { uuid: { $in: ids.map((r) => r.id) } }, { orderBy: { startsAt: 'asc' } });
    });
  }

  @Mutation(() => VolunteerShift, { description: 'Creates a one-off shift slot (leaders only).' })
  async createVolunteerShift(
    @Arg('input', () => CreateVolunteerShiftInput) input: CreateVolunteerShiftInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerShift> {
    const actor = await actingPerson(ctx);
    const title = requireText(input.title, 'input.title');
    const minutes = (input.endsAt.getTime() - input.startsAt.getTime()) / 60_000;
    if (minutes <= 0 || minutes > 24 * 60) {
      throw userError(
        'INVALID_DURATION',
        `"input.endsAt" must be after "input.startsAt" and at most 24 hours later; the shift given lasts ${minutes} minutes.`,
        'input.endsAt',
      );
    }
    checkCapacity(input.capacity, 'input.capacity');
    return inTransaction(ctx, async ({ em }) => {
      const team = await requireEntity(em, VolunteerTeam, 'VolunteerTeam', input.teamId, 'input.teamId');
      await requireLeader(em, team, actor, 'create shifts');
      const place = await requirePlace(em, input.placeId, 'input.placeId');
      await requireCommunityOf(em, place, 'input.placeId');
      const shift = em.create(VolunteerShift, {
        team,
        place,
        placePath: place.path,
        title,
        startsAt: input.startsAt,
        endsAt: input.endsAt,
        capacity: input.capacity,
      });
      await em.flush();
      return shift;
    });
  }

  @Mutation(() => VolunteerShiftSignup, {
    description:
      'Signs the signed-in member up for a shift. SLOT_FULL when every place is taken; DOUBLE_BOOKED when they are on an overlapping shift.',
  })
  async signUpForVolunteerShift(@Arg('shiftId', () => ID) shiftId: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerShiftSignup> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(ctx, ctx.em, VolunteerShift, 'VolunteerShift', shiftId, 'shiftId');
    const person = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const { em } = tx;
      const shift = await requireEntity(em, VolunteerShift, 'VolunteerShift', shiftId, 'shiftId');
      const team = await em.findOneOrFail(VolunteerTeam, { uuid: refId(shift.team)! });
      await requireMember(em, team, person);
      if (shift.endsAt.getTime() <= ctx.now().getTime())
        throw userError('SHIFT_OVER', `This shift ended at ${shift.endsAt.toISOString()}; sign up for a later one.`, 'shiftId');
      if (await em.count(VolunteerShiftSignup, { shift, person, cancelledAt: null })) {
        throw userError('ALREADY_SIGNED_UP', `${person.name} is already signed up for this shift.`, 'shiftId');
      }
      const seat = await sql(em, `UPDATE ${t('shift')} SET taken = taken + 1 WHERE id = ? AND taken < capacity RETURNING taken`, [
        shift.uuid,
      ]);
      if (seat.length === 0) {
        throw userError(
          'SLOT_FULL',
          `All ${shift.capacity} places on "${shift.title}" (${shift.startsAt.toISOString()}) are taken; pick another shift or ask a member to swap.`,
          'shiftId',
        );
      }
      const signup = em.create(VolunteerShiftSignup, { shift, person, signedUpAt: ctx.now() });
      await em.flush();
      await this.changed(tx, signup, 'signed-up');
      return signup;
    });
  }

  @Mutation(() => VolunteerShiftSignup, {
    description: 'Cancels a sign-up before check-in (the volunteer or a team leader); the place frees.',
  })
  async cancelVolunteerShiftSignup(@Arg('signupId', () => ID) signupId: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerShiftSignup> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(ctx, ctx.em, VolunteerShiftSignup, 'VolunteerShiftSignup', signupId, 'signupId');
    const actor = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const { signup, shift, team } = await this.loadSignup(tx, signupId);
      if (refId(signup.person) !== actor.uuid) await requireLeader(tx.em, team, actor, "cancel someone else's shift");
      if (signup.checkedInAt)
        throw userError('ALREADY_CHECKED_IN', 'This volunteer has checked in; check out instead of cancelling.', 'signupId');
      const done = await sql(
        tx.em,
        `UPDATE ${t('shift_signup')} SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL AND checked_in_at IS NULL RETURNING id`,
        [ctx.now().toISOString(), signup.uuid],
      );
      if (done.length === 0)
        throw userError('ALREADY_CANCELLED', 'This sign-up is already cancelled (or was checked in meanwhile).', 'signupId');
      await sql(tx.em, `UPDATE ${t('shift')} SET taken = taken - 1 WHERE id = ?`, [shift.uuid]);
      await tx.em.refresh(signup);
      await this.changed(tx, signup, 'cancelled');
      return signup;
    });
  }

  @Mutation(() => [VolunteerShiftSignup], {
    description:
      'Swaps two members between their shifts of the same team (either of the two, or a leader). Refused with DOUBLE_BOOKED if either would then overlap another shift.',
  })
  async swapVolunteerShifts(
    @Arg('signupId', () => ID) signupId: string,
    @Arg('otherSignupId', () => ID) otherSignupId: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerShiftSignup[]> {
    const actor = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const a = await this.loadSignup(tx, signupId);
      const b = await this.loadSignup(tx, otherSignupId);
      if (a.team.uuid !== b.team.uuid) throw userError('BAD_USER_INPUT', 'Both sign-ups must be shifts of the same team.', 'otherSignupId');
      const pa = refId(a.signup.person)!;
      const pb = refId(b.signup.person)!;
      if (pa === pb)
        throw userError('BAD_USER_INPUT', 'Both sign-ups belong to the same person; a swap needs two people.', 'otherSignupId');
      if (actor.uuid !== pa && actor.uuid !== pb) await requireLeader(tx.em, a.team, actor, "swap other members' shifts");
      for (const [s, arg] of [
        [a.signup, 'signupId'],
        [b.signup, 'otherSignupId'],
      ] as const) {
        if (s.cancelledAt || s.checkedInAt)
          throw userError(
            'BAD_USER_INPUT',
            `"${arg}" is ${s.cancelledAt ? 'cancelled' : 'already checked in'}; only open sign-ups are swapped.`,
            arg,
          );
      }
      // One statement: the (deferrable) exclusion constraint is checked once both rows changed.
      const swapped = await sql(
        tx.em,
        `UPDATE ${t('shift_signup')} SET person_id = CASE id WHEN ?::uuid THEN ?::uuid ELSE ?::uuid END
          WHERE id IN (?, ?) AND cancelled_at IS NULL AND checked_in_at IS NULL RETURNING id`,
        [a.signup.uuid, pb, pa, a.signup.uuid, b.signup.uuid],
      );
      if (swapped.length !== 2) throw userError('CONFLICT', 'One of the sign-ups changed meanwhile; reload and try again.', 'signupId');
      await tx.em.refresh(a.signup);
      await tx.em.refresh(b.signup);
      await this.changed(tx, a.signup, 'swapped');
      await this.changed(tx, b.signup, 'swapped');
      return [a.signup, b.signup];
    });
  }

  @Mutation(() => VolunteerShiftSignup, {
    description: 'Hands a sign-up over to another member of the team (the volunteer or a leader). DOUBLE_BOOKED if they are busy then.',
  })
  async handOverVolunteerShift(
    @Arg('signupId', () => ID) signupId: string,
    @Arg('toPersonId', () => ID) toPersonId: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerShiftSignup> {
    const actor = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const { signup, team } = await this.loadSignup(tx, signupId);
      const to = await requirePerson(tx.em, toPersonId, 'toPersonId');
      if (refId(signup.person) !== actor.uuid) await requireLeader(tx.em, team, actor, "hand over someone else's shift");
      await requireMember(tx.em, team, to, 'toPersonId');
      if (signup.cancelledAt || signup.checkedInAt)
        throw userError('BAD_USER_INPUT', 'Only an open sign-up (not cancelled, not checked in) is handed over.', 'signupId');
      if (refId(signup.person) === to.uuid) throw userError('BAD_USER_INPUT', 'This sign-up already belongs to that person.', 'toPersonId');
      const done = await sql(
        tx.em,
        `UPDATE ${t('shift_signup')} SET person_id = ? WHERE id = ? AND cancelled_at IS NULL AND checked_in_at IS NULL RETURNING id`,
        [to.uuid, signup.uuid],
      );
      if (done.length === 0) throw userError('CONFLICT', 'This sign-up changed meanwhile; reload and try again.', 'signupId');
      await tx.em.refresh(signup);
      await this.changed(tx, signup, 'handed-over');
      return signup;
    });
  }

  @Mutation(() => VolunteerShiftSignup, {
    description: `The volunteer checks in, from ${CHECK_IN_EARLY_MINUTES} minutes before the shift until it ends.`,
  })
  async checkInVolunteerShift(@Arg('signupId', () => ID) signupId: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerShiftSignup> {
    const actor = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const { signup, shift } = await this.loadSignup(tx, signupId);
      if (refId(signup.person) !== actor.uuid)
        throw userError('FORBIDDEN', 'Volunteers check themselves in; this sign-up is someone else’s.', 'signupId');
      if (signup.cancelledAt) throw userError('BAD_USER_INPUT', 'This sign-up was cancelled.', 'signupId');
      if (signup.checkedInAt)
        throw userError('ALREADY_CHECKED_IN', `Already checked in at ${signup.checkedInAt.toISOString()}.`, 'signupId');
      const now = ctx.now();
      const opens = shift.startsAt.getTime() - CHECK_IN_EARLY_MINUTES * 60_000;
      if (now.getTime() < opens || now.getTime() >= shift.endsAt.getTime()) {
        throw userError(
          'OUTSIDE_SHIFT',
          `Check-in is open from ${new Date(opens).toISOString()} until the shift ends at ${shift.endsAt.toISOString()}; it is ${now.toISOString()}.`,
          'signupId',
        );
      }
      signup.checkedInAt = now;
      await tx.em.flush();
      await this.changed(tx, signup, 'checked-in');
      return signup;
    });
  }

  @Mutation(() => VolunteerShiftSignup, {
    description:
      'The volunteer checks out; the time since check-in (whole minutes, under 24 hours) becomes a pending service-hour entry of source SHIFT.',
  })
  async checkOutVolunteerShift(@Arg('signupId', () => ID) signupId: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerShiftSignup> {
    const actor = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const { signup, shift, team } = await this.loadSignup(tx, signupId);
      if (refId(signup.person) !== actor.uuid)
        throw userError('FORBIDDEN', 'Volunteers check themselves out; this sign-up is someone else’s.', 'signupId');
      if (!signup.checkedInAt)
        throw userError('CHECK_IN_FIRST', 'Check-out before check-in: check in first (checkInVolunteerShift).', 'signupId');
      if (signup.checkedOutAt)
        throw userError('ALREADY_CHECKED_OUT', `Already checked out at ${signup.checkedOutAt.toISOString()}.`, 'signupId');
      const now = ctx.now();
      const minutes = Math.floor((now.getTime() - signup.checkedInAt.getTime()) / 60_000);
      if (now.getTime() <= signup.checkedInAt.getTime())
        throw userError('CHECK_IN_FIRST', 'Check-out must come after check-in.', 'signupId');
      if (minutes > MAX_ENTRY_MINUTES) {
        throw userError(
          'INVALID_DURATION',
          `Checked in ${minutes} minutes ago, 24 hours or more: ask community staff to record the real hours by hand (reportVolunteerHours).`,
          'signupId',
        );
      }
      signup.checkedOutAt = now;
      await tx.em.flush();
      if (minutes >= 1) {
        const place = await tx.em.findOneOrFail(Place, { uuid: refId(shift.place)! });
        const person = await tx.em.findOneOrFail(Person, { uuid: refId(signup.person)! });
        await new ServiceHoursService(ctx).log(tx, {
          person,
          team,
          community: await requireCommunityOf(tx.em, place, 'signupId'),
          source: VolunteerServiceSource.SHIFT,
          minutes,
          servedOn: localDate(signup.checkedInAt),
          description: shift.title,
          shiftSignup: signup,
          reportedBy: person,
        });
      }
      await this.changed(tx, signup, 'checked-out');
      return signup;
    });
  }

  @FieldResolver(() => VolunteerTeam)
  async team(@Root() shift: VolunteerShift, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam> {
    return (await loadById(ctx, VolunteerTeam, refId(shift.team)!))!;
  }

  @FieldResolver(() => Place)
  async place(@Root() shift: VolunteerShift, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(shift.place)!))!;
  }

  @FieldResolver(() => Int, { description: 'Places still free.' })
  spotsLeft(@Root() shift: VolunteerShift): number {
    return shift.capacity - shift.taken;
  }

  @FieldResolver(() => [VolunteerShiftSignup], { description: 'Active (not cancelled) sign-ups, in sign-up order.' })
  async signups(@Root() shift: VolunteerShift, @Ctx() ctx: GongzhiContext): Promise<VolunteerShiftSignup[]> {
    const all = await loadByForeignKey(ctx, VolunteerShiftSignup, 'shift', shift.uuid, { signedUpAt: 'asc' });
    return all.filter((s) => !s.cancelledAt);
  }
}

@Resolver(() => VolunteerShiftSignup)
export class VolunteerShiftSignupResolver {
  @FieldResolver(() => VolunteerShift)
  async shift(@Root() signup: VolunteerShiftSignup, @Ctx() ctx: GongzhiContext): Promise<VolunteerShift> {
    return (await loadById(ctx, VolunteerShift, refId(signup.shift)!))!;
  }

  @FieldResolver(() => Person)
  async person(@Root() signup: VolunteerShiftSignup, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadById(ctx, Person, refId(signup.person)!))!;
  }

  @FieldResolver(() => VolunteerServiceEntry, { nullable: true, description: 'The service-hour entry logged at check-out.' })
  async serviceEntry(@Root() signup: VolunteerShiftSignup, @Ctx() ctx: GongzhiContext): Promise<VolunteerServiceEntry | null> {
    return (await loadByForeignKey(ctx, VolunteerServiceEntry, 'shiftSignup', signup.uuid))[0] ?? null;
  }
}

@Resolver(() => VolunteerShiftSchedule)
export class VolunteerShiftScheduleResolver {
  @FieldResolver(() => VolunteerTeam)
  async team(@Root() schedule: VolunteerShiftSchedule, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam> {
    return (await loadById(ctx, VolunteerTeam, refId(schedule.team)!))!;
  }

  @FieldResolver(() => Place)
  async place(@Root() schedule: VolunteerShiftSchedule, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(schedule.place)!))!;
  }
}

/** Adds the shift schedules to a team. */
@Resolver(() => VolunteerTeam)
export class VolunteerTeamShiftsResolver {
  @FieldResolver(() => [VolunteerShiftSchedule], { description: "The team's recurring shift rules." })
  shiftSchedules(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<VolunteerShiftSchedule[]> {
    return loadByForeignKey(ctx, VolunteerShiftSchedule, 'team', team.uuid, { createdAt: 'asc' });
  }
}
