#!/usr/bin/env node
// The hand-written limit for `pnpm bench`: raw `node:http` + `pg`, one SQL statement per request,
// answering the same questions as the benchmark's GraphQL read workloads with byte-identical JSON
// (`{"data":…}`; a board reads places it has not met yet with a second statement and keeps them).
// It knows nothing about GraphQL, plugins, authentication or scoping: it is what
// the same answer costs when written by hand, and every read workload is reported as a ratio to it.
//
// Routes (GET, query string parameters are raw UUIDs or paths):
//   /board?path=/…/&limit=50   the board page of one community
//   /person?id=UUID            the person card
//   /stats?path=/…/            counts by status and level under a place (from the kept counts)
//   /search?text=…             the newest 20 requests holding the words (the index of their pieces, or newest first)
// and the write workloads (POST, JSON body; each one statement, so one transaction and one round trip):
//   /requests                  {placeId, requesterId, title}: a new request (`{"id":…}`)
//   /requests/transition       {id, to, assigneeId?}: a conditional status change (`{"status":…}`, 409 when illegal or lost)
//   /transfers                 {fromAccountId, toAccountId, minutes, idempotencyKey, actorId}: a moral-bank transfer
//                              (`{"id":…}`; 409 when the database refuses the overdraft)
// Environment: DATABASE_URL, PORT (0 = any; the port is printed as `listening <port>`), POOL (10).
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { default: pg } = await import(createRequire(path.join(root, 'packages/core/package.json')).resolve('pg'));

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL ?? 10) });

// Relay global ids (base64url of "Type:uuid", no padding) built in SQL.
const gid = (type, column) => `translate(encode(convert_to('${type}:' || ${column}, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;

export const OPEN_STATUSES = ['submitted', 'accepted', 'claimed', 'in_progress'];

// The best schema for the question (core migration 0011): open requests have one partial index per
// place depth on (the ancestor id at that depth, created_at DESC, id DESC), so a page under any place
// is read in order, a page's rows. `UNDER` is replaced by the expression of the place's depth, and the
// page size is written in (a statement per size): the place is then the only parameter, given as
// `(SELECT $1::text)`, so the statement keeps one generic plan instead of being planned at every call.
// The page is read first; the people it names are then read once each, however many of its requests
// share them. Its places, each with its ancestors, come from this process's memory, as the gateway's
// kept place rows do: a place not known yet is read (with its ancestors, as [id, name] pairs) by a
// second statement and kept. Places do not change while the bench runs, so this memory is never
// dropped: a real server would drop it on the table's change notices, which costs the gateway a little
// more than this (conservative for the ratio). The answer's JSON is built here, not by PostgreSQL: its
// global ids (base64) and instants cost the database ~3 µs and ~1 µs each, and a board has a few
// hundred (bench/README.md, "A faster board baseline").
const UNDER = '__UNDER__';
const BOARD_SQL_TEMPLATE = `
WITH page AS MATERIALIZED (
  SELECT id, title, status, level, created_at, requester_id, assignee_id, place_id FROM request
   WHERE ${UNDER} = (SELECT $1::text) AND status IN (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})
   ORDER BY created_at DESC, id DESC LIMIT __LIMIT__),
people AS (
  SELECT x.id, x.name FROM person x WHERE x.id = ANY (ARRAY(SELECT requester_id FROM page UNION SELECT assignee_id FROM page)))
SELECT r.id, r.title, r.status::text AS status, r.level::text AS level, r.created_at, r.requester_id, rq.name AS requester_name,
       r.assignee_id, asg.name AS assignee_name, r.place_id, t.action, t.to_status::text AS to_status, t.at
  FROM page r
  LEFT JOIN people rq ON rq.id = r.requester_id
  LEFT JOIN people asg ON asg.id = r.assignee_id
  LEFT JOIN LATERAL (SELECT t.action, t.to_status, t.at FROM request_timeline t WHERE t.request_id = r.id ORDER BY t.at DESC, t.seq DESC LIMIT 1) t ON true
 ORDER BY r.created_at DESC, r.id DESC`;

/** Places not known yet, each with its ancestors (nearest last) as [id, name] pairs. */
const PLACE_LINES_SQL = `
WITH places AS MATERIALIZED (
  SELECT pl.id, pl.name, string_to_array(btrim(pl.path, '/'), '/')::uuid[] AS line FROM place pl WHERE pl.id = ANY ($1::uuid[])),
ancestors AS MATERIALIZED (
  SELECT a.id, a.name, a.depth FROM place a WHERE a.id = ANY (ARRAY(SELECT DISTINCT unnest(line) FROM places))),
place_lines AS (
  SELECT pl.id, pl.name, coalesce(json_agg(json_build_array(a.id, a.name) ORDER BY a.depth) FILTER (WHERE a.id IS NOT NULL), '[]') AS above
    FROM places pl
    LEFT JOIN LATERAL unnest(pl.line) AS u (id) ON u.id <> pl.id
    LEFT JOIN ancestors a ON a.id = u.id
   GROUP BY pl.id, pl.name)
SELECT id, name, above FROM place_lines`;

/** Places read so far: id → { name, above } ({@link PLACE_LINES_SQL}'s rows). */
const placeLines = new Map();

/** The board page's rows, with each row's place (`place`: its line, or null) from {@link placeLines}. */
async function boardRows(under, depth, limit) {
  const rows = (await pool.query({ name: `board${depth}_${limit}`, text: boardSql(depth, limit), values: [under] })).rows;
  const unknown = [...new Set(rows.map((r) => r.place_id).filter((id) => id !== null && !placeLines.has(id)))];
  if (unknown.length)
    for (const line of (await pool.query({ name: 'placeLines', text: PLACE_LINES_SQL, values: [unknown] })).rows)
      placeLines.set(line.id, line);
  for (const r of rows) r.place = r.place_id === null ? null : (placeLines.get(r.place_id) ?? null);
  return rows;
}

/** The board statement for a place at `depth` (0 = district): its ancestor id sits at position depth + 2 of the path. */
const boardSql = (depth, limit) =>
  BOARD_SQL_TEMPLATE.replace(UNDER, `split_part(place_path, '/', ${depth + 2})`).replace('__LIMIT__', String(limit));

const globalId = (type, id) => Buffer.from(`${type}:${id}`).toString('base64url');
/** `{ id, name }` of a row a request names, or null when it names none. */
const named = (type, id, name) => (id === null ? null : { id: globalId(type, id), name });

/** The board page as the GraphQL answer has it, from {@link BOARD_SQL_TEMPLATE}'s rows. */
const boardAnswer = (rows) => ({
  requests: {
    edges: rows.map((r) => ({
      node: {
        id: globalId('Request', r.id),
        title: r.title,
        status: r.status.toUpperCase(),
        level: r.level.toUpperCase(),
        createdAt: r.created_at.toISOString(),
        requester: named('Person', r.requester_id, r.requester_name),
        assignee: named('Person', r.assignee_id, r.assignee_name),
        place:
          r.place === null
            ? null
            : {
                id: globalId('Place', r.place_id),
                name: r.place.name,
                ancestors: r.place.above.map(([id, name]) => ({ id: globalId('Place', id), name })),
              },
        lastTimelineEntry: r.action === null ? null : { action: r.action, toStatus: r.to_status.toUpperCase(), at: r.at.toISOString() },
      },
    })),
  },
});

/**
 * The person card; `scoped`, as a key that sees one subtree ($2, a place path) asks it: the person
 * only when their household or a role's place is in it, and their household, roles, teams and
 * accounts only where theirs are (what the gateway's place rules keep of the card).
 */
const personSql = (scoped) => {
  const within = (pathColumn) => (scoped ? ` AND ${pathColumn} LIKE $2 || '%'` : '');
  const placeRef = (idColumn) =>
    `(SELECT json_build_object('id', ${gid('Place', 'x.id')}, 'name', x.name) FROM place x WHERE x.id = ${idColumn}${within('x.path')})`;
  return `
SELECT json_build_object('person', json_build_object(
  'id', ${gid('Person', 'p.id')},
  'name', p.name,
  'household', ${placeRef('p.household_id')},
  'roles', json_build_object('nodes', (SELECT coalesce(json_agg(json_build_object('role', upper(pr.role::text), 'startsOn', pr.starts_on::text,
              'endsOn', pr.ends_on::text, 'place', ${placeRef('pr.place_id')}) ORDER BY pr.starts_on, pr.id), '[]')
              FROM (SELECT r.* FROM person_role r${scoped ? ' JOIN place rp ON rp.id = r.place_id' : ''} WHERE r.person_id = p.id${within('rp.path')}
                    ORDER BY r.starts_on, r.id LIMIT 50) pr)),
  'volunteerProfile', json_build_object(
    'skills', (SELECT coalesce(json_agg(s.skill ORDER BY s.first), '[]') FROM (
                 SELECT skill, min(m.joined_on::text || lpad(o::text, 4, '0')) AS first
                 FROM volunteer.team_member m, unnest(m.skills) WITH ORDINALITY AS u(skill, o)
                 WHERE m.person_id = p.id AND m.left_on IS NULL GROUP BY skill) s),
    'verifiedMinutes', (SELECT coalesce(sum(e.minutes), 0)::int FROM volunteer.service_entry e WHERE e.person_id = p.id AND e.status = 'approved'),
    'teams', json_build_object('nodes', (SELECT coalesce(json_agg(json_build_object('id', ${gid('VolunteerTeam', 't.id')}, 'name', t.name) ORDER BY m.joined_on, m.created_at, m.id), '[]')
                FROM volunteer.team_member m JOIN volunteer.team t ON t.id = m.team_id
                WHERE m.person_id = p.id AND m.left_on IS NULL${within('t.home_place_path')}))),
  'moralBankAccounts', json_build_object('nodes', (SELECT coalesce(json_agg(json_build_object('id', ${gid('MoralBankAccount', 'ac.id')}, 'name', ac.name, 'balance', ac.balance,
              'community', ${placeRef('ac.community_id')}) ORDER BY ac.name, ac.id), '[]')
              FROM moral_bank.account ac WHERE ac.person_id = p.id${
                scoped ? ` AND EXISTS (SELECT 1 FROM place cp WHERE cp.id = ac.community_id${within('cp.path')})` : ''
              }))
)) AS data FROM person p WHERE p.id = $1${
    scoped
      ? ` AND (EXISTS (SELECT 1 FROM place h WHERE h.id = p.household_id${within('h.path')})
            OR EXISTS (SELECT 1 FROM person_role r JOIN place rp ON rp.id = r.place_id WHERE r.person_id = p.id${within('rp.path')}))`
      : ''
  }`;
};
const PERSON_SQL = personSql(false);
const PERSON_SCOPED_SQL = personSql(true);

// Counts kept per place (core migration 0011: statement triggers keep `request_count` current in the
// writing transaction), so the report reads the same few rows at any data size.
const STATS_SQL = `
WITH g AS (SELECT status, level, sum(n)::int AS n, GROUPING(status, level) AS k
           FROM request_count WHERE place_id = $1 GROUP BY GROUPING SETS ((status), (level), ())
           HAVING sum(n) > 0 OR GROUPING(status, level) = 3)
SELECT json_build_object('requestStats', json_build_object(
  'total', (SELECT coalesce(n, 0) FROM g WHERE k = 3),
  'byStatus', (SELECT coalesce(json_agg(json_build_object('status', upper(status::text), 'count', n) ORDER BY status), '[]') FROM g WHERE k = 1),
  'byLevel', (SELECT coalesce(json_agg(json_build_object('level', upper(level::text), 'count', n) ORDER BY level), '[]') FROM g WHERE k = 2)
)) AS data`;

// Words by the index of their pieces (core migrations 0038, 0041: `request_search`), or reading newest
// first when so many requests hold them that a page is met sooner that way: PostgreSQL does not tell
// the two apart by itself (docs/decisions/0009), so the holders are counted first, up to 3,000.
// Two round trips, as the gateway's; the words themselves checked by ILIKE either way.
const searchKeys = (text) => ([...text].length === 1 ? 'text_search_keys' : 'text_bigram_keys');
const SEARCH_DENSE = 3000;
const SEARCH_COUNT = (keys) =>
  `SELECT count(*)::int AS n FROM (SELECT 1 FROM request_search WHERE pieces @> ${keys}($1) LIMIT ${SEARCH_DENSE}) s`;
const SEARCH_SQL = (keys, p = keys ? '$2' : '$1') => `
SELECT r.id, r.title, upper(r.status::text) AS status FROM request r
 WHERE ${keys ? `r.id IN (SELECT request_id FROM request_search WHERE pieces @> ${keys}($1)) AND ` : ''}
       (r.title ILIKE ${p} OR r.description ILIKE ${p} OR r.external_order_no ILIKE ${p})
 ORDER BY r.created_at DESC, r.id DESC LIMIT 20`;

// PostgreSQL's statistics of the pieces (most common elements), read once: they tell a word surely
// rare (some piece below the count) or surely common (one piece, kept among the common), with no statement.
let pieceShares = null;
const readPieceShares = async () => {
  const [row] = (
    await pool.query(`SELECT s.most_common_elems::text::int[] AS elems, s.most_common_elem_freqs AS freqs, greatest(c.reltuples, 0) AS rows
       FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = 'public' AND s.tablename = 'request_search' AND s.attname = 'pieces'
      WHERE c.oid = 'request_search'::regclass`)
  ).rows;
  const elems = row?.elems ?? [];
  return elems.length
    ? { rows: row.rows, shares: new Map(elems.map((e, i) => [e, row.freqs[i]])), least: row.freqs[elems.length] }
    : { rows: 0, shares: new Map(), least: 0 };
};
const pieceKeys = (text) => {
  const c = [...text.toLowerCase()].map((x) => x.codePointAt(0) % 65536);
  if (c.length === 1) return [c[0] * 65536 - 2147483648];
  return [...new Set(c.slice(1).map((b, i) => c[i] * 65536 + b - 2147483648))];
};

async function search(text) {
  const keys = searchKeys(text);
  const known = (pieceShares ??= readPieceShares());
  const { rows: analysed, shares, least } = await known;
  const pieces = pieceKeys(text);
  const most = analysed ? Math.min(...pieces.map((k) => (shares.get(k) ?? least) * analysed)) : Infinity;
  const byIndex =
    most < SEARCH_DENSE ||
    (!(pieces.length === 1 && shares.has(pieces[0])) &&
      (await pool.query({ name: `searchCount-${keys}`, text: SEARCH_COUNT(keys), values: [text] })).rows[0].n < SEARCH_DENSE);
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await pool.query(
    byIndex
      ? { name: `searchByIndex-${keys}`, text: SEARCH_SQL(keys), values: [text, pattern] }
      : { name: 'searchNewest', text: SEARCH_SQL(null), values: [pattern] },
  );
  return { requests: { nodes: rows.map((r) => ({ id: globalId('Request', r.id), title: r.title, status: r.status })) } };
}

/** The ids of a materialized path (`/a/b/c/` → a, b, c). */
const pathIds = (p) => String(p).split('/').filter(Boolean);

// ---------------------------------------------------------------- writes
//
// What the gateway's transaction guarantees, written by hand, each in ONE statement (a data-modifying
// CTE chain is one transaction and one round trip): the row change (a conditional update: of two
// concurrent moves exactly one wins), the timeline entry, an audit row with the fields before and
// after, the board event numbered under the board_sequence row lock (held to commit: numbers follow
// commit order, gapless) and the NOTIFY that wakes board readers. The kept counts (`request_count`)
// come from the same statement triggers the gateway's writes fire. Not included, because the baseline
// has no plugins and no authentication: outbox rows for plugins' event handlers and their deliveries.

/** Where each status may be reached from (core's TRANSITIONS, inverted; a wish is claimed straight from the wall). */
const FROM = {
  accepted: ['submitted', 'escalated'],
  claimed: ['accepted', 'submitted'],
  assigned: ['accepted'],
  in_progress: ['accepted', 'assigned', 'claimed', 'resolved'],
  resolved: ['in_progress'],
  closed: ['resolved'],
  rejected: ['submitted', 'accepted', 'escalated'],
};
const EVENT = { claimed: 'request.claimed', assigned: 'request.assigned' };

/** The board event, its number and the NOTIFY, for the single row `changed` (a CTE returning id and place_path). */
const BOARD_TAIL = (event) => `
  seq AS (UPDATE board_sequence SET last_seq = last_seq + 1 WHERE EXISTS (SELECT 1 FROM changed) RETURNING last_seq),
  board AS (INSERT INTO board_event (seq, item_type, item_id, place_path, event, actor_id, occurred_at)
            SELECT seq.last_seq, 'Request', changed.id::text, changed.place_path, ${event}, NULL, now() FROM seq, changed)
SELECT changed.*, pg_notify('gongzhi_board', json_build_object('s', seq.last_seq)::text) FROM changed, seq`;

const AUDIT = (action, operation, changes) => `
  audit AS (INSERT INTO audit_log (at, actor_kind, actor_name, action, entity_type, entity_id, operation, changes, place_paths)
            SELECT now(), 'api-key', 'baseline', ${action}, 'Request', changed.id::text, '${operation}', ${changes}, ARRAY[changed.place_path] FROM changed)`;

const SUBMIT_SQL = `
WITH changed AS (
  INSERT INTO request (id, created_at, updated_at, kind, channel, title, description, requester_id, place_id, place_path, priority, level, status, version)
  SELECT gen_random_uuid(), now(), now(), 'need', 'phone', $3, '', $2, p.id, p.path, 'normal', 'grid', 'submitted', 1 FROM place p WHERE p.id = $1
  RETURNING id, place_path, status),
  timeline AS (INSERT INTO request_timeline (id, request_id, action, from_status, to_status, actor_label, at)
               SELECT gen_random_uuid(), id, 'created', NULL, status, 'API key', now() FROM changed),
  ${AUDIT(`'request.submit'`, 'create', `jsonb_build_object('status', jsonb_build_object('before', NULL, 'after', changed.status))`)},
  ${BOARD_TAIL(`'request.created'`)}`;

const TRANSITION_SQL = `
WITH changed AS (
  UPDATE request r SET status = $2::request_status, version = r.version + 1, updated_at = now(), assignee_id = coalesce($4::uuid, r.assignee_id)
    FROM (SELECT id, status, version FROM request WHERE id = $1 FOR UPDATE) old
   WHERE r.id = old.id AND old.status = ANY ($3::request_status[])
  RETURNING r.id, r.place_path, r.status, old.status AS from_status, old.version AS from_version, r.version),
  timeline AS (INSERT INTO request_timeline (id, request_id, action, from_status, to_status, actor_label, at)
               SELECT gen_random_uuid(), id, $5, from_status, status, 'API key', now() FROM changed),
  ${AUDIT(
    `'request.changeStatus'`,
    'update',
    `jsonb_build_object('status', jsonb_build_object('before', changed.from_status, 'after', changed.status),
                        'version', jsonb_build_object('before', changed.from_version, 'after', changed.version))`,
  )},
  ${BOARD_TAIL('$6')}`;

// The ledger's own rules hold here too: the accounts locked in id order (no deadlock between opposite
// transfers), entries whose trigger moves the cached balances (its CHECK refuses an overdraft), the
// deferred trigger that checks the entries sum to zero at commit, the idempotency key's unique index.
// The audit rows are the gateway's (moral-bank `postTransaction`): the transaction with its legs,
// then each account's balance before and after, in id order, all at the community's path.
const TRANSFER_SQL = `
WITH tx AS (
  INSERT INTO moral_bank.ledger_transaction (id, community_id, kind, minutes, idempotency_key, request_hash, actor_id, occurred_at)
  SELECT gen_random_uuid(), a.community_id, 'transfer', $3, $4, md5($4), $5, now() FROM moral_bank.account a WHERE a.id = $1
  ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
  RETURNING id, community_id),
  locked AS (SELECT id, balance FROM moral_bank.account WHERE id IN ($1, $2) AND EXISTS (SELECT 1 FROM tx) ORDER BY id FOR UPDATE),
  entries AS (INSERT INTO moral_bank.entry (transaction_id, account_id, amount, occurred_at)
              SELECT tx.id, v.account_id, v.amount, now() FROM tx, (VALUES ($1::uuid, -$3::int), ($2::uuid, $3::int)) v(account_id, amount)
               WHERE (SELECT count(*) FROM locked) = 2),
  audit AS (INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, entity_type, entity_id, operation, changes, place_paths)
            SELECT now(), 'person', $5, 'baseline', 'moral-bank.transferMinutes', r.entity_type, r.entity_id, r.operation, r.changes,
                   ARRAY(SELECT path FROM place WHERE id = tx.community_id)
              FROM tx, (SELECT 0 AS n, 'MoralBankTransaction' AS entity_type, (SELECT id::text FROM tx) AS entity_id, 'create' AS operation,
                               jsonb_build_object('kind', jsonb_build_object('before', NULL, 'after', 'transfer'),
                                                  'minutes', jsonb_build_object('before', NULL, 'after', $3::int),
                                                  'memo', jsonb_build_object('before', NULL, 'after', NULL),
                                                  'legs', jsonb_build_object('before', NULL, 'after', jsonb_build_array(
                                                    jsonb_build_object('accountId', $1::uuid, 'amount', -$3::int),
                                                    jsonb_build_object('accountId', $2::uuid, 'amount', $3::int))),
                                                  'idempotencyKey', jsonb_build_object('before', NULL, 'after', $4::text)) AS changes
                      UNION ALL
                      SELECT row_number() OVER (ORDER BY l.id), 'MoralBankAccount', l.id::text, 'update',
                             jsonb_build_object('balance', jsonb_build_object('before', l.balance,
                                                'after', l.balance + CASE WHEN l.id = $1::uuid THEN -$3::int ELSE $3::int END))
                        FROM locked l) r
             ORDER BY r.n)
SELECT id FROM tx`;

async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/** A refusal the database made (a lost race, an illegal move, an overdraft): 409 with a code. */
class Refused extends Error {}

async function write(pathname, body) {
  switch (pathname) {
    case '/requests': {
      const [row] = (await pool.query({ name: 'submit', text: SUBMIT_SQL, values: [body.placeId, body.requesterId, body.title] })).rows;
      if (!row) throw new Refused('NOT_FOUND');
      return { id: row.id };
    }
    case '/requests/transition': {
      const from = FROM[body.to];
      if (!from) throw new Refused('ILLEGAL_TRANSITION');
      const action = body.to === 'claimed' || body.to === 'assigned' ? body.to : 'status';
      const values = [body.id, body.to, from, body.assigneeId ?? null, action, EVENT[body.to] ?? 'request.status-changed'];
      const [row] = (await pool.query({ name: 'transition', text: TRANSITION_SQL, values })).rows;
      if (!row) throw new Refused('ILLEGAL_TRANSITION');
      return { status: row.status };
    }
    case '/transfers': {
      const values = [body.fromAccountId, body.toAccountId, body.minutes, body.idempotencyKey, body.actorId];
      try {
        const [row] = (await pool.query({ name: 'transfer', text: TRANSFER_SQL, values })).rows;
        if (!row) throw new Refused('DUPLICATE');
        return { id: row.id };
      } catch (err) {
        if (err?.constraint === 'account_balance_floor') throw new Refused('INSUFFICIENT_BALANCE');
        throw err;
      }
    }
    default:
      return undefined;
  }
}

async function answer(url) {
  const q = url.searchParams;
  switch (url.pathname) {
    case '/board': {
      const ids = pathIds(q.get('path'));
      const depth = ids.length - 1;
      const limit = Math.trunc(Number(q.get('limit') ?? 50));
      if (!(limit > 0 && limit <= 100)) throw new Error(`limit must be 1 to 100, not ${q.get('limit')}`);
      return boardAnswer(await boardRows(ids.at(-1), depth, limit));
    }
    case '/person': {
      // `under`: asked as a key that sees that subtree only.
      const under = q.get('under');
      const asked = under
        ? { name: 'personScoped', text: PERSON_SCOPED_SQL, values: [q.get('id'), under] }
        : { name: 'person', text: PERSON_SQL, values: [q.get('id')] };
      return (await pool.query(asked)).rows[0]?.data ?? { person: null };
    }
    case '/search':
      return search(q.get('text') ?? '');
    case '/stats':
      return (await pool.query({ name: 'stats', text: STATS_SQL, values: [pathIds(q.get('path')).at(-1)] })).rows[0].data;
    default:
      return undefined;
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  (req.method === 'POST' ? readJson(req).then((body) => write(url.pathname, body)) : answer(url)).then(
    (data) => {
      if (data === undefined) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.stringify({ data });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
    },
    (err) => {
      if (err instanceof Refused) {
        res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ error: err.message }));
        return;
      }
      console.error(err);
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err?.message ?? err));
    },
  );
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
