#!/usr/bin/env node
// CPU per step of a request's life, in process (no HTTP): `node bench/write-steps.mjs [--ops N]
// [--plugins grid,volunteer,moral-bank,council] [--show]`. The transitions workload of `pnpm bench`
// runs this life (submit, accept, claim, start, resolve) over HTTP; here each step is measured on
// its own: N requests submitted, then each moved one step, step after step, on a composed platform
// (core and the plugins given, as the gateway composes them) on a throw-away database, an API key
// as the caller. Prints per step this process's CPU (µs) and PostgreSQL's (every process of its
// server, from /proc, so it must run on this machine), and per after-commit delivery the CPU of
// the delivery and of its handler. `--show` prints what each step sends to PostgreSQL instead;
// `--profile FILE [--step submit|ACCEPTED|CLAIMED|IN_PROGRESS|RESOLVED]` writes a V8 CPU profile of
// that step's measured runs (bench/profile-summary.mjs reads it).
// Not a test: it measures. Build first (`tsc -b`).
import { parseArgs } from 'node:util';
import { inProcessWorld, loadPlugins, profileTo, sentTexts } from './in-process.mjs';

const { values: opts } = parseArgs({
  options: {
    ops: { type: 'string', default: '200' },
    plugins: { type: 'string', default: 'grid,volunteer,moral-bank,council' },
    show: { type: 'boolean', default: false },
    profile: { type: 'string' },
    step: { type: 'string', default: 'submit' },
  },
});
const N = Number(opts.ops);

// --show: what each step sends to PostgreSQL.
const record = opts.show ? sentTexts() : null;

const world = await inProcessWorld(await loadPlugins(opts.plugins.split(',').filter(Boolean)));
const { app, household, resident, worker, run } = world;
try {
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
      const { value, sent } = await record(step, 300); // after-commit work included
      console.log(`\n=== ${label}: ${sent.length} sent\n${sent.join('\n')}`);
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
    for (let i = 0; i < 20; i++) {
      const id = await submit();
      for (const to of STEPS) await move(id, to);
    }
    const results = {};
    const ids = [];
    const measure = async (label, step) => {
      const pg0 = world.postgresCpuUs();
      const cpu0 = process.cpuUsage();
      const d0 = { ...deliveries };
      const stopProfile = await profileTo(label === opts.step ? opts.profile : undefined);
      for (let i = 0; i < N; i++) await step(i);
      await new Promise((r) => setTimeout(r, 500)); // after-commit work
      const cpu = process.cpuUsage(cpu0);
      await stopProfile();
      const delivered = deliveries.count - d0.count;
      results[label] = {
        nodeUsPerStep: Math.round((cpu.user + cpu.system) / N),
        postgresUsPerStep: Math.round((world.postgresCpuUs() - pg0) / N),
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
  await world.close();
}
