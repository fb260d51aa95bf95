import { keyedRows, loadByForeignKey, type Person, type ReadContext, type Phrase } from '@gongzhi/core';
import { t } from '../db.js';
import { type VolunteerTeam, VolunteerTeamMember, VolunteerMemberRole } from './team.entity.js';
import { volunteerMessages } from '../messages.js';

/** Reads of teams and their memberships: who serves and who leads, for commands and resolvers alike. */

/**
 * The home places of the teams a person serves in now, batched per operation: a volunteer
 * without household or role in a community (a company's "youth commando") is still someone
 * its staff work with.
 */
export async function teamHomePlacesOf(ctx: ReadContext, personUuid: string): Promise<string[]> {
  const rows = await keyedRows<{ person_id: string; home_place_id: string }>(ctx, 'volunteer.personTeamPlaces', personUuid, {
    sql: (match) => `SELECT m.person_id, t.home_place_id FROM ${t('team_member')} m JOIN ${t('team')} t ON t.id = m.team_id
        WHERE m.person_id ${match} AND m.left_on IS NULL`,
    keyColumn: 'person_id',
    type: 'uuid',
  });
  return rows.map((r) => r.home_place_id);
}

/**
 * The people who know a person through volunteering, batched per operation: those who serve in a
 * team with them now (a leader knows the people she leads), and both sides of a pairing (the
 * members of the paired team, or the paired volunteer, know the resident they look after, and
 * she knows who visits her).
 */
export async function volunteerAcquaintancesOf(ctx: ReadContext, personUuid: string): Promise<string[]> {
  const rows = await keyedRows<{ subject: string; viewer: string | null }>(ctx, 'volunteer.acquaintances', personUuid, {
    sql: (match) => `SELECT m.person_id AS subject, o.person_id AS viewer
         FROM ${t('team_member')} m JOIN ${t('team_member')} o ON o.team_id = m.team_id AND o.left_on IS NULL AND o.person_id <> m.person_id
        WHERE m.person_id ${match} AND m.left_on IS NULL
       UNION
       SELECT p.resident_id, coalesce(o.person_id, p.volunteer_id)
         FROM ${t('pairing')} p LEFT JOIN ${t('team_member')} o ON o.team_id = p.team_id AND o.left_on IS NULL
        WHERE p.resident_id ${match}
       UNION
       SELECT o.person_id, p.resident_id
         FROM ${t('team_member')} o JOIN ${t('pairing')} p ON p.team_id = o.team_id
        WHERE o.person_id ${match} AND o.left_on IS NULL
       UNION
       SELECT p.volunteer_id, p.resident_id FROM ${t('pairing')} p WHERE p.volunteer_id ${match}`,
    keyColumn: 'subject',
    type: 'uuid',
  });
  return rows.flatMap((r) => (r.viewer ? [r.viewer] : []));
}

/** A team's current members, leaders first, then by join date (batched per operation). */
export async function currentMembers(ctx: ReadContext, teamUuid: string): Promise<VolunteerTeamMember[]> {
  const all = await loadByForeignKey(ctx, VolunteerTeamMember, 'team', teamUuid);
  return all
    .filter((m) => !m.leftOn)
    .sort((a, b) => (a.role === b.role ? a.joinedOn.localeCompare(b.joinedOn) : a.role === VolunteerMemberRole.LEADER ? -1 : 1));
}

/** The active membership of `person` in `team`, or null. */
export function activeMembership(em: ReadContext['em'], team: VolunteerTeam, person: Person): Promise<VolunteerTeamMember | null> {
  return em.findOne(VolunteerTeamMember, { team, person, leftOn: null });
}

/** Refuses (NOT_TEAM_LEADER) unless `person` leads `team`: the team's own decisions are its leaders'. */
export async function requireLeader(
  em: ReadContext['em'],
  team: VolunteerTeam,
  person: Person,
  what: Phrase,
  field?: string,
): Promise<void> {
  const membership = await activeMembership(em, team, person);
  if (membership?.role !== VolunteerMemberRole.LEADER) {
    throw volunteerMessages.onlyLeaderMayOne.error({ teamName: team.name, what, personName: person.name }, field);
  }
}

/** Refuses (NOT_TEAM_MEMBER) unless `person` is an active member of `team`. */
export async function requireMember(
  em: ReadContext['em'],
  team: VolunteerTeam,
  person: Person,
  field?: string,
): Promise<VolunteerTeamMember> {
  const membership = await activeMembership(em, team, person);
  if (!membership) {
    throw volunteerMessages.memberJoinTeamFirst.error({ personName: person.name, teamName: team.name }, field);
  }
  return membership;
}
