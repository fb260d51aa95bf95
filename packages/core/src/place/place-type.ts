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
