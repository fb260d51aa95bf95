#!/usr/bin/env node
// CPU per person card, in process (no HTTP): `node bench/card-cpu.mjs [--runs N] [--profile FILE]`.
// bench.mjs's card question (household, roles with places, volunteer profile, accounts with
// communities) on core and the four plugins, compiled with graphql-jit as the gateway runs a
// repeated document, asked about a resident with two roles, a team and an account, once with an
// API key that sees everywhere and once with a key that sees the community only (the place rules
// then check every row). Prints this process's CPU per card
// for each; `--profile FILE` writes a V8 CPU profile of the scoped key's measured cards
// (bench/profile-summary.mjs reads it). Not a test: it measures. Build first (`tsc -b`).
import { parseArgs } from 'node:util';
import { compiledDocument, core, inProcessWorld, loadPlugins, profileTo, testing } from './in-process.mjs';
import { PERSON_QUERY } from './queries.mjs';
const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '1000' }, profile: { type: 'string' } } });
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
  await run(`mutation ($c: ID!, $p: ID!) { openMoralBankAccount(communityId: $c, holderKind: PERSON, holderId: $p) { errors { code } } }`, {
    c: core.toGlobalId('Place', community.id),
    p: resident.id,
  });
  const scoped = await testing.apiKeyCaller(app, { name: 'scoped', placeIds: [community.id], permissions: ['*'] });
  const compiled = await compiledDocument(app.platform.schema, PERSON_QUERY, 'Card');
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
      const card = r.data.person;
      if (card.roles.nodes.length !== 2 || card.volunteerProfile?.teams.nodes.length !== 1 || card.moralBankAccounts.nodes.length !== 1)
        throw new Error(`not the whole card: ${JSON.stringify(card)}`);
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
