import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { perform, requireRef } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { hasMany } from '../graphql/relation-field.js';
import { Person } from '../person/person.entity.js';
import { Place } from '../place/place.entity.js';
import { type ConnectionOrder, ConnectionArgs, ConnectionPage, connectionType, findPage, loadPageThrough } from '../relay/connection.js';
import { addOrganizationMember, createOrganization, removeOrganizationMember, updateOrganization } from './organization.commands.js';
import { OrganizationFormerMember } from './organization-former-member.entity.js';
import { OrganizationMember } from './organization-member.entity.js';
import { Organization, OrganizationKind } from './organization.entity.js';

export const OrganizationPayload = payloadType('OrganizationPayload', 'organization', () => Organization);
export const OrganizationMemberPayload = payloadType('OrganizationMemberPayload', 'member', () => OrganizationMember);

/** Organisations by name, the uuid breaking ties. */
const OrganizationConnection = connectionType(Organization);
const BY_NAME: ConnectionOrder<Organization> = { keys: ['name', 'uuid'], direction: 'asc' };
/** Members, earliest joined first. */

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => OrganizationConnection, {
    description: 'Organisations belonging to a place or anywhere under it, optionally of one kind; by name, a page at a time.',
  })
  async organizations(
    @RefArg('under', () => Place, { nullable: true }) under: Ref<Place> | null | undefined,
    @Arg('kind', () => OrganizationKind, { nullable: true }) kind: OrganizationKind | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Organization>> {
    const scope = scopeCondition<FilterQuery<Organization>>(await ctx.access(), (pattern) => ({ place: { path: { $like: pattern } } }));
    if (scope === null) return ConnectionPage.empty();
    const where: FilterQuery<Organization>[] = scope ? [scope] : [];
    if (kind) where.push({ kind });
    if (under) {
      const root = await requireRef(ctx, under);
      where.push({ place: { path: { $like: `${root.path}%` } } });
    }
    return findPage(ctx, Organization, { $and: where }, BY_NAME, page, {
      connection: 'Query.organizations',
      filter: { under, kind },
      defaultSize: 50,
    });
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

  @Mutation(() => OrganizationMemberPayload, {
    description:
      'Takes a person off an organisation (they left it): from then on they no longer see or take what was dispatched to it. Answers with the membership as it was.',
  })
  removeOrganizationMember(@RefArg('id', () => OrganizationMember) member: Ref<OrganizationMember>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, OrganizationMemberPayload, removeOrganizationMember, { member });
  }
}

/** Adds `Person.organizations`. */
@Resolver(() => Person)
export class PersonOrganizationsResolver {
  @FieldResolver(() => OrganizationConnection, { description: 'Organisations the person is a member of, by name, a page at a time.' })
  organizations(
    @Root() person: Person,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Organization>> {
    return loadPageThrough(ctx, Organization, OrganizationMember, 'person', 'organization', person.uuid, BY_NAME, page, {
      connection: 'Person.organizations',
      defaultSize: 50,
    });
  }
}

/** Adds `Place.organizations`. */
export const PlaceOrganizationsResolver = hasMany(
  () => Place,
  'organizations',
  () => Organization,
  'place',
  {
    order: BY_NAME,
    description: 'Organisations belonging to this very place, by name, a page at a time.',
  },
);

/** Adds `Organization.formerMembers`. */
export const OrganizationFormerMembersResolver = hasMany(
  () => Organization,
  'formerMembers',
  () => OrganizationFormerMember,
  'organization',
  {
    order: { keys: ['leftOn', 'createdAt', 'uuid'], direction: 'desc' },
    description: 'Memberships that ended, latest left first, a page at a time: who was a member from when to when.',
  },
);

/** Adds `Organization.members`. */
export const OrganizationMembersResolver = hasMany(
  () => Organization,
  'members',
  () => OrganizationMember,
  'organization',
  {
    order: { keys: ['joinedOn', 'createdAt', 'uuid'], direction: 'asc' },
    description: 'Members, earliest joined first, a page at a time.',
  },
);
