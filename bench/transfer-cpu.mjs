#!/usr/bin/env node
// CPU per moral-bank transfer, in process (no HTTP): `node bench/transfer-cpu.mjs [--ops N]
// [--clients C] [--show] [--pg-stats] [--profile FILE] [--heap-profile FILE]`. The transfers
// workload of `pnpm bench` on a composed platform (core and the four plugins, as the gateway composes them) on a throw-away
// database: 40 residents of one community, each with an account, move minutes between them, C
// transfers at a time (each signed in as its sender, as the bench's clients are), run as the
// gateway runs a repeated mutation (graphql-js on the parsed document, no validation). Prints this
// process's CPU per transfer and PostgreSQL's (every process of its server, from /proc, so it must
// run on this machine). `--show` prints what one transfer sends to PostgreSQL; `--pg-stats` starts
// the server with pg_stat_statements and prints each statement's execution time per transfer
// (nested ones, such as triggers' and foreign-key checks', on their own lines and also inside the
// statement that fired them); `--profile FILE` writes a V8 CPU profile of the measured transfers
// (bench/profile-summary.mjs reads it), `--heap-profile FILE` a sampling heap profile of what they
// allocated that outlived a young-generation collection (`heapProfileTo`, bench/in-process.mjs; the
// same summary reads it). Not a test: it measures. Build first (`tsc -b`).
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { core, heapProfileTo, inProcessWorld, loadPlugins, profileTo, root, sentTexts, testing } from './in-process.mjs';

const { values: opts } = parseArgs({
  options: {
    ops: { type: 'string', default: '2000' },
    clients: { type: 'string', default: '10' },
    show: { type: 'boolean', default: false },
    'pg-stats': { type: 'boolean', default: false },
    profile: { type: 'string' },
    'heap-profile': { type: 'string' },
  },
});
const OPS = Number(opts.ops);
const CLIENTS = Number(opts.clients);
const ACCOUNTS = 40;
const WARM_UP = 300;

const requireGateway = createRequire(path.join(root, 'packages/gateway/package.json'));
// --show: what one transfer sends to PostgreSQL.
const record = opts.show ? sentTexts() : null;

const world = await inProcessWorld(await loadPlugins(), {
  ...(opts['pg-stats'] ? { settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } } : {}),
});
try {
  const { app } = world;
  const em = app.platform.orm.em.fork();
  const [community] = await em.getConnection().execute(`SELECT id FROM place WHERE type = 'community'`);
  const communityId = core.toGlobalId('Place', community.id);
  // Residents of the community (a role there, as the bench's account holders have), each with an account.
  const people = Array.from({ length: ACCOUNTS }, (_, i) => em.create(core.Person, { name: `居民${i}`, household: world.household }));
  await em.flush();
  await em
    .getConnection()
    .execute(
      `INSERT INTO person_role (id, person_id, place_id, role, starts_on) SELECT gen_random_uuid(), id, ?, 'resident', '2020-01-01' FROM person WHERE id = ANY (?::uuid[])`,
      [community.id, `{${people.map((p) => p.uuid).join(',')}}`],
    );
  const accounts = [];
  for (const person of people) {
    const data = await world.run(
      `mutation ($c: ID!, $p: ID!) { openMoralBankAccount(communityId: $c, holderKind: PERSON, holderId: $p) { account { id } errors { code } } }`,
      { c: communityId, p: core.toGlobalId('Person', person.uuid) },
    );
    accounts.push(data.openMoralBankAccount.account.id);
  }
  // Enough to spend (SQL: the bench credits its accounts from the bank the same way, outside the API).
  await em.getConnection().execute(`UPDATE moral_bank.account SET min_balance = -1000000000 WHERE holder_kind = 'person'`);

  const { parse, execute } = await import(requireGateway.resolve('graphql'));
  const document = parse(
    `mutation ($i: MoralBankTransferInput!) { transferMoralBankMinutes(input: $i) { transaction { id } errors { code message } } }`,
  );
  let next = 0;
  /** Transfer `n`: from account n, to another one (the bench's pairs spread the same way). */
  const transfer = async () => {
    const n = next++;
    const from = n % ACCOUNTS;
    const to = (from + 1 + ((n * 7) % (ACCOUNTS - 1))) % ACCOUNTS;
    const result = await execute({
      schema: app.platform.schema,
      document,
      contextValue: app.platform.createContext(testing.asPerson(people[from]).caller),
      variableValues: {
        i: { fromAccountId: accounts[from], toAccountId: accounts[to], minutes: 1 + (n % 5), idempotencyKey: `transfer-cpu-${n}` },
      },
    });
    const problem = result.errors?.[0] ?? result.data?.transferMoralBankMinutes.errors[0];
    if (problem) throw new Error(`transfer ${n}: ${problem.code ?? ''} ${problem.message}`);
  };
  /** `count` transfers, `CLIENTS` at a time. */
  const run = async (count) => {
    let left = count;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (left-- > 0) await transfer();
      }),
    );
  };
  await run(WARM_UP);

  if (opts.show) {
    const { sent } = await record(transfer, 100);
    console.log(`=== one transfer: ${sent.length} sent\n${sent.join('\n')}`);
  }
  if (opts['pg-stats']) {
    await em.getConnection().execute('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await em.getConnection().execute('SELECT pg_stat_statements_reset()');
  }
  const stopProfile = await profileTo(opts.profile);
  const stopHeapProfile = await heapProfileTo(opts['heap-profile']);
  const pg0 = world.postgresCpuUs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(OPS);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const pgCpu = world.postgresCpuUs() - pg0;
  await stopHeapProfile();
  await stopProfile();
  if (opts['pg-stats']) {
    const statements = await em.getConnection().execute(
      `SELECT toplevel, calls, round((total_exec_time * 1000 / ?)::numeric) AS "µs per transfer", round((total_exec_time * 1000 / calls)::numeric) AS "µs per call",
              left(regexp_replace(query, '\\s+', ' ', 'g'), 100) AS statement
         FROM pg_stat_statements WHERE calls >= ? AND query NOT LIKE '%pg_stat_statements%' ORDER BY toplevel DESC, total_exec_time DESC LIMIT 20`,
      [OPS, OPS / 2],
    );
    console.table(statements);
  }
  console.log(
    JSON.stringify({
      transfers: OPS,
      clients: CLIENTS,
      cpuUsPerTransfer: Math.round((cpu.user + cpu.system) / OPS),
      cpuSystemUsPerTransfer: Math.round(cpu.system / OPS),
      postgresCpuUsPerTransfer: Math.round(pgCpu / OPS),
      wallUsPerTransfer: Math.round((wallMs * 1000) / OPS),
    }),
  );
} finally {
  await world.close();
}
