import { LockMode } from '@mikro-orm/core';
import {
  defineCommand,
  type Named,
  newName,
  type Organization,
  type Person,
  type Place,
  PlaceType,
  refId,
  requireIsoDate,
  type UnitOfWork,
} from '@gongzhi/core';
import { serviceDay } from '../calendar.js';
import { cleanSkills, requireText } from '../text.js';
import { VolunteerMemberRole, VolunteerTeam, type VolunteerTeamKind, VolunteerTeamMember } from './team.entity.js';
import { requireLeader } from './team.queries.js';
import { volunteerMessages, volunteerPhrases } from '../messages.js';
import { VolunteerPermission } from '../permissions.js';

/** A new team, as its founder describes it. */
export interface NewTeam {
  homePlace: Named<Place>;
  name: string;
  kind: VolunteerTeamKind;
  description?: string | null;
  organization?: Named<Organization> | null;
  skills?: string[] | null;
}

/** Founds a team at a place; the signed-in founder becomes its first leader. */
export const createTeam = defineCommand<NewTeam, VolunteerTeam>({
  name: 'volunteer.createTeam',
  links: {
    organization: {
      to: 'homePlace',
      widen: {
        to: PlaceType.SUBDISTRICT,
        reason:
          'A team comes from a partner unit (共建单位) of its subdistrict: the estate agency of a youth commando may be registered at the neighbouring community.',
      },
    },
  },
  async run(uow, input) {
    const founder = await uow.actingPerson();
    const name = requireText(input.name, 'input.name');
    const team = uow.em.create(VolunteerTeam, {
      name,
      kind: input.kind,
      description: input.description?.trim() || null,
      homePlace: input.homePlace,
      homePlacePath: input.homePlace.path,
      organization: input.organization ?? null,
      skills: cleanSkills(input.skills),
      createdAt: uow.now(),
    });
    uow.em.create(VolunteerTeamMember, { team, person: founder, role: VolunteerMemberRole.LEADER, joinedOn: serviceDay(uow) });
    await uow.em.flush();
    await uow.emit('volunteer.team-created', { teamId: team.uuid, placePath: team.homePlacePath });
    return team;
  },
});

/** Whether the actor manages `team` as community staff (`volunteer.teams.manage` where it is at home), as its leaders do. */
function staffOf(uow: UnitOfWork, team: VolunteerTeam): boolean {
  return uow.actor.access.can(VolunteerPermission.MANAGE_TEAMS, team.homePlacePath);
}

/** What `updateTeam` changes; a field left out stays as it is. */
export interface TeamChanges {
  name?: string | null;
  kind?: VolunteerTeamKind | null;
  /** A blank description removes it. */
  description?: string | null;
  /** Replaces the team's skills. */
  skills?: string[] | null;
}

/** Renames a team or changes what it says of itself (kind, description, skills): its leaders, or community staff. */
export const updateTeam = defineCommand<{ team: Named<VolunteerTeam>; changes: TeamChanges }, VolunteerTeam>({
  name: 'volunteer.updateTeam',
  async run(uow, { team, changes }) {
    if (!staffOf(uow, team)) await requireLeader(uow.em, team, await uow.actingPerson(), volunteerPhrases.changeTeam, 'id');
    team.name = newName(changes.name, 'input.name') ?? team.name;
    if (changes.kind != null) team.kind = changes.kind;
    if (changes.description !== undefined) team.description = changes.description?.trim() || null;
    if (changes.skills != null) team.skills = cleanSkills(changes.skills);
    await uow.em.flush();
    return team;
  },
});

/** Adds a person to a team (its leaders do, or community staff); rejoining after leaving reopens the membership. */
export const addTeamMember = defineCommand<
  { team: Named<VolunteerTeam>; person: Named<Person>; role: VolunteerMemberRole; joinedOn?: string | null; skills?: string[] | null },
  VolunteerTeamMember
>({
  name: 'volunteer.addTeamMember',
  links: {
    person: {
      to: 'team',
      widen: {
        to: PlaceType.COMMUNITY,
        reason: "A building's team takes any neighbour of its community, not only the building's own residents.",
      },
    },
  },
  async run(uow, { team, person, role, joinedOn, skills }) {
    const day = joinedOn ? requireIsoDate(joinedOn, 'joinedOn') : serviceDay(uow);
    if (!staffOf(uow, team)) await requireLeader(uow.em, team, await uow.actingPerson(), volunteerPhrases.addMembers, 'teamId');
    let member = await uow.em.findOne(VolunteerTeamMember, { team, person });
    if (member && !member.leftOn) throw volunteerMessages.alreadyMember.error({ personName: person.name, teamName: team.name }, 'personId');
    if (member) Object.assign(member, { leftOn: null, joinedOn: day, role, skills: cleanSkills(skills) });
    else member = uow.em.create(VolunteerTeamMember, { team, person, role, joinedOn: day, skills: cleanSkills(skills) });
    await uow.em.flush();
    await uow.emit('volunteer.member-joined', { teamId: team.uuid, personId: person.uuid, placePath: team.homePlacePath });
    return member;
  },
});

/** Ends a membership on a day: the member themselves, a leader, or community staff. The last leader cannot leave. */
export const endTeamMembership = defineCommand<{ member: Named<VolunteerTeamMember>; leftOn?: string | null }, VolunteerTeamMember>({
  name: 'volunteer.endTeamMembership',
  lock: ['member'],
  async run(uow, { member, leftOn }) {
    const day = leftOn ? requireIsoDate(leftOn, 'leftOn') : serviceDay(uow);
    // Locked: of two leaders leaving at once, the second counts the first gone (LAST_LEADER).
    const team = await uow.em.findOneOrFail(VolunteerTeam, { uuid: refId(member.team)! }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!staffOf(uow, team)) {
      const actor = await uow.actingPerson();
      if (refId(member.person) !== actor.uuid) await requireLeader(uow.em, team, actor, volunteerPhrases.endOthersMembership, 'memberId');
    }
    if (member.leftOn) throw volunteerMessages.membershipAlreadyEnded.error({ leftOn: member.leftOn }, 'memberId');
    if (day < member.joinedOn) {
      throw volunteerMessages.leftonAfterDayJoined.error({ day, joinedOn: member.joinedOn }, 'leftOn');
    }
    if (member.role === VolunteerMemberRole.LEADER) {
      const leaders = await uow.em.count(VolunteerTeamMember, { team, role: VolunteerMemberRole.LEADER, leftOn: null });
      if (leaders <= 1) throw volunteerMessages.wouldLeaderAddAnother.error({ teamName: team.name }, 'memberId');
    }
    member.leftOn = day;
    await uow.em.flush();
    return member;
  },
});
