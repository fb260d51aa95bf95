import type { EventBus } from '../events/event-bus.js';
import { OPEN_STATUSES, type RequestLevel, type RequestStatus } from './request.entity.js';

/** The after-commit handler's id (its deliveries are recorded under it: keep it). */
export const DUPLICATES_FOLLOW = 'request.duplicates-follow';

/**
 * Tells of each duplicate when the request handled for all of them is finished: one
 * `request.original-finished` per duplicate, with the duplicate's own id and place, so a district
 * app (a webhook) can tell each neighbour who reported the same problem, as their timelines say
 * (`original-resolved`…, written in the statement that finishes it). After commit, from the outbox:
 * only a finished request that has duplicates costs a delivery (the interest's one indexed read in
 * the finishing transaction), and the handler reads them as they are when it runs.
 */
export function subscribeDuplicatesFollow(events: EventBus): void {
  events.on(
    'request.status-changed',
    async (event, { em, emit }) => {
      const duplicates = await em.execute<{ id: string; place_path: string; status: RequestStatus; level: RequestLevel }[]>(
        `SELECT id, place_path, status, level FROM request WHERE duplicate_of_id = ? ORDER BY created_at, id`,
        [event.payload.requestId],
      );
      for (const d of duplicates) {
        await emit('request.original-finished', {
          requestId: d.id,
          placePath: d.place_path,
          status: d.status,
          level: d.level,
          originalId: event.payload.requestId,
          originalStatus: event.payload.status,
        });
      }
    },
    {
      id: DUPLICATES_FOLLOW,
      interest: async (em, changed) => {
        const finished = changed.filter((e) => !OPEN_STATUSES.includes(e.payload.status)).map((e) => e.payload.requestId);
        if (finished.length === 0) return () => false;
        // One request finishes at a time, as a rule: `= ?` then, which PostgreSQL plans once per
        // connection (for `= ANY` of a list it guessed ten rows and planned again every time).
        const match = finished.length === 1 ? '= ?::uuid' : `= ANY (string_to_array(?, ',')::uuid[])`;
        const rows = await em.execute<{ id: string }[]>(
          `SELECT DISTINCT duplicate_of_id AS id FROM request WHERE duplicate_of_id ${match}`,
          [finished.join(',')],
        );
        const followed = new Set(rows.map((r) => r.id));
        return (e) => followed.has(e.payload.requestId);
      },
    },
  );
}
