import {
  ConnectionArgs,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  hasMany,
  loadByForeignKey,
  pageOfRows,
  payloadType,
  perform,
  Person,
  type Ref,
  RefArg,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VolunteerServiceEntry } from '../hours/hours.entity.js';
import { VolunteerTeam } from '../team/team.entity.js';
import { createShift, createShiftSchedule, MAX_MATERIALIZE_DAYS, materializeShifts } from './shift.commands.js';
import { VolunteerShift, VolunteerShiftSchedule, VolunteerShiftSignup } from './shift.entity.js';
import { CreateVolunteerShiftInput, CreateVolunteerShiftScheduleInput } from './shift.inputs.js';
import { activeSignups, shiftsOfTeam } from './shift.queries.js';
import {
  CHECK_IN_EARLY_MINUTES,
  cancelShift,
  changeShiftCapacity,
  cancelSignup,
  checkIn,
  checkOut,
  handOverShift,
  signUpForShift,
  swapShifts,
} from './signup.commands.js';

export const VolunteerShiftSchedulePayload = payloadType('VolunteerShiftSchedulePayload', 'schedule', () => VolunteerShiftSchedule);
export const VolunteerShiftPayload = payloadType('VolunteerShiftPayload', 'shift', () => VolunteerShift);
export const VolunteerShiftsPayload = payloadType('VolunteerShiftsPayload', 'shifts', () => [VolunteerShift]);
export const VolunteerShiftSignupPayload = payloadType('VolunteerShiftSignupPayload', 'signup', () => VolunteerShiftSignup);
export const VolunteerShiftSignupsPayload = payloadType('VolunteerShiftSignupsPayload', 'signups', () => [VolunteerShiftSignup]);

const VolunteerShiftConnection = connectionType(VolunteerShift);
const VolunteerShiftSignupConnection = connectionType(VolunteerShiftSignup);

/**
 * Shifts: recurring rules, slots with capacity, sign-up, swap, hand-over, check-in and check-out.
 * Of N concurrent sign-ups for the last place exactly one wins (SLOT_FULL for the rest); nobody is
 * on two overlapping shifts (DOUBLE_BOOKED), the database refusing it.
 */
@Resolver(() => VolunteerShift)
export class VolunteerShiftResolver {
  @Query(() => VolunteerShiftConnection, {
    description: "A team's shifts starting from `from` until before `to`, in time order, a page at a time.",
  })
  async volunteerShifts(
    @RefArg('teamId', () => VolunteerTeam) team: Ref<VolunteerTeam>,
    @Arg('from', () => Date) from: Date,
    @Arg('to', () => Date) to: Date,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerShift>> {
    return shiftsOfTeam(ctx, await requireRef(ctx, team), from, to, page);
  }

  @Mutation(() => VolunteerShiftSchedulePayload, {
    description:
      'Creates a recurring shift rule (leaders only) at a place of the team’s community. Its slots up to the plugin’s shiftsAheadDays after today (14 by default) open at once, each later day’s as it comes into that window; materializeVolunteerShifts opens others.',
  })
  createVolunteerShiftSchedule(
    @Arg('input', () => CreateVolunteerShiftScheduleInput) input: CreateVolunteerShiftScheduleInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    const { teamId, placeId, ...rule } = input;
    return perform(ctx, VolunteerShiftSchedulePayload, createShiftSchedule, { ...rule, team: teamId, place: placeId });
  }

  @Mutation(() => VolunteerShiftsPayload, {
    description: `Creates the slots of a schedule for the days from \`from\` to \`to\` (inclusive, at most ${MAX_MATERIALIZE_DAYS} days, within the schedule's validity) and returns every slot of the schedule in that range. Safe to repeat: a day's slot is created once.`,
  })
  materializeVolunteerShifts(
    @RefArg('scheduleId', () => VolunteerShiftSchedule) schedule: Ref<VolunteerShiftSchedule>,
    @Arg('from', () => String, { description: 'YYYY-MM-DD' }) from: string,
    @Arg('to', () => String, { description: 'YYYY-MM-DD' }) to: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerShiftsPayload, materializeShifts, { schedule, from, to });
  }

  @Mutation(() => VolunteerShiftPayload, { description: 'Creates a one-off shift slot (leaders only) at a place of the team’s community.' })
  createVolunteerShift(@Arg('input', () => CreateVolunteerShiftInput) input: CreateVolunteerShiftInput, @Ctx() ctx: GongzhiContext) {
    const { teamId, placeId, ...slot } = input;
    return perform(ctx, VolunteerShiftPayload, createShift, { ...slot, team: teamId, place: placeId });
  }

  @Mutation(() => VolunteerShiftSignupPayload, {
    description:
      'Signs the signed-in member up for a shift. SLOT_FULL when every place is taken; DOUBLE_BOOKED when they are on an overlapping shift.',
  })
  signUpForVolunteerShift(@RefArg('shiftId', () => VolunteerShift) shift: Ref<VolunteerShift>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerShiftSignupPayload, signUpForShift, { shift });
  }

  @Mutation(() => VolunteerShiftPayload, {
    description:
      'Calls a shift off before it starts (a leader of its team, saying why): its sign-ups are cancelled with it and each volunteer is told (volunteer.shift-changed, cancelled).',
  })
  cancelVolunteerShift(
    @RefArg('id', () => VolunteerShift) shift: Ref<VolunteerShift>,
    @Arg('reason', () => String, { description: 'Why, for the volunteers (1 to 200 characters).' }) reason: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerShiftPayload, cancelShift, { shift, reason });
  }

  @Mutation(() => VolunteerShiftPayload, {
    description: 'Changes how many volunteers a shift takes (a leader of its team), before it ends; never below those signed up.',
  })
  changeVolunteerShiftCapacity(
    @RefArg('id', () => VolunteerShift) shift: Ref<VolunteerShift>,
    @Arg('capacity', () => Int, { description: '1 to 1000.' }) capacity: number,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerShiftPayload, changeShiftCapacity, { shift, capacity });
  }

  @Mutation(() => VolunteerShiftSignupPayload, {
    description: 'Cancels a sign-up before check-in (the volunteer or a team leader); the place frees.',
  })
  cancelVolunteerShiftSignup(
    @RefArg('signupId', () => VolunteerShiftSignup) signup: Ref<VolunteerShiftSignup>,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerShiftSignupPayload, cancelSignup, { signup });
  }

  @Mutation(() => VolunteerShiftSignupsPayload, {
    description:
      'Swaps two members between their shifts of the same team (either of the two, or a leader). Refused with DOUBLE_BOOKED if either would then overlap another shift.',
  })
  swapVolunteerShifts(
    @RefArg('signupId', () => VolunteerShiftSignup) signup: Ref<VolunteerShiftSignup>,
    @RefArg('otherSignupId', () => VolunteerShiftSignup) other: Ref<VolunteerShiftSignup>,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerShiftSignupsPayload, swapShifts, { signup, other });
  }

  @Mutation(() => VolunteerShiftSignupPayload, {
    description: 'Hands a sign-up over to another member of the team (the volunteer or a leader). DOUBLE_BOOKED if they are busy then.',
  })
  handOverVolunteerShift(
    @RefArg('signupId', () => VolunteerShiftSignup) signup: Ref<VolunteerShiftSignup>,
    @RefArg('toPersonId', () => Person) to: Ref<Person>,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerShiftSignupPayload, handOverShift, { signup, to });
  }

  @Mutation(() => VolunteerShiftSignupPayload, {
    description: `The volunteer checks in, from ${CHECK_IN_EARLY_MINUTES} minutes before the shift until it ends.`,
  })
  checkInVolunteerShift(@RefArg('signupId', () => VolunteerShiftSignup) signup: Ref<VolunteerShiftSignup>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerShiftSignupPayload, checkIn, { signup });
  }

  @Mutation(() => VolunteerShiftSignupPayload, {
    description:
      'The volunteer checks out; the time since check-in (whole minutes, under 24 hours) becomes a pending service-hour entry of source SHIFT.',
  })
  checkOutVolunteerShift(@RefArg('signupId', () => VolunteerShiftSignup) signup: Ref<VolunteerShiftSignup>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerShiftSignupPayload, checkOut, { signup });
  }

  @FieldResolver(() => Int, { description: 'Places still free.' })
  spotsLeft(@Root() shift: VolunteerShift): number {
    return shift.capacity - shift.taken;
  }

  // Cut from the shift's sign-ups, read whole as before (one batched read; the active ones are at most its capacity).
  @FieldResolver(() => VolunteerShiftSignupConnection, {
    description: 'Active (not cancelled) sign-ups, in sign-up order, a page at a time.',
  })
  async signups(
    @Root() shift: VolunteerShift,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerShiftSignup>> {
    return pageOfRows(await activeSignups(ctx, shift.uuid), { keys: ['signedUpAt', 'uuid'], direction: 'asc' }, page, {
      connection: 'VolunteerShift.signups',
      defaultSize: 50,
    });
  }
}

@Resolver(() => VolunteerShiftSignup)
export class VolunteerShiftSignupResolver {
  @FieldResolver(() => VolunteerServiceEntry, { nullable: true, description: 'The service-hour entry logged at check-out.' })
  async serviceEntry(@Root() signup: VolunteerShiftSignup, @Ctx() ctx: GongzhiContext): Promise<VolunteerServiceEntry | null> {
    return (await loadByForeignKey(ctx, VolunteerServiceEntry, 'shiftSignup', signup.uuid))[0] ?? null;
  }
}

/** Adds the shift schedules to a team. */
export const VolunteerTeamShiftsResolver = hasMany(
  () => VolunteerTeam,
  'shiftSchedules',
  () => VolunteerShiftSchedule,
  'team',
  {
    order: { keys: ['createdAt', 'uuid'], direction: 'asc' },
    description: "The team's recurring shift rules, oldest first, a page at a time.",
  },
);
