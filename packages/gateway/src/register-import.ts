import { readFileSync } from 'node:fs';
import {
  assignRole,
  createPerson,
  createPlace,
  defineCommand,
  type GongzhiContext,
  Person,
  PersonRole,
  PersonRoleKind,
  Place,
  type Platform,
  PlaceType,
  refId,
  requireIsoDate,
  runCommand,
  SYSTEM_CALLER,
} from '@gongzhi/core';
import { StartupError } from '@gongzhi/core/startup';
import { gatewayMessages } from './messages.js';

/**
 * A district's register (台账) loaded in one go: `gongzhi register import FILE.json`. Places and
 * people go through core's commands (`createPlace`, `createPerson`, `assignRole`), with their
 * checks, as the system (`system: cli.register-import` in the audit log); one unit of work per
 * line, so a refused line leaves the others in and a second run adds only what is missing.
 */

/** A place of the register: its parent by code (none only for a district). */
export interface RegisterPlace {
  code: string;
  /** district, subdistrict, community, compound, bungalow_area, building, unit, household, venue, station (any case). */
  type: string;
  name: string;
  parent?: string | null;
  address?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** A person of the register: found again by name in their household (or by name and phone without one). */
export interface RegisterPerson {
  name: string;
  phone?: string | null;
  /** The code of the household they live in. */
  household?: string | null;
  /** Roles from a day, at a place by code (e.g. { "role": "resident", "place": "<household code>", "startsOn": "2020-01-01" }). */
  roles?: { role: string; place: string; startsOn: string; endsOn?: string | null }[];
}

export interface Register {
  places?: RegisterPlace[];
  people?: RegisterPerson[];
}

/** Reads a register file, or says what it must look like. */
export function readRegister(file: string): Register {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new StartupError(`Cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  const shape = parsed as Register | null;
  if (
    !shape ||
    typeof shape !== 'object' ||
    Array.isArray(shape) ||
    (shape.places !== undefined && !Array.isArray(shape.places)) ||
    (shape.people !== undefined && !Array.isArray(shape.people))
  ) {
    throw new StartupError(
      `${file} must hold { "places": [{ "code", "type", "name", "parent": "<code>" }, …], "people": [{ "name", "phone", "household": "<code>", "roles": [{ "role", "place": "<code>", "startsOn" }] }, …] }.`,
    );
  }
  return shape;
}

const PLACE_TYPES = new Set<string>(Object.values(PlaceType));
const ROLE_KINDS = new Set<string>(Object.values(PersonRoleKind));

/** A line's refusal, as a command's payload error would say it. */
interface Refusal {
  code: string;
  field?: string | null;
  message: string;
}

/** One person of the register with their roles: found again or created, and the roles they lack given, in one unit of work. */
const importPerson = defineCommand<
  { line: RegisterPerson; household: Place | null; places: Map<string, Place> },
  { person: Person; created: boolean; roles: number }
>({
  name: 'register.importPerson',
  async run(uow, { line, household, places }) {
    const name = String(line.name ?? '').trim();
    const phone = line.phone?.trim() || null;
    if (!household && !phone) throw gatewayMessages.registerFindAgain.error('household');
    let person = await uow.em.findOne(
      Person,
      household ? { name, household: household.uuid, erasedAt: null } : { name, phone, household: null, erasedAt: null },
    );
    const created = !person;
    person ??= await uow.run(createPerson, { name, phone, household });
    let roles = 0;
    for (const [i, given] of (line.roles ?? []).entries()) {
      const role = String(given.role ?? '').toLowerCase();
      if (!ROLE_KINDS.has(role)) {
        throw gatewayMessages.registerRole.error({ given: String(given.role), roles: [...ROLE_KINDS].join(', ') }, `roles.${i}.role`);
      }
      const place = places.get(String(given.place));
      if (!place) throw gatewayMessages.registerNoPlaceCode.error({ code: String(given.place) }, `roles.${i}.place`);
      const startsOn = requireIsoDate(String(given.startsOn ?? ''), `roles.${i}.startsOn`);
      if (await uow.em.count(PersonRole, { person, place: place.uuid, role: role as PersonRoleKind, startsOn })) continue;
      await uow.run(assignRole, { person, place, role: role as PersonRoleKind, startsOn, endsOn: given.endsOn ?? null });
      roles++;
    }
    return { person, created, roles };
  },
});

/**
 * Imports `register` into `platform`: places in the file's order (a parent before its children),
 * then people. Prints one line per place and person (imported, already there, refused: why) and
 * returns how many lines were refused.
 */
export async function importRegister(platform: Platform, register: Register): Promise<number> {
  // One context per line: its rows are read in it and handed to its command, as the hotline import does.
  const context = () => platform.createContext({ ...SYSTEM_CALLER, label: 'cli.register-import' });
  const byCode = async (ctx: GongzhiContext, codes: string[]): Promise<Map<string, Place>> => {
    const found = codes.length ? await ctx.em.find(Place, { code: { $in: codes } }) : [];
    return new Map(found.map((place) => [place.code, place]));
  };
  let refused = 0;
  const report = (what: string, errors: readonly Refusal[]) => {
    refused++;
    for (const error of errors) console.log(`refused: ${what}: ${error.code} ${error.field ?? ''}: ${error.message}`);
  };

  for (const [i, line] of (register.places ?? []).entries()) {
    const what = `place ${i + 1} (${String(line.code)})`;
    const ctx = context();
    const type = String(line.type ?? '').toLowerCase();
    const known = await byCode(ctx, [String(line.code), ...(line.parent ? [String(line.parent)] : [])]);
    const existing = known.get(String(line.code));
    const parent = line.parent ? known.get(String(line.parent)) : null;
    if (existing) {
      if (String(existing.type) === type && refId(existing.parent) === (parent?.uuid ?? null))
        console.log(`already there: ${existing.code} → ${existing.id}`);
      else report(what, [gatewayMessages.registerCodeElsewhere.error({ code: existing.code, type: existing.type }, 'code')]);
      continue;
    }
    if (!PLACE_TYPES.has(type)) {
      report(what, [gatewayMessages.registerPlaceType.error({ given: String(line.type), types: [...PLACE_TYPES].join(', ') }, 'type')]);
      continue;
    }
    if (line.parent && !parent) {
      report(what, [gatewayMessages.registerNoPlaceCode.error({ code: String(line.parent) }, 'parent')]);
      continue;
    }
    const outcome = await runCommand(ctx, createPlace, {
      code: String(line.code ?? ''),
      type: type as PlaceType,
      name: String(line.name ?? ''),
      address: line.address ?? null,
      latitude: line.latitude ?? null,
      longitude: line.longitude ?? null,
      parent: parent ?? null,
    });
    if (outcome.ok) console.log(`imported: ${outcome.value.code} → ${outcome.value.id}`);
    else report(what, outcome.errors);
  }

  for (const [i, line] of (register.people ?? []).entries()) {
    const what = `person ${i + 1} (${String(line.name)})`;
    const ctx = context();
    const codes = [...(line.household ? [String(line.household)] : []), ...(line.roles ?? []).map((role) => String(role.place))];
    const places = await byCode(ctx, codes);
    const household = line.household ? places.get(String(line.household)) : null;
    if (line.household && !household) {
      report(what, [gatewayMessages.registerNoPlaceCode.error({ code: String(line.household) }, 'household')]);
      continue;
    }
    const outcome = await runCommand(ctx, importPerson, { line, household: household ?? null, places });
    if (outcome.ok) {
      const { person, created, roles } = outcome.value;
      const given = roles ? ` (${roles} role${roles > 1 ? 's' : ''} given)` : '';
      console.log(`${created ? 'imported' : 'already there'}: ${person.name} → ${person.id}${given}`);
    } else report(what, outcome.errors);
  }
  return refused;
}
