import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { randomUUID } from 'node:crypto';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import type { GongzhiContext } from '../context.js';
import { batchLoader, loadById } from '../graphql/loaders.js';
import { requirePlace } from './place-lookup.js';
import { ALLOWED_PARENTS, PlaceType, VenueKind } from './place-type.js';
import { Place } from './place.entity.js';

/** Most rows any list field returns at once, whatever `first` asks for. */
export const MAX_PAGE = 500;

/** `first` clamped to 0..MAX_PAGE. */
export function pageSize(first: number | null | undefined, fallback: number): number {
  return Math.max(0, Math.min(first ?? fallback, MAX_PAGE));
}

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

  @Field(() => ID, { nullable: true, description: 'The parent place; omit only for a district.' })
  parentId?: string | null;
}

function badInput(message: string, argument: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument, ...extra } });
}

/**
 * Creates a place under its parent, checking the tree's shape (ALLOWED_PARENTS) and the
 * code's uniqueness before writing anything, and computing the materialized path and depth.
 */
export async function createPlace(em: EntityManager, input: CreatePlaceInput): Promise<Place> {
  const code = input.code.trim();
  const name = input.name.trim();
  if (!code) throw badInput('"input.code" must not be empty.', 'input.code');
  if (!name) throw badInput('"input.name" must not be empty.', 'input.name');
  if (input.capacity != null && input.capacity < 0) {
    throw badInput(`"input.capacity" must be 0 or more, got ${input.capacity}.`, 'input.capacity');
  }

  const parent = input.parentId ? await requirePlace(em, input.parentId, 'input.parentId') : null;
  const allowed = ALLOWED_PARENTS[input.type];
  const parentType = parent?.type ?? null;
  if (!allowed.includes(parentType)) {
    const names = allowed.map((t) => t ?? 'no parent (a root)').join(', ');
    const given = parent ? `a ${parent.type} (${parent.name})` : 'no parent';
    throw badInput(`A ${input.type} cannot be placed under ${given}; its parent must be: ${names}.`, 'input.parentId', {
      expected: allowed,
      actual: parentType,
    });
  }

  if (await em.count(Place, { code })) {
    throw badInput(`A place with code "${code}" already exists; codes are unique across the server.`, 'input.code');
  }

  const uuid = randomUUID();
  const place = em.create(Place, {
    uuid,
    type: input.type,
    code,
    name,
    address: input.address ?? null,
    latitude: input.latitude ?? null,
    longitude: input.longitude ?? null,
    venueKind: input.venueKind ?? null,
    capacity: input.capacity ?? null,
    parent,
    path: `${parent?.path ?? '/'}${uuid}/`,
    depth: parent ? parent.depth + 1 : 0,
  });
  try {
    await em.flush();
  } catch (err) {
    // A concurrent insert of the same code got there first.
    if (err instanceof UniqueConstraintViolationException) {
      em.clear();
      throw badInput(`A place with code "${code}" already exists; codes are unique across the server.`, 'input.code');
    }
    throw err;
  }
  return place;
}

/** The ids of a place's ancestors, root first, read from its materialized path. */
export function ancestorIds(place: Place): string[] {
  return place.path.split('/').filter((id) => id && id !== place.uuid);
}

/** A place by uuid, batched across one operation (parents, households, organisation places). */
export function loadPlace(ctx: GongzhiContext, uuid: string): Promise<Place | null> {
  return loadById(ctx, Place, uuid);
}

/**
 * Counts under each of a batch of places in one SQL aggregate. The range on `path`
 * (`~>=~`/`~<~`, the text_pattern_ops operators) is "starts with the node's path" in a form
 * the path index can serve for every node of the batch; '0' is the character after '/'.
 */
export function loadCountUnder(ctx: GongzhiContext, what: 'people' | 'households', place: Place): Promise<number> {
  return batchLoader<string, number>(ctx, `Place.${what}Count`, async (ids) => {
    const counted = what === 'people' ? 'JOIN person p ON p.household_id = h.id' : '';
    const rows: { id: string; n: string | number }[] = await ctx.em.execute(
      `SELECT n.id, count(${what === 'people' ? 'p.id' : 'h.id'}) AS n
         FROM place n
         JOIN place h ON h.path ~>=~ n.path AND h.path ~<~ (left(n.path, -1) || '0') AND h.type = 'household'
         ${counted}
        WHERE n.id IN (?)
        GROUP BY n.id`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, Number(r.n)]));
    return ids.map((id) => byId.get(id) ?? 0);
  }).load(place.uuid);
}
