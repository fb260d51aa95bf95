/** A grid or micro-grid was created (`grid.created`). */
export interface GridCreated {
  gridId: string;
  communityId: string;
  /** Materialized path of the grid's community: who may see the event. */
  placePath: string;
  kind: string;
  /** The grid a micro-grid nests in; null for a grid. */
  parentId: string | null;
}

/** Places were added to a grid's coverage (`grid.places-added`). */
export interface GridPlacesAdded {
  gridId: string;
  /** Materialized path of the grid's community: who may see the event. */
  placePath: string;
  placeIds: string[];
}

/** Places were taken off a grid's coverage (`grid.places-removed`). */
export interface GridPlacesRemoved {
  gridId: string;
  /** Materialized path of the grid's community: who may see the event. */
  placePath: string;
  placeIds: string[];
}

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'grid.created': GridCreated;
    'grid.places-added': GridPlacesAdded;
    'grid.places-removed': GridPlacesRemoved;
  }
}
