import { Permission } from '../auth/permission.js';
import { readSensitiveWithin } from '../auth/sensitive.js';
import { defineCommand, type Named } from '../command/command.js';
import type { Place } from '../place/place.entity.js';
import { PlaceType } from '../place/place.entity.js';
import { CareProfile } from './care-profile.entity.js';
import { requireIsoDate } from '../command/iso-date.js';
import { PersonRole, type PersonRoleKind } from './person-role.entity.js';
import { Person } from './person.entity.js';
import { coreMessages } from '../i18n/core-messages.js';

/** Registers a person, in a household under the actor's places (people without one only by callers who see everywhere). */
export const createPerson = defineCommand<{ name: string; phone?: string | null; household?: Named<Place> | null }, Person>({
  name: 'person.create',
  async run(uow, input) {
    const name = input.name.trim();
    if (!name) throw coreMessages.inputNameEmpty.error('input.name');
    const household = input.household ?? null;
    if (household && household.type !== PlaceType.HOUSEHOLD) {
      throw coreMessages.inputHouseholdidPlaceType.error(
        { householdName: household.name, householdType: household.type },
        'input.householdId',
      );
    }
    if (household) uow.actor.authorize(Permission.PEOPLE_MANAGE, household.path);
    // A person without household belongs to no place: only callers who see everywhere could see them again.
    else if (!uow.actor.access.everywhere) {
      throw coreMessages.giveInputHouseholdidHousehold.error('input.householdId');
    }
    const person = uow.em.create(Person, { name, phone: input.phone?.trim() || null, household });
    await uow.em.flush();
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
    return assigned;
  },
});

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
