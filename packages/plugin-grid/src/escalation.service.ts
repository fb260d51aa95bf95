import {
  type EscalationCandidate,
  escalationCandidates,
  type EventBus,
  lockRequestForUpdate,
  type Logger,
  readContext,
  RequestKind,
  RequestLevel,
  RequestService,
  RequestStatus,
} from '@gongzhi/core';
import type { EntityManager } from './em.js';
import { pathIds } from './grid-queries.js';
import type { GridOptions } from './grid.options.js';
import { t } from './db.js';

/** A request found overdue at its level, with the limit that applied. */
interface Overdue {
  id: string;
  level: 'grid' | 'community';
  status: RequestStatus;
  hours: number;
}

type EscalatingLevel = Overdue['level'];

const HOUR_MS = 3_600_000;
/** At most this many requests are escalated per run; candidates are read from core in pages of this size. */
const RUN_LIMIT = 500;
/** The levels a request escalates from (the subdistrict is the top). */
const LEVELS: readonly EscalatingLevel[] = [RequestLevel.GRID, RequestLevel.COMMUNITY];
/** Statuses that escalate: all but the finished ones. */
const ESCALATING_STATUSES = Object.values(RequestStatus).filter(
  (s) => s !== RequestStatus.RESOLVED && s !== RequestStatus.CLOSED && s !== RequestStatus.REJECTED,
);
/** Kinds that escalate: praise and wishes (微心愿, which wait for a claimer on the wish wall) never do. */
const ESCALATING_KINDS = Object.values(RequestKind).filter((k) => k !== RequestKind.PRAISE && k !== RequestKind.WISH);

/**
 * The shortest limit that may apply at each level: the default, or a shorter one set for some
 * grid or community. A request that arrived at its level less than this long ago is not overdue.
 */
async function shortestLimits(em: EntityManager, options: GridOptions): Promise<Record<EscalatingLevel, number>> {
  const shortest = { grid: options.gridLevelHours, community: options.communityLevelHours };
  const rows: { level: EscalatingLevel; hours: number }[] = await em.execute(
    `SELECT l.level, min(l.hours)::int AS hours FROM ${t('escalation_limit')} l GROUP BY l.level`,
  );
  for (const row of rows) shortest[row.level] = Math.min(shortest[row.level], Number(row.hours));
  return shortest;
}

/**
 * The limit (hours) of each candidate at its level: the most specific one set, the
 * micro-grid's, the grid's, the community's, else the plugin default. Grids and communities
 * covering a request are found through the ids in its place path (a community limit is only
 * ever set on a community, and places never change type).
 */
async function limitsOf(em: EntityManager, options: GridOptions, candidates: readonly EscalationCandidate[]): Promise<Map<string, number>> {
  const rows: { id: string; hours: number }[] = await em.execute(
    `SELECT c.id,
            COALESCE(
              (SELECT l.hours FROM ${t('grid_place')} gp
                 JOIN ${t('escalation_limit')} l ON l.grid_id = gp.grid_id AND l.level = c.level
                WHERE gp.place_id = ANY (c.place_ids)
                ORDER BY (gp.grid_kind = 'micro_grid') DESC LIMIT 1),
              (SELECT l.hours FROM ${t('escalation_limit')} l
                WHERE l.community_id = ANY (c.place_ids) AND l.level = c.level LIMIT 1),
              CASE c.level WHEN 'grid' THEN ?::int ELSE ?::int END) AS hours
       FROM jsonb_to_recordset(?::jsonb) AS c(id text, level text, place_ids uuid[])`,
    [
      options.gridLevelHours,
      options.communityLevelHours,
      JSON.stringify(candidates.map((c) => ({ id: c.id, level: c.level, place_ids: pathIds(c.placePath) }))),
    ],
  );
  return new Map(rows.map((r) => [r.id, Number(r.hours)]));
}

/**
 * The open requests that stayed at the grid or community level longer than that level's
 * limit, oldest first, at most {@link RUN_LIMIT}. Core answers the request side (requests
 * waiting at a level and since when: the last `escalated` timeline entry, else creation),
 * narrowed in the database by the shortest limit that may apply; the plugin applies each
 * request's own limit from its tables. With `only`, just that request at that level.
 */
async function findOverdue(
  em: EntityManager,
  options: GridOptions,
  now: Date,
  only?: { id: string; level: EscalatingLevel },
): Promise<Overdue[]> {
  const shortest = await shortestLimits(em, options);
  const arrivedBy: Partial<Record<RequestLevel, Date>> = {};
  for (const level of only ? [only.level] : LEVELS) arrivedBy[level] = new Date(now.getTime() - shortest[level] * HOUR_MS);
  const core = readContext(em);
  const found: Overdue[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await escalationCandidates(core, {
      arrivedBy,
      statuses: ESCALATING_STATUSES,
      kinds: ESCALATING_KINDS,
      ids: only ? [only.id] : undefined,
      after,
      limit: RUN_LIMIT,
    });
    if (!page.length) return found;
    const limits = await limitsOf(em, options, page);
    for (const candidate of page) {
      const hours = limits.get(candidate.id)!;
      if (candidate.arrivedAt.getTime() + hours * HOUR_MS > now.getTime()) continue;
      found.push({ id: candidate.id, level: candidate.level as EscalatingLevel, status: candidate.status, hours });
      if (found.length === RUN_LIMIT) return found;
    }
    const last = page[page.length - 1];
    if (!last || page.length < RUN_LIMIT) return found;
    after = last.id;
  }
}

/**
 * Escalates every request overdue at its level, one request per transaction. Safe when
 * several processes run it at once: each request is locked with `FOR UPDATE SKIP LOCKED`
 * (a request another scheduler is escalating is skipped), then checked again in a fresh
 * statement, so a request escalated meanwhile is no longer overdue and is left alone.
 * Praise and wishes (微心愿, which wait for a claimer on the wish wall) never escalate.
 * Uses core's escalation (timeline entry, `request.escalated` event). A request still
 * waiting at its level (status escalated) is first accepted automatically, since core's
 * state machine escalates only accepted work. Returns the ids of the requests escalated.
 */
export async function escalateOverdue(deps: {
  em: () => EntityManager;
  events: EventBus;
  now: () => Date;
  options: GridOptions;
  logger: Logger;
}): Promise<string[]> {
  const { options } = deps;
  const now = deps.now();
  const candidates = await findOverdue(deps.em(), options, now);
  const escalated: string[] = [];
  for (const candidate of candidates) {
    try {
      const done = await deps.events.transaction(deps.em(), async (tx) => {
        if (!(await lockRequestForUpdate(tx, candidate.id, { skipLocked: true }))) return false;
        const [still] = await findOverdue(tx.em, options, now, { id: candidate.id, level: candidate.level });
        if (!still) return false;
        const service = RequestService.within(tx, deps.now);
        const hours = Number(still.hours);
        if (still.status === RequestStatus.ESCALATED) {
          await service.changeStatus(
            still.id,
            RequestStatus.ACCEPTED,
            null,
            `not taken up at the ${still.level} level within ${hours} h: accepted automatically to escalate`,
          );
        }
        await service.escalate(still.id, `automatic: not resolved within ${hours} h at the ${still.level} level`, null);
        return true;
      });
      if (done) escalated.push(candidate.id);
    } catch (err) {
      deps.logger.error({ err, requestId: candidate.id }, 'automatic escalation of a request failed');
    }
  }
  return escalated;
}

/** A running escalation job: a timer, and the run in flight so shutdown can wait for it. */
export class EscalationJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly run: () => Promise<string[]>,
    private readonly logger: Logger,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return; // the previous run is still going: skip this tick
      this.running = this.run()
        .then((ids) => {
          if (ids.length) this.logger.info({ escalated: ids.length }, 'escalated overdue requests');
        })
        .catch((err) => this.logger.error({ err }, 'automatic escalation run failed'))
        .finally(() => {
          this.running = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
