#!/usr/bin/env node
// CPU per step of a request's life, in process (no HTTP): `node bench/write-steps.mjs [--ops N]
// [--plugins grid,volunteer,moral-bank,council] [--show]`. The transitions workload of `pnpm bench`
// runs this life (submit, accept, claim, start, resolve) over HTTP; here each step is measured on
// its own: N requests submitted, then each moved one step, step after step, on a composed platform
// (core and the plugins given, as the gateway composes them) on a throw-away database, an API key
// as the caller. Prints per step this process's CPU (µs) and PostgreSQL's (every process of its
// server, from /proc, so it must run on this machine), and per after-commit delivery the CPU of
// the delivery and of its handler. `--show` prints what each step sends to PostgreSQL instead.
// Not a test: it measures. Build first (`tsc -b`).
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    ops: { type: 'string', default: '200' },
    plugins: { type: 'string', default: 'grid,volunteer,moral-bank,council' },
    show: { type: 'boolean', default: false },
  },
});
const N = Number(opts.ops);

// --show: every text sent on any connection of this process, while a step runs.
let sent = null;
if (opts.show) {
  const pg = createRequire(path.join(root, 'packages/core/package.json'))('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    const text = typeof args[0] === 'string' ? args[0] : `[${args[0].name ?? 'unnamed'}] ${args[0].text}`;
    sent?.push(text.replace(/\s+/g, ' ').slice(0, 160));
    return query.apply(this, args);
  };
}

const core = await import(path.join(root, 'packages/core/dist/index.js'));
const testing = await import(path.join(root, 'packages/core/dist/testing/index.js'));
const plugins = [];
for (const name of opts.plugins.split(',').filter(Boolean))
  plugins.push((await import(path.join(root, `packages/plugin-${name}/dist/index.js`))).plugin);

/** CPU time (µs) of a process and its parent's id, from /proc. */
function stat(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { ppid: Number(fields[1]), us: (Number(fields[11]) + Number(fields[12])) * 10_000 };
  } catch {
    return null;
  }
}
/** CPU time (µs) of the PostgreSQL server whose postmaster is `postmaster`: it and every child. */
function serverCpuUs(postmaster) {
  let us = stat(postmaster)?.us ?? 0;
  for (const name of readdirSync('/proc')) if (/^\d+$/.test(name) && stat(name)?.ppid === postmaster) us += stat(name).us;
  return us;
}

const server = await testing.startTestDatabaseServer();
Object.assign(process.env, server.env);
const app = await testing.createTestApp({ plugins, boards: { transport: 'postgres' }, listen: true });
try {
  const em = app.platform.orm.em.fork();
  const write = testing.placeWriter(em);
  const district = write(core.PlaceType.DISTRICT, 'D', '东城区', null);
  const community = write(core.PlaceType.COMMUNITY, 'C', '社区', write(core.PlaceType.SUBDISTRICT, 'S', '街道', district));
  const household = write(core.PlaceType.HOUSEHOLD, 'H', '1号楼101', community);
  const resident = em.create(core.Person, { name: '居民', household });
  const worker = em.create(core.Person, { name: '志愿者', household });
  await em.flush();
  const caller = await testing.apiKeyCaller(app, { name: 'steps', placeIds: [], permissions: ['*'] });
  const run = async (doc, variables) => {
    const result = await app.execute(doc, variables, { caller });
    const problem = testing.problemOf(result);
    if (problem) throw new Error(`${problem.code}: ${problem.message}`);
    return result.data;
  };
  const submit = async () =>
    (
      await run(
        `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "灯坏了", placeId: $p, requesterId: $r }) { request { id } errors { code } } }`,
        { p: household.id, r: resident.id },
      )
    ).submitRequest.request.id;
  const move = (id, to) =>
    to === 'CLAIMED'
      ? run(`mutation ($id: ID!, $p: ID!) { claimRequest(id: $id, personId: $p) { request { status } errors { code } } }`, {
          id,
          p: worker.id,
        })
      : run(`mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { request { status } errors { code } } }`, {
          id,
          to,
        });
  const STEPS = ['ACCEPTED', 'CLAIMED', 'IN_PROGRESS', 'RESOLVED'];

  if (opts.show) {
    const show = async (label, step) => {
      sent = [];
      const value = await step();
      await new Promise((r) => setTimeout(r, 300)); // after-commit work
      console.log(`\n=== ${label}: ${sent.length} sent\n${sent.join('\n')}`);
      sent = null;
      return value;
    };
    for (let i = 0; i < 2; i++) {
      const id = await show('submit', submit);
      for (const to of STEPS) await show(to, () => move(id, to));
    }
  } else {
    // After-commit deliveries (the bus's own methods, wrapped here to read their CPU).
    const bus = app.platform.events;
    const deliveries = { count: 0, us: 0, handlers: 0, handlerUs: 0 };
    const deliver = bus.deliver.bind(bus);
    bus.deliver = async (...args) => {
      const c0 = process.cpuUsage();
      const made = await deliver(...args);
      const c = process.cpuUsage(c0);
      // Sweeps that find nothing due are not deliveries.
      if (made) {
        deliveries.count++;
        deliveries.us += c.user + c.system;
      }
      return made;
    };
    for (const sub of bus.subscriptions.filter((s) => s.durable)) {
      const handler = sub.handler;
      sub.handler = async (...args) => {
        const c0 = process.cpuUsage();
        try {
          return await handler(...args);
        } finally {
          const c = process.cpuUsage(c0);
          deliveries.handlers++;
          deliveries.handlerUs += c.user + c.system;
        }
      };
    }
    const [{ pid }] = await em.getConnection().execute('SELECT pg_backend_pid() AS pid');
    const postmaster = stat(pid).ppid;
    for (let i = 0; i < 20; i++) {
      const id = await submit();
      for (const to of STEPS) await move(id, to);
    }
    const results = {};
    const ids = [];
    const measure = async (label, step) => {
      const pg0 = serverCpuUs(postmaster);
      const cpu0 = process.cpuUsage();
      const d0 = { ...deliveries };
      for (let i = 0; i < N; i++) await step(i);
      await new Promise((r) => setTimeout(r, 500)); // after-commit work
      const cpu = process.cpuUsage(cpu0);
      const delivered = deliveries.count - d0.count;
      results[label] = {
        nodeUsPerStep: Math.round((cpu.user + cpu.system) / N),
        postgresUsPerStep: Math.round((serverCpuUs(postmaster) - pg0) / N),
        deliveriesPerStep: +(delivered / N).toFixed(2),
        ...(delivered ? { nodeUsPerDelivery: Math.round((deliveries.us - d0.us) / delivered) } : {}),
        ...(deliveries.handlers > d0.handlers
          ? { nodeUsPerHandler: Math.round((deliveries.handlerUs - d0.handlerUs) / (deliveries.handlers - d0.handlers)) }
          : {}),
      };
    };
    await measure('submit', async () => ids.push(await submit()));
    for (const to of STEPS) await measure(to, (i) => move(ids[i], to));
    console.table(results);
  }
} finally {
  await app.close();
  await server.stop();
}
