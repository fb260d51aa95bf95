import { defineCommand, DomainError, type Named, type Place, placeSummary, PlaceType, type UnitOfWork } from '@gongzhi/core';
import { GridPermission } from '../permissions.js';
import { Grid, GridKind, GridPlace } from './grid.entity.js';
import { communityOf, coverageClash, lockCoverage } from './grid.queries.js';

/** Which places each kind of grid may cover. */
const COVERABLE: Record<GridKind, readonly PlaceType[]> = {
  [GridKind.GRID]: [PlaceType.COMPOUND, PlaceType.BUNGALOW_AREA, PlaceType.BUILDING],
  [GridKind.MICRO_GRID]: [PlaceType.BUILDING, PlaceType.UNIT, PlaceType.HOUSEHOLD],
};

const kindName = (kind: GridKind) => (kind === GridKind.GRID ? 'grid' : 'micro-grid');

/** Refuses a place the grid may not cover: of the wrong type, not inside its community, or outside a micro-grid's parent. */
function checkCoverable(grid: Grid, community: Place, parentPaths: readonly string[], place: Place, field: string): void {
  if (!COVERABLE[grid.kind].includes(place.type)) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `A ${kindName(grid.kind)} covers places of type ${COVERABLE[grid.kind].join(', ')}; ${place.name} is a ${place.type}.`,
      field,
    );
  }
  // The linking rule lets a place holding the community through; a grid covers only what lies inside it.
  if (!place.path.startsWith(community.path) || place.uuid === community.uuid) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${place.name} is not inside ${community.name}, the grid's community; a grid covers places of its own community only.`,
      field,
    );
  }
  if (grid.kind === GridKind.MICRO_GRID && !parentPaths.some((p) => place.path.startsWith(p))) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `${place.name} is outside the parent grid of micro-grid ${grid.name}; a micro-grid covers only places its parent grid covers.`,
      field,
    );
  }
}

/**
 * Adds places to a grid's coverage. Refuses, naming the place and the grid already there: a
 * place the grid may not cover, or one overlapping (the place, one of its ancestors or
 * descendants) a grid of the same kind. Coverage changes of one community are serialized, so
 * two concurrent additions cannot both pass the overlap check.
 */
async function cover(uow: UnitOfWork, grid: Grid, community: Place, places: readonly Place[]): Promise<void> {
  await lockCoverage(uow, community.uuid);
  const parentPaths = grid.parent ? (await uow.em.find(GridPlace, { grid: grid.parent.uuid })).map((p) => p.placePath) : [];
  for (const [i, place] of places.entries()) {
    const field = `placeIds.${i}`;
    checkCoverable(grid, community, parentPaths, place, field);
    const clash = await coverageClash(uow, grid.kind, place.path);
    if (clash) {
      const covered = (await placeSummary(uow, clash.placeId))?.name ?? 'a place';
      throw new DomainError(
        'GRID_OVERLAP',
        `${place.name} overlaps ${covered}, already covered by ${kindName(grid.kind)} ${clash.gridName}; a place belongs to at most one grid of each kind. Remove it there first, or choose a place outside it.`,
        field,
      );
    }
    uow.em.create(GridPlace, { grid, gridKind: grid.kind, place, placePath: place.path });
    await uow.em.flush();
  }
}

/** Refuses a place that is not a community, naming the input `field`. */
export function requireCommunity(place: Place, field: string): void {
  if (place.type !== PlaceType.COMMUNITY) {
    throw new DomainError('BAD_USER_INPUT', `"${field}" must be a community; ${place.name} is a ${place.type}.`, field);
  }
}

/** Refuses a parent that does not fit the kind: a micro-grid nests in a grid of the same community, a grid in nothing. */
function checkParent(kind: GridKind, parent: Grid | null): void {
  if (kind === GridKind.MICRO_GRID && !parent) {
    throw new DomainError(
      'BAD_USER_INPUT',
      'A micro-grid nests in a grid: give "parentId", the id of a grid of the same community.',
      'parentId',
    );
  }
  if (kind === GridKind.GRID && parent) {
    throw new DomainError('BAD_USER_INPUT', 'Only a micro-grid has a parent: leave out "parentId", or set kind: MICRO_GRID.', 'parentId');
  }
  if (parent && parent.kind !== GridKind.GRID) {
    throw new DomainError('BAD_USER_INPUT', `"parentId" must be a grid, not a micro-grid; ${parent.name} is a micro-grid.`, 'parentId');
  }
}

/** Creates a grid in a community, or a micro-grid in a grid of it, covering the places given. */
export const createGrid = defineCommand<
  { community: Named<Place>; name: string; kind: GridKind; parent?: Named<Grid> | null; places: Named<Place>[] },
  Grid
>({
  name: 'grid.create',
  // The parent and the places belong to the community: a grid of another community, or its places, cannot be taken in.
  links: { parent: { to: 'community' }, places: { to: 'community' } },
  async run(uow, { community, name, kind, parent, places }) {
    const trimmed = name.trim();
    if (!trimmed) throw new DomainError('BAD_USER_INPUT', '"name" must not be empty: give the grid a name such as "第一网格".', 'name');
    requireCommunity(community, 'communityId');
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    checkParent(kind, parent ?? null);
    const grid = uow.em.create(Grid, { name: trimmed, community, kind, parent: parent ?? null });
    await uow.em.flush();
    await cover(uow, grid, community, places);
    await uow.emit('grid.created', { gridId: grid.uuid, communityId: community.uuid, kind, parentId: parent?.uuid ?? null });
    if (places.length) await uow.emit('grid.places-added', { gridId: grid.uuid, placeIds: places.map((p) => p.uuid) });
    return grid;
  },
});

/** Adds places to a grid's coverage; refuses overlaps with another grid of the same kind (GRID_OVERLAP). */
export const addGridPlaces = defineCommand<{ grid: Named<Grid>; places: Named<Place>[] }, Grid>({
  name: 'grid.addPlaces',
  links: { places: { to: 'grid' } },
  async run(uow, { grid, places }) {
    if (!places.length) throw new DomainError('BAD_USER_INPUT', '"placeIds" is empty: give at least one place to add.', 'placeIds');
    const community = await communityOf(uow, grid);
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    await cover(uow, grid, community, places);
    await uow.emit('grid.places-added', { gridId: grid.uuid, placeIds: places.map((p) => p.uuid) });
    return grid;
  },
});
