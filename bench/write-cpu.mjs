#!/usr/bin/env node
// CPU per request status change, in process (no HTTP, no other load's scheduling in the number):
// `node bench/write-cpu.mjs [--ops N]`. A composed core platform on a throw-away database, as the
// gateway runs it (PostgreSQL board transport, a LISTEN connection), an API key as the caller;
// N requests submitted, then each moved to ACCEPTED one after another. Prints this process's CPU
// time (user + system) per change, PostgreSQL's (every process of its server, read from /proc, so
// the server must run on this machine), the wall time per change, and SQL statements per change.
// `--profile FILE` writes a V8 CPU profile of the measured changes alone (bench/profile-summary.mjs
// reads it). `--against DIR [--rounds R]` (another checkout, installed and built) sets the same up
// on that checkout's build too, in this process, each on a database server of its own, and measures
// both in R rounds of slices that alternate between them: per change, the median of this process's
// CPU and the mean of each server's, and their ratios. Not a test: it measures. Build first (`tsc -b`).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { alternate, profileTo } from './in-process.mjs';

const { values: opts } = parseArgs({
  options: {
    ops: { type: 'string', default: '400' },
    profile: { type: 'string' },
    against: { type: 'string' },
    rounds: { type: 'string', default: '10' },
  },
});
const OPS = Number(opts.ops);
const WARM_UP = 50;
const here = path.dirname(new URL(import.meta.url).pathname);

/**
 * A world on the build of the checkout whose bench folder is `benchDir`, with `count` requests
 * submitted: `change()` moves the next of them to ACCEPTED.
 */
async function changeWorld(benchDir, count) {
  const { inProcessWorld } = await import(path.join(benchDir, 'in-process.mjs'));
  const world = await inProcessWorld();
  try {
    const ids = [];
    for (let i = 0; i < count; i++) {
      const data = await world.run(
        `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "灯坏了", placeId: $p, requesterId: $r }) { request { id } errors { code } } }`,
        { p: world.household.id, r: world.resident.id },
      );
      ids.push(data.submitRequest.request.id);
    }
    const change = () => {
      const id = ids.shift();
      if (!id) throw new Error('no submitted request is left to move');
      return world.run(`mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { status } errors { code } } }`, { id });
    };
    for (let i = 0; i < WARM_UP; i++) await change();
    return { ...world, change };
  } catch (err) {
    await world.close();
    throw err;
  }
}

const worlds = [await changeWorld(here, OPS + WARM_UP + 1)];
try {
  const [mine] = worlds;
  if (opts.against) {
    worlds.push(await changeWorld(path.join(path.resolve(opts.against), 'bench'), OPS + WARM_UP + 1));
    const theirs = worlds[1];
    const rounds = Number(opts.rounds);
    const slice = Math.max(1, Math.floor(OPS / rounds));
    const side = (world) => ({ op: world.change, postgresCpuUs: world.postgresCpuUs });
    const medians = await alternate({ this: side(mine), against: side(theirs) }, rounds, slice);
    const [a, b] = [medians.this, medians.against];
    console.log(
      `${rounds} alternating slices of ${slice} status changes: this ${a.cpuUs.toFixed(0)} µs of CPU and ${a.postgresUs.toFixed(0)} µs of ` +
        `PostgreSQL's per change, against ${b.cpuUs.toFixed(0)} and ${b.postgresUs.toFixed(0)} ` +
        `(this/against ${(a.cpuUs / b.cpuUs).toFixed(3)} and ${(a.postgresUs / b.postgresUs).toFixed(3)})`,
    );
  } else {
    const statements = await mine.app.countStatements(mine.change);
    const stopProfile = await profileTo(opts.profile);
    const pg0 = mine.postgresCpuUs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < OPS - 1; i++) await mine.change();
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    const pgCpu = mine.postgresCpuUs() - pg0;
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
  }
} finally {
  for (const world of worlds) await world.close();
}
