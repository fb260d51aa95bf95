#!/usr/bin/env node
// CPU per request status change, in process (no HTTP, no other load's scheduling in the number):
// `node bench/write-cpu.mjs [--ops N]`. A composed core platform on a throw-away database, as the
// gateway runs it (PostgreSQL board transport, a LISTEN connection), an API key as the caller;
// N requests submitted, then each moved to ACCEPTED one after another. Prints this process's CPU
// time (user + system) per change, PostgreSQL's (every process of its server, read from /proc, so
// the server must run on this machine), the wall time per change, and SQL statements per change.
// `--profile FILE` writes a V8 CPU profile of the measured changes alone (bench/profile-summary.mjs
// reads it). Not a test: it measures. Build first (`tsc -b`).
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { inProcessWorld, profileTo } from './in-process.mjs';

const { values: opts } = parseArgs({ options: { ops: { type: 'string', default: '400' }, profile: { type: 'string' } } });
const OPS = Number(opts.ops);

// A throw-away server of its own (or DATABASE_URL's), stopped at the end.
const { app, household, resident, run, postgresCpuUs, close } = await inProcessWorld();
try {
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
  const stopProfile = await profileTo(opts.profile);
  const pg0 = postgresCpuUs();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const id of ids.slice(0, OPS - 1)) await change(id);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const pgCpu = postgresCpuUs() - pg0;
  await stopProfile();
  const n = OPS - 1;
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  console.log(
    JSON.stringify({
      changes: n,
      cpuUsPerChange: Math.round((cpu.user + cpu.system) / n),
      // System time is mostly the socket writes: on loopback the kernel does the receiving side's work in the sender's call.
      cpuSystemUsPerChange: Math.round(cpu.system / n),
      postgresCpuUsPerChange: Math.round(pgCpu / n),
      wallMsPerChange: +(wallMs / n).toFixed(2),
      statementsPerChange: statements,
      loadAverage: Number(load),
    }),
  );
} finally {
  await close();
}
