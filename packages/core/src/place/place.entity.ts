import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { readRowsAlong } from '../graphql/loaders.js';
import { keepRowsInProcess } from '../graphql/kept-rows.js';
import { RelationField } from '../graphql/relation-field.js';
import { Node } from '../relay/node.js';
import { NodeEntity } from '../relay/node-entity.js';
import { registerEnumType } from 'type-graphql';

/** The kinds of place: the administrative tree, then the places attached to a node of it. */
export enum PlaceType {
  DISTRICT = 'district',
  SUBDISTRICT = 'subdistrict',
  COMMUNITY = 'community',
  COMPOUND = 'compound',
  BUNGALOW_AREA = 'bungalow_area',
  BUILDING = 'building',
  UNIT = 'unit',
  HOUSEHOLD = 'household',
  VENUE = 'venue',
  STATION = 'station',
}

registerEnumType(PlaceType, {
  name: 'PlaceType',
  description:
    'District › subdistrict › community › compound/bungalow area › building › unit › household; venues and stations attach to any node.',
});

/** Where venues and stations attach: any node of the tree above units and households. */
const ATTACHMENT_PARENTS: readonly PlaceType[] = [
  PlaceType.DISTRICT,
  PlaceType.SUBDISTRICT,
  PlaceType.COMMUNITY,
  PlaceType.COMPOUND,
  PlaceType.BUNGALOW_AREA,
  PlaceType.BUILDING,
];

/** Which types may sit directly under which: the tree's shape. */
export const ALLOWED_PARENTS: Record<PlaceType, readonly (PlaceType | null)[]> = {
  [PlaceType.DISTRICT]: [null],
  [PlaceType.SUBDISTRICT]: [PlaceType.DISTRICT],
  [PlaceType.COMMUNITY]: [PlaceType.SUBDISTRICT],
  [PlaceType.COMPOUND]: [PlaceType.COMMUNITY],
  [PlaceType.BUNGALOW_AREA]: [PlaceType.COMMUNITY],
  [PlaceType.BUILDING]: [PlaceType.COMPOUND, PlaceType.BUNGALOW_AREA, PlaceType.COMMUNITY],
  [PlaceType.UNIT]: [PlaceType.BUILDING],
  [PlaceType.HOUSEHOLD]: [PlaceType.UNIT, PlaceType.BUILDING, PlaceType.BUNGALOW_AREA],
  [PlaceType.VENUE]: ATTACHMENT_PARENTS,
  [PlaceType.STATION]: ATTACHMENT_PARENTS,
};

/** Kinds of venue and station (活动室, 驿站, 共享工具房, 检查点…). */
export enum VenueKind {
  ACTIVITY_ROOM = 'activity_room',
  REST_STATION = 'rest_station',
  TOOL_ROOM = 'tool_room',
  CHECKPOINT = 'checkpoint',
  OTHER = 'other',
}

registerEnumType(VenueKind, { name: 'VenueKind', description: 'What a venue or station is for.' });

/**
 * A node of the place tree. `path` is the materialized path of ids from the root
 * (`/a/b/c/`), so "everything under X" is one indexed prefix query at any depth.
 */
@Entity({ tableName: 'place' })
@Index({ name: 'place_path_idx', expression: 'create index "place_path_idx" on "place" ("path" text_pattern_ops)' })
@ObjectType({
  implements: Node,
  description: 'A place: district, subdistrict, community, compound, building, unit, household, venue or station.',
})
export class Place extends NodeEntity {
  @Enum({ items: () => PlaceType, nativeEnumName: 'place_type' })
  @Field(() => PlaceType)
  type!: PlaceType;

  @Property({ type: 'text', unique: true })
  @Field(() => String, { description: 'Stable code, unique across the server (e.g. a civil-affairs code).' })
  code!: string;

  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true })
  address?: string | null;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, { nullable: true })
  latitude?: number | null;

  @Property({ type: 'double', nullable: true })
  @Field(() => Float, { nullable: true })
  longitude?: number | null;

  @Enum({ items: () => VenueKind, nullable: true, nativeEnumName: 'venue_kind' })
  @Field(() => VenueKind, { nullable: true, description: 'For venues and stations: what it is.' })
  venueKind?: VenueKind | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'For venues: how many people it holds.' })
  capacity?: number | null;

  @ManyToOne(() => Place, { nullable: true, deleteRule: 'restrict' })
  @RelationField(() => Place, { nullable: true, rows: true, description: 'The place directly above; null for a district.' })
  parent?: Place | null;

  @Property({ type: 'text' })
  path!: string;

  @Property({ type: 'smallint' })
  @Field(() => Int, { description: 'Depth in the tree; a district is 0.' })
  depth!: number;
}

// A place's plain row comes with its ancestors' (its path holds their ids and its own): the board
// and the person card show a place's ancestors (or a role at one of them) right after the place.
readRowsAlong(Place, `SELECT DISTINCT unnest(string_to_array(trim(BOTH '/' FROM p.path), '/'))::uuid FROM place p WHERE p.id = ANY (?)`);
// Places are created, never edited through the API, and shown by every board and card: their rows
// are kept in process (migration 0028 announces any change made otherwise).
keepRowsInProcess(Place);
