import { Permission } from '../auth/permission.js';
import { readSensitiveWithin } from '../auth/sensitive.js';
import { newName } from '../command/new-name.js';
import { defineCommand, type Named, type UnitOfWork } from '../command/command.js';
import type { Place } from '../place/place.entity.js';
import { PlaceType } from '../place/place.entity.js';
import { placeSummary } from '../place/place.queries.js';
import { refId } from '../graphql/loaders.js';
import { addDays, localDate } from '../calendar.js';
import { CareProfile } from './care-profile.entity.js';
import { requireIsoDate } from '../command/iso-date.js';
import { PersonRole, PersonRoleKind } from './person-role.entity.js';
import { Person } from './person.entity.js';
import { coreMessages } from '../i18n/core-messages.js';
import { handOverHeldRequests } from '../request/request.commands.js';

/**
 * Where a person is registered or moves to: a place of type household under the actor's
 * `people.manage`. None (`null`) only for callers who see everywhere, `none` the refusal
 * otherwise: a person without household belongs to no place, so nobody else would see them again.
 */
function checkHousehold(uow: UnitOfWork, household: Place | null, none: () => Error): void {
  if (!household) {
    if (!uow.actor.access.everywhere) throw none();
    return;
  }
  if (household.type !== PlaceType.HOUSEHOLD) {
    throw coreMessages.inputHouseholdidPlaceType.error(
      { householdName: household.name, householdType: household.type },
      'input.householdId',
    );
  }
  uow.actor.authorize(Permission.PEOPLE_MANAGE, household.path);
}

/** Registers a person, in a household under the actor's places (people without one only by callers who see everywhere). */
export const createPerson = defineCommand<{ name: string; phone?: string | null; household?: Named<Place> | null }, Person>({
  name: 'person.create',
  async run(uow, input) {
    const name = input.name.trim();
    if (!name) throw coreMessages.inputNameEmpty.error('input.name');
    const household = input.household ?? null;
    checkHousehold(uow, household, () => coreMessages.giveInputHouseholdidHousehold.error('input.householdId'));
    const person = uow.em.create(Person, { name, phone: input.phone?.trim() || null, household });
    await uow.em.flush();
    await uow.emit('person.created', { personId: person.uuid, householdId: household?.uuid ?? null, placePath: household?.path ?? null });
    return person;
  },
});

/** Gives a person a role at a place from `startsOn` (to `endsOn`, inclusive, if given); needs `people.manage` there. */
export const assignRole = defineCommand<
  { person: Named<Person>; place: Named<Place>; role: PersonRoleKind; startsOn: string; endsOn?: string | null },
  PersonRole
>({
  name: 'person.assignRole',
  async run(uow, { person, place, role, startsOn, endsOn }) {
    uow.actor.authorize(Permission.PEOPLE_MANAGE, place.path);
    const start = requireIsoDate(startsOn, 'startsOn');
    const end = endsOn == null ? null : requireIsoDate(endsOn, 'endsOn');
    // ISO dates compare correctly as strings.
    if (end !== null && end < start) {
      throw coreMessages.endsonAfterStartson.error({ end, start }, 'endsOn');
    }
    const assigned = uow.em.create(PersonRole, { person, place, role, startsOn: start, endsOn: end });
    await uow.em.flush();
    await uow.emit('person.role-assigned', {
      personId: person.uuid,
      roleId: assigned.uuid,
      role,
      placeId: place.uuid,
      placePath: place.path,
      startsOn: start,
      endsOn: end,
    });
    return assigned;
  },
});

/**
 * Ends a role on `endsOn` (its last day, inclusive): an open role, or one whose set end comes
 * later. Needs `people.manage` at the role's place. An end only comes earlier: a role that
 * ended is history (who held what, when), so holding it again is a new role (`assignRole`).
 * The person's grants follow at once on every process (core migration 0024's notice).
 */
export const endRole = defineCommand<{ role: Named<PersonRole>; endsOn: string; handOverTo?: Named<Person> | null }, PersonRole>({
  name: 'person.endRole',
  lock: ['role'],
  async run(uow, { role, endsOn, handOverTo }) {
    const place = await placeSummary(uow, refId(role.place)!);
    uow.actor.authorize(Permission.PEOPLE_MANAGE, place!.path);
    const end = requireIsoDate(endsOn, 'endsOn');
    if (end < role.startsOn) throw coreMessages.endsonAfterStartson.error({ end, start: role.startsOn }, 'endsOn');
    if (role.endsOn != null && role.endsOn < end) {
      throw coreMessages.roleEndsEarlier.error({ end, current: role.endsOn, next: addDays(role.endsOn, 1) }, 'endsOn');
    }
    role.endsOn = end;
    await uow.em.flush();
    await uow.emit('person.role-ended', {
      personId: refId(role.person)!,
      roleId: role.uuid,
      role: role.role,
      placeId: place!.id,
      placePath: place!.path,
      endsOn: end,
    });
    if (handOverTo) {
      const reason = `${role.role} at ${place!.name} ends ${end}`;
      await handOverHeldRequests(uow, refId(role.person)!, handOverTo, [place!.path], reason, 'handOverToId');
    }
    return role;
  },
});

/** What {@link updatePerson} changes: a key left out (undefined) stays as it is. */
export interface PersonChanges {
  name?: string | null;
  /** Null or blank clears the number. */
  phone?: string | null;
  /** Null: no household (only callers who see everywhere, as for a new person). */
  household?: Named<Place> | null;
}

/**
 * Changes a person's name, phone or household (a move). Needs `people.manage` at the household
 * they live in and, for a move, at the one they move to; a new phone number also the right to
 * read it (`sensitive.read`, logged like a read, as care data is); a person of no household only callers
 * who see everywhere change, as only they may register one. The person's grants follow a move at
 * once (core migration 0024's notice); an erased person is refused, as by every command.
 */
export const updatePerson = defineCommand<{ person: Named<Person> } & PersonChanges, Person>({
  name: 'person.update',
  lock: ['person'],
  async run(uow, { person, name, phone, household }) {
    const current = refId(person.household);
    const home = current ? await placeSummary(uow, current) : null;
    if (home) uow.actor.authorize(Permission.PEOPLE_MANAGE, home.path);
    else if (!uow.actor.access.everywhere) throw coreMessages.personWithoutHouseholdEverywhere.error('id');
    if (phone !== undefined && (phone?.trim() || null) !== (person.phone ?? null)) {
      // As for care data: who writes a number may read it, and the write is logged like a read.
      if (!(await readSensitiveWithin(uow, person.uuid, 'phone.write'))) {
        throw coreMessages.needSensitiveReadForPhone.error(
          { SENSITIVE_READ: Permission.SENSITIVE_READ, personName: person.name },
          'input.phone',
        );
      }
      person.phone = phone?.trim() || null;
    }
    person.name = newName(name, 'input.name') ?? person.name;
    const moved = household !== undefined && refId(household) !== current;
    let ended: PersonRole[] = [];
    if (moved) {
      checkHousehold(uow, household, () => coreMessages.householdNullEverywhere.error('input.householdId'));
      person.household = household;
      if (current) ended = await endResidenceAt(uow, person, current);
    }
    await uow.em.flush();
    if (moved) {
      // One event per side: each household's subscribers learn of the side they see, not where the person went or came from.
      const movedAt = uow.now().toISOString();
      if (home) await uow.emit('person.moved-out', { personId: person.uuid, householdId: home.id, placePath: home.path, movedAt });
      // The resident role the move ended is announced like any role's end, to those who see the household left.
      for (const role of ended) {
        await uow.emit('person.role-ended', {
          personId: person.uuid,
          roleId: role.uuid,
          role: role.role,
          placeId: home!.id,
          placePath: home!.path,
          endsOn: role.endsOn!,
        });
      }
      if (household)
        await uow.emit('person.moved-in', { personId: person.uuid, householdId: household.uuid, placePath: household.path, movedAt });
    }
    return person;
  },
});

/**
 * A person who moved out no longer lives at `household`: their resident role there (as the demo's
 * and many districts' registers record it) ends yesterday in the district's calendar. Their other
 * roles stay: staff end those (`endRole`). Returns the roles ended (one not begun is removed).
 */
async function endResidenceAt(uow: UnitOfWork, person: Person, household: string): Promise<PersonRole[]> {
  const today = localDate(uow.now(), uow.timeZone);
  const yesterday = addDays(today, -1);
  const open = await uow.em.find(PersonRole, {
    person,
    place: household,
    role: PersonRoleKind.RESIDENT,
    $or: [{ endsOn: null }, { endsOn: { $gt: yesterday } }],
  });
  const ended: PersonRole[] = [];
  for (const role of open) {
    // One not begun before today never held: it goes (an end cannot come before a start).
    if (role.startsOn > yesterday) uow.em.remove(role);
    else ended.push(Object.assign(role, { endsOn: yesterday }));
  }
  return ended;
}

/** What a care profile records. */
export interface CareAttributes {
  livesAlone: boolean;
  elderly: boolean;
  chronicIllness?: string | null;
  disability?: string | null;
  notes?: string | null;
}

/**
 * Sets (creates or replaces) a person's care profile. Writing care data needs `people.manage`
 * and the right to read it at the person's places, and is logged like a read.
 */
export const setCareProfile = defineCommand<{ person: Named<Person>; care: CareAttributes }, CareProfile>({
  name: 'person.setCareProfile',
  permission: Permission.PEOPLE_MANAGE,
  async run(uow, { person, care }) {
    if (!(await readSensitiveWithin(uow, person.uuid, 'careProfile.write'))) {
      throw coreMessages.needSensitiveReadForCare.error({ SENSITIVE_READ: Permission.SENSITIVE_READ, personName: person.name }, 'personId');
    }
    return uow.em.upsert(CareProfile, {
      personUuid: person.uuid,
      livesAlone: care.livesAlone,
      elderly: care.elderly,
      chronicIllness: care.chronicIllness ?? null,
      disability: care.disability ?? null,
      notes: care.notes ?? null,
      updatedAt: uow.now(),
    });
  },
});
