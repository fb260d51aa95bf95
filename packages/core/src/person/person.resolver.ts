import type { FilterQuery } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { authorize } from '../auth/authorize.js';
import { Permission } from '../auth/permission.js';
import { readSensitive } from '../auth/sensitive.js';
import { userError } from '../graphql/user-error.js';
import type { GongzhiContext } from '../context.js';
import { batchLoader, loadByForeignKey } from '../graphql/loaders.js';
import { requirePlace } from '../place/place-lookup.js';
import { PlaceType } from '../place/place-type.js';
import { Place } from '../place/place.entity.js';
import { loadPlace, pageSize } from '../place/place.service.js';
import { localId } from '../relay/global-id.js';
import { CareProfile } from './care-profile.entity.js';
import { requireIsoDate } from './iso-date.js';
import { loadPerson, requirePerson } from './person-lookup.js';
import { PersonRole, PersonRoleKind } from './person-role.entity.js';
import { Person } from './person.entity.js';

@InputType({ description: 'A new person.' })
export class CreatePersonInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => ID, { nullable: true, description: 'The household (a place of type household) the person lives in.' })
  householdId?: string | null;
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

@Resolver(() => Person)
export class PersonResolver {
  @Query(() => Person, { nullable: true, description: 'One person by global id.' })
  async person(@Arg('id', () => ID) id: string, @Ctx() ctx: GongzhiContext): Promise<Person | null> {
    return ctx.em.findOne(Person, { uuid: localId(id, 'Person') });
  }

  @Query(() => [Person], { description: 'People of one household, or living anywhere under a place; by name, at most 500.' })
  async people(
    @Arg('householdId', () => ID, { nullable: true }) householdId: string | null | undefined,
    @Arg('under', () => ID, { nullable: true }) under: string | null | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<Person[]> {
    const access = await ctx.access();
    const scope = scopeCondition<FilterQuery<Person>>(
      access,
      (pattern) => ({ household: { path: { $like: pattern } } }),
      ...(access.personId ? [{ uuid: access.personId }] : []),
    );
    if (scope === null) return [];
    const where: FilterQuery<Person>[] = scope ? [scope] : [];
    if (householdId) {
      where.push({ household: await requirePlace(ctx, householdId, 'householdId', [PlaceType.HOUSEHOLD]) });
    } else if (under) {
      const root = await requirePlace(ctx, under, 'under');
      where.push({ household: { path: { $like: `${root.path}%` } } });
    }
    return ctx.em.find(Person, { $and: where }, { orderBy: { name: 'asc', uuid: 'asc' }, limit: pageSize(first, 50) });
  }

  @Mutation(() => Person, { description: 'Registers a person, optionally in a household.' })
  async createPerson(@Arg('input', () => CreatePersonInput) input: CreatePersonInput, @Ctx() ctx: GongzhiContext): Promise<Person> {
    const name = input.name.trim();
    if (!name) {
      throw new GraphQLError('"input.name" must not be empty.', { extensions: { code: 'BAD_USER_INPUT', argument: 'input.name' } });
    }
    const household = input.householdId ? await requirePlace(ctx, input.householdId, 'input.householdId', [PlaceType.HOUSEHOLD]) : null;
    const access = await authorize(ctx, Permission.PEOPLE_MANAGE, household ? household.path : undefined);
    // A person without household belongs to no place: only callers who see everywhere could see them again.
    if (!household && !access.everywhere) {
      throw userError(
        'FORBIDDEN',
        'Give "input.householdId" (a household under your places); people without a household can be registered only by callers who see everywhere.',
        'input.householdId',
      );
    }
    const person = ctx.em.create(Person, { name, phone: input.phone?.trim() || null, household });
    await ctx.em.flush();
    return person;
  }

  @Mutation(() => PersonRole, { description: 'Gives a person a role at a place from startsOn (to endsOn, inclusive, if given).' })
  async assignRole(
    @Arg('personId', () => ID) personId: string,
    @Arg('placeId', () => ID) placeId: string,
    @Arg('role', () => PersonRoleKind) role: PersonRoleKind,
    @Arg('startsOn', () => String, { description: 'YYYY-MM-DD' }) startsOn: string,
    @Arg('endsOn', () => String, { nullable: true, description: 'YYYY-MM-DD, on or after startsOn; omit while open.' })
    endsOn: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<PersonRole> {
    const start = requireIsoDate(startsOn, 'startsOn');
    const end = endsOn == null ? null : requireIsoDate(endsOn, 'endsOn');
    // ISO dates compare correctly as strings.
    if (end !== null && end < start) {
      throw new GraphQLError(`"endsOn" (${end}) must be on or after "startsOn" (${start}).`, {
        extensions: { code: 'BAD_USER_INPUT', argument: 'endsOn' },
      });
    }
    const person = await requirePerson(ctx, personId, 'personId');
    const place = await requirePlace(ctx, placeId, 'placeId');
    await authorize(ctx, Permission.PEOPLE_MANAGE, place.path);
    const assigned = ctx.em.create(PersonRole, { person, place, role, startsOn: start, endsOn: end });
    await ctx.em.flush();
    return assigned;
  }

  @Mutation(() => CareProfile, { description: "Sets (creates or replaces) a person's care profile." })
  async setCareProfile(
    @Arg('personId', () => ID) personId: string,
    @Arg('input', () => CareProfileInput) input: CareProfileInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<CareProfile> {
    const person = await requirePerson(ctx, personId, 'personId');
    await authorize(ctx, Permission.PEOPLE_MANAGE);
    // Writing care data needs the right to read it there, and is logged like a read.
    if (!(await readSensitive(ctx, person.uuid, 'careProfile.write'))) {
      throw userError('FORBIDDEN', `You need "${Permission.SENSITIVE_READ}" at ${person.name}'s places to record care data.`, 'personId');
    }
    return ctx.em.upsert(CareProfile, {
      personUuid: person.uuid,
      livesAlone: input.livesAlone,
      elderly: input.elderly,
      chronicIllness: input.chronicIllness ?? null,
      disability: input.disability ?? null,
      notes: input.notes ?? null,
      updatedAt: ctx.now(),
    });
  }

  @FieldResolver(() => Place, { nullable: true, description: 'The household the person lives in.' })
  async household(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<Place | null> {
    return person.household ? loadPlace(ctx, person.household.uuid) : null;
  }

  @FieldResolver(() => [PersonRole], { description: 'Roles the person holds or held, oldest first.' })
  async roles(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<PersonRole[]> {
    return loadByForeignKey(ctx, PersonRole, 'person', person.uuid, { startsOn: 'asc' });
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
    return batchLoader<string, CareProfile | null>(ctx, 'CareProfile.byPerson', async (ids) => {
      const rows = await ctx.em.find(CareProfile, { personUuid: { $in: [...ids] } });
      const byId = new Map(rows.map((c) => [c.personUuid, c]));
      return ids.map((id) => byId.get(id) ?? null);
    }).load(person.uuid);
  }
}

@Resolver(() => PersonRole)
export class PersonRoleResolver {
  @FieldResolver(() => Person)
  async person(@Root() role: PersonRole, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadPerson(ctx, role.person.uuid))!;
  }

  @FieldResolver(() => Place, { description: 'Where the role is held.' })
  async place(@Root() role: PersonRole, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadPlace(ctx, role.place.uuid))!;
  }
}
