import { type EventEmitter, type GongzhiContext, type Person, Place, PlaceType, userError } from '@gongzhi/core';
import { VolunteerTeamMember } from './team-member.entity.js';
import type { VolunteerTeam } from './team.entity.js';
import { VolunteerMemberRole } from './volunteer.enums.js';

/** The ORM's EntityManager, as core hands it out (so this package needs no driver dependency). */
export type EntityManager = GongzhiContext['em'];

/** One unit of work of a volunteer mutation. */
export interface Tx {
  em: EntityManager;
  emit: EventEmitter;
}

/** What each database rule of the volunteer schema means to a client. */
const CONSTRAINT_ERRORS: Record<string, [code: string, message: string]> = {
  shift_signup_no_overlap: [
    'DOUBLE_BOOKED',
    'This person is already on another shift at an overlapping time; cancel or swap that one first.',
  ],
  shift_taken_within_capacity: ['SLOT_FULL', 'Every place on this shift is taken; pick another shift or ask a member to swap.'],
  recruitment_accepted_within_wanted: [
    'RECRUITMENT_FULL',
    'The call already has every volunteer it wanted; the application stays on the waitlist.',
  ],
  team_member_unique: ['CONFLICT', 'This person is already a member of the team.'],
  team_home_place_name_unique: ['CONFLICT', 'A team of this name is already based at this place; choose another name.'],
  application_unique: ['CONFLICT', 'This person has already signed up for this call.'],
  pairing_open_team_unique: ['CONFLICT', 'This team is already paired with this resident; end that pairing first.'],
  pairing_open_volunteer_unique: ['CONFLICT', 'This volunteer is already paired with this resident; end that pairing first.'],
  pairing_not_self: ['BAD_USER_INPUT', 'A volunteer cannot be paired with themselves.'],
  service_entry_not_self_verified: [
    'SELF_VERIFICATION',
    'Nobody verifies their own hours: another member of community staff must verify them.',
  ],
  service_entry_minutes: ['INVALID_DURATION', 'Service minutes must be a whole number from 1 to 1439 (less than 24 hours).'],
  shift_signup_check_out_after_in: ['CHECK_IN_FIRST', 'Check-out must come after check-in.'],
};

/**
 * Runs a mutation's work in one transaction whose events go out after commit, turning the
 * volunteer schema's constraint violations (also those found at commit, from the deferrable
 * exclusion constraint) into typed user errors. A failure writes nothing.
 */
export async function inTransaction<T>(ctx: GongzhiContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await ctx.events.transaction(ctx.em, work, ctx.caller?.id);
  } catch (err) {
    throw translateDbError(err);
  }
}

/** A database error as a typed user error when it breaks a known rule; the error itself otherwise. */
export function translateDbError(err: unknown): unknown {
  const e = err as { constraint?: string; code?: string; message?: string };
  const known = e?.constraint ? CONSTRAINT_ERRORS[e.constraint] : undefined;
  if (known) return userError(known[0], known[1], null, { constraint: e.constraint });
  return err;
}

/** Runs raw SQL with `?` placeholders on the unit of work's connection; returns the rows. */
export function sql<T extends object = Record<string, unknown>>(em: EntityManager, query: string, params: unknown[] = []): Promise<T[]> {
  return em.execute<T[]>(query, params);
}

/** The community (a place of type COMMUNITY) a place lies in, or the place itself; null above communities. */
export async function communityOf(em: EntityManager, place: Place): Promise<Place | null> {
  if (place.type === PlaceType.COMMUNITY) return place;
  const ancestors = place.path.split('/').filter(Boolean);
  return em.findOne(Place, { uuid: { $in: ancestors }, type: PlaceType.COMMUNITY });
}

/** Like {@link communityOf}, but a typed error naming the argument when the place is not in a community. */
export async function requireCommunityOf(em: EntityManager, place: Place, argument: string): Promise<Place> {
  const community = await communityOf(em, place);
  if (!community) {
    throw userError(
      'BAD_USER_INPUT',
      `"${argument}" must be a place inside a community (社区) or the community itself; ${place.name} is a ${place.type} above any community.`,
      argument,
    );
  }
  return community;
}

/** The active membership of `person` in `team`, or null. */
export function activeMembership(em: EntityManager, team: VolunteerTeam, person: Person): Promise<VolunteerTeamMember | null> {
  return em.findOne(VolunteerTeamMember, { team, person, leftOn: null });
}

/** Refuses unless `person` leads `team`: the team's own decisions are its leaders'. */
export async function requireLeader(em: EntityManager, team: VolunteerTeam, person: Person, what: string): Promise<void> {
  const membership = await activeMembership(em, team, person);
  if (membership?.role !== VolunteerMemberRole.LEADER) {
    throw userError('NOT_TEAM_LEADER', `Only a leader of ${team.name} may ${what}; ${person.name} is not one of its leaders.`);
  }
}

/** Refuses unless `person` is an active member of `team`. */
export async function requireMember(
  em: EntityManager,
  team: VolunteerTeam,
  person: Person,
  argument?: string,
): Promise<VolunteerTeamMember> {
  const membership = await activeMembership(em, team, person);
  if (!membership) {
    throw userError(
      'NOT_TEAM_MEMBER',
      `${person.name} is not a member of ${team.name}; join the team first (or ask its leader to add them).`,
      argument,
    );
  }
  return membership;
}

/** The calendar date of an instant in a time zone, YYYY-MM-DD. */
export function localDate(at: Date, timeZone = 'Asia/Shanghai'): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Trims a required text argument; BAD_USER_INPUT naming it when empty. */
export function requireText(value: string, argument: string): string {
  const text = value.trim();
  if (!text) throw userError('BAD_USER_INPUT', `"${argument}" must not be empty.`, argument);
  return text;
}

/** Cleans a list of skill names: trimmed, no empties, no duplicates. */
export function cleanSkills(skills: readonly string[] | null | undefined): string[] {
  return [...new Set((skills ?? []).map((s) => s.trim()).filter(Boolean))];
}
