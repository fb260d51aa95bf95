#!/usr/bin/env node
// CPU per request status change, in process (no HTTP, no other load's scheduling in the number):
// `node bench/write-cpu.mjs [--ops N]`. A composed core platform on a throw-away database, as the
// gateway runs it (PostgreSQL board transport, a LISTEN connection), an API key as the caller;
// N requests submitted, then each moved to ACCEPTED one after another. Prints this process's CPU
// time (user + system) per change, PostgreSQL's (every process of its server, read from /proc, so
// the server must run on this machine), the wall time per change, and SQL statements per change.
// `--profile FILE` writes a V8 CPU profile of the measured changes alone (bench/profile-summary.mjs
// reads it). Not a test: it measures. Build first (`tsc -b`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** CPU time (µs) of the PostgreSQL server `anyBackend` belongs to: its postmaster and every child. */
function serverCpuUs(anyBackend) {
  const stat = (pid) => {
    try {
      // Fields after the command's closing parenthesis: state ppid … utime(12) stime(13), in clock ticks.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
    } catch {
      return null;
    }
  };
  const postmaster = stat(anyBackend)?.ppid;
  let ticks = stat(postmaster)?.ticks ?? 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = stat(name);
    if (s?.ppid === postmaster) ticks += s.ticks;
  }
  return ticks * 10_000; // USER_HZ is 100 on Linux
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const core = await import(path.join(root, 'packages/core/dist/index.js'));
const testing = await import(path.join(root, 'packages/core/dist/testing/index.js'));
const { values: opts } = parseArgs({ options: { ops: { type: 'string', default: '400' }, profile: { type: 'string' } } });
const OPS = Number(opts.ops);

// A throw-away server of its own (or DATABASE_URL's), stopped at the end.
const server = await testing.startTestDatabaseServer();
Object.assign(process.env, server.env);
const app = await testing.createTestApp({ boards: { transport: 'postgres' }, listen: true });
try {
  const em = app.platform.orm.em.fork();
  const write = testing.placeWriter(em);
  const district = write(core.PlaceType.DISTRICT, 'D', '东城区', null);
  const community = write(core.PlaceType.COMMUNITY, 'C', '社区', write(core.PlaceType.SUBDISTRICT, 'S', '街道', district));
  const household = write(core.PlaceType.HOUSEHOLD, 'H', '1号楼101', community);
  const resident = em.create(core.Person, { name: '居民', household });
  await em.flush();
  const caller = await testing.apiKeyCaller(app, { name: 'cpu', placeIds: [], permissions: ['*'] });
  const run = async (doc, variables) => {
    const result = await app.execute(doc, variables, { caller });
    const problem = testing.problemOf(result);
    if (problem) throw new Error(`${problem.code}: ${problem.message}`);
    return result.data;
  };
  const ids = [];
  for (let i = 0; i < OPS + 50; i++) {
    const data = await run(
      `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "灯坏了", placeId: $p, requesterId: $r }) { request { id } errors { code } } }`,
      { p: household.id, r: resident.id },
    );
    ids.push(data.submitRequest.request.id);
  }
  const change = (id) =>
    run(`mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { status } errors { code } } }`, { id });
  for (const id of ids.splice(0, 50)) await change(id); // warm-up
  const statements = await app.countStatements(() => change(ids.shift()));
  const [{ pid: backend }] = await em.getConnection().execute('SELECT pg_backend_pid() AS pid');
  const profiler = opts.profile ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const pg0 = serverCpuUs(backend);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const id of ids.slice(0, OPS - 1)) await change(id);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const pgCpu = serverCpuUs(backend) - pg0;
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(opts.profile, JSON.stringify(profile));
    profiler.disconnect();
  }
  const n = OPS - 1;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(
    JSON.stringify({
      changes: n,
      cpuUsPerChange: Math.round((cpu.user + cpu.system) / n),
      postgresCpuUsPerChange: Math.round(pgCpu / n),
      wallMsPerChange: +(wallMs / n).toFixed(2),
      statementsPerChange: statements,
      loadAverage: Number(load),
    }),
  );
} finally {
  await app.close();
  await server.stop();
}
