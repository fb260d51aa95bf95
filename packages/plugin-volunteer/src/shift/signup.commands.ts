import { defineCommand, DomainError, type Named, type Person, Place, refId, type UnitOfWork } from '@gongzhi/core';
import { localDate } from '../calendar.js';
import { requireCommunityOf } from '../community.js';
import type { VolunteerShiftEventPayload } from '../events.js';
import { VolunteerServiceSource } from '../hours/hours.entity.js';
import { MAX_ENTRY_MINUTES, recordServiceEntry } from '../hours/hours.commands.js';
import { VolunteerTeam } from '../team/team.entity.js';
import { requireLeader, requireMember } from '../team/team.queries.js';
import { t } from '../db.js';
import { VolunteerShift, VolunteerShiftSignup } from './shift.entity.js';

/**
 * Sign-ups: sign up, cancel, swap, hand over, check in and out. Capacity is taken with a
 * conditional update (`taken < capacity`), so of N concurrent sign-ups for the last place exactly
 * one wins (SLOT_FULL for the rest); a person is never on two overlapping shifts because the
 * database refuses it (an exclusion constraint over the shift's time range: DOUBLE_BOOKED, see
 * the manifest's constraintErrors).
 */

/** How early before a shift's start a volunteer may check in. */
export const CHECK_IN_EARLY_MINUTES = 60;

async function announce(uow: UnitOfWork, signup: VolunteerShiftSignup, change: VolunteerShiftEventPayload['change']): Promise<void> {
  const shift = await uow.em.findOneOrFail(VolunteerShift, { uuid: refId(signup.shift)! });
  await uow.emit('volunteer.shift-changed', {
    signupId: signup.uuid,
    shiftId: shift.uuid,
    personId: refId(signup.person)!,
    placePath: shift.placePath,
    change,
  });
}

/** The shift and team of a sign-up. */
async function shiftOf(uow: UnitOfWork, signup: VolunteerShiftSignup): Promise<{ shift: VolunteerShift; team: VolunteerTeam }> {
  const shift = await uow.em.findOneOrFail(VolunteerShift, { uuid: refId(signup.shift)! });
  const team = await uow.em.findOneOrFail(VolunteerTeam, { uuid: refId(shift.team)! });
  return { shift, team };
}

/** Refuses unless the sign-up is open (not cancelled, not checked in): only those move between people. */
function requireOpen(signup: VolunteerShiftSignup, field: string, what: string): void {
  if (signup.cancelledAt || signup.checkedInAt) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `"${field}" is ${signup.cancelledAt ? 'cancelled' : 'already checked in'}; only open sign-ups are ${what}.`,
      field,
    );
  }
}

/** Gives open sign-ups to other people in one statement (the deferrable exclusion constraint is checked once all changed). */
async function reassign(uow: UnitOfWork, to: Map<VolunteerShiftSignup, string>): Promise<void> {
  const ids = [...to.keys()].map((s) => s.uuid);
  const cases = [...to.entries()].map(() => 'WHEN ?::uuid THEN ?::uuid').join(' ');
  const moved = await uow.em.execute<{ id: string }[]>(
    `UPDATE ${t('shift_signup')} SET person_id = CASE id ${cases} END
      WHERE id IN (${ids.map(() => '?').join(', ')}) AND cancelled_at IS NULL AND checked_in_at IS NULL RETURNING id`,
    [...[...to.entries()].flatMap(([s, person]) => [s.uuid, person]), ...ids],
  );
  if (moved.length !== ids.length) throw new DomainError('CONFLICT', 'A sign-up changed meanwhile; reload and try again.', 'signupId');
  for (const signup of to.keys()) await uow.em.refresh(signup);
}

/** Signs the signed-in member up for a shift of their team. */
export const signUpForShift = defineCommand<{ shift: Named<VolunteerShift> }, VolunteerShiftSignup>({
  name: 'volunteer.signUpForShift',
  async run(uow, { shift }) {
    const person = await uow.actingPerson();
    const team = await uow.em.findOneOrFail(VolunteerTeam, { uuid: refId(shift.team)! });
    await requireMember(uow.em, team, person, 'shiftId');
    if (shift.endsAt.getTime() <= uow.now().getTime()) {
      throw new DomainError('SHIFT_OVER', `This shift ended at ${shift.endsAt.toISOString()}; sign up for a later one.`, 'shiftId');
    }
    if (await uow.em.count(VolunteerShiftSignup, { shift, person, cancelledAt: null })) {
      throw new DomainError('ALREADY_SIGNED_UP', `${person.name} is already signed up for this shift.`, 'shiftId');
    }
    const seat = await uow.em.execute<{ taken: number }[]>(
      `UPDATE ${t('shift')} SET taken = taken + 1 WHERE id = ? AND taken < capacity RETURNING taken`,
      [shift.uuid],
    );
    if (!seat.length) {
      throw new DomainError(
        'SLOT_FULL',
        `All ${shift.capacity} places on "${shift.title}" (${shift.startsAt.toISOString()}) are taken; pick another shift or ask a member to swap.`,
        'shiftId',
      );
    }
    const signup = uow.em.create(VolunteerShiftSignup, { shift, person, signedUpAt: uow.now() });
    await uow.em.flush();
    await announce(uow, signup, 'signed-up');
    return signup;
  },
});

/** Cancels a sign-up before check-in (the volunteer or a team leader); the place frees. */
export const cancelSignup = defineCommand<{ signup: Named<VolunteerShiftSignup> }, VolunteerShiftSignup>({
  name: 'volunteer.cancelSignup',
  async run(uow, { signup }) {
    const actor = await uow.actingPerson();
    const { shift, team } = await shiftOf(uow, signup);
    if (refId(signup.person) !== actor.uuid) await requireLeader(uow.em, team, actor, "cancel someone else's shift", 'signupId');
    if (signup.checkedInAt)
      throw new DomainError('ALREADY_CHECKED_IN', 'This volunteer has checked in; check out instead of cancelling.', 'signupId');
    const done = await uow.em.nativeUpdate(
      VolunteerShiftSignup,
      { uuid: signup.uuid, cancelledAt: null, checkedInAt: null },
      { cancelledAt: uow.now() },
    );
    if (done === 0)
      throw new DomainError('ALREADY_CANCELLED', 'This sign-up is already cancelled (or was checked in meanwhile).', 'signupId');
    await uow.em.execute(`UPDATE ${t('shift')} SET taken = taken - 1 WHERE id = ?`, [shift.uuid]);
    await uow.em.refresh(signup);
    await announce(uow, signup, 'cancelled');
    return signup;
  },
});

/** Swaps two members between their shifts of the same team (either of the two, or a leader). */
export const swapShifts = defineCommand<
  { signup: Named<VolunteerShiftSignup>; other: Named<VolunteerShiftSignup> },
  VolunteerShiftSignup[]
>({
  name: 'volunteer.swapShifts',
  async run(uow, { signup, other }) {
    const actor = await uow.actingPerson();
    const [a, b] = [await shiftOf(uow, signup), await shiftOf(uow, other)];
    if (a.team.uuid !== b.team.uuid)
      throw new DomainError('BAD_USER_INPUT', 'Both sign-ups must be shifts of the same team.', 'otherSignupId');
    const [pa, pb] = [refId(signup.person)!, refId(other.person)!];
    if (pa === pb)
      throw new DomainError('BAD_USER_INPUT', 'Both sign-ups belong to the same person; a swap needs two people.', 'otherSignupId');
    if (actor.uuid !== pa && actor.uuid !== pb) await requireLeader(uow.em, a.team, actor, "swap other members' shifts", 'signupId');
    requireOpen(signup, 'signupId', 'swapped');
    requireOpen(other, 'otherSignupId', 'swapped');
    await reassign(
      uow,
      new Map([
        [signup, pb],
        [other, pa],
      ]),
    );
    await announce(uow, signup, 'swapped');
    await announce(uow, other, 'swapped');
    return [signup, other];
  },
});

/** Hands a sign-up over to another member of the team (the volunteer or a leader). */
export const handOverShift = defineCommand<{ signup: Named<VolunteerShiftSignup>; to: Named<Person> }, VolunteerShiftSignup>({
  name: 'volunteer.handOverShift',
  async run(uow, { signup, to }) {
    const actor = await uow.actingPerson();
    const { team } = await shiftOf(uow, signup);
    if (refId(signup.person) !== actor.uuid) await requireLeader(uow.em, team, actor, "hand over someone else's shift", 'signupId');
    // Only to a member of the team: a stronger rule than any line of places.
    await requireMember(uow.em, team, to, 'toPersonId');
    requireOpen(signup, 'signupId', 'handed over');
    if (refId(signup.person) === to.uuid)
      throw new DomainError('BAD_USER_INPUT', 'This sign-up already belongs to that person.', 'toPersonId');
    await reassign(uow, new Map([[signup, to.uuid]]));
    await announce(uow, signup, 'handed-over');
    return signup;
  },
});

/** Refuses unless the signed-in person is the one signed up: volunteers check themselves in and out. */
function requireOwn(signup: VolunteerShiftSignup, actor: Person, what: string): void {
  if (refId(signup.person) !== actor.uuid) {
    throw new DomainError('FORBIDDEN', `Volunteers check themselves ${what}; this sign-up is someone else’s.`, 'signupId');
  }
}

/** The volunteer checks in, from {@link CHECK_IN_EARLY_MINUTES} minutes before the shift until it ends. */
export const checkIn = defineCommand<{ signup: Named<VolunteerShiftSignup> }, VolunteerShiftSignup>({
  name: 'volunteer.checkIn',
  async run(uow, { signup }) {
    const actor = await uow.actingPerson();
    const { shift } = await shiftOf(uow, signup);
    requireOwn(signup, actor, 'in');
    if (signup.cancelledAt) throw new DomainError('BAD_USER_INPUT', 'This sign-up was cancelled.', 'signupId');
    if (signup.checkedInAt)
      throw new DomainError('ALREADY_CHECKED_IN', `Already checked in at ${signup.checkedInAt.toISOString()}.`, 'signupId');
    const now = uow.now();
    const opens = shift.startsAt.getTime() - CHECK_IN_EARLY_MINUTES * 60_000;
    if (now.getTime() < opens || now.getTime() >= shift.endsAt.getTime()) {
      throw new DomainError(
        'OUTSIDE_SHIFT',
        `Check-in is open from ${new Date(opens).toISOString()} until the shift ends at ${shift.endsAt.toISOString()}; it is ${now.toISOString()}.`,
        'signupId',
      );
    }
    signup.checkedInAt = now;
    await uow.em.flush();
    await announce(uow, signup, 'checked-in');
    return signup;
  },
});

/** The volunteer checks out; the whole minutes since check-in (under 24 hours) become a pending SHIFT entry. */
export const checkOut = defineCommand<{ signup: Named<VolunteerShiftSignup> }, VolunteerShiftSignup>({
  name: 'volunteer.checkOut',
  async run(uow, { signup }) {
    const actor = await uow.actingPerson();
    const { shift, team } = await shiftOf(uow, signup);
    requireOwn(signup, actor, 'out');
    const checkedInAt = signup.checkedInAt;
    if (!checkedInAt)
      throw new DomainError('CHECK_IN_FIRST', 'Check-out before check-in: check in first (checkInVolunteerShift).', 'signupId');
    if (signup.checkedOutAt)
      throw new DomainError('ALREADY_CHECKED_OUT', `Already checked out at ${signup.checkedOutAt.toISOString()}.`, 'signupId');
    const now = uow.now();
    if (now.getTime() <= checkedInAt.getTime()) throw new DomainError('CHECK_IN_FIRST', 'Check-out must come after check-in.', 'signupId');
    const minutes = Math.floor((now.getTime() - checkedInAt.getTime()) / 60_000);
    if (minutes > MAX_ENTRY_MINUTES) {
      throw new DomainError(
        'INVALID_DURATION',
        `Checked in ${minutes} minutes ago, 24 hours or more: ask community staff to record the real hours by hand (reportVolunteerHours).`,
        'signupId',
      );
    }
    signup.checkedOutAt = now;
    await uow.em.flush();
    // Under a minute is no service to verify.
    if (minutes >= 1) {
      const place = await uow.em.findOneOrFail(Place, { uuid: refId(shift.place)! });
      await recordServiceEntry(uow, {
        person: actor,
        team,
        community: await requireCommunityOf(uow, place, 'signupId'),
        source: VolunteerServiceSource.SHIFT,
        minutes,
        minutesField: 'signupId',
        servedOn: localDate(checkedInAt),
        description: shift.title,
        shiftSignup: signup,
        reportedBy: actor,
      });
    }
    await announce(uow, signup, 'checked-out');
    return signup;
  },
});
