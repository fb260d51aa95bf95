import { Permission } from '../auth/permission.js';
import { newName } from '../command/new-name.js';
import { defineCommand, type Named } from '../command/command.js';
import { requireIsoDate } from '../command/iso-date.js';
import { refId } from '../graphql/loaders.js';
import { OPEN_STATUSES, Request } from '../request/request.entity.js';
import type { Person } from '../person/person.entity.js';
import type { Place } from '../place/place.entity.js';
import { localDate } from '../calendar.js';
import { OrganizationFormerMember } from './organization-former-member.entity.js';
import { OrganizationMember } from './organization-member.entity.js';
import { Organization, type OrganizationKind } from './organization.entity.js';
import { coreMessages } from '../i18n/core-messages.js';

/** Registers an organisation at the place it belongs to; needs `people.manage` there. */
export const createOrganization = defineCommand<{ name: string; kind: OrganizationKind; place: Named<Place> }, Organization>({
  name: 'organization.create',
  async run(uow, { name, kind, place }) {
    uow.actor.authorize(Permission.PEOPLE_MANAGE, place.path);
    const trimmed = name.trim();
    if (!trimmed) throw coreMessages.nameEmpty.error('name');
    const organization = uow.em.create(Organization, { name: trimmed, kind, place });
    await uow.em.flush();
    return organization;
  },
});

/**
 * Adds a person the actor can see to an organisation (once; the database decides between two at
 * once). No place rule follows membership, so it widens nobody's view; members of a company or a
 * party branch may live anywhere.
 */
export const addOrganizationMember = defineCommand<
  { organization: Named<Organization>; person: Named<Person>; role: string; joinedOn: string },
  OrganizationMember
>({
  name: 'organization.addMember',
  async run(uow, { organization, person, role, joinedOn }) {
    const place = await uow.em.findOneOrFail(Organization, { uuid: organization.uuid }, { populate: ['place'] });
    uow.actor.authorize(Permission.PEOPLE_MANAGE, place.place.path);
    const joined = requireIsoDate(joinedOn, 'joinedOn');
    if (await uow.em.count(OrganizationMember, { organization, person })) {
      throw coreMessages.alreadyMemberPersonJoins.error({ personName: person.name, organizationName: organization.name }, 'personId');
    }
    const member = uow.em.create(OrganizationMember, { organization, person, role: role.trim(), joinedOn: joined });
    await uow.em.flush();
    return member;
  },
});

/** Renames an organisation or changes its kind (what is not given stays); needs `people.manage` at its place. */
export const updateOrganization = defineCommand<
  { organization: Named<Organization>; name?: string | null; kind?: OrganizationKind | null },
  Organization
>({
  name: 'organization.update',
  async run(uow, { organization, name, kind }) {
    const row = await uow.em.findOneOrFail(Organization, { uuid: organization.uuid }, { populate: ['place'] });
    uow.actor.authorize(Permission.PEOPLE_MANAGE, row.place.path);
    row.name = newName(name, 'name') ?? row.name;
    if (kind != null) row.kind = kind;
    await uow.em.flush();
    return row;
  },
});

/**
 * Takes a person off an organisation (they left the partner unit, the owners' committee…); needs
 * `people.manage` at its place, as adding them did. From the commit on they no longer see or take
 * what was dispatched to it, nor vote for its council seat; the audit log keeps who was a member
 * and who took them off, and `Organization.formerMembers` who was a member from when to when.
 * Joining again is a new `addOrganizationMember`. Refused while they hold
 * open requests dispatched to it: the community gives those to someone else first.
 */
export const removeOrganizationMember = defineCommand<{ member: Named<OrganizationMember> }, OrganizationMember>({
  name: 'organization.removeMember',
  lock: ['member'],
  async run(uow, { member }) {
    const organization = await uow.em.findOneOrFail(Organization, { uuid: refId(member.organization)! }, { populate: ['place'] });
    uow.actor.authorize(Permission.PEOPLE_MANAGE, organization.place.path);
    // Work the unit was given and this member holds would be left with someone who no longer sees it.
    const held = await uow.em.count(Request, {
      dispatchedTo: organization.uuid,
      assignee: refId(member.person)!,
      status: { $in: [...OPEN_STATUSES] },
    });
    if (held) throw coreMessages.memberHoldsUnitWork.error({ held, organizationName: organization.name }, 'id');
    // Who was a member when stays on record (Organization.formerMembers); the membership goes.
    uow.em.create(OrganizationFormerMember, {
      organization: member.organization,
      person: member.person,
      role: member.role,
      joinedOn: member.joinedOn,
      leftOn: localDate(uow.now(), uow.timeZone),
      createdAt: uow.now(),
    });
    uow.em.remove(member);
    await uow.em.flush();
    return member;
  },
});
