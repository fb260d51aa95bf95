import { type EventBus, type Logger, RequestService, RequestStatus } from '@gongzhi/core';
import type { EntityManager } from './em.js';
import type { GridOptions } from './grid.options.js';

/** A request found overdue at its level, with the limit that applied. */
interface Overdue {
  id: string;
  level: 'grid' | 'community';
  status: RequestStatus;
  hours: number;
}

/**
 * SQL listing open requests that stayed at the grid or community level longer than that
 * level's limit. The time at a level counts from the last `escalated` timeline entry (the
 * request's arrival there) or, at the grid level, from its creation. The limit is the most
 * specific one set: the micro-grid's, the grid's, the community's, else the plugin default.
 * Grids and communities covering a request are found through the ids in its place path.
 */
function overdueSql(options: GridOptions, now: Date, onlyId?: { id: string; level: string }): { sql: string; params: unknown[] } {
  const ids = `string_to_array(trim(both '/' from r.place_path), '/')::uuid[]`;
  const sql = `
    SELECT x.id, x.level, x.status, x.hours FROM (
      SELECT r.id, r.level::text AS level, r.status::text AS status,
             COALESCE((SELECT max(t.at) FROM public.request_timeline t WHERE t.request_id = r.id AND t.action = 'escalated'), r.created_at) AS since,
             COALESCE(
               (SELECT l.hours FROM grid.grid_place gp
                  JOIN grid.escalation_limit l ON l.grid_id = gp.grid_id AND l.level = r.level::text
                 WHERE gp.place_id = ANY(${ids})
                 ORDER BY (gp.grid_kind = 'micro_grid') DESC LIMIT 1),
               (SELECT l.hours FROM public.place c
                  JOIN grid.escalation_limit l ON l.community_id = c.id AND l.level = r.level::text
                 WHERE c.id = ANY(${ids}) AND c.type = 'community' LIMIT 1),
               CASE r.level WHEN 'grid' THEN ?::int ELSE ?::int END) AS hours,
             r.created_at
        FROM public.request r
       WHERE r.level IN ('grid', 'community')
         AND r.status NOT IN ('resolved', 'closed', 'rejected')
         AND r.kind NOT IN ('praise', 'wish')
         ${onlyId ? 'AND r.id = ? AND r.level::text = ?' : ''}
    ) x
    WHERE x.since + make_interval(hours => x.hours) <= ?::timestamptz
    ORDER BY x.created_at, x.id
    LIMIT 500`;
  const params: unknown[] = [options.gridLevelHours, options.communityLevelHours];
  if (onlyId) params.push(onlyId.id, onlyId.level);
  params.push(now.toISOString());
  return { sql, params };
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
  const list = overdueSql(options, now);
  const candidates: Overdue[] = await deps.em().execute(list.sql, list.params);
  const escalated: string[] = [];
  for (const candidate of candidates) {
    try {
      const done = await deps.events.transaction(deps.em(), async (tx) => {
        const locked = await tx.em.execute('SELECT id FROM public.request WHERE id = ? FOR UPDATE SKIP LOCKED', [candidate.id]);
        if (!locked.length) return false;
        const recheck = overdueSql(options, now, { id: candidate.id, level: candidate.level });
        const [still] = await tx.em.execute<Overdue[]>(recheck.sql, recheck.params);
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
