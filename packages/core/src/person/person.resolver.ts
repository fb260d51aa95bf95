import { type FilterQuery, raw } from '@mikro-orm/core';
import { Arg, Args, Ctx, Field, FieldResolver, InputType, Mutation, Query, Resolver, Root } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { Permission } from '../auth/permission.js';
import { readSensitive } from '../auth/sensitive.js';
import { loadRef, perform, requireRef } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefArg, RefField } from '../command/reference.js';
import { hasMany } from '../graphql/relation-field.js';
import type { GongzhiContext } from '../context.js';
import { loadById } from '../graphql/loaders.js';
import { containsPattern } from '../database/like-pattern.js';
import { piecesCondition } from '../database/text-pieces.js';
import { PlaceType } from '../place/place.entity.js';
import { Place } from '../place/place.entity.js';
import { type ConnectionOrder, ConnectionArgs, ConnectionPage, connectionType, findPage } from '../relay/connection.js';
import { CareProfile } from './care-profile.entity.js';
import { assignRole, createPerson, endRole, setCareProfile, updatePerson } from './person.commands.js';
import { PersonRole, PersonRoleKind } from './person-role.entity.js';
import { Person } from './person.entity.js';
import { coreMessages } from '../i18n/core-messages.js';
import { MIN_PHONE_DIGITS, phoneDigits, phoneMatches } from './phone.js';

@InputType({ description: 'A new person.' })
export class CreatePersonInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @RefField(() => Place, { nullable: true, description: 'The household (a place of type household) the person lives in.' })
  householdId?: Ref<Place> | null;
}

@InputType({ description: "Changes to a person's details: a field left out stays as it is." })
export class UpdatePersonInput {
  @Field(() => String, { nullable: true, description: 'The new name (not empty).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'The new contact phone number; null or blank removes it.' })
  phone?: string | null;

  @RefField(() => Place, {
    nullable: true,
    description: 'The household the person moves to; null for none (only callers who see everywhere).',
  })
  householdId?: Ref<Place> | null;
}

@InputType({ description: "A person's care attributes; setting them replaces the previous ones." })
export class CareProfileInput {
  @Field(() => Boolean)
  livesAlone!: boolean;

  @Field(() => Boolean)
  elderly!: boolean;

  @Field(() => String, { nullable: true })
  chronicIllness?: string | null;

  @Field(() => String, { nullable: true })
  disability?: string | null;

  @Field(() => String, { nullable: true })
  notes?: string | null;
}

export const PersonPayload = payloadType('PersonPayload', 'person', () => Person);
export const PersonRolePayload = payloadType('PersonRolePayload', 'role', () => PersonRole);
export const CareProfilePayload = payloadType('CareProfilePayload', 'careProfile', () => CareProfile);

/** People by name, the uuid breaking ties. */
const PersonConnection = connectionType(Person);
const BY_NAME: ConnectionOrder<Person> = { keys: ['name', 'uuid'], direction: 'asc' };
/** Roles by the day they start, the uuid breaking ties. */

/**
 * People with the number `phone`, among those whose numbers the caller may read: living under a
 * place where they hold `sensitive.read` (a number must not tell who has it to someone who may
 * not read it). Refuses too few digits, and a caller who may read no one's number.
 */
function phoneCondition(access: Awaited<ReturnType<GongzhiContext['access']>>, phone: string): FilterQuery<Person> {
  const digits = phoneDigits(phone);
  if (digits.length < MIN_PHONE_DIGITS) throw coreMessages.phoneSearchDigits.error({ min: MIN_PHONE_DIGITS }, 'phone');
  const readable = access.grants.filter((g) => g.sees && access.can(Permission.SENSITIVE_READ, g.path)).map((g) => g.path);
  if (!readable.length) throw coreMessages.phoneSearchNeedsSensitiveRead.error({ SENSITIVE_READ: Permission.SENSITIVE_READ }, 'phone');
  return {
    $and: [
      { [raw(phoneMatches('phone'), [digits])]: [] },
      readable.includes('') ? {} : { $or: readable.map((path) => ({ household: { path: { $like: `${path}%` } } })) },
    ],
  };
}

@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, { nullable: true, description: 'One person by global id.' })
  person(@RefArg('id', () => Person) id: Ref<Person>, @Ctx() ctx: GongzhiContext): Promise<Person | null> {
    // A plain row: Person's fields (core's and plugins') read its columns only.
    return loadRef(ctx, id, { rows: true });
  }

  @Query(() => PersonConnection, {
    description:
      'People of one household, or living anywhere under a place, optionally whose name contains a text; by name, a page at a time.',
  })
  async people(
    @RefArg('householdId', () => Place, { nullable: true }) householdId: Ref<Place> | null | undefined,
    @RefArg('under', () => Place, { nullable: true }) under: Ref<Place> | null | undefined,
    @Arg('name', () => String, {
      nullable: true,
      description: 'Only people whose name contains this text (case-insensitive; "%" and "_" match themselves).',
    })
    name: string | null | undefined,
    @Arg('phone', () => String, {
      nullable: true,
      description:
        'Only the people with this phone number (digits compared: dashes and spaces are fine), among those whose numbers you may read (sensitive.read where they live); each found is logged like a read of the number. For the call-taker: who is calling?',
    })
    phone: string | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Person>> {
    const access = await ctx.access();
    const scope = scopeCondition<FilterQuery<Person>>(
      access,
      (pattern) => ({ household: { path: { $like: pattern } } }),
      ...(access.personId ? [{ uuid: access.personId }] : []),
    );
    if (scope === null) return ConnectionPage.empty();
    const where: FilterQuery<Person>[] = scope ? [scope] : [];
    if (householdId) {
      const household = await requireRef(ctx, householdId);
      if (household.type !== PlaceType.HOUSEHOLD) {
        throw coreMessages.householdidPlaceTypeHousehold.error(
          { householdName: household.name, householdType: household.type },
          'householdId',
        );
      }
      where.push({ household });
    } else if (under) {
      const root = await requireRef(ctx, under);
      where.push({ household: { path: { $like: `${root.path}%` } } });
    }
    const words = name?.trim();
    if (words) {
      // Read by the name's pieces (its pairs and each character: core migration 0042), then checked whole.
      where.push({ [raw((alias) => piecesCondition(`text_search_keys(${alias}.name)`, words), [words])]: [] });
      where.push({ name: { $ilike: containsPattern(words) } });
    }
    if (phone != null) where.push(phoneCondition(access, phone));
    const found = await findPage(ctx, Person, { $and: where }, BY_NAME, page, {
      connection: 'Query.people',
      filter: { householdId, under, name, phone: phone == null ? null : phoneDigits(phone) },
      defaultSize: 50,
    });
    // Whoever a number found, the caller learnt their number: logged as a read.
    if (phone != null) await Promise.all(found.nodes.map((person) => readSensitive(ctx, person.uuid, 'phone.search')));
    return found;
  }

  @Mutation(() => PersonPayload, { description: 'Registers a person, optionally in a household.' })
  createPerson(@Arg('input', () => CreatePersonInput) input: CreatePersonInput, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, PersonPayload, createPerson, {
      name: input.name,
      phone: input.phone ?? null,
      household: input.householdId ?? null,
    });
  }

  @Mutation(() => PersonPayload, {
    description: "Changes a person's name, phone or household (a move); a field left out stays as it is.",
  })
  updatePerson(
    @RefArg('id', () => Person) person: Ref<Person>,
    @Arg('input', () => UpdatePersonInput) input: UpdatePersonInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, PersonPayload, updatePerson, { person, name: input.name, phone: input.phone, household: input.householdId });
  }

  @Mutation(() => PersonRolePayload, {
    description: 'Ends a role on endsOn (its last day): an open role, or one whose end comes later. To hold a role again, assign it anew.',
  })
  endRole(
    @RefArg('id', () => PersonRole) role: Ref<PersonRole>,
    @Arg('endsOn', () => String, { description: 'YYYY-MM-DD, on or after the role started.' }) endsOn: string,
    @RefArg('handOverToId', () => Person, {
      nullable: true,
      description:
        "A colleague: the open requests the person holds under the role's place go to them now (reassignRequest's checks: request.manage there too).",
    })
    handOverTo: Ref<Person> | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, PersonRolePayload, endRole, { role, endsOn, handOverTo: handOverTo ?? null });
  }

  @Mutation(() => PersonRolePayload, { description: 'Gives a person a role at a place from startsOn (to endsOn, inclusive, if given).' })
  assignRole(
    @RefArg('personId', () => Person) person: Ref<Person>,
    @RefArg('placeId', () => Place) place: Ref<Place>,
    @Arg('role', () => PersonRoleKind) role: PersonRoleKind,
    @Arg('startsOn', () => String, { description: 'YYYY-MM-DD' }) startsOn: string,
    @Arg('endsOn', () => String, { nullable: true, description: 'YYYY-MM-DD, on or after startsOn; omit while open.' })
    endsOn: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, PersonRolePayload, assignRole, { person, place, role, startsOn, endsOn: endsOn ?? null });
  }

  @Mutation(() => CareProfilePayload, { description: "Sets (creates or replaces) a person's care profile." })
  setCareProfile(
    @RefArg('personId', () => Person) person: Ref<Person>,
    @Arg('input', () => CareProfileInput) input: CareProfileInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, CareProfilePayload, setCareProfile, { person, care: { ...input } });
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Contact phone number (sensitive: null unless you hold sensitive.read at one of the person's places, or are the person; every read is logged).",
  })
  async phone(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<string | null> {
    if (!person.phone) return null;
    return (await readSensitive(ctx, person.uuid, 'phone')) ? person.phone : null;
  }

  @FieldResolver(() => CareProfile, {
    nullable: true,
    description:
      "Care attributes (sensitive: null when none were recorded, or unless you hold sensitive.read at one of the person's places, or are the person; every read is logged).",
  })
  async careProfile(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<CareProfile | null> {
    if (!(await readSensitive(ctx, person.uuid, 'careProfile'))) return null;
    // Keyed by the person: one prepared statement for a page of people.
    return loadById(ctx, CareProfile, person.uuid);
  }
}

/** Adds `Person.roles` (plain rows: the person card reads them on a hot path). */
export const PersonRolesResolver = hasMany(
  () => Person,
  'roles',
  () => PersonRole,
  'person',
  {
    order: { keys: ['startsOn', 'uuid'], direction: 'asc' },
    rows: true,
    description: 'Roles the person holds or held, oldest first, a page at a time.',
  },
);
