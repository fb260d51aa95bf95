#!/usr/bin/env node
// CPU per person card, in process (no HTTP): `node bench/card-cpu.mjs [--runs N] [--profile FILE]
// [--heap-profile FILE] [--against DIR [--rounds R]]`. bench.mjs's card question (household, roles with places, volunteer
// profile, accounts with communities) on core and the four plugins, compiled with graphql-jit as the
// gateway runs a repeated document, asked about a resident with two roles, a team and an account,
// once with an API key that sees everywhere and once with a key that sees the community only (the
// place rules then check every row). Prints this process's CPU per card for each; `--profile FILE`
// writes a V8 CPU profile of the scoped key's measured cards (bench/profile-summary.mjs reads it),
// `--heap-profile FILE` a sampling heap profile of what they allocated that outlived a young-generation
// collection (`heapProfileTo`; the same summary reads it: run with `--expose-gc` and the server's heap
// flags for what the server promotes).
// `--against DIR` (another checkout, installed and built) sets up the same card on that checkout's
// build too, in this process, and measures both in R rounds of slices that alternate between them,
// so that a slow minute of the machine costs both alike: the medians per card and their ratio.
// Not a test: it measures. Build first (`tsc -b`).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { alternate, cpuOf, heapProfileTo, profileTo } from './in-process.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    profile: { type: 'string' },
    'heap-profile': { type: 'string' },
    against: { type: 'string' },
    rounds: { type: 'string', default: '10' },
  },
});
const here = path.dirname(new URL(import.meta.url).pathname);

/** The card set up on the build of the checkout whose bench folder is `benchDir`: one reader per key. */
async function cardWorld(benchDir) {
  const { compiledDocument, core, inProcessWorld, loadPlugins, testing } = await import(path.join(benchDir, 'in-process.mjs'));
  const { PERSON_QUERY } = await import(path.join(benchDir, 'queries.mjs'));
  const { app, caller, resident, run, close } = await inProcessWorld(await loadPlugins());
  try {
    const [community] = await app.platform.orm.em.fork().getConnection().execute(`SELECT id FROM place WHERE type = 'community'`);
    for (const role of ['VOLUNTEER', 'BUILDING_HEAD'])
      await run(
        `mutation ($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: ${role}, startsOn: "2024-01-01") { errors { code } } }`,
        { p: resident.id, c: core.toGlobalId('Place', community.id) },
      );
    // Like bench.mjs's subject: a volunteer team's member (SQL: creating a team needs a signed-in leader) with a moral-bank account.
    const [place] = await app.platform.orm.em.fork().getConnection().execute(`SELECT path FROM place WHERE id = ?`, [community.id]);
    await app.platform.orm.em
      .fork()
      .getConnection()
      .execute(
        `WITH t AS (INSERT INTO volunteer.team (id, name, home_place_id, home_place_path) VALUES (gen_random_uuid(), '志愿服务队', ?, ?) RETURNING id)
         INSERT INTO volunteer.team_member (id, team_id, person_id, joined_on, skills) SELECT gen_random_uuid(), t.id, ?, '2024-03-01', '{理发,助老}' FROM t`,
        [community.id, place.path, resident.uuid],
      );
    await run(
      `mutation ($c: ID!, $p: ID!) { openMoralBankAccount(communityId: $c, holderKind: PERSON, holderId: $p) { errors { code } } }`,
      {
        c: core.toGlobalId('Place', community.id),
        p: resident.id,
      },
    );
    const scoped = await testing.apiKeyCaller(app, { name: 'scoped', placeIds: [community.id], permissions: ['*'] });
    const compiled = await compiledDocument(app.platform.schema, PERSON_QUERY, 'Card');
    const vars = { id: resident.id };
    const reader = (who) => async () => {
      const r = await compiled.query(undefined, app.platform.createContext(who), vars);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      const card = r.data.person;
      if (card.roles.nodes.length !== 2 || card.volunteerProfile?.teams.nodes.length !== 1 || card.moralBankAccounts.nodes.length !== 1)
        throw new Error(`not the whole card: ${JSON.stringify(card)}`);
      return JSON.stringify(r);
    };
    return { readers: { 'key that sees everywhere': reader(caller), 'scoped key': reader(scoped) }, close };
  } catch (err) {
    await close();
    throw err;
  }
}

const N = Number(opts.runs);
const worlds = [await cardWorld(here)];
try {
  if (opts.against) worlds.push(await cardWorld(path.join(path.resolve(opts.against), 'bench')));
  const [mine, theirs] = worlds;
  for (const label of Object.keys(mine.readers)) {
    for (const world of worlds) await cpuOf(world.readers[label], N); // warm-up: plans kept, code optimised
    if (!theirs) {
      const stop = await profileTo(label === 'scoped key' ? opts.profile : undefined);
      const stopHeap = await heapProfileTo(label === 'scoped key' ? opts['heap-profile'] : undefined);
      const us = await cpuOf(mine.readers[label], N);
      await stopHeap();
      await stop();
      console.log(`${label}: ${(us / N).toFixed(0)} µs of CPU per card`);
      continue;
    }
    const rounds = Number(opts.rounds);
    const slice = Math.max(1, Math.round(N / rounds));
    const medians = await alternate({ this: { op: mine.readers[label] }, against: { op: theirs.readers[label] } }, rounds, slice);
    const [a, b] = [medians.this.cpuUs, medians.against.cpuUs];
    console.log(
      `${label}, ${rounds} alternating slices of ${slice}: this ${a.toFixed(0)} µs of CPU per card, against ${b.toFixed(0)} (this/against ${(a / b).toFixed(3)})`,
    );
  }
} finally {
  for (const world of worlds) await world.close();
}
