#!/usr/bin/env node
// What one board read allocates and costs, in process: `node bench/read-alloc.mjs [--runs N]`.
// The board query of bench.mjs (a page of 50 open requests with requester, assignee, place and
// its ancestors, last timeline entry) on a composed core platform, compiled with graphql-jit as
// the gateway runs a repeated document, as an API key that sees everywhere (`--scoped`: one that
// sees the community only, so the place rules check every row). Prints the bytes allocated per read (V8's
// sampling heap profiler, collected objects included: garbage is what the collector pays for),
// the CPU per read, and the allocation sites that allocate most. Under load a third of the
// gateway's CPU is V8's helper threads (concurrent marking, parallel scavenges), so bytes
// allocated per request are the steadier measure of a read's path; `--profile FILE` writes a V8
// CPU profile as well. Not a test: it measures. Build first (`tsc -b`).
import { parseArgs } from 'node:util';
import { compiledDocument, core, inProcessWorld, profileTo, sampleHeap, testing } from './in-process.mjs';
import { BOARD_QUERY } from './queries.mjs';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    top: { type: 'string', default: '25' },
    profile: { type: 'string' },
    scoped: { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);

const { app, caller, worker, run, close } = await inProcessWorld();
try {
  // A community of 25 households with a resident each; 60 requests from them, half assigned.
  const em = app.platform.orm.em.fork();
  const write = testing.placeWriter(em);
  const [community] = await em.getConnection().execute(`SELECT id FROM place WHERE type = 'community'`);
  const communityRow = await em.findOneOrFail(core.Place, { uuid: community.id });
  const people = [];
  for (let b = 0; b < 5; b++) {
    const building = write(core.PlaceType.BUILDING, `B${b}`, `${b + 1}号楼`, communityRow);
    for (let h = 0; h < 5; h++) {
      const household = write(core.PlaceType.HOUSEHOLD, `B${b}H${h}`, `${h + 1}01`, building);
      people.push({ household, person: em.create(core.Person, { name: `居民${b}${h}`, household }) });
    }
  }
  await em.flush();
  for (let i = 0; i < 60; i++) {
    const { household, person } = people[i % people.length];
    await run(
      `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "楼道灯坏了", placeId: $p, requesterId: $r }) { request { id } errors { code } } }`,
      { p: household.id, r: person.id },
    );
  }
  await em
    .getConnection()
    .execute(`UPDATE request SET assignee_id = ? WHERE id IN (SELECT id FROM request ORDER BY id LIMIT 30)`, [worker.uuid]);

  // --scoped: a key that sees the community only (a district app's, as most are): the place rules check every row.
  const reader = opts.scoped
    ? await testing.apiKeyCaller(app, { name: 'community app', placeIds: [community.id], permissions: ['*'] })
    : caller;
  const compiled = await compiledDocument(app.platform.schema, BOARD_QUERY, 'Board');
  const variables = { under: core.toGlobalId('Place', community.id) };
  const read = async () => {
    const result = await compiled.query(undefined, app.platform.createContext(reader), variables);
    if (result.errors?.length) throw new Error(result.errors.map((e) => e.message).join('; '));
    if (result.data.requests.edges.length !== 50) throw new Error(`a page of ${result.data.requests.edges.length}, not 50`);
    // What the gateway then does with an answer.
    return JSON.stringify(result);
  };
  for (let i = 0; i < RUNS; i++) await read(); // warm-up: compiled code, caches

  const stopProfile = await profileTo(opts.profile);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) await read();
  const cpu = process.cpuUsage(cpu0);
  await stopProfile();

  const stopSampling = await sampleHeap({ samplingInterval: 256, collectedByMinorGC: true });
  for (let i = 0; i < RUNS; i++) await read();
  const profile = await stopSampling();

  // Bytes by allocating function and its caller.
  const label = (frame) =>
    `${frame.functionName || '(anonymous)'} ${frame.url.replace(/.*node_modules\/(\.pnpm\/)?/, '').replace(/.*\/packages\//, '')}:${frame.lineNumber + 1}`;
  const sites = new Map();
  let total = 0;
  const walk = (node, caller) => {
    const here = label(node.callFrame);
    total += node.selfSize;
    if (node.selfSize) sites.set(`${here} ← ${caller}`, (sites.get(`${here} ← ${caller}`) ?? 0) + node.selfSize);
    for (const child of node.children) walk(child, here);
  };
  walk(profile.head, '');
  const kb = (bytes) => +(bytes / RUNS / 1024).toFixed(1);
  console.log(JSON.stringify({ reads: RUNS, kbAllocatedPerRead: kb(total), cpuUsPerRead: Math.round((cpu.user + cpu.system) / RUNS) }));
  for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, Number(opts.top))) {
    console.log(`${String(kb(bytes)).padStart(8)} KB  ${site}`);
  }
} finally {
  await close();
}
