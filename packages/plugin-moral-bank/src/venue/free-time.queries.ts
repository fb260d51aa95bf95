import { executeRead, type ReadContext } from '@gongzhi/core';
import { t } from '../db.js';

/** A stretch of one local day in which a venue is open and neither booked nor closed. */
export interface FreeTimeRow {
  starts_at: Date;
  ends_at: Date;
  /** The priority window the stretch lies in (its fields as the policy stores them), or null outside any. */
  priority_window: { weekday: number; starts: string; ends: string; minPoints: number; maxMinutes: number } | null;
}

/**
 * A venue's free times in [from, to), in one statement: each local day's opening hours (in the
 * policy's time zone, so a change of clocks moves them right) less the bookings that hold the
 * venue (confirmed and no-show: what the exclusion constraint keeps apart) and its closures, cut
 * at midnight (no booking crosses one) and at the edges of priority windows, so a stretch lies
 * wholly inside one window or outside all. Requested bookings hold nothing: inside a window they
 * wait to be served in priority order, and the time is free until one is confirmed. A window that
 * overlaps an earlier one on the same day keeps only its own part, so no time is listed twice.
 */
export function venueFreeTimes(ctx: ReadContext, venueUuid: string, from: Date, to: Date): Promise<FreeTimeRow[]> {
  return executeRead<FreeTimeRow[]>(
    ctx.em,
    `WITH p AS (
       SELECT time_zone AS tz, opening_hours, priority_windows FROM ${t('venue_policy')} WHERE venue_id = ?
     ), span AS (
       SELECT tstzrange(?::timestamptz, ?::timestamptz) AS r
     ), day AS (
       SELECT g::date AS d, p.tz FROM p, span,
         generate_series((lower(span.r) AT TIME ZONE p.tz)::date, (upper(span.r) AT TIME ZONE p.tz)::date, interval '1 day') AS g
     ), open AS (
       SELECT day.d, range_agg(tstzrange((day.d + h.opens::time) AT TIME ZONE day.tz, (day.d + h.closes::time) AT TIME ZONE day.tz)) AS m
       FROM p, day, jsonb_to_recordset(p.opening_hours) AS h(weekday int, opens text, closes text)
       WHERE h.weekday = extract(isodow FROM day.d) GROUP BY day.d
     ), held AS (
       SELECT coalesce(range_agg(r), '{}'::tstzmultirange) AS m FROM (
         SELECT b.during AS r FROM ${t('booking')} b, span
          WHERE b.venue_id = ? AND b.status IN ('confirmed', 'no_show') AND b.during && span.r
         UNION ALL
         SELECT tstzrange(c.starts_at, c.ends_at) FROM ${t('venue_closure')} c, span
          WHERE c.venue_id = ? AND c.starts_at < upper(span.r) AND c.ends_at > lower(span.r)
       ) AS taken
     ), free AS (
       SELECT open.d, open.m * tstzmultirange(span.r) - held.m AS m FROM open, span, held
     ), win AS (
       SELECT day.d, w.value AS priority_window, w.n,
              tstzrange((day.d + (w.value->>'starts')::time) AT TIME ZONE day.tz, (day.d + (w.value->>'ends')::time) AT TIME ZONE day.tz) AS r
       FROM p, day, jsonb_array_elements(p.priority_windows) WITH ORDINALITY AS w(value, n)
       WHERE (w.value->>'weekday')::int = extract(isodow FROM day.d)
     ), own AS (
       SELECT d, priority_window, tstzmultirange(r) - coalesce(range_agg(r) OVER (PARTITION BY d ORDER BY lower(r), n
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), '{}'::tstzmultirange) AS m
       FROM win
     )
     SELECT lower(f) AS starts_at, upper(f) AS ends_at, NULL::jsonb AS priority_window
       FROM free, unnest(free.m - coalesce((SELECT range_agg(win.r) FROM win WHERE win.d = free.d), '{}'::tstzmultirange)) AS f
     UNION ALL
     SELECT lower(f), upper(f), own.priority_window FROM free JOIN own USING (d), unnest(free.m * own.m) AS f
     ORDER BY starts_at`,
    [venueUuid, from, to, venueUuid, venueUuid],
  );
}
