import { keyRecords, sortedSet, underPathSql } from '../database/read-sql.js';
import { piecesCondition } from '../database/text-pieces.js';
import { batchLoader, executeRead, matchKeys, type ReadContext } from '../graphql/loaders.js';
import { holdersByStatistics } from './search-statistics.js';
import { type Access, scopeSql } from '../auth/access.js';
import { type RequestKind, RequestLevel, type RequestStatus } from './request.entity.js';

/**
 * How many distinct requests with one of `statuses` lie at or under any of `paths` (place
 * paths). Batched per operation: the calls of one tick are one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function requestCountUnder(ctx: ReadContext, paths: readonly string[], statuses: readonly RequestStatus[]): Promise<number> {
  return batchLoader<string, number>(ctx, 'core.requestCountUnder', async (keys) => {
    const rows = await executeRead<{ i: number; n: number }[]>(
      ctx.em,
      `SELECT k.i, count(DISTINCT r.id)::int AS n
         FROM jsonb_to_recordset(?::jsonb) AS k(i int, paths text[], statuses text[])
        CROSS JOIN LATERAL unnest(k.paths) AS u(path)
         JOIN request r ON ${underPathSql('r.place_path', 'u.path')} AND r.status = ANY (k.statuses::request_status[])
        GROUP BY k.i`,
      [keyRecords(keys.map((k) => JSON.parse(k) as { paths: string[]; statuses: string[] }))],
      { fixedShape: true },
    );
    const counts = keys.map(() => 0);
    for (const row of rows) counts[row.i] = Number(row.n);
    return counts;
  }).load(JSON.stringify({ paths: sortedSet(paths), statuses: sortedSet(statuses) }));
}

/**
 * The uuids of the requests with one of `statuses` at or under any of `paths` (place paths),
 * newest first (creation time, then id), at most `limit`. Batched per operation: the calls of
 * one tick are one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function requestIdsUnder(
  ctx: ReadContext,
  query: { paths: readonly string[]; statuses: readonly RequestStatus[]; limit: number },
): Promise<string[]> {
  const key = JSON.stringify({
    paths: sortedSet(query.paths),
    statuses: sortedSet(query.statuses),
    lim: Math.max(0, Math.floor(query.limit)),
  });
  return batchLoader<string, string[]>(ctx, 'core.requestIdsUnder', async (keys) => {
    const rows = await executeRead<{ i: number; id: string }[]>(
      ctx.em,
      `SELECT k.i, x.id
         FROM jsonb_to_recordset(?::jsonb) AS k(i int, paths text[], statuses text[], lim int)
        CROSS JOIN LATERAL (
          SELECT DISTINCT r.id, r.created_at
            FROM unnest(k.paths) AS u(path)
            JOIN request r ON ${underPathSql('r.place_path', 'u.path')} AND r.status = ANY (k.statuses::request_status[])
           ORDER BY r.created_at DESC, r.id DESC
           LIMIT k.lim) x
        ORDER BY k.i, x.created_at DESC, x.id DESC`,
      [keyRecords(keys.map((k) => JSON.parse(k) as { paths: string[]; statuses: string[]; lim: number }))],
      { fixedShape: true },
    );
    const result = keys.map((): string[] => []);
    for (const row of rows) result[row.i]?.push(row.id);
    return result;
  }).load(key);
}

/**
 * How many requests with one of `statuses` are assigned to person `personId` (their
 * workload). Batched per operation: the calls of one tick are one statement.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export function assignedRequestCount(ctx: ReadContext, personId: string, statuses: readonly RequestStatus[]): Promise<number> {
  return batchLoader<string, number>(ctx, 'core.assignedRequestCount', async (keys) => {
    const rows = await executeRead<{ i: number; n: number }[]>(
      ctx.em,
      `SELECT k.i, (SELECT count(*) FROM request r
                     WHERE r.assignee_id = k.person_id AND r.status = ANY (k.statuses::request_status[]))::int AS n
         FROM jsonb_to_recordset(?::jsonb) AS k(i int, person_id uuid, statuses text[])`,
      [keyRecords(keys.map((k) => JSON.parse(k) as { person_id: string; statuses: string[] }))],
      { fixedShape: true },
    );
    const counts = keys.map(() => 0);
    for (const row of rows) counts[row.i] = Number(row.n);
    return counts;
  }).load(JSON.stringify({ person_id: personId, statuses: sortedSet(statuses) }));
}

/** A request that has waited at its level, as {@link escalationCandidates} returns it. */
export interface EscalationCandidate {
  /** The request's uuid. */
  id: string;
  level: RequestLevel;
  status: RequestStatus;
  kind: RequestKind;
  placeId: string;
  /** The materialized path of the request's place (its ids are the place and its ancestors). */
  placePath: string;
  createdAt: Date;
  /** When it reached its level: its last escalation, or its creation if never escalated. */
  arrivedAt: Date;
  /** Its deadline, if it has one. */
  dueAt: Date | null;
}

/** What {@link escalationCandidates} looks for. */
export interface EscalationCandidateQuery {
  /**
   * The levels to look at, each with the latest arrival wanted: a request at that level is
   * returned only if it arrived there at or before this time.
   */
  arrivedBy: Partial<Record<RequestLevel, Date>>;
  /**
   * Also requests at one of the levels of `arrivedBy` (whenever they arrived) whose `dueAt` is at
   * or before this time and after their arrival at their level: a deadline passed that has not
   * escalated them yet (once escalated after it, they arrived after it).
   */
  dueBy?: Date;
  /** Only requests in one of these statuses. */
  statuses: readonly RequestStatus[];
  /** Only requests of one of these kinds. */
  kinds: readonly RequestKind[];
  /** Only these requests (uuids). */
  ids?: readonly string[];
  /** Only requests after this one (uuid) in the order returned: the next page. */
  after?: string;
  /** At most this many. */
  limit: number;
}

/** The levels in their order, each with its own condition in {@link escalationCandidates}'s text. */
const LEVELS: readonly RequestLevel[] = Object.values(RequestLevel);

/**
 * Requests that have been waiting at their level (for automatic escalation): matching
 * `query`, oldest first (creation time, then id), with the time each arrived at its level.
 * One statement per call (a job's scan, not batched); the filters run in the database, so
 * page through a large backlog with `after` and `limit`. The statement's text depends only on
 * whether `ids` and `after` are given (every value is bound, a level not asked for gets nulls),
 * so it is prepared and planned once per connection: an escalation checks its request again
 * with it, and a backlog escalated after downtime was planning it anew each time.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export async function escalationCandidates(ctx: ReadContext, query: EscalationCandidateQuery): Promise<EscalationCandidate[]> {
  const asked = LEVELS.filter((level) => query.arrivedBy[level] instanceof Date);
  if (!asked.length || !query.statuses.length || !query.kinds.length || query.limit <= 0 || query.ids?.length === 0) return [];
  // Per level: arrived there by this time, or (with dueBy) its deadline passed after it arrived.
  const params: unknown[] = [[...query.statuses], [...query.kinds]];
  for (const level of LEVELS) {
    const by = query.arrivedBy[level];
    params.push(by instanceof Date ? by.toISOString() : null, by instanceof Date && query.dueBy ? query.dueBy.toISOString() : null);
  }
  let more = '';
  if (query.ids) {
    more += ' AND r.id = ANY (?::uuid[])';
    params.push([...query.ids]);
  }
  if (query.after) {
    more += ' AND (r.created_at, r.id) > (SELECT a.created_at, a.id FROM request a WHERE a.id = ?::uuid)';
    params.push(query.after);
  }
  params.push(Math.floor(query.limit));
  const rows = await executeRead<
    {
      id: string;
      level: RequestLevel;
      status: RequestStatus;
      kind: RequestKind;
      place_id: string;
      place_path: string;
      created_at: Date | string;
      arrived_at: Date | string;
      due_at: Date | string | null;
    }[]
  >(
    ctx.em,
    `SELECT r.id, r.level::text AS level, r.status::text AS status, r.kind::text AS kind, r.place_id, r.place_path, r.created_at, r.due_at,
            COALESCE(e.at, r.created_at) AS arrived_at
       FROM request r
       LEFT JOIN LATERAL (SELECT max(t.at) AS at FROM request_timeline t WHERE t.request_id = r.id AND t.action = 'escalated') e ON true
      WHERE r.status = ANY (?::request_status[]) AND r.kind = ANY (?::request_kind[])
        AND (${LEVELS.map(
          (level) => `(r.level = '${level}' AND (COALESCE(e.at, r.created_at) <= ?::timestamptz
                 OR (r.due_at <= ?::timestamptz AND COALESCE(e.at, r.created_at) < r.due_at)))`,
        ).join(' OR ')})${more}
      ORDER BY r.created_at, r.id
      LIMIT ?::int`,
    params,
    { fixedShape: true },
  );
  return rows.map((r) => ({
    id: r.id,
    level: r.level,
    status: r.status,
    kind: r.kind,
    placeId: r.place_id,
    placePath: r.place_path,
    createdAt: new Date(r.created_at),
    arrivedAt: new Date(r.arrived_at),
    dueAt: r.due_at == null ? null : new Date(r.due_at),
  }));
}

/**
 * Locks request `id` for update until the transaction `ctx.em` runs in ends (call it inside
 * one). Returns whether the lock was taken: false if there is no such request, or, with
 * `skipLocked`, if another transaction holds it (instead of waiting for it).
 *
 * Part of the plugin contract: stable across core migrations.
 */
export async function lockRequestForUpdate(
  ctx: Pick<ReadContext, 'em'>,
  id: string,
  options: { skipLocked?: boolean } = {},
): Promise<boolean> {
  const rows = await ctx.em.execute(`SELECT id FROM request WHERE id = ? FOR UPDATE${options.skipLocked ? ' SKIP LOCKED' : ''}`, [id]);
  return rows.length > 0;
}

/**
 * Whether request `id` has a timeline entry of `action` (`routed`, say): how a handler that
 * runs again (events reach after-commit handlers at least once) tells that it acted already.
 * Call it holding the request's lock ({@link lockRequestForUpdate}) when two runs could overlap.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export async function hasTimelineEntry(ctx: Pick<ReadContext, 'em'>, id: string, action: string): Promise<boolean> {
  const rows = await executeRead(ctx.em, `SELECT 1 FROM request_timeline WHERE request_id = ? AND action = ? LIMIT 1`, [id, action], {
    byKey: true,
  });
  return rows.length > 0;
}

/**
 * From how many requests holding a search's pieces on, reading requests newest first finds a page
 * of matches sooner than reading every holder by the index. PostgreSQL does not choose between the
 * two well: it takes a phrase's pieces as independent, so every phrase looks rare to it (on
 * 2,000,000 requests one 30,000 hold, 垃圾分类, took 230 ms by the index against 4 ms newest first),
 * and even for a word of one piece, whose share it knows, it guesses how few requests match the
 * words' `ILIKE` and reads all holders of 社区 (a tenth of the requests) by the index (300 ms
 * against 7 at 200,000). Asking first how many hold it (up to this many) costs 0.2–0.5 ms for a
 * rare word and up to ~35 ms for a common one (bench/README.md, "Searching by words").
 */
export const SEARCH_DENSE = 3000;

/**
 * Whether fewer than {@link SEARCH_DENSE} requests hold every piece of `text` (`request_search`):
 * then a search reads them by the index. PostgreSQL's statistics of the pieces answer first when
 * they can (a piece rare enough, or a word of one common piece: no statement); otherwise the
 * holders are counted, which costs up to ~10 ms for a common word.
 */
export async function fewRequestsHold(ctx: Pick<ReadContext, 'em'>, text: string): Promise<boolean> {
  const known = await holdersByStatistics(ctx.em, text, SEARCH_DENSE);
  if (known) return known === 'few';
  const [row] = await executeRead<{ n: number }[]>(
    ctx.em,
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM request_search WHERE ${piecesCondition('pieces', text)} LIMIT ${SEARCH_DENSE}) s`,
    [text],
  );
  return (row?.n ?? 0) < SEARCH_DENSE;
}

/** Counts of one subtree's requests (those `access` sees: its places, and its own requests). */
export interface RequestCounts {
  total: number;
  byStatus: { status: RequestStatus; count: number }[];
  byLevel: { level: RequestLevel; count: number }[];
}

/** The place id a materialized path ends with (`/a/b/c/` → `c`). */
function lastPlaceId(path: string): string {
  return path.split('/').filter(Boolean).at(-1) ?? '';
}

/**
 * Counts by status and by level of the requests at `path` and under it that `access` may see,
 * in one statement from the counts kept per place (`request_count`, kept current by the
 * database in the transaction of every change, migration 0011): the cost is the same at any
 * data size. The caller's subtrees inside `path` (or `path` itself, when it lies inside one)
 * are read from the counts; the caller's own requests outside them are counted directly (a
 * person's few requests, by the requester index).
 */
export async function requestStatsUnder(ctx: ReadContext, path: string, access: Access): Promise<RequestCounts> {
  let roots: string[];
  if (access.everywhere || access.paths.some((root) => path.startsWith(root))) roots = [path];
  else {
    const inside = access.paths.filter((root) => root.startsWith(path));
    // Disjoint subtrees: a root under another root is already counted with it.
    roots = inside.filter((root) => !inside.some((other) => other !== root && root.startsWith(other)));
  }
  const own = access.everywhere ? null : access.personId;
  // Of fixed shape (lists go as one array value each), so prepared: parsed once per connection. One
  // subtree is matched with `= ?` (see matchKeys) and no request row is read for a caller with no own
  // requests to add: the usual report then keeps its generic plan. The other's generic plan reads
  // the caller's own requests by the requester index, the pattern a filter there.
  const counted = matchKeys(roots.map(lastPlaceId), 'uuid');
  const ownRows = own
    ? `UNION ALL
       SELECT status, level, 1 FROM request
        WHERE requester_id = ? AND place_path LIKE ? AND NOT (place_path LIKE ANY (?::text[]))`
    : '';
  const rows = await executeRead<{ status: RequestStatus | null; level: RequestLevel | null; n: number | null; g: number }[]>(
    ctx.em,
    `WITH c AS (
       SELECT status, level, n FROM request_count WHERE place_id ${counted.match}
       ${ownRows})
     SELECT status, level, sum(n)::int AS n, GROUPING(status, level) AS g
       FROM c GROUP BY GROUPING SETS ((status), (level), ())
     HAVING sum(n) > 0 OR GROUPING(status, level) = 3
      ORDER BY g, status, level`,
    own ? [counted.value, own, `${path}%`, roots.map((r) => `${r}%`)] : [counted.value],
    // The kept counts of the places asked for are read by key; a requester's own requests are searched.
    { fixedShape: true, byKey: !own },
  );
  // GROUPING(): 1 = grouped by status, 2 = by level, 3 = the total.
  return {
    total: rows.find((r) => r.g === 3)?.n ?? 0,
    byStatus: rows.filter((r) => r.g === 1 && r.status).map((r) => ({ status: r.status!, count: r.n! })),
    byLevel: rows.filter((r) => r.g === 2 && r.level).map((r) => ({ level: r.level!, count: r.n! })),
  };
}

/**
 * The condition (` AND …`, empty for a caller who sees everywhere) that keeps the `request` rows
 * `access` may see, as `requests` scopes them (under its places, or requested by the caller), its
 * values appended to `params`.
 */
function requestScope(access: Access, params: unknown[]): string {
  const under = scopeSql(access, 'place_path');
  if (!under) return '';
  params.push(...under.params, access.personId ?? null);
  return ` AND (${under.sql} OR requester_id = ?::uuid)`;
}

/** What {@link requestCategoriesUnder} counts per category. */
export interface RequestCategoryCounts {
  /** Null for the requests filed under no category. */
  category: string | null;
  total: number;
  open: number;
  resolved: number;
}

/**
 * The categories of the requests submitted in [from, to) at the place of `path` and under it that
 * `access` may see (duplicates merged into another not counted), the most reported first, at most
 * `limit`, in one aggregate statement: how many, how many still open, how many resolved or closed.
 */
export async function requestCategoriesUnder(
  ctx: ReadContext,
  path: string,
  from: Date,
  to: Date,
  access: Access,
  limit: number,
): Promise<RequestCategoryCounts[]> {
  const params: unknown[] = [`${path}%`, from, to];
  const scope = requestScope(access, params);
  params.push(limit);
  return executeRead<RequestCategoryCounts[]>(
    ctx.em,
    `SELECT nullif(trim(category), '') AS category, count(*)::int AS total,
            count(*) FILTER (WHERE status NOT IN ('resolved', 'closed', 'rejected'))::int AS open,
            count(*) FILTER (WHERE status IN ('resolved', 'closed'))::int AS resolved
       FROM request
      WHERE place_path LIKE ? AND created_at >= ? AND created_at < ? AND duplicate_of_id IS NULL${scope}
      GROUP BY 1 ORDER BY total DESC, category NULLS LAST LIMIT ?`,
    params,
    { fixedShape: true },
  );
}

/** What {@link requestPerformanceUnder} counts: the hotline's three rates (响应率, 解决率, 满意率) and their parts. */
export interface RequestPerformanceCounts {
  total: number;
  responded: number;
  averageResponseMinutes: number | null;
  resolved: number;
  withDeadline: number;
  resolvedOnTime: number;
  rated: number;
  averageRating: number | null;
  satisfied: number;
}

/**
 * How the requests submitted in [from, to) at `place` and under it that `access` may see were
 * handled, in one aggregate statement: how many were taken up (left SUBMITTED: accepted, claimed,
 * rejected, escalated; a request past it counts even when its timeline does not show the step, as
 * imported or migrated ones may not) and how soon (from the timelines that show it), how many are
 * resolved or closed now, of those with a deadline how many were last resolved by it, and how the
 * requesters rated them (4 or 5: satisfied). A duplicate merged into another (重复件) is not
 * counted: the request it was merged into is. Given `groups` (keyed sets of disjoint subtrees: each
 * grid's covered places), one row per group that has requests, keyed by it. With `byChild` (one
 * place), one row per place directly under `place` that has requests (keyed by its uuid; the
 * requests at `place` itself under an empty key), for ranking a subdistrict's communities; else one row.
 */
export async function requestPerformanceUnder(
  ctx: ReadContext,
  place: { path: string; depth: number } | { groups: readonly { key: string; paths: readonly string[] }[] },
  from: Date,
  to: Date,
  access: Access,
  byChild = false,
): Promise<(RequestPerformanceCounts & { child: string })[]> {
  // The path's segment after the place's own ("/d/s/c/…" split on "/": the place's own id at depth + 2), or 1: each group's key.
  const child = byChild && 'depth' in place ? place.depth + 3 : 1;
  const groups = 'groups' in place ? place.groups : [{ key: '', paths: [place.path] }];
  const patterns = groups.flatMap((g) => g.paths.map((path) => ({ key: g.key, pattern: `${path}%` })));
  if (!patterns.length) return [];
  const params: unknown[] = [patterns.map((p) => p.key), patterns.map((p) => p.pattern), child, child, from, to];
  const scope = requestScope(access, params);
  const rows = await executeRead<(Record<keyof RequestPerformanceCounts, number | string | null> & { child: string })[]>(
    ctx.em,
    `WITH g AS (SELECT * FROM unnest(?::text[], ?::text[]) AS g(key, pattern)),
     r AS (
       SELECT id, created_at, due_at, rating, status,
              CASE WHEN ?::int > 1 THEN split_part(place_path, '/', ?::int) ELSE g.key END AS child
         FROM request JOIN g ON place_path LIKE g.pattern
        WHERE created_at >= ? AND created_at < ? AND duplicate_of_id IS NULL${scope}),
     t AS (
       SELECT e.request_id,
              min(e.at) FILTER (WHERE e.from_status = 'submitted' AND e.to_status <> 'submitted') AS responded_at,
              max(e.at) FILTER (WHERE e.to_status = 'resolved' AND e.from_status <> 'resolved') AS resolved_at
         FROM request_timeline e JOIN r ON r.id = e.request_id GROUP BY e.request_id)
     SELECT r.child,
            count(*)::int AS "total",
            count(*) FILTER (WHERE t.responded_at IS NOT NULL OR r.status <> 'submitted')::int AS "responded",
            avg(extract(epoch FROM t.responded_at - r.created_at) / 60) AS "averageResponseMinutes",
            count(*) FILTER (WHERE r.status IN ('resolved', 'closed'))::int AS "resolved",
            count(r.due_at)::int AS "withDeadline",
            count(*) FILTER (WHERE r.status IN ('resolved', 'closed') AND t.resolved_at <= r.due_at)::int AS "resolvedOnTime",
            count(r.rating)::int AS "rated",
            avg(r.rating) AS "averageRating",
            count(*) FILTER (WHERE r.rating >= 4)::int AS "satisfied"
       FROM r LEFT JOIN t ON t.request_id = r.id
      GROUP BY r.child ORDER BY r.child`,
    params,
    { fixedShape: true },
  );
  const num = (value: number | string | null | undefined) => (value == null ? null : Number(value));
  return rows.map((row) => ({
    child: row.child,
    total: num(row.total) ?? 0,
    responded: num(row.responded) ?? 0,
    averageResponseMinutes: num(row.averageResponseMinutes),
    resolved: num(row.resolved) ?? 0,
    withDeadline: num(row.withDeadline) ?? 0,
    resolvedOnTime: num(row.resolvedOnTime) ?? 0,
    rated: num(row.rated) ?? 0,
    averageRating: num(row.averageRating),
    satisfied: num(row.satisfied) ?? 0,
  }));
}

/** The counts of a wish wall: see {@link wishCountsUnder}. */
export interface WishCounts {
  posted: number;
  fulfilled: number;
  claimed: number;
}

/**
 * How many micro-wishes at `path` and under it that `access` may see were posted (all but the
 * rejected), fulfilled (resolved or closed) and are held now (claimed, assigned, in progress):
 * one aggregate statement.
 */
export async function wishCountsUnder(ctx: ReadContext, path: string, access: Access): Promise<WishCounts> {
  // Two texts (everywhere, or scoped to the caller's subtrees and own requests), every value bound: prepared.
  const params: unknown[] = [`${path}%`];
  const under = scopeSql(access, 'place_path');
  let scope = '';
  if (under) {
    scope = ` AND (${under.sql} OR requester_id = ?::uuid)`;
    params.push(...under.params, access.personId ?? null);
  }
  const [row] = await executeRead<{ posted: number; fulfilled: number; claimed: number }[]>(
    ctx.em,
    `SELECT count(*) FILTER (WHERE status <> 'rejected')::int AS posted,
            count(*) FILTER (WHERE status IN ('resolved', 'closed'))::int AS fulfilled,
            count(*) FILTER (WHERE status IN ('claimed', 'assigned', 'in_progress'))::int AS claimed
       FROM request WHERE kind = 'wish' AND place_path LIKE ?${scope}`,
    params,
    { fixedShape: true },
  );
  return { posted: Number(row?.posted ?? 0), fulfilled: Number(row?.fulfilled ?? 0), claimed: Number(row?.claimed ?? 0) };
}

/**
 * The uuid of the request the caller `callerId` (an API key's or a person's uuid) submitted with
 * `clientToken` (see `submitRequestOnce`), or null when that caller sent no such token. It does
 * not check that the caller still sees the request: load it through the caller's scope.
 *
 * Part of the plugin contract: stable across core migrations.
 */
export async function requestIdOfClientToken(ctx: Pick<ReadContext, 'em'>, callerId: string, clientToken: string): Promise<string | null> {
  const [row] = await ctx.em.execute<{ request_id: string }[]>(
    `SELECT request_id FROM request_client_token WHERE caller_id = ? AND token = ?`,
    [callerId, clientToken.trim()],
  );
  return row?.request_id ?? null;
}
