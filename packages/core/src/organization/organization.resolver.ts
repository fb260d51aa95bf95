import { type FilterQuery, UniqueConstraintViolationException } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { authorize } from '../auth/authorize.js';
import { Permission } from '../auth/permission.js';
import { canSee } from '../auth/scope-guard.js';
import type { GongzhiContext } from '../context.js';
import { batchLoader, loadByForeignKey } from '../graphql/loaders.js';
import { requireIsoDate } from '../person/iso-date.js';
import { loadPerson, requirePerson } from '../person/person-lookup.js';
import { Person } from '../person/person.entity.js';
import { requirePlace } from '../place/place-lookup.js';
import { Place } from '../place/place.entity.js';
import { loadPlace, pageSize } from '../place/place.service.js';
import { localId } from '../relay/global-id.js';
import { OrganizationMember } from './organization-member.entity.js';
import { Organization, OrganizationKind } from './organization.entity.js';

function badInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument } });
}

function duplicateMember(organization: Organization, person: Person): GraphQLError {
  return badInput(`${person.name} is already a member of ${organization.name}; a person joins an organisation once.`, 'personId');
}

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => [Organization], {
    description: 'Organisations belonging to a place or anywhere under it, optionally of one kind; by name, at most 500.',
  })
  async organizations(
    @Arg('under', () => ID, { nullable: true }) under: string | null | undefined,
    @Arg('kind', () => OrganizationKind, { nullable: true }) kind: OrganizationKind | null | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<Organization[]> {
    const scope = scopeCondition<FilterQuery<Organization>>(await ctx.access(), (pattern) => ({ place: { path: { $like: pattern } } }));
    if (scope === null) return [];
    const where: FilterQuery<Organization>[] = scope ? [scope] : [];
    if (kind) where.push({ kind });
    if (under) {
      const root = await requirePlace(ctx, under, 'under');
      where.push({ place: { path: { $like: `${root.path}%` } } });
    }
    return ctx.em.find(Organization, { $and: where }, { orderBy: { name: 'asc', uuid: 'asc' }, limit: pageSize(first, 50) });
  }

  @Mutation(() => Organization, { description: 'Registers an organisation at the place it belongs to.' })
  async createOrganization(
    @Arg('name', () => String) name: string,
    @Arg('kind', () => OrganizationKind) kind: OrganizationKind,
    @Arg('placeId', () => ID) placeId: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<Organization> {
    const trimmed = name.trim();
    if (!trimmed) throw badInput('"name" must not be empty.', 'name');
    const place = await requirePlace(ctx, placeId, 'placeId');
    await authorize(ctx, Permission.PEOPLE_MANAGE, place.path);
    const organization = ctx.em.create(Organization, { name: trimmed, kind, place });
    await ctx.em.flush();
    return organization;
  }

  @Mutation(() => OrganizationMember, { description: 'Adds a person to an organisation; a person can be a member only once.' })
  async addOrganizationMember(
    @Arg('organizationId', () => ID) organizationId: string,
    @Arg('personId', () => ID) personId: string,
    @Arg('role', () => String) role: string,
    @Arg('joinedOn', () => String, { description: 'YYYY-MM-DD' }) joinedOn: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<OrganizationMember> {
    const joined = requireIsoDate(joinedOn, 'joinedOn');
    const organization = await ctx.em.findOne(
      Organization,
      { uuid: localId(organizationId, 'Organization', 'organizationId') },
      { populate: ['place'] },
    );
    if (!organization || !(await canSee(ctx, organization))) {
      throw new GraphQLError(`No organisation has the id given in "organizationId" (${organizationId}).`, {
        extensions: { code: 'NOT_FOUND', argument: 'organizationId' },
      });
    }
    await authorize(ctx, Permission.PEOPLE_MANAGE, organization.place.path);
    const person = await requirePerson(ctx, personId, 'personId');
    if (await ctx.em.count(OrganizationMember, { organization, person })) throw duplicateMember(organization, person);
    const member = ctx.em.create(OrganizationMember, { organization, person, role: role.trim(), joinedOn: joined });
    try {
      await ctx.em.flush();
    } catch (err) {
      // A concurrent request added the same membership first.
      if (err instanceof UniqueConstraintViolationException) throw duplicateMember(organization, person);
      throw err;
    }
    return member;
  }

  @FieldResolver(() => Place, { description: 'The place the organisation belongs to.' })
  async place(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadPlace(ctx, organization.place.uuid))!;
  }

  @FieldResolver(() => [OrganizationMember], { description: 'Members, earliest joined first.' })
  async members(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<OrganizationMember[]> {
    return loadByForeignKey(ctx, OrganizationMember, 'organization', organization.uuid, { joinedOn: 'asc' });
  }
}

@Resolver(() => OrganizationMember)
export class OrganizationMemberResolver {
  @FieldResolver(() => Person)
  async person(@Root() member: OrganizationMember, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadPerson(ctx, member.person.uuid))!;
  }

  @FieldResolver(() => Organization)
  async organization(@Root() member: OrganizationMember, @Ctx() ctx: GongzhiContext): Promise<Organization> {
    return (await loadOrganization(ctx, member.organization.uuid))!;
  }
}

/** An organisation by uuid, batched across one operation. */
function loadOrganization(ctx: GongzhiContext, uuid: string): Promise<Organization | null> {
  return batchLoader<string, Organization | null>(ctx, 'Organization.byId', async (ids) => {
    const rows = await ctx.em.find(Organization, { uuid: { $in: [...ids] } });
    const byId = new Map(rows.map((o) => [o.uuid, o]));
    return ids.map((id) => byId.get(id) ?? null);
  }).load(uuid);
}

/** Adds `Person.organizations`. */
@Resolver(() => Person)
export class PersonOrganizationsResolver {
  @FieldResolver(() => [Organization], { description: 'Organisations the person is a member of, by name.' })
  async organizations(@Root() person: Person, @Ctx() ctx: GongzhiContext): Promise<Organization[]> {
    return batchLoader<string, Organization[]>(ctx, 'Person.organizations', async (ids) => {
      const memberships = await ctx.em.find(
        OrganizationMember,
        { person: { $in: [...ids] } },
        { populate: ['organization'], orderBy: { organization: { name: 'asc' } } },
      );
      const groups = new Map<string, Organization[]>(ids.map((id) => [id, []]));
      for (const m of memberships) groups.get(m.person.uuid)?.push(m.organization);
      return ids.map((id) => groups.get(id)!);
    }).load(person.uuid);
  }
}

/** Adds `Place.organizations`. */
@Resolver(() => Place)
export class PlaceOrganizationsResolver {
  @FieldResolver(() => [Organization], { description: 'Organisations belonging to this very place, by name.' })
  async organizations(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<Organization[]> {
    return loadByForeignKey(ctx, Organization, 'place', place.uuid, { name: 'asc' });
  }
}
