import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { perform, requireRef } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { hasMany } from '../graphql/relation-field.js';
import { batchLoader, loadByForeignKey } from '../graphql/loaders.js';
import { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { pageSize } from '../place/place.queries.js';
import { addOrganizationMember, createOrganization, updateOrganization } from './organization.commands.js';
import { OrganizationMember } from './organization-member.entity.js';
import { Organization, OrganizationKind } from './organization.entity.js';

export const OrganizationPayload = payloadType('OrganizationPayload', 'organization', () => Organization);
export const OrganizationMemberPayload = payloadType('OrganizationMemberPayload', 'member', () => OrganizationMember);

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => [Organization], {
    description: 'Organisations belonging to a place or anywhere under it, optionally of one kind; by name, at most 500.',
  })
  async organizations(
    @RefArg('under', () => Place, { nullable: true }) under: Ref<Place> | null | undefined,
    @Arg('kind', () => OrganizationKind, { nullable: true }) kind: OrganizationKind | null | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<Organization[]> {
    const scope = scopeCondition<FilterQuery<Organization>>(await ctx.access(), (pattern) => ({ place: { path: { $like: pattern } } }));
    if (scope === null) return [];
    const where: FilterQuery<Organization>[] = scope ? [scope] : [];
    if (kind) where.push({ kind });
    if (under) {
      const root = await requireRef(ctx, under);
      where.push({ place: { path: { $like: `${root.path}%` } } });
    }
    return ctx.em.find(Organization, { $and: where }, { orderBy: { name: 'asc', uuid: 'asc' }, limit: pageSize(first, 50) });
  }

  @Mutation(() => OrganizationPayload, { description: 'Registers an organisation at the place it belongs to.' })
  createOrganization(
    @Arg('name', () => String) name: string,
    @Arg('kind', () => OrganizationKind) kind: OrganizationKind,
    @RefArg('placeId', () => Place) place: Ref<Place>,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, OrganizationPayload, createOrganization, { name, kind, place });
  }

  @Mutation(() => OrganizationPayload, { description: 'Renames an organisation or changes its kind; what is not given stays as it is.' })
  updateOrganization(
    @RefArg('id', () => Organization) organization: Ref<Organization>,
    @Arg('name', () => String, { nullable: true }) name: string | null | undefined,
    @Arg('kind', () => OrganizationKind, { nullable: true }) kind: OrganizationKind | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, OrganizationPayload, updateOrganization, { organization, name, kind });
  }

  @Mutation(() => OrganizationMemberPayload, { description: 'Adds a person to an organisation; a person can be a member only once.' })
  addOrganizationMember(
    @RefArg('organizationId', () => Organization) organization: Ref<Organization>,
    @RefArg('personId', () => Person) person: Ref<Person>,
    @Arg('role', () => String) role: string,
    @Arg('joinedOn', () => String, { description: 'YYYY-MM-DD' }) joinedOn: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, OrganizationMemberPayload, addOrganizationMember, { organization, person, role, joinedOn });
  }

  @FieldResolver(() => [OrganizationMember], { description: 'Members, earliest joined first.' })
  async members(@Root() organization: Organization, @Ctx() ctx: GongzhiContext): Promise<OrganizationMember[]> {
    return loadByForeignKey(ctx, OrganizationMember, 'organization', organization.uuid, { joinedOn: 'asc' });
  }
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
export const PlaceOrganizationsResolver = hasMany(
  () => Place,
  'organizations',
  () => Organization,
  'place',
  {
    orderBy: { name: 'asc' },
    description: 'Organisations belonging to this very place, by name.',
  },
);
