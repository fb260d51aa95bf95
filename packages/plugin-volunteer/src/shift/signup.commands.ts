import { defineCommand, type Named, Person, Place, refId, type UnitOfWork, type Phrase } from '@gongzhi/core';
import { LockMode } from '@mikro-orm/core';
import { serviceDay } from '../calendar.js';
import { requireCommunityOf } from '../community.js';
import type { VolunteerShiftEventPayload } from '../events.js';
import { VolunteerServiceSource } from '../hours/hours.entity.js';
import { MAX_ENTRY_MINUTES, recordServiceEntry } from '../hours/hours.commands.js';
import { VolunteerTeam } from '../team/team.entity.js';
import { requireLeader, requireMember } from '../team/team.queries.js';
import { t, updateIf } from '../db.js';
import { VolunteerShift, VolunteerShiftSignup } from './shift.entity.js';
import { volunteerMessages, volunteerPhrases } from '../messages.js';

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
function requireOpen(signup: VolunteerShiftSignup, field: string, what: Phrase): void {
  if (signup.cancelledAt || signup.checkedInAt) {
    throw volunteerMessages.onlyOpenSignUps.error(
      { field, in: signup.cancelledAt ? volunteerPhrases.cancelled : volunteerPhrases.alreadyCheckedIn, what },
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
  if (moved.length !== ids.length) throw volunteerMessages.signUpChangedMeanwhile.error('signupId');
  // Only the person changed (the time-range trigger fires on a new shift alone): the rows as written, not read back.
  for (const [signup, person] of to) {
    signup.person = uow.em.getReference(Person, person);
    uow.em.getUnitOfWork().merge(signup);
  }
}

/** Signs the signed-in member up for a shift of their team. */
export const signUpForShift = defineCommand<{ shift: Named<VolunteerShift> }, VolunteerShiftSignup>({
  name: 'volunteer.signUpForShift',
  async run(uow, { shift }) {
    const person = await uow.actingPerson();
    const team = await uow.em.findOneOrFail(VolunteerTeam, { uuid: refId(shift.team)! });
    await requireMember(uow.em, team, person, 'shiftId');
    if (shift.endsAt.getTime() <= uow.now().getTime()) {
      throw volunteerMessages.shiftEndedSignUp.error({ endsAt: shift.endsAt.toISOString() }, 'shiftId');
    }
    if (await uow.em.count(VolunteerShiftSignup, { shift, person, cancelledAt: null })) {
      throw volunteerMessages.alreadySignedUpShift.error({ personName: person.name }, 'shiftId');
    }
    if (shift.cancelledAt) throw shiftCalledOff(shift);
    // Not on a shift called off meanwhile: the cancellation holds the row until it commits.
    const seat = await uow.em.execute<{ taken: number }[]>(
      `UPDATE ${t('shift')} SET taken = taken + 1 WHERE id = ? AND taken < capacity AND cancelled_at IS NULL RETURNING taken`,
      [shift.uuid],
    );
    if (!seat.length) {
      const [now] = await uow.em.execute<{ cancelled_at: Date | string | null; cancel_reason: string | null }[]>(
        `SELECT cancelled_at, cancel_reason FROM ${t('shift')} WHERE id = ?`,
        [shift.uuid],
      );
      if (now?.cancelled_at) throw shiftCalledOff({ ...shift, cancelledAt: new Date(now.cancelled_at), cancelReason: now.cancel_reason });
      throw volunteerMessages.allPlacesTakenPick.error(
        { capacity: shift.capacity, shiftTitle: shift.title, startsAt: shift.startsAt.toISOString() },
        'shiftId',
      );
    }
    const signup = uow.em.create(VolunteerShiftSignup, { shift, person, signedUpAt: uow.now() });
    await uow.em.flush();
    await announce(uow, signup, 'signed-up');
    return signup;
  },
});

/** The refusal of a sign-up for a shift called off. */
function shiftCalledOff(shift: Pick<VolunteerShift, 'title' | 'cancelledAt' | 'cancelReason'>) {
  return volunteerMessages.shiftCancelled.error(
    { shiftTitle: shift.title, cancelledAt: shift.cancelledAt!.toISOString(), reason: shift.cancelReason ?? '' },
    'shiftId',
  );
}

/**
 * Calls a shift off (rain, an event moved) before it starts: a leader of its team does it, saying
 * why. Every open sign-up is cancelled with it in one statement, and each volunteer is told
 * (`volunteer.shift-changed`, `cancelled`, as when they cancel themselves); nobody signs up for it
 * again. A shift that has begun is not called off: its volunteers check out instead.
 */
export const cancelShift = defineCommand<{ shift: Named<VolunteerShift>; reason: string }, VolunteerShift>({
  name: 'volunteer.cancelShift',
  lock: ['shift'],
  async run(uow, { shift, reason }) {
    const actor = await uow.actingPerson();
    const team = await uow.em.findOneOrFail(VolunteerTeam, { uuid: refId(shift.team)! });
    await requireLeader(uow.em, team, actor, volunteerPhrases.cancelShifts, 'id');
    const why = reason.trim();
    if (!why || why.length > 200) throw volunteerMessages.cancelReasonLength.error('reason');
    if (shift.cancelledAt) throw volunteerMessages.shiftAlreadyCancelled.error({ cancelledAt: shift.cancelledAt.toISOString() }, 'id');
    if (shift.startsAt.getTime() <= uow.now().getTime()) {
      throw volunteerMessages.shiftBegunCancel.error({ startsAt: shift.startsAt.toISOString() }, 'id');
    }
    const now = uow.now();
    const cancelled = await uow.em.execute<{ id: string; person_id: string }[]>(
      `UPDATE ${t('shift_signup')} SET cancelled_at = ? WHERE shift_id = ? AND cancelled_at IS NULL AND checked_in_at IS NULL RETURNING id, person_id`,
      [now, shift.uuid],
    );
    shift.cancelledAt = now;
    shift.cancelReason = why;
    shift.taken = 0;
    await uow.em.flush();
    for (const row of cancelled) {
      await uow.emit('volunteer.shift-changed', {
        signupId: row.id,
        shiftId: shift.uuid,
        personId: row.person_id,
        placePath: shift.placePath,
        change: 'cancelled',
      });
    }
    return shift;
  },
});

/**
 * Changes how many volunteers a shift takes (the checkpoint needs two more tonight): a leader of
 * its team, before it ends and while it stands. Never below those signed up (they cancel, or a
 * leader cancels them, first); the shift's row is locked, so a sign-up at the same moment is
 * counted before or after, never lost.
 */
export const changeShiftCapacity = defineCommand<{ shift: Named<VolunteerShift>; capacity: number }, VolunteerShift>({
  name: 'volunteer.changeShiftCapacity',
  lock: ['shift'],
  async run(uow, { shift, capacity }) {
    const team = await uow.em.findOneOrFail(VolunteerTeam, { uuid: refId(shift.team)! });
    await requireLeader(uow.em, team, await uow.actingPerson(), volunteerPhrases.changeShifts, 'id');
    if (shift.cancelledAt) throw shiftCalledOff(shift);
    if (shift.endsAt.getTime() <= uow.now().getTime())
      throw volunteerMessages.shiftOver.error({ endsAt: shift.endsAt.toISOString() }, 'id');
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1000)
      throw volunteerMessages.capacityRange.error({ capacity }, 'capacity');
    if (capacity < shift.taken) throw volunteerMessages.capacityBelowTaken.error({ capacity, taken: shift.taken }, 'capacity');
    shift.capacity = capacity;
    await uow.em.flush();
    return shift;
  },
});

/** Cancels a sign-up before check-in (the volunteer or a team leader); the place frees. */
export const cancelSignup = defineCommand<{ signup: Named<VolunteerShiftSignup> }, VolunteerShiftSignup>({
  name: 'volunteer.cancelSignup',
  async run(uow, { signup }) {
    const actor = await uow.actingPerson();
    const { shift, team } = await shiftOf(uow, signup);
    if (refId(signup.person) !== actor.uuid) await requireLeader(uow.em, team, actor, volunteerPhrases.cancelOthersShift, 'signupId');
    if (signup.checkedInAt) throw volunteerMessages.volunteerCheckedCheckOut.error('signupId');
    if (!(await updateIf(uow, VolunteerShiftSignup, signup, { cancelledAt: null, checkedInAt: null }, { cancelledAt: uow.now() }))) {
      throw volunteerMessages.signUpAlreadyCancelled.error('signupId');
    }
    await uow.em.execute(`UPDATE ${t('shift')} SET taken = taken - 1 WHERE id = ?`, [shift.uuid]);
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
    if (a.team.uuid !== b.team.uuid) throw volunteerMessages.bothSignUpsShifts.error('otherSignupId');
    const [pa, pb] = [refId(signup.person)!, refId(other.person)!];
    if (pa === pb) throw volunteerMessages.bothSignUpsBelong.error('otherSignupId');
    if (actor.uuid !== pa && actor.uuid !== pb) await requireLeader(uow.em, a.team, actor, volunteerPhrases.swapOthersShifts, 'signupId');
    requireOpen(signup, 'signupId', volunteerPhrases.swapped);
    requireOpen(other, 'otherSignupId', volunteerPhrases.swapped);
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
    if (refId(signup.person) !== actor.uuid) await requireLeader(uow.em, team, actor, volunteerPhrases.handOverOthersShift, 'signupId');
    // Only to a member of the team: a stronger rule than any line of places.
    await requireMember(uow.em, team, to, 'toPersonId');
    requireOpen(signup, 'signupId', volunteerPhrases.handedOver);
    if (refId(signup.person) === to.uuid) throw volunteerMessages.signUpAlreadyBelongs.error('toPersonId');
    await reassign(uow, new Map([[signup, to.uuid]]));
    await announce(uow, signup, 'handed-over');
    return signup;
  },
});

/** Refuses unless the signed-in person is the one signed up: volunteers check themselves in and out. */
function requireOwn(signup: VolunteerShiftSignup, actor: Person, what: Phrase): void {
  if (refId(signup.person) !== actor.uuid) {
    throw volunteerMessages.volunteersCheckThemselvesSign.error({ what }, 'signupId');
  }
}

/** The volunteer checks in, from {@link CHECK_IN_EARLY_MINUTES} minutes before the shift until it ends. */
export const checkIn = defineCommand<{ signup: Named<VolunteerShiftSignup> }, VolunteerShiftSignup>({
  name: 'volunteer.checkIn',
  async run(uow, { signup }) {
    const actor = await uow.actingPerson();
    const { shift } = await shiftOf(uow, signup);
    requireOwn(signup, actor, volunteerPhrases.checkIn);
    if (signup.cancelledAt) throw volunteerMessages.signUpCancelled.error('signupId');
    if (signup.checkedInAt) throw volunteerMessages.alreadyChecked.error({ checkedInAt: signup.checkedInAt.toISOString() }, 'signupId');
    const now = uow.now();
    const opens = shift.startsAt.getTime() - CHECK_IN_EARLY_MINUTES * 60_000;
    if (now.getTime() < opens || now.getTime() >= shift.endsAt.getTime()) {
      throw volunteerMessages.checkOpenFromUntil.error(
        { Date: new Date(opens).toISOString(), endsAt: shift.endsAt.toISOString(), now: now.toISOString() },
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
    requireOwn(signup, actor, volunteerPhrases.checkOut);
    const checkedInAt = signup.checkedInAt;
    if (!checkedInAt) throw volunteerMessages.checkOutBeforeCheck.error('signupId');
    if (signup.checkedOutAt)
      throw volunteerMessages.alreadyCheckedOut.error({ checkedOutAt: signup.checkedOutAt.toISOString() }, 'signupId');
    const now = uow.now();
    if (now.getTime() <= checkedInAt.getTime()) throw volunteerMessages.checkOutComeAfter.error('signupId');
    const minutes = Math.floor((now.getTime() - checkedInAt.getTime()) / 60_000);
    if (minutes > MAX_ENTRY_MINUTES) {
      throw volunteerMessages.checkedMinutesAgoHours.error({ minutes }, 'signupId');
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
        servedOn: serviceDay(uow, checkedInAt),
        description: shift.title,
        shiftSignup: signup,
        reportedBy: actor,
      });
    }
    await announce(uow, signup, 'checked-out');
    return signup;
  },
});

/**
 * Reminds a person that a shift they signed up for starts within `minutes`
 * (`volunteer.shift-reminder`) and records when (`remindedAt`), once: under the sign-up's row lock,
 * so of two rounds at once (two processes) the second finds it reminded. Not for a sign-up
 * cancelled, made inside the reminder time, or of a shift already started. True when this run
 * reminded it.
 */
export const remindShiftSignup = defineCommand<{ signupId: string; minutes: number }, boolean>({
  name: 'volunteer.remindShiftSignup',
  async run(uow, { signupId, minutes }) {
    const signup = await uow.em.findOne(VolunteerShiftSignup, { uuid: signupId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    if (!signup || signup.cancelledAt || signup.remindedAt) return false;
    const shift = await uow.em.findOneOrFail(VolunteerShift, { uuid: refId(signup.shift)! });
    const now = uow.now().getTime();
    const remindFrom = shift.startsAt.getTime() - minutes * 60_000;
    if (now >= shift.startsAt.getTime() || now < remindFrom || signup.signedUpAt.getTime() >= remindFrom) return false;
    signup.remindedAt = uow.now();
    await uow.em.flush();
    await uow.emit('volunteer.shift-reminder', {
      signupId: signup.uuid,
      shiftId: shift.uuid,
      personId: refId(signup.person)!,
      teamId: refId(shift.team)!,
      placePath: shift.placePath,
      title: shift.title,
      startsAt: shift.startsAt.toISOString(),
    });
    return true;
  },
});
