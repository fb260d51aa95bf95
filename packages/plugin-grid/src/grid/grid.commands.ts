import { defineCommand, type Named, newName, type Place, placeSummary, PlaceType, type UnitOfWork } from '@gongzhi/core';
import { GridPermission } from '../permissions.js';
import { Grid, GridKind, GridPlace } from './grid.entity.js';
import { communityOf, coverageClash, lockCoverage } from './grid.queries.js';
import { gridMessages, gridPhrases } from '../messages.js';

/** Which places each kind of grid may cover. */
const COVERABLE: Record<GridKind, readonly PlaceType[]> = {
  [GridKind.GRID]: [PlaceType.COMPOUND, PlaceType.BUNGALOW_AREA, PlaceType.BUILDING],
  [GridKind.MICRO_GRID]: [PlaceType.BUILDING, PlaceType.UNIT, PlaceType.HOUSEHOLD],
};

const kindName = (kind: GridKind) => (kind === GridKind.GRID ? gridPhrases.grid : gridPhrases.microGrid);

/** Refuses a place the grid may not cover: of the wrong type, not inside its community, or outside a micro-grid's parent. */
function checkCoverable(grid: Grid, community: Place, parentPaths: readonly string[], place: Place, field: string): void {
  if (!COVERABLE[grid.kind].includes(place.type)) {
    throw gridMessages.coversPlacesType.error(
      { kindName: kindName(grid.kind), gridKind: COVERABLE[grid.kind].join(', '), placeName: place.name, placeType: place.type },
      field,
    );
  }
  // The linking rule lets a place holding the community through; a grid covers only what lies inside it.
  if (!place.path.startsWith(community.path) || place.uuid === community.uuid) {
    throw gridMessages.placeOutsideGridCommunity.error({ placeName: place.name, communityName: community.name }, field);
  }
  if (grid.kind === GridKind.MICRO_GRID && !parentPaths.some((p) => place.path.startsWith(p))) {
    throw gridMessages.outsideParentGridMicro.error({ placeName: place.name, gridName: grid.name }, field);
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
      throw gridMessages.overlapsAlreadyCoveredPlace.error(
        { placeName: place.name, covered, kindName: kindName(grid.kind), gridName: clash.gridName },
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
    throw gridMessages.community.error({ field, placeName: place.name, placeType: place.type }, field);
  }
}

/** Refuses a parent that does not fit the kind: a micro-grid nests in a grid of the same community, a grid in nothing. */
function checkParent(kind: GridKind, parent: Grid | null): void {
  if (kind === GridKind.MICRO_GRID && !parent) {
    throw gridMessages.microGridNestsGrid.error('parentId');
  }
  if (kind === GridKind.GRID && parent) {
    throw gridMessages.onlyMicroGridParent.error('parentId');
  }
  if (parent && parent.kind !== GridKind.GRID) {
    throw gridMessages.parentidGridMicroGrid.error({ parentName: parent.name }, 'parentId');
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
    if (!trimmed) throw gridMessages.nameEmptyGiveGrid.error('name');
    requireCommunity(community, 'communityId');
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    checkParent(kind, parent ?? null);
    const grid = uow.em.create(Grid, { name: trimmed, community, kind, parent: parent ?? null });
    await uow.em.flush();
    await cover(uow, grid, community, places);
    await uow.emit('grid.created', {
      gridId: grid.uuid,
      communityId: community.uuid,
      placePath: community.path,
      kind,
      parentId: parent?.uuid ?? null,
    });
    if (places.length) {
      await uow.emit('grid.places-added', { gridId: grid.uuid, placePath: community.path, placeIds: places.map((p) => p.uuid) });
    }
    return grid;
  },
});

/** Renames a grid or micro-grid (the grids are renumbered, a micro-grid is named after its building); needs `grid.manage` in its community. */
export const updateGrid = defineCommand<{ grid: Named<Grid>; name?: string | null }, Grid>({
  name: 'grid.update',
  async run(uow, { grid, name }) {
    const community = await communityOf(uow, grid);
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    grid.name = newName(name, 'name') ?? grid.name;
    await uow.em.flush();
    return grid;
  },
});

/** Adds places to a grid's coverage; refuses overlaps with another grid of the same kind (GRID_OVERLAP). */
export const addGridPlaces = defineCommand<{ grid: Named<Grid>; places: Named<Place>[] }, Grid>({
  name: 'grid.addPlaces',
  links: { places: { to: 'grid' } },
  async run(uow, { grid, places }) {
    if (!places.length) throw gridMessages.placeidsEmptyGiveLeast.error('placeIds');
    const community = await communityOf(uow, grid);
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    await cover(uow, grid, community, places);
    await uow.emit('grid.places-added', { gridId: grid.uuid, placePath: community.path, placeIds: places.map((p) => p.uuid) });
    return grid;
  },
});

/**
 * Takes places off a grid's coverage (the grids are redrawn: 网格调整): new requests there are no
 * longer routed to it; what it already holds stays. Refuses a place the grid does not cover, and
 * one under which a micro-grid of the grid still covers places (take them off the micro-grid
 * first). Coverage changes of one community are serialized, as additions are.
 */
export const removeGridPlaces = defineCommand<{ grid: Named<Grid>; places: Named<Place>[] }, Grid>({
  name: 'grid.removePlaces',
  readOnly: ['places'],
  async run(uow, { grid, places }) {
    if (!places.length) throw gridMessages.placeidsEmptyGiveLeast.error('placeIds');
    const community = await communityOf(uow, grid);
    uow.actor.authorize(GridPermission.MANAGE, community.path);
    await lockCoverage(uow, community.uuid);
    for (const [i, place] of places.entries()) {
      const field = `placeIds.${i}`;
      const covered = await uow.em.findOne(GridPlace, { grid: grid.uuid, place: place.uuid });
      if (!covered) throw gridMessages.placeNotCovered.error({ placeName: place.name, gridName: grid.name }, field);
      const nested = await uow.em.findOne(
        GridPlace,
        { grid: { parent: grid.uuid }, placePath: { $like: `${place.path}%` } },
        { populate: ['grid'] },
      );
      if (nested) throw gridMessages.microGridStillCovers.error({ placeName: place.name, microGridName: nested.grid.name }, field);
      uow.em.remove(covered);
    }
    await uow.em.flush();
    await uow.emit('grid.places-removed', { gridId: grid.uuid, placePath: community.path, placeIds: places.map((p) => p.uuid) });
    return grid;
  },
});
