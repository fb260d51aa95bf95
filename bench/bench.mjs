#!/usr/bin/env node
// `pnpm bench`: the benchmark suite (see bench/README.md). Not a test: it measures.
//
//   pnpm bench                 default size (Fangzhuang: seed --scale 1), 10 s per workload
//   pnpm bench --size 10       10× the data
//   pnpm bench --quick         scale 0.05, 2 s per workload, fan-out small (the CI smoke run)
//   options: --against DIR (another built checkout's gateway, alternated with this one's on every read and write workload; --rounds N)
//   --pg-stats (the embedded server loads pg_stat_statements; each phase reports its dearest statements: calls and plans per request, time)
//   --pg-scheduling normal (the embedded server's processes scheduled as any process, not as batch work: the comparison of bench/README.md)
//   --profile (V8 CPU profile of the gateway into bench/results)  --seconds S  --concurrency C (readers, default 20)  --writers W (default 50)  --no-fanout --no-start --no-reads --no-writes --reads board,personCard,personCardScoped,subtreeReport,search
//   --start-runs N (rounds of the three starts, first, cold and warm; their medians are reported; default 3, 1 with --quick)
//
// 1. a fresh database on a throw-away embedded PostgreSQL (or a new database on DATABASE_URL's server),
// 2. `gongzhi seed --scale N`, benchmark fixtures (roles, a volunteer team, 1,000 moral-bank accounts),
//    and `gongzhi api-key create --permissions '*'`, all through the CLI or the composed platform,
// 3. `gongzhi start` as its own process (NODE_ENV=production, LOG_LEVEL=info, log in bench/results),
//    and the hand-written baseline (bench/baseline-server.mjs) as another,
// 4. closed-loop load from this process (keep-alive node:http clients), workload by workload,
// 5. a table on stdout and bench/results/latest.json.
import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { databaseCpuUs, postmasterOf } from './database-cpu.mjs';
import { BOARD_QUERY, PERSON_QUERY, SEARCH_QUERY, SEARCH_WORDS } from './queries.mjs';
import { RESULTS } from './results-dir.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages/gateway/dist/cli.js');
const core = await import(path.join(root, 'packages/core/dist/index.js'));
const testing = await import(path.join(root, 'packages/core/dist/testing/index.js'));
const gatewayLib = await import(path.join(root, 'packages/gateway/dist/gateway.js'));
const { loadConfig, DEFAULT_PLUGINS } = await import(path.join(root, 'packages/gateway/dist/config.js'));
const requireCore = createRequire(path.join(root, 'packages/core/package.json'));
const { graphql } = await import(requireCore.resolve('graphql'));
const { default: pg } = await import(requireCore.resolve('pg'));
const moralBankAccounts = await import(path.join(root, 'packages/plugin-moral-bank/dist/account/account.commands.js'));
const ledger = await import(path.join(root, 'packages/plugin-moral-bank/dist/transaction/ledger.js'));

const { values: opts } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    size: { type: 'string' },
    scale: { type: 'string' },
    seconds: { type: 'string' },
    concurrency: { type: 'string' },
    writers: { type: 'string' },
    accounts: { type: 'string' },
    'no-fanout': { type: 'boolean', default: false },
    'no-start': { type: 'boolean', default: false },
    'start-runs': { type: 'string' },
    'no-reads': { type: 'boolean', default: false },
    'no-writes': { type: 'boolean', default: false },
    reads: { type: 'string' },
    memory: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    'pg-stats': { type: 'boolean', default: false },
    'pg-scheduling': { type: 'string' },
    keep: { type: 'boolean', default: false },
    against: { type: 'string' },
    rounds: { type: 'string' },
    out: { type: 'string' },
  },
});
const QUICK = opts.quick;
const SCALE = Number(opts.scale ?? (opts.size ? Number(opts.size) : QUICK ? 0.05 : 1));
const SECONDS = Number(opts.seconds ?? (QUICK ? 1.5 : 10));
const READERS = Number(opts.concurrency ?? 20);
const WRITERS = Number(opts.writers ?? 50);
const ACCOUNTS = Number(opts.accounts ?? (QUICK ? 200 : 1000));
const START_RUNS = Number(opts['start-runs'] ?? (QUICK ? 1 : 3));
if (!(Number.isInteger(START_RUNS) && START_RUNS >= 1))
  throw new Error(`--start-runs must be a whole number from 1, not ${opts['start-runs']}`);
/** Past transfers per bench account in the ledger before the runs (see `prepare`). */
const HISTORY = 10;
const JWT_SECRET = `bench-${randomUUID()}-${randomUUID()}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** What the embedded server is started with under --pg-stats: pg_stat_statements, planning counted. */
const PG_STATS_SETTINGS = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
  'pg_stat_statements.track_planning': 'on',
};
/** Under --pg-stats, `drive` resets pg_stat_statements at the end of a phase's warm-up and reads it at its end. */
let statementStats = null;

const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---------------------------------------------------------------- processes

function runCli(args, env) {
  return promisify(execFile)(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, cwd: root, maxBuffer: 1 << 24 }).then(
    (r) => r.stdout.trim(),
  );
}

/** Peak resident set (VmHWM, kB → MB) of a process, from /proc. */
function peakRssMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) a process has used, in ms, from /proc (null elsewhere): per request it
 * is the steadier number on a shared machine, where throughput depends on what else runs.
 */
function cpuMs(pid) {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * `--against`: one workload driven on two gateways in alternating slices (`--rounds`, 6 by
 * default, of `--seconds` ÷ 2 each, the first of each pair alternating too); prints and answers
 * each gateway's req/s, its CPU and the database's per request, slice by slice and their medians.
 * `op(gateway)` makes a slice's operation (a write workload's clients start each slice afresh).
 */
async function alternate(key, [mine, theirs], { clients, op }) {
  const rounds = Number(opts.rounds ?? 6);
  const seconds = Math.max(1, SECONDS / 2);
  const slices = { this: [], against: [] };
  const slice = (who, label, sliceSeconds) => {
    const gw = who === 'this' ? mine : theirs;
    return drive(`${key} (${who}, ${label})`, { clients, seconds: sliceSeconds, warmupMs: 500, pid: gw.child.pid, op: op(gw) });
  };
  // This checkout's gateway has just run the workload; the other one warms up as long, unmeasured.
  await slice('against', 'warm-up', SECONDS);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? ['against', 'this'] : ['this', 'against'];
    for (const who of order) slices[who].push(await slice(who, `round ${r + 1}`, seconds));
  }
  // Medians: a slice that met one of the VM's pauses moves a mean, not a median.
  const total = (runs) => ({
    requestsPerSecond: Math.round(median(runs.map((run) => run.requestsPerSecond))),
    cpuMsPerRequest: +median(runs.map((run) => run.cpuMsPerRequest ?? 0)).toFixed(3),
    databaseCpuMsPerRequest: +median(runs.map((run) => run.databaseCpuMsPerRequest ?? 0)).toFixed(3),
    slices: runs.map((run) => [run.requestsPerSecond, run.cpuMsPerRequest, run.databaseCpuMsPerRequest]),
  });
  const answer = { checkout: path.resolve(opts.against), this: total(slices.this), against: total(slices.against) };
  log(
    `${key}, alternating (medians of ${rounds} slices): this ${answer.this.requestsPerSecond} req/s at ${answer.this.cpuMsPerRequest} ms CPU ` +
      `(database ${answer.this.databaseCpuMsPerRequest}), against ${answer.against.requestsPerSecond} req/s at ` +
      `${answer.against.cpuMsPerRequest} ms CPU (database ${answer.against.databaseCpuMsPerRequest})`,
  );
  return answer;
}

/** Process id of the database server's postmaster (set once the database is up; null without /proc). */
let postmasterPid = null;

/** Starts `gongzhi start` of this checkout, or of `checkout` (another one, built: `--against`). */
async function startGateway(env, logName, nodeArgs = [], checkout = root) {
  const port = await core.freePort();
  // The four plugins with their scheduled writes off: the grid's escalation, the council's
  // overdue round and meeting reminders, and the volunteers' shift reminders. Every seeded request lies in the past, so the escalation would escalate the
  // backlog 500 a minute, in bursts landing on whichever phase runs (the gateway's or the
  // baseline's), and its locks could deadlock the write baseline on a durable server. A
  // deployment's job escalates a trickle; the bench measures requests served.
  const configFile = path.join(tmp, 'gongzhi.config.json');
  await writeFile(
    configFile,
    JSON.stringify({
      plugins: DEFAULT_PLUGINS.map((name) =>
        name === '@gongzhi/plugin-grid'
          ? { name, options: { escalationIntervalMs: 0 } }
          : name === '@gongzhi/plugin-council'
            ? { name, options: { overdueCheckIntervalMs: 0, meetingReminderMinutes: 0 } }
            : name === '@gongzhi/plugin-volunteer'
              ? { name, options: { shiftReminderMinutes: 0 } }
              : name === '@gongzhi/plugin-moral-bank'
                ? { name, options: { priorityAllocationHours: 0 } }
                : name,
      ),
    }),
  );
  const logFile = createWriteStream(path.join(RESULTS, logName));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, path.join(checkout, 'packages/gateway/dist/cli.js'), 'start'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      GONGZHI_JWT_SECRET: JWT_SECRET,
      GONGZHI_RATE_LIMIT: '1000000',
      GONGZHI_CONFIG: configFile,
      PORT: String(port),
      // pnpm's `node` wrapper points NODE_PATH at its checkout's packages: another checkout's own.
      ...(checkout === root ? {} : { NODE_PATH: path.join(checkout, 'node_modules/.pnpm/node_modules') }),
      ...env,
    },
    cwd: checkout,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  let exited = null;
  child.once('exit', (code) => (exited = code));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    if (exited !== null) {
      // The log's end goes into the error: a smoke run's folder is gone by the time anybody reads it.
      await sleep(200); // what the process wrote last reaches the file
      const tail = readFileSync(path.join(RESULTS, logName), 'utf8').trimEnd().split('\n').slice(-5).join('\n');
      throw new Error(`gateway exited with ${exited}; see ${path.join(RESULTS, logName)}, which ends:\n${tail}`);
    }
    // The first answered query, not just readiness.
    const ok = await post(url, '/graphql', { query: '{ coreVersion }' }, {}).then(
      (r) => r.status === 200 && r.body.includes('coreVersion'),
      () => false,
    );
    if (ok) return { url, child, startMs: Math.round(performance.now() - t0) };
    await sleep(50);
  }
  throw new Error('gateway did not answer within 60 s');
}

async function stopProcess(child) {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  // A gateway stops its embedded PostgreSQL before it exits; killed sooner, it could leave that
  // server holding the data folder the next start (warm) takes. Slow on a loaded machine.
  await Promise.race([once(child, 'exit'), sleep(30_000).then(() => child.kill('SIGKILL'))]);
}

async function startBaseline(databaseUrl) {
  const child = spawn(process.execPath, [path.join(root, 'bench/baseline-server.mjs')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = await once(child.stdout, 'data');
  const port = Number(/listening (\d+)/.exec(String(line))?.[1]);
  return { url: `http://127.0.0.1:${port}`, child };
}

// ---------------------------------------------------------------- load generation

const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

/** One HTTP request on the keep-alive agent; resolves with status and body text. */
function request(base, method, pathname, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(pathname, base);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      {
        agent,
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...headers },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
const post = (base, pathname, body, headers) => request(base, 'POST', pathname, body, headers);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2);
}

/**
 * Closed loop: `clients` workers each send `op(i, worker)` back to back for `seconds`
 * (after a short warm-up). `op` resolves to how many operations it did and whether they failed.
 */
async function drive(name, { clients, seconds, op, warmupMs = QUICK ? 200 : 1500, pid }) {
  const warmEnd = Date.now() + warmupMs;
  const end = warmEnd + seconds * 1000;
  const latencies = [];
  let ops = 0;
  let errors = 0;
  let firstError = null;
  let seq = 0;
  const worker = async (w) => {
    while (Date.now() < end) {
      const i = seq++;
      const t = performance.now();
      let result;
      try {
        result = await op(i, w);
      } catch (err) {
        result = { ok: false, error: String(err?.message ?? err) };
      }
      const now = Date.now();
      if (now < warmEnd) continue;
      latencies.push(performance.now() - t);
      ops += result.count ?? 1;
      if (!result.ok) {
        errors++;
        firstError ??= result.error;
      }
    }
  };
  const t0 = Date.now();
  // The server's CPU over the measured part only (from the end of the warm-up).
  let cpuAtWarmEnd = null;
  let dbCpuAtWarmEnd = null;
  let statsReset = null;
  const warmTimer = pid
    ? setTimeout(
        () => {
          cpuAtWarmEnd = cpuMs(pid);
          dbCpuAtWarmEnd = postmasterPid && databaseCpuUs(postmasterPid) / 1000;
          statsReset = statementStats?.reset();
        },
        Math.max(0, warmEnd - t0),
      )
    : null;
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  clearTimeout(warmTimer);
  const cpuAtEnd = pid ? cpuMs(pid) : null;
  const dbCpuAtEnd = pid && postmasterPid ? databaseCpuUs(postmasterPid) / 1000 : null;
  const elapsed = (Date.now() - Math.max(t0, warmEnd)) / 1000;
  latencies.sort((a, b) => a - b);
  const result = {
    workload: name,
    clients,
    requests: latencies.length,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    opsPerSecond: Math.round(ops / elapsed),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
    ...(firstError ? { firstError: firstError.slice(0, 300) } : {}),
    peakRssMb: pid ? peakRssMb(pid) : null,
    cpuMsPerRequest:
      cpuAtWarmEnd !== null && cpuAtEnd !== null && latencies.length ? +((cpuAtEnd - cpuAtWarmEnd) / latencies.length).toFixed(2) : null,
    // What the request cost PostgreSQL: with two cores shared, the database's CPU is the other half of the budget.
    databaseCpuMsPerRequest:
      dbCpuAtWarmEnd != null && dbCpuAtEnd !== null && latencies.length
        ? +((dbCpuAtEnd - dbCpuAtWarmEnd) / latencies.length).toFixed(2)
        : null,
  };
  if (statsReset) {
    await statsReset;
    result.statements = await statementStats.top(latencies.length);
    result.seqScans = await statementStats.seqScans(latencies.length);
  }
  log(
    `${name}: ${result.requestsPerSecond} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${errors}` +
      (result.cpuMsPerRequest !== null ? `, server CPU ${result.cpuMsPerRequest} ms/req` : '') +
      (result.databaseCpuMsPerRequest !== null ? `, database CPU ${result.databaseCpuMsPerRequest} ms/req` : '') +
      (result.statements ? `\n${statementTable(result.statements)}` : '') +
      (result.seqScans?.length
        ? `\n    sequential scans: ${result.seqScans.map((s) => `${s.table} ${s.scansPerRequest}/req (${s.rowsPerScan} rows each)`).join(', ')}`
        : ''),
  );
  return result;
}

/** A GraphQL operation through the gateway; ok unless HTTP fails or the answer carries errors. */
async function gql(url, auth, query, variables) {
  const res = await post(url, '/graphql', { query, variables }, { authorization: `Bearer ${auth}` });
  const ok = res.status === 200 && !res.body.includes('"errors":[{');
  return { ok, body: res.body, error: ok ? undefined : res.body.slice(0, 300) };
}

/** A read workload's operation for `drive`: the JSON `body` posted to the gateway at `url`, as `credential`. */
function readOperation(url, body, credential) {
  return async () => {
    const res = await post(url, '/graphql', body, { authorization: `Bearer ${credential}` });
    const ok = res.status === 200 && !res.body.includes('"errors":[{');
    return { ok, error: ok ? undefined : res.body };
  };
}

// ---------------------------------------------------------------- workloads' questions

const TRANSITION_MUTATION = `mutation ($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { request { status } errors { code message } } }`;
const TRANSFER_MUTATION = `mutation ($i: MoralBankTransferInput!) { transferMoralBankMinutes(input: $i) { transaction { id } errors { code } } }`;

const STATS_QUERY = `query Report($under: ID!) {
  requestStats(under: $under) { total byStatus { status count } byLevel { level count } }
}`;

// ---------------------------------------------------------------- setup

/** Fixtures the scale generator does not make: assignees, roles, a volunteer team, moral-bank accounts with credit. */
async function prepare(databaseUrl, apiKey) {
  const config = loadConfig({ ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
  const logger = core.silentLogger();
  // A LISTEN connection as the gateway has: board notices and which events webhooks want cost what they cost there.
  const listener = new core.NotificationListener(databaseUrl, logger);
  const platform = await gatewayLib.composePlatform(config, databaseUrl, logger, { migrate: false, listener });
  const sys = async (query, variables) => {
    const r = await graphql({
      schema: platform.schema,
      source: query,
      variableValues: variables,
      contextValue: platform.createContext(core.SYSTEM_CALLER),
    });
    if (r.errors?.length) throw new Error(`setup: ${r.errors.map((e) => e.message).join('; ')}`);
    return r.data;
  };
  const em = platform.orm.em.fork();
  const conn = em.getConnection();
  const q = (text, params = []) => conn.execute(text, params);
  const rootCode = `SCALE-${SCALE}`;
  const [sub] = await q(`SELECT id, path FROM place WHERE code = ?`, [`${rootCode}-S`]);
  const [community] = await q(`SELECT id, path, name, depth FROM place WHERE type = 'community' AND path LIKE ? ORDER BY code LIMIT 1`, [
    `${sub.path}%`,
  ]);
  // Open requests that have been claimed need an assignee: a resident of the same household (cheap, realistic enough).
  await q(
    `UPDATE request SET assignee_id = requester_id WHERE status IN ('claimed', 'in_progress', 'resolved', 'closed') AND assignee_id IS NULL AND place_path LIKE ?`,
    [`${community.path}%`],
  );
  // People of the community: the person card's subject, write actors and account holders.
  const people = await q(
    `SELECT p.id, p.name FROM person p JOIN place h ON h.id = p.household_id WHERE h.path LIKE ? ORDER BY p.id LIMIT ?`,
    [`${community.path}%`, ACCOUNTS + 1],
  );
  const subject = people[0];
  const subjectId = core.toGlobalId('Person', subject.id);
  const communityId = core.toGlobalId('Place', community.id);
  await sys(
    `mutation ($p: ID!, $c: ID!) { a: assignRole(personId: $p, placeId: $c, role: VOLUNTEER, startsOn: "2024-03-01") { role { id } errors { code message field } } b: assignRole(personId: $p, placeId: $c, role: BUILDING_HEAD, startsOn: "2025-01-01") { role { id } errors { code message field } } }`,
    { p: subjectId, c: communityId },
  );
  // A volunteer team with the subject as a member (SQL: creating teams needs a signed-in leader, which the setup is not).
  await q(
    `WITH t AS (INSERT INTO volunteer.team (id, name, home_place_id, home_place_path) VALUES (gen_random_uuid(), '压测志愿服务队', ?, ?) RETURNING id)
           INSERT INTO volunteer.team_member (id, team_id, person_id, joined_on, skills) SELECT gen_random_uuid(), t.id, ?, '2024-03-01', '{理发,助老}' FROM t`,
    [community.id, community.path, subject.id],
  );
  // Moral-bank accounts for ACCOUNTS residents, each credited 100,000 minutes by the community's bank in one balanced transaction.
  const holders = people.slice(0, ACCOUNTS);
  const accountIds = [];
  await q(
    `INSERT INTO person_role (id, person_id, place_id, role, starts_on) SELECT gen_random_uuid(), unnest(string_to_array(?, ',')::uuid[]), ?, 'resident', '2020-01-01'`,
    [holders.map((p) => p.id).join(','), community.id],
  );
  await em.transactional(async (tx) => {
    const bank = await moralBankAccounts.ensureAccount(tx, community.id, { kind: 'bank', name: `${community.name}道德银行` });
    for (const p of holders)
      accountIds.push((await moralBankAccounts.ensureAccount(tx, community.id, { kind: 'person', id: p.id, name: p.name })).id);
    const credit = 100_000;
    await ledger.recordTransaction(tx, {
      communityId: community.id,
      kind: 'gift',
      legs: [{ accountId: bank.id, amount: -credit * holders.length }, ...accountIds.map((id) => ({ accountId: id, amount: credit }))],
      occurredAt: new Date(),
      memo: 'bench credit',
      actorId: subject.id,
    });
  });
  // A district's time bank has a past: HISTORY transfers per account between these accounts, in SQL
  // (as a district's months of use would leave them), then fresh statistics. Without it the ledger
  // starts at one transaction on one page: whichever server's connections first check an entry's
  // foreign key plan that check as a scan of the table and keep the plan while the runs grow the
  // table by thousands, until an ANALYZE (bench/README.md, "A ledger with a past"). The same trap
  // would catch the past's own entries (20,000 checks, each scanning the new transactions: past the
  // statement timeout in a slow hour), so the transactions go first and are analysed before their
  // entries, in one database transaction (the ledger is balanced at its commit). Both statements
  // derive the same rows from the series (a transaction's id from its number and this run's salt).
  const past = `SELECT md5(?::text || g)::uuid AS id, 1 + g % 5 AS minutes, now() - g * interval '1 minute' AS at,
                       a[1 + g % n] AS from_id, a[1 + (g % n + 1 + (g / n) % (n - 1)) % n] AS to_id
                  FROM (SELECT ?::uuid[] AS a, ?::int AS n) accounts, generate_series(0, ? - 1) g`;
  const pastParams = [randomUUID(), `{${accountIds.join(',')}}`, accountIds.length, HISTORY * accountIds.length];
  await em.transactional(async (tx) => {
    await tx.execute(
      `INSERT INTO moral_bank.ledger_transaction (id, community_id, kind, minutes, actor_id, occurred_at, memo)
       SELECT id, ?, 'transfer', minutes, ?, at, '往来' FROM (${past}) past`,
      [community.id, subject.id, ...pastParams],
    );
    await tx.execute('ANALYZE moral_bank.ledger_transaction');
    await tx.execute(
      `INSERT INTO moral_bank.entry (transaction_id, account_id, amount, occurred_at)
       SELECT id, from_id, -minutes, at FROM (${past}) past UNION ALL SELECT id, to_id, minutes, at FROM (${past}) past`,
      [...pastParams, ...pastParams],
    );
  });
  await q('ANALYZE moral_bank.ledger_transaction, moral_bank.entry, moral_bank.account');
  const tokens = await Promise.all(holders.map((p) => core.signPersonToken(p.id, { secret: JWT_SECRET })));
  // Counted the way the gateway runs a request: authenticate the API key (core's authenticator), then execute as that caller.
  const authenticate = core.createAuthenticator(() => platform.orm.em.fork(), { secret: JWT_SECRET });
  const statementsPer = async (query, variables, credential = apiKey) => {
    const connection = platform.orm.em.getConnection();
    const original = connection.execute;
    let n = 0;
    connection.execute = function (...args) {
      n++;
      return original.apply(this, args);
    };
    // Reads of one turn sent together (core's executeRead) count one statement each.
    const together = ({ statements }) => {
      n += statements;
    };
    core.readBatchChannel.subscribe(together);
    // Prepared statements (core's executePrepared) bypass connection.execute: one statement each.
    core.preparedStatementChannel.subscribe(together);
    let trips;
    try {
      // Round trips on the wire (COMMIT included; what goes pipelined is one).
      trips = await testing.countRoundTrips(platform, async () => {
        const caller = await authenticate(`Bearer ${credential}`);
        const r = await graphql({
          schema: platform.schema,
          source: query,
          variableValues: variables,
          contextValue: platform.createContext(caller),
        });
        if (r.errors?.length) throw new Error(`statement count: ${r.errors.map((e) => e.message).join('; ')}`);
      });
      await sleep(50); // the authenticator's best-effort last_used_at update is not awaited
    } finally {
      connection.execute = original;
      core.readBatchChannel.unsubscribe(together);
      core.preparedStatementChannel.unsubscribe(together);
    }
    tripsInOrder.push(trips);
    return n;
  };
  const tripsInOrder = [];
  await authenticate(`Bearer ${apiKey}`); // its first use records last_used_at (once a minute), not counted against a workload
  await sleep(50);
  const statements = {
    board: await statementsPer(BOARD_QUERY, { under: communityId }),
    personCard: await statementsPer(PERSON_QUERY, { id: subjectId }),
    subtreeReport: await statementsPer(STATS_QUERY, { under: core.toGlobalId('Place', sub.id) }),
  };
  // A write of each kind, counted the same way (the credential's first use is not counted).
  const [household] = await q(`SELECT id FROM place WHERE type = 'household' AND path LIKE ? ORDER BY id LIMIT 1`, [`${community.path}%`]);
  const submitted = await sys(
    `mutation ($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } errors { code message } } }`,
    { i: { kind: 'NEED', channel: 'PHONE', title: '压测计数', placeId: core.toGlobalId('Place', household.id), requesterId: subjectId } },
  );
  statements.requestWrites = await statementsPer(TRANSITION_MUTATION, { id: submitted.submitRequest.request.id, to: 'ACCEPTED' });
  await authenticate(`Bearer ${tokens[0]}`);
  statements.transfers = await statementsPer(
    TRANSFER_MUTATION,
    {
      i: {
        fromAccountId: core.toGlobalId('MoralBankAccount', accountIds[0]),
        toAccountId: core.toGlobalId('MoralBankAccount', accountIds[1]),
        minutes: 1,
        idempotencyKey: `bench-count-${randomUUID()}`,
      },
    },
    tokens[0],
  );
  // The board's main statement as the gateway sends it (the ancestor at the community's depth, literal statuses).
  // The card asked as a key that sees the community only (a district app's key, as most are): the place rules check it.
  const { secret: scopedKey } = await em
    .fork()
    .transactional((tx) => core.createApiKey(tx, { name: 'bench-community', placeIds: [community.id], permissions: ['*'] }));
  await authenticate(`Bearer ${scopedKey}`);
  await sleep(50);
  statements.personCardScoped = await statementsPer(PERSON_QUERY, { id: subjectId }, scopedKey);
  // A rare word with the key that sees everywhere, once PostgreSQL's statistics of the pieces exist (as
  // autovacuum leaves them): they tell it rare, so the page is read by the index without a count first.
  await q('ANALYZE request_search');
  // The first search of a process reads those statistics (kept for ten minutes): not counted against the workload.
  await statementsPer(SEARCH_QUERY, { text: SEARCH_WORDS[0] });
  tripsInOrder.pop();
  statements.search = await statementsPer(SEARCH_QUERY, { text: SEARCH_WORDS[0] });
  const [boardExplain] = [
    await q(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM request WHERE split_part(place_path, '/', ${community.depth + 2}) = (SELECT ?::text) AND status IN ('submitted','accepted','claimed','in_progress') ORDER BY created_at DESC, id DESC LIMIT 51`,
      [community.id],
    ),
  ];
  await platform.close();
  await listener.close();
  return {
    community,
    communityId,
    sub,
    subId: core.toGlobalId('Place', sub.id),
    subject,
    subjectId,
    people,
    accounts: accountIds.map((id, i) => ({
      id: core.toGlobalId('MoralBankAccount', id),
      uuid: id,
      personId: holders[i].id,
      token: tokens[i],
    })),
    statements,
    scopedKey,
    // Round trips to PostgreSQL per request on the wire (what goes together is one; COMMIT counts), in the order counted above.
    roundTrips: Object.fromEntries(
      ['board', 'personCard', 'subtreeReport', 'requestWrites', 'transfers', 'personCardScoped', 'search'].map((k, i) => [
        k,
        tripsInOrder[i],
      ]),
    ),
    boardExplain: boardExplain.map((r) => r['QUERY PLAN']).join('\n'),
  };
}

// ---------------------------------------------------------------- main

await mkdir(RESULTS, { recursive: true });
const startedAt = new Date();
const tmp = await mkdtemp(path.join(tmpdir(), 'gongzhi-bench-'));
let server;
let database;
const children = [];
// A bench that dies (an exception, a closed output pipe, Ctrl-C) stops the servers it started; its
// database server has a watchdog of its own (startTestDatabaseServer). A normal end stops them below.
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  rmSync(tmp, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(signal, () => process.exit(130));
const results = {
  startedAt: startedAt.toISOString(),
  options: { quick: QUICK, scale: SCALE, seconds: SECONDS, readers: READERS, writers: WRITERS, accounts: ACCOUNTS },
  machine: { nproc: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  workloads: {},
  mismatches: [],
};
try {
  server = await testing.startTestDatabaseServer({
    ...(opts['pg-stats'] ? { settings: PG_STATS_SETTINGS } : {}),
    ...(opts['pg-scheduling'] ? { scheduling: opts['pg-scheduling'] } : {}),
  });
  process.env[testing.TEST_SERVER_ENV] = server.url;
  database = await testing.createTestDatabase();
  const databaseUrl = database.url;
  if (opts['pg-stats']) statementStats = await openStatementStats(databaseUrl);
  postmasterPid = await (async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return postmasterOf((await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid);
    } finally {
      await client.end();
    }
  })();
  // Batch by default for the embedded server (core's batchLauncher); whatever DATABASE_URL's server runs as otherwise.
  results.machine.databaseScheduling = postmasterPid && testing.schedulingOf(postmasterPid);
  log(`database ready (its processes scheduled as ${results.machine.databaseScheduling ?? 'unknown'}); seeding scale ${SCALE}`);
  let t = performance.now();
  // The generator's statements run longer than the default statement timeout (10 s) at scale 1.
  log(await runCli(['seed', '--scale', String(SCALE)], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }));
  results.seedSeconds = +((performance.now() - t) / 1000).toFixed(1);
  await runCli(['seed'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }); // plugins' demo data (venues, rates), as a real district has
  const apiKey = (
    await runCli(['api-key', 'create', '--name', 'bench', '--permissions', '*'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' })
  )
    .split('\n')
    .at(-1)
    .trim();
  // Statistics as autovacuum would gather them after the bulk load (the planner needs them to use the board indexes well).
  await q2(databaseUrl, 'ANALYZE');
  const fx = await prepare(databaseUrl, apiKey);
  log(`fixtures ready; statements per request ${JSON.stringify(fx.statements)}, round trips ${JSON.stringify(fx.roundTrips)}`);
  // --keep (with DATABASE_URL): what a profiling script needs to ask the same questions again.
  if (opts.keep) {
    const kept = {
      databaseUrl,
      apiKey,
      communityId: fx.communityId,
      subjectId: fx.subjectId,
      subId: fx.subId,
      queries: { BOARD_QUERY, PERSON_QUERY, STATS_QUERY },
    };
    await writeFile(path.join(RESULTS, 'kept.json'), JSON.stringify(kept, null, 2));
    log(`--keep: the database stays; ${path.join(RESULTS, 'kept.json')} says how to reach it`);
  }

  // --profile: a V8 CPU profile of the gateway under all load workloads (summarise with bench/profile-summary.mjs),
  // started from the modules rather than the server bundle, so that the profile names each function's package.
  // --memory: bench/memory-probe.mjs in the gateway, which splits its peak RSS into heap spaces and native memory.
  const memoryOut = path.join(RESULTS, 'memory.json');
  const gw = await startGateway(
    {
      DATABASE_URL: databaseUrl,
      ...(opts.memory ? { BENCH_MEMORY_PROBE_OUT: memoryOut } : {}),
      ...(opts.profile ? { GONGZHI_BUNDLE: 'off' } : {}),
    },
    'gateway.log',
    [
      ...(opts.memory ? [`--import=${pathToFileURL(path.join(root, 'bench/memory-probe.mjs')).href}`] : []),
      ...(opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS}`] : []),
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
  );
  children.push(gw.child);
  const base = await startBaseline(databaseUrl);
  children.push(base.child);
  const pid = gw.child.pid;
  // --against DIR: the gateway of another checkout (installed and built, same migrations) on the
  // same database. Each workload then alternates short slices between the two gateways, so
  // the machine's drift, which on a shared VM is larger than most changes, falls on both alike.
  const other = opts.against
    ? await startGateway({ DATABASE_URL: databaseUrl }, 'gateway-against.log', [], path.resolve(opts.against))
    : null;
  if (other) children.push(other.child);

  // ---- reads, each against its baseline, after a byte-identity check
  const reads = [
    {
      key: 'board',
      query: BOARD_QUERY,
      variables: { under: fx.communityId },
      baseline: `/board?path=${encodeURIComponent(fx.community.path)}&limit=50`,
    },
    { key: 'personCard', query: PERSON_QUERY, variables: { id: fx.subjectId }, baseline: `/person?id=${fx.subject.id}` },
    {
      key: 'personCardScoped',
      query: PERSON_QUERY,
      variables: { id: fx.subjectId },
      credential: fx.scopedKey,
      baseline: `/person?id=${fx.subject.id}&under=${encodeURIComponent(fx.community.path)}`,
    },
    {
      key: 'subtreeReport',
      query: STATS_QUERY,
      variables: { under: fx.subId },
      baseline: `/stats?path=${encodeURIComponent(fx.sub.path)}`,
    },
    // Each operation asks the next of the words in turn (rare, absent, common: bench/queries.mjs).
    {
      key: 'search',
      query: SEARCH_QUERY,
      variants: SEARCH_WORDS.map((text) => ({ variables: { text }, baseline: `/search?text=${encodeURIComponent(text)}` })),
    },
  ];
  // --reads board,personCard: only these read workloads (to profile one alone).
  const chosen = opts.reads ? new Set(opts.reads.split(',')) : null;
  for (const w of opts['no-reads'] ? [] : reads.filter((r) => !chosen || chosen.has(r.key))) {
    const credential = w.credential ?? apiKey;
    const variants = w.variants ?? [{ variables: w.variables, baseline: w.baseline }];
    let identical = true;
    let responseBytes = 0;
    for (const v of variants) {
      const g = await gql(gw.url, credential, w.query, v.variables);
      const b = await request(base.url, 'GET', v.baseline);
      responseBytes ||= Buffer.byteLength(g.body);
      if (g.body.trimEnd() === b.body.trimEnd()) continue;
      identical = false;
      console.error(`\n!!!!!!!! MISMATCH in ${w.key}: the gateway and the baseline answered differently !!!!!!!!`);
      console.error(`gateway : ${g.body.slice(0, 600)}\nbaseline: ${b.body.slice(0, 600)}\n`);
    }
    if (!identical) results.mismatches.push(w.key);
    const bodies = variants.map((v) => JSON.stringify({ query: w.query, variables: v.variables }));
    /** The i-th operation asks the i-th variant, in turn. */
    const inTurn = (ops) => (i) => ops[i % ops.length]();
    const gatewayOp = (url) => inTurn(bodies.map((body) => readOperation(url, body, credential)));
    const gateway = await drive(`${w.key} (gateway)`, {
      clients: READERS,
      seconds: SECONDS,
      pid,
      op: gatewayOp(gw.url),
    });
    const baseline = await drive(`${w.key} (baseline)`, {
      clients: READERS,
      seconds: SECONDS,
      pid: base.child.pid,
      op: inTurn(
        variants.map((v) => async () => {
          const r = await request(base.url, 'GET', v.baseline);
          return { ok: r.status === 200, error: r.body };
        }),
      ),
    });
    const against = other && (await alternate(w.key, [gw, other], { clients: READERS, op: (g) => gatewayOp(g.url) }));
    results.workloads[w.key] = {
      ...(against ? { against } : {}),
      identicalToBaseline: identical,
      responseBytes,
      statementsPerRequest: fx.statements[w.key],
      roundTripsPerRequest: fx.roundTrips[w.key],
      gateway,
      baseline,
      ratio: {
        throughput: +(gateway.requestsPerSecond / baseline.requestsPerSecond).toFixed(2),
        p50: +(gateway.p50 / baseline.p50).toFixed(2),
        p99: +(gateway.p99 / baseline.p99).toFixed(2),
      },
    };
  }

  // ---- writes: create → accept → claim → in progress → resolve, 50 clients; every mutation counts as one transition.
  // The baseline walks the same life through bench/baseline-server.mjs (one statement per write), right after.
  const households = await q2(databaseUrl, `SELECT id FROM place WHERE type = 'household' AND path LIKE $1 ORDER BY id LIMIT 500`, [
    `${fx.community.path}%`,
  ]);
  const actorIds = fx.people.map((p) => p.id);
  const baselineLives = [];
  const STEPS = ['ACCEPTED', 'CLAIMED', 'IN_PROGRESS', 'RESOLVED'];
  const must = async (url, query, variables, field) => {
    const r = await gql(url, apiKey, query, variables);
    if (!r.ok) return { ok: false, error: r.error };
    const payload = JSON.parse(r.body).data[field];
    if (payload.errors?.length) return { ok: false, error: JSON.stringify(payload.errors) };
    return { ok: true, payload };
  };
  const baselineWrite = async (pathname, body) => {
    const r = await post(base.url, pathname, body);
    return r.status === 200 ? { ok: true, payload: JSON.parse(r.body) } : { ok: false, error: `${r.status} ${r.body.slice(0, 200)}` };
  };
  /** One step of a client's request life: submit when it has none, else the next move; `through` does it on one server. */
  const lifeStep = (through) => async (i, w) => {
    const state = (through.lives[w] ??= { id: null, step: 0 });
    const place = households[i % households.length].id;
    const actor = actorIds[i % actorIds.length];
    if (!state.id) {
      const created = await through.submit(place, actor, `压测诉求 ${i}`);
      if (created.ok) Object.assign(state, { id: created.id, step: 0 });
      return created;
    }
    const r = await through.move(state.id, STEPS[state.step], actorIds[(i * 7) % actorIds.length]);
    state.step++;
    if (!r.ok || state.step === STEPS.length) state.id = null;
    return r;
  };
  /** Request lives walked on the gateway at `url` (each `--against` slice starts its own). */
  const gatewayLife = (url) => ({
    lives: [],
    async submit(place, requester, title) {
      const r = await must(
        url,
        `mutation ($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } errors { code message } } }`,
        {
          i: {
            kind: 'NEED',
            channel: 'PHONE',
            title,
            placeId: core.toGlobalId('Place', place),
            requesterId: core.toGlobalId('Person', requester),
          },
        },
        'submitRequest',
      );
      return r.ok ? { ok: true, id: r.payload.request.id } : r;
    },
    move(id, to, claimant) {
      return to === 'CLAIMED'
        ? must(
            url,
            `mutation ($id: ID!, $p: ID!) { claimRequest(id: $id, personId: $p) { request { status } errors { code message } } }`,
            { id, p: core.toGlobalId('Person', claimant) },
            'claimRequest',
          )
        : must(url, TRANSITION_MUTATION, { id, to }, 'changeRequestStatus');
    },
  });
  const baselineLife = {
    lives: baselineLives,
    async submit(placeId, requesterId, title) {
      const r = await baselineWrite('/requests', { placeId, requesterId, title });
      return r.ok ? { ok: true, id: r.payload.id } : r;
    },
    move(id, to, claimant) {
      return baselineWrite('/requests/transition', { id, to: to.toLowerCase(), assigneeId: to === 'CLAIMED' ? claimant : null });
    },
  };
  /** A write workload on the gateway (`opOn(gateway)`), then on the baseline, then (`--against`) alternated between the two gateways. */
  const drivePair = async (key, label, opOn, baselineOp) => {
    if (opts['no-writes']) return;
    const gateway = await drive(`writes: ${label} (gateway)`, { clients: WRITERS, seconds: SECONDS, pid, op: opOn(gw) });
    const baseline = await drive(`writes: ${label} (baseline)`, {
      clients: WRITERS,
      seconds: SECONDS,
      pid: base.child.pid,
      op: baselineOp,
    });
    // Fresh statistics first: the tables grew under the runs above, and a plan either gateway's
    // connections made on the smaller tables would otherwise stay until autovacuum analyses them.
    if (other) await q2(databaseUrl, 'ANALYZE');
    const against = other && (await alternate(`writes: ${label}`, [gw, other], { clients: WRITERS, op: opOn }));
    results.workloads[key] = {
      ...(against ? { against } : {}),
      statementsPerRequest: fx.statements[key],
      roundTripsPerRequest: fx.roundTrips[key],
      gateway,
      baseline,
      ratio: {
        throughput: +(gateway.opsPerSecond / baseline.opsPerSecond).toFixed(2),
        p50: +(gateway.p50 / baseline.p50).toFixed(2),
        p99: +(gateway.p99 / baseline.p99).toFixed(2),
      },
    };
  };
  await drivePair('requestWrites', 'request transitions', (g) => lifeStep(gatewayLife(g.url)), lifeStep(baselineLife));
  if (results.workloads.requestWrites)
    results.workloads.requestWrites.transitionsPerSecond = results.workloads.requestWrites.gateway.opsPerSecond;

  // ---- writes: moral-bank transfers between ACCOUNTS accounts, 50 clients, each signed in as the sender
  const accounts = fx.accounts;
  /** The accounts of transfer `i`: a sender and another account. */
  const pair = (i) => {
    const from = accounts[(i * 7919) % accounts.length];
    const to =
      accounts[(i * 104729 + 1) % accounts.length] === from
        ? accounts[(i + 1) % accounts.length]
        : accounts[(i * 104729 + 1) % accounts.length];
    return { from, to, minutes: 1 + (i % 5) };
  };
  await drivePair(
    'transfers',
    'moral-bank transfers',
    (g) => (i) => {
      const { from, to, minutes } = pair(i);
      return gql(g.url, from.token, TRANSFER_MUTATION, {
        i: { fromAccountId: from.id, toAccountId: to.id, minutes, idempotencyKey: `bench-${i}-${randomUUID()}` },
      });
    },
    (i) => {
      const { from, to, minutes } = pair(i);
      return baselineWrite('/transfers', {
        fromAccountId: from.uuid,
        toAccountId: to.uuid,
        minutes,
        idempotencyKey: `baseline-${i}-${randomUUID()}`,
        actorId: from.personId,
      });
    },
  );
  if (results.workloads.transfers) results.workloads.transfers.transfersPerSecond = results.workloads.transfers.gateway.opsPerSecond;
  const [ledgerCheck] = await q2(
    databaseUrl,
    `SELECT count(*)::int AS accounts, sum(balance)::bigint AS total FROM moral_bank.account WHERE community_id = $1`,
    [fx.community.id],
  );
  if (results.workloads.transfers) results.workloads.transfers.ledgerAfter = ledgerCheck;
  results.peakRssMb = peakRssMb(pid);

  await stopProcess(gw.child);
  await stopProcess(base.child);
  if (opts.memory) {
    results.memory = JSON.parse(readFileSync(memoryOut, 'utf8'));
    log(`memory at the gateway's peak RSS (MB): ${JSON.stringify(results.memory.atPeak)}`);
  }

  // ---- fan-out: the existing bench/fanout.mjs, in its own process, on this database server
  if (!opts['no-fanout']) {
    log('fan-out (bench/fanout.mjs)');
    const fanEnv = QUICK ? { BENCH_SUBSCRIBERS: '100', BENCH_RATE: '10', BENCH_SECONDS: '2' } : {};
    const fanDb = await testing.createTestDatabase();
    try {
      const { readdir, readFile } = await import('node:fs/promises');
      const earlier = new Set(await readdir(RESULTS));
      const before = Date.now();
      await promisify(execFile)(process.execPath, [path.join(root, 'bench/fanout.mjs')], {
        env: { ...process.env, ...fanEnv, DATABASE_URL: fanDb.url },
        cwd: root,
        maxBuffer: 1 << 24,
      });
      // One file per case (2,000 × 10/s first, then 10,000 × 1/s); the first is the headline.
      const files = (await readdir(RESULTS)).filter((f) => f.startsWith('fanout-') && f.endsWith('.json') && !earlier.has(f)).sort();
      const cases = await Promise.all(files.map(async (f) => JSON.parse(await readFile(path.join(RESULTS, f), 'utf8'))));
      const fan = cases[0];
      const missing = cases.reduce((n, c) => n + c.gateway.expected - c.gateway.delivered, 0);
      results.workloads.fanout = fan
        ? {
            ...fan,
            file: files[0],
            cases,
            errors: missing,
            wallSeconds: (Date.now() - before) / 1000,
          }
        : { errors: 1 };
    } finally {
      await fanDb.drop();
    }
  }

  // ---- start: `gongzhi start` on an empty data folder, first with no prepared cluster (initdb, which
  // keeps its cluster in the round's own cache), then cold (a copy of that cluster), each migrated and
  // demo-seeded; then warm, on the cold start's folder again. START_RUNS rounds, each from nothing: a
  // single start is one draw of this VM's minute (1.7 against 3.7 s cold in one hour), so the medians
  // are reported, with every run.
  if (!opts['no-start']) {
    const port = String(await core.freePort());
    const runs = { first: [], cold: [], warm: [] };
    let peakRss = 0;
    for (let round = 1; round <= START_RUNS; round++) {
      const dir = path.join(tmp, `start-${round}`);
      const env = (folder) => ({
        GONGZHI_DATA_DIR: path.join(dir, folder),
        GONGZHI_PG_PORT: port,
        GONGZHI_PG_CLUSTER_CACHE: path.join(dir, 'clusters'),
        DATABASE_URL: '',
      });
      for (const [kind, folder] of [
        ['first', 'data-first'],
        ['cold', 'data'],
        ['warm', 'data'],
      ]) {
        // The first round's logs keep their names (the smoke test reads them); later rounds' are numbered.
        const started = await startGateway(env(folder), `gateway-${kind}${round === 1 ? '' : `-${round}`}.log`);
        runs[kind].push(started.startMs);
        peakRss = Math.max(peakRss, peakRssMb(started.child.pid) ?? 0);
        await stopProcess(started.child);
      }
      await rm(dir, { recursive: true, force: true });
    }
    results.workloads.start = {
      runs: START_RUNS,
      firstMs: median(runs.first),
      coldMs: median(runs.cold),
      warmMs: median(runs.warm),
      firstRunsMs: runs.first,
      coldRunsMs: runs.cold,
      warmRunsMs: runs.warm,
      peakRssMb: peakRss,
      errors: 0,
    };
    const each = (kind) => `${median(runs[kind])} ms${START_RUNS > 1 ? ` (${runs[kind].join(', ')})` : ''}`;
    log(`start, median of ${START_RUNS}: first ${each('first')}, cold ${each('cold')}, warm ${each('warm')}`);
  }
  results.boardExplain = fx.boardExplain;
  results.finishedAt = new Date().toISOString();
} finally {
  for (const c of children) await stopProcess(c).catch(() => {});
  await statementStats?.close();
  if (!opts.keep) await database?.drop().catch(() => {});
  await server?.stop().catch(() => {});
  await rm(tmp, { recursive: true, force: true });
}

/** One statement on a short-lived pg client (setup reads, not measured). */
// ---------------------------------------------------------------- --pg-stats

/**
 * pg_stat_statements on the bench database (with DATABASE_URL, its server must preload it).
 * `top(requests)`: the phase's ten dearest statements (planning and execution, the bench
 * database's only), each per request, `plans` near `calls` meaning planned anew each time.
 */
async function openStatementStats(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT count(*) FROM pg_stat_statements');
  } catch (err) {
    await client.end();
    throw new Error(
      `--pg-stats: ${err.message}. With DATABASE_URL, its server must be started with shared_preload_libraries=pg_stat_statements (bench/README.md).`,
      { cause: err },
    );
  }
  const tableScans = async () =>
    new Map(
      (
        await client.query(
          `SELECT schemaname || '.' || relname AS t, seq_scan AS n, seq_tup_read AS rows FROM pg_stat_user_tables WHERE seq_scan > 0`,
        )
      ).rows.map((r) => [r.t, { n: Number(r.n), rows: Number(r.rows) }]),
    );
  let scansBefore = new Map();
  return {
    async reset() {
      await client.query('SELECT pg_stat_statements_reset()');
      scansBefore = await tableScans();
    },
    close: () => client.end().catch(() => {}),
    /**
     * Tables read by sequential scans during the phase, per request, with the rows each scan read:
     * a plan that scans a table it should look up by key (one made while the table was small)
     * shows here. From `pg_stat_user_tables`, which a busy backend reports about once a second:
     * the last second of the phase may be missing.
     */
    async seqScans(requests) {
      const after = await tableScans();
      return [...after]
        .map(([table, { n, rows }]) => {
          const before = scansBefore.get(table) ?? { n: 0, rows: 0 };
          const scans = n - before.n;
          return {
            table,
            scansPerRequest: +(scans / Math.max(requests, 1)).toFixed(2),
            rowsPerScan: scans ? Math.round((rows - before.rows) / scans) : 0,
          };
        })
        .filter((s) => s.scansPerRequest >= 0.05)
        .sort((a, b) => b.scansPerRequest * b.rowsPerScan - a.scansPerRequest * a.rowsPerScan);
    },
    async top(requests) {
      const { rows } = await client.query(
        `SELECT calls, plans, total_plan_time AS plan_ms, total_exec_time AS exec_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_plan_time + total_exec_time DESC LIMIT 10`,
      );
      const per = (n) => +(Number(n) / Math.max(requests, 1)).toFixed(2);
      return rows.map((r) => ({
        calls: Number(r.calls),
        plans: Number(r.plans),
        callsPerRequest: per(r.calls),
        plansPerRequest: per(r.plans),
        planUsPerCall: +((r.plan_ms * 1000) / Math.max(Number(r.plans), 1)).toFixed(0),
        execUsPerCall: +((r.exec_ms * 1000) / Math.max(Number(r.calls), 1)).toFixed(0),
        query: r.query,
      }));
    },
  };
}

/** A phase's statements as log lines. */
function statementTable(statements) {
  return statements
    .map(
      (s) =>
        `    ${String(s.calls).padStart(6)} calls (${s.callsPerRequest}/req) ${String(s.plans).padStart(6)} plans ${String(s.planUsPerCall).padStart(5)} µs/plan ${String(s.execUsPerCall).padStart(6)} µs/call  ${s.query}`,
    )
    .join('\n');
}

async function q2(databaseUrl, text, params) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows;
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------- report
const rows = {};
for (const [key, w] of Object.entries(results.workloads)) {
  if (w.gateway?.requestsPerSecond !== undefined && w.baseline) {
    rows[key] = {
      'req/s': w.gateway.requestsPerSecond,
      p50: w.gateway.p50,
      p95: w.gateway.p95,
      p99: w.gateway.p99,
      'SQL/req': w.statementsPerRequest,
      'trips/req': w.roundTripsPerRequest,
      'CPU ms/req': w.gateway.cpuMsPerRequest,
      'DB CPU ms/req': w.gateway.databaseCpuMsPerRequest,
      errors: w.gateway.errors,
      'RSS MB': w.gateway.peakRssMb,
      'baseline req/s': w.baseline.requestsPerSecond,
      'baseline CPU ms/req': w.baseline.cpuMsPerRequest,
      'baseline DB CPU ms/req': w.baseline.databaseCpuMsPerRequest,
      'baseline p99': w.baseline.p99,
      'throughput ratio': w.ratio.throughput,
      'p99 ratio': w.ratio.p99,
      bytes: w.identicalToBaseline === undefined ? '' : w.identicalToBaseline ? 'identical' : 'MISMATCH',
    };
  } else if (w.gateway?.requestsPerSecond !== undefined) {
    rows[key] = {
      'req/s': w.gateway.requestsPerSecond,
      'ops/s': w.gateway.opsPerSecond,
      p50: w.gateway.p50,
      p95: w.gateway.p95,
      p99: w.gateway.p99,
      errors: w.gateway.errors,
      'RSS MB': w.gateway.peakRssMb,
    };
  }
}
console.table(rows);
if (results.workloads.fanout?.ratio)
  console.log(
    'fan-out (gateway / bare ws):',
    results.workloads.fanout.ratio,
    `delivered ${results.workloads.fanout.gateway.delivered}/${results.workloads.fanout.gateway.expected}`,
  );
if (results.workloads.start)
  console.log(
    `start${results.workloads.start.runs > 1 ? `, median of ${results.workloads.start.runs}` : ''}: first ${results.workloads.start.firstMs} ms, cold ${results.workloads.start.coldMs} ms, warm ${results.workloads.start.warmMs} ms`,
  );
const out = opts.out ? path.resolve(opts.out) : path.join(RESULTS, 'latest.json');
await writeFile(out, JSON.stringify(results, null, 2));
console.log(`results: ${path.relative(root, out)}`);
if (results.mismatches.length) {
  console.error(`MISMATCH: ${results.mismatches.join(', ')} answered differently from the baseline`);
  process.exitCode = 2;
}
process.exit(process.exitCode ?? 0);
