import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Args, Ctx, Field, FieldResolver, Float, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { scopeCondition } from '../auth/access.js';
import { loadRef, perform, requireRef } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefArg, RefField } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import {
  type ConnectionOrder,
  ConnectionArgs,
  ConnectionPage,
  connectionType,
  findPage,
  loadPageByForeignKey,
  loadPageOfParents,
} from '../relay/connection.js';
import { createPlace, updatePlace } from './place.commands.js';
import { loadAncestors, loadCountUnder } from './place.queries.js';
import { PlaceType, VenueKind } from './place.entity.js';
import { Place } from './place.entity.js';
import { BoundedList } from '../graphql/bounded-list.js';

@InputType({ description: 'A new place and where it sits in the tree.' })
export class CreatePlaceInput {
  @Field(() => PlaceType)
  type!: PlaceType;

  @Field(() => String, { description: 'Stable code, unique across the server.' })
  code!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  address?: string | null;

  @Field(() => Float, { nullable: true })
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  longitude?: number | null;

  @Field(() => VenueKind, { nullable: true })
  venueKind?: VenueKind | null;

  @Field(() => Int, { nullable: true })
  capacity?: number | null;

  @RefField(() => Place, { nullable: true, description: 'The parent place; omit only for a district.' })
  parentId?: Ref<Place> | null;
}

@InputType({ description: "Changes to a place: a field left out stays as it is. Its type, code and parent don't change." })
export class UpdatePlaceInput {
  @Field(() => String, { nullable: true, description: 'The new name (not empty).' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'The new address; null or blank removes it.' })
  address?: string | null;

  @Field(() => Float, { nullable: true, description: 'Degrees north (-90 to 90); null removes it.' })
  latitude?: number | null;

  @Field(() => Float, { nullable: true, description: 'Degrees east (-180 to 180); null removes it.' })
  longitude?: number | null;
}

/** The new place, or the errors that stopped it. */
export const PlacePayload = payloadType('PlacePayload', 'place', () => Place);

/** Shallowest first, then by name, the uuid breaking ties. */
const PlaceConnection = connectionType(Place);
const SHALLOWEST_FIRST: ConnectionOrder<Place> = { keys: ['depth', 'name', 'uuid'], direction: 'asc' };
/** By name, the uuid breaking ties. */
const BY_NAME: ConnectionOrder<Place> = { keys: ['name', 'uuid'], direction: 'asc' };

@Resolver(() => Place)
export class PlaceResolver {
  @Query(() => Place, { nullable: true, description: 'One place by its global id.' })
  place(@RefArg('id', () => Place) id: Ref<Place>, @Ctx() ctx: GongzhiContext): Promise<Place | null> {
    return loadRef(ctx, id);
  }

  @Query(() => PlaceConnection, {
    description: 'Places, optionally of one type and/or anywhere under one place (not including it); shallowest first, a page at a time.',
  })
  async places(
    @Arg('type', () => PlaceType, { nullable: true }) type: PlaceType | null | undefined,
    @RefArg('under', () => Place, { nullable: true }) under: Ref<Place> | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Place>> {
    const scope = scopeCondition<FilterQuery<Place>>(await ctx.access(), (pattern) => ({ path: { $like: pattern } }));
    if (scope === null) return ConnectionPage.empty();
    const where: FilterQuery<Place>[] = scope ? [scope] : [];
    if (type) where.push({ type });
    if (under) {
      const root = await requireRef(ctx, under);
      where.push({ path: { $like: `${root.path}%` }, uuid: { $ne: root.uuid } });
    }
    return findPage(ctx, Place, { $and: where }, SHALLOWEST_FIRST, page, {
      connection: 'Query.places',
      filter: { type, under },
      defaultSize: 50,
    });
  }

  @Mutation(() => PlacePayload, { description: 'Creates a place under a parent its type allows (a district has none).' })
  createPlace(@Arg('input', () => CreatePlaceInput) input: CreatePlaceInput, @Ctx() ctx: GongzhiContext) {
    const { parentId, ...place } = input;
    return perform(ctx, PlacePayload, createPlace, { ...place, parent: parentId ?? null });
  }

  @Mutation(() => PlacePayload, {
    description: 'Renames a place or changes its address or coordinates; needs people.manage at its parent, as creating it did.',
  })
  updatePlace(
    @RefArg('id', () => Place) place: Ref<Place>,
    @Arg('input', () => UpdatePlaceInput) input: UpdatePlaceInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, PlacePayload, updatePlace, { place, ...input });
  }

  @BoundedList('the depth of the place tree (district … household, 7 levels)')
  @FieldResolver(() => [Place], { description: 'Every place above this one, root first.' })
  ancestors(@Root() place: Place, @Ctx() ctx: GongzhiContext): Place[] | Promise<Place[]> {
    return loadAncestors(ctx, place);
  }

  @FieldResolver(() => PlaceConnection, { description: 'The places directly below, by name, a page at a time.' })
  children(
    @Root() place: Place,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Place>> {
    return loadPageByForeignKey(ctx, Place, 'parent', place.uuid, BY_NAME, page, { connection: 'Place.children', defaultSize: 50 });
  }

  @FieldResolver(() => PlaceConnection, {
    description: 'Places at any depth below, optionally of one type; shallowest first, a page at a time.',
  })
  descendants(
    @Root() place: Place,
    @Arg('type', () => PlaceType, { nullable: true }) type: PlaceType | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<Place>> {
    // One statement for every place of a page: a row belongs to each parent whose path prefixes
    // its own. The prefix is a range (paths end with "/", and "0" follows it) so that
    // place_path_idx (text_pattern_ops) serves it per parent, which LIKE on a column cannot.
    return loadPageOfParents(
      ctx,
      Place,
      ({ child: t, of }) => {
        const p = of(Place, 'p');
        const [path, parentPath] = [t.column('path'), p.column('path')];
        return {
          join: `JOIN ${p.table} p ON ${path} ~>=~ ${parentPath} AND ${path} ~<~ (left(${parentPath}, -1) || '0') AND ${t.column('uuid')} <> ${p.column('uuid')}`,
          parent: p.column('uuid'),
          where: type ? [`${t.column('type')} = ?`] : [],
          params: type ? [type] : [],
        };
      },
      place.uuid,
      SHALLOWEST_FIRST,
      page,
      { connection: 'Place.descendants', filter: { type }, defaultSize: 50 },
    );
  }

  @FieldResolver(() => Int, { description: 'People registered in households under this place (or in it, for a household).' })
  async peopleCount(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<number> {
    return loadCountUnder(ctx, 'people', place);
  }

  @FieldResolver(() => Int, { description: 'Households under this place (1 for a household itself).' })
  async householdCount(@Root() place: Place, @Ctx() ctx: GongzhiContext): Promise<number> {
    return loadCountUnder(ctx, 'households', place);
  }
}
