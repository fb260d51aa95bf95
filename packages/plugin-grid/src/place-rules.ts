import { type GongzhiContext, loadById, type PlaceRule, refId } from '@gongzhi/core';
import { GridAdoption } from './adoption/adoption.entity.js';
import { GridAttentionMark } from './attention/attention.entity.js';
import { Grid } from './grid/grid.entity.js';
import { GridMeeting } from './meeting/meeting.entity.js';
import { GridReport, GridReporter } from './reporter/reporter.entity.js';
import { GridFinding, GridVisit } from './visit/visit.entity.js';
import { GridWorker } from './worker/worker.entity.js';

/** The community of a grid, for the rows that hang off a grid. */
async function gridCommunity(ctx: GongzhiContext, gridRef: unknown): Promise<string | null> {
  const grid = await loadById(ctx, Grid, refId(gridRef)!);
  return grid ? refId(grid.community) : null;
}

/**
 * Which place each grid row belongs to: a grid and the rows hanging off it (workers, adoptions,
 * meetings) to its community; visits, findings and colour marks to their place. Workers also
 * see their own assignments, visits and marks, and recorders their meetings.
 */
export const gridPlaceRules: PlaceRule[] = [
  { entity: Grid, place: (row: Grid) => refId(row.community), visibleToActors: true },
  { entity: GridWorker, place: (row: GridWorker, ctx) => gridCommunity(ctx, row.grid), owners: (row: GridWorker) => [refId(row.person)] },
  { entity: GridAdoption, place: (row: GridAdoption, ctx) => gridCommunity(ctx, row.grid) },
  {
    entity: GridMeeting,
    place: (row: GridMeeting, ctx) => gridCommunity(ctx, row.grid),
    owners: (row: GridMeeting) => [refId(row.recordedBy)],
  },
  { entity: GridVisit, place: (row: GridVisit) => ({ path: row.placePath }), owners: (row: GridVisit) => [refId(row.worker)] },
  {
    entity: GridFinding,
    place: async (row: GridFinding, ctx) => {
      const visit = await loadById(ctx, GridVisit, refId(row.visit)!);
      return visit ? { path: visit.placePath } : null;
    },
  },
  {
    entity: GridAttentionMark,
    place: (row: GridAttentionMark) => ({ path: row.placePath }),
    owners: (row: GridAttentionMark) => [refId(row.setBy)],
  },
  // A little bee sees their own registrations and reports wherever they are.
  { entity: GridReporter, place: (row: GridReporter) => ({ path: row.areaPath }), owners: (row: GridReporter) => [refId(row.person)] },
  { entity: GridReport, place: (row: GridReport) => ({ path: row.placePath }), owners: (row: GridReport) => [refId(row.person)] },
];
