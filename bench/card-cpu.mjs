#!/usr/bin/env node
// CPU per person card, in process (no HTTP): `node bench/card-cpu.mjs [--runs N] [--profile FILE]`.
// bench.mjs's card question (household, roles with places, volunteer profile, accounts with
// communities) compiled with graphql-jit as the gateway runs a repeated document, asked about a
// resident with two roles, once with an API key that sees everywhere and once with a key that sees
// the community only (the place rules then check every row). Prints this process's CPU per card
// for each; `--profile FILE` writes a V8 CPU profile of the scoped key's measured cards
// (bench/profile-summary.mjs reads it). Not a test: it measures. Build first (`tsc -b`).
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import path from 'node:path';
import { core, inProcessWorld, profileTo, root, testing } from './in-process.mjs';
import { PERSON_QUERY } from './queries.mjs';
const requireGateway = createRequire(path.join(root, 'packages/gateway/package.json'));
const { parse } = await import(requireGateway.resolve('graphql'));
const { compileQuery } = await import(requireGateway.resolve('graphql-jit'));
const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '1000' }, profile: { type: 'string' } } });
const { app, caller, resident, run, close } = await inProcessWorld();
try {
  const [community] = await app.platform.orm.em.fork().getConnection().execute(`SELECT id FROM place WHERE type = 'community'`);
  for (const role of ['VOLUNTEER', 'BUILDING_HEAD'])
    await run(
      `mutation ($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: ${role}, startsOn: "2024-01-01") { errors { code } } }`,
      { p: resident.id, c: core.toGlobalId('Place', community.id) },
    );
  const scoped = await testing.apiKeyCaller(app, { name: 'scoped', placeIds: [community.id], permissions: ['*'] });
  const Q = PERSON_QUERY;
  const compiled = compileQuery(app.platform.schema, parse(Q), 'Card');
  const vars = { id: resident.id };
  const N = Number(opts.runs);
  for (const [label, who] of [
    ['key that sees everywhere', caller],
    ['scoped key', scoped],
  ]) {
    const ctx = () => app.platform.createContext(who);
    const read = async () => {
      const r = await compiled.query(undefined, ctx(), vars);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return JSON.stringify(r);
    };
    for (let i = 0; i < N; i++) await read();
    const stop = await profileTo(label === 'scoped key' ? opts.profile : undefined);
    const c0 = process.cpuUsage();
    for (let i = 0; i < N; i++) await read();
    const c = process.cpuUsage(c0);
    await stop();
    console.log(`${label}: ${((c.user + c.system) / N).toFixed(0)} µs of CPU per card`);
  }
} finally {
  await close();
}
