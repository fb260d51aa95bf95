// What the in-process measurements share (bench/write-cpu.mjs, bench/write-steps.mjs,
// bench/transfer-cpu.mjs, bench/card-cpu.mjs, bench/read-alloc.mjs): a composed platform on a
// throw-away database with one household and two people in it, an API key as the caller, the CPU
// of the PostgreSQL server read from /proc, documents compiled as the gateway runs a repeated one,
// and a recorder of what a run sends. Build first (`tsc -b`).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { databaseCpuUs, postmasterOf } from './database-cpu.mjs';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const core = await import(path.join(root, 'packages/core/dist/index.js'));
export const testing = await import(path.join(root, 'packages/core/dist/testing/index.js'));

/** The plugins named (`grid`, `moral-bank`, …), built, as the gateway composes them. */
export async function loadPlugins(names = ['grid', 'volunteer', 'moral-bank', 'council']) {
  const plugins = [];
  for (const name of names) plugins.push((await import(path.join(root, `packages/plugin-${name}/dist/index.js`))).plugin);
  return plugins;
}

/**
 * `document` compiled with graphql-jit for `schema`, as the gateway runs a document it has seen
 * twice. Validated first: graphql-jit compiles what it is given, and a field the schema lacks (a
 * plugin not composed) would silently answer nothing instead of failing.
 */
export async function compiledDocument(schema, document, operationName) {
  const requireGateway = createRequire(path.join(root, 'packages/gateway/package.json'));
  const { parse, validate } = await import(requireGateway.resolve('graphql'));
  const { compileQuery, isCompiledQuery } = await import(requireGateway.resolve('graphql-jit'));
  const parsed = parse(document);
  const invalid = validate(schema, parsed);
  if (invalid.length) throw new Error(`${operationName ?? document}: ${invalid.map((e) => e.message).join('; ')}`);
  const compiled = compileQuery(schema, parsed, operationName);
  if (!isCompiledQuery(compiled))
    throw new Error(`graphql-jit could not compile ${operationName ?? document}: ${JSON.stringify(compiled)}`);
  return compiled;
}

/**
 * Installs a recorder of the texts this process sends on any pg connection (`--show` of
 * bench/write-steps.mjs and bench/transfer-cpu.mjs), and returns it: `record(work, settle)` runs
 * `work` and answers its value with what was sent meanwhile and for `settle` ms after (after-commit
 * work), one line each, `(pipelined)` before those sent in pg's pipeline mode, in one round trip
 * with the lines around them (core's `sendTogether`).
 */
export function sentTexts() {
  const pg = createRequire(path.join(root, 'packages/core/package.json'))('pg');
  let sent = null;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    const text = typeof args[0] === 'string' ? args[0] : `[${args[0].name ?? 'unnamed'}] ${args[0].text}`;
    sent?.push(`${this.pipeline ? '(pipelined) ' : ''}${text.replace(/\s+/g, ' ').slice(0, 160)}`);
    return query.apply(this, args);
  };
  return async (work, settle = 0) => {
    sent = [];
    try {
      const value = await work();
      if (settle) await new Promise((resolve) => setTimeout(resolve, settle));
      return { value, sent };
    } finally {
      sent = null;
    }
  };
}

/**
 * A world to measure in: core and `plugins` composed as the gateway composes them (PostgreSQL
 * board transport, a LISTEN connection), on a server of its own (or DATABASE_URL's). `run` executes
 * a GraphQL document as the API key (compiled on its first run, {@link compiledDocument}) and throws
 * on any problem; `postgresCpuUs()` is the CPU the
 * database server (postmaster and every child) has used so far, so it must run on this machine.
 * `settings` start the server with these PostgreSQL settings (not DATABASE_URL's, which runs as it is).
 */
export async function inProcessWorld(plugins = [], { settings } = {}) {
  const server = await testing.startTestDatabaseServer(settings ? { settings } : {});
  Object.assign(process.env, server.env);
  const app = await testing.createTestApp({ plugins, boards: { transport: 'postgres' }, listen: true });
  const em = app.platform.orm.em.fork();
  const write = testing.placeWriter(em);
  const district = write(core.PlaceType.DISTRICT, 'D', '东城区', null);
  const community = write(core.PlaceType.COMMUNITY, 'C', '社区', write(core.PlaceType.SUBDISTRICT, 'S', '街道', district));
  const household = write(core.PlaceType.HOUSEHOLD, 'H', '1号楼101', community);
  const resident = em.create(core.Person, { name: '居民', household });
  const worker = em.create(core.Person, { name: '志愿者', household });
  await em.flush();
  const caller = await testing.apiKeyCaller(app, { name: 'bench', placeIds: [], permissions: ['*'] });
  const [{ pid }] = await em.getConnection().execute('SELECT pg_backend_pid() AS pid');
  const postmaster = postmasterOf(pid);
  // Each document parsed, validated and compiled once, as the gateway runs a repeated one: validating
  // it on every run (graphql-js's `graphql()`) filled a tenth of a status change's profile here, work
  // the gateway does not do.
  const documents = new Map();
  return {
    app,
    household,
    resident,
    worker,
    caller,
    async run(doc, variables) {
      let compiled = documents.get(doc);
      if (!compiled) documents.set(doc, (compiled = await compiledDocument(app.platform.schema, doc)));
      const result = await compiled.query(undefined, app.platform.createContext(caller), variables);
      const problem = testing.problemOf(result);
      if (problem) throw new Error(`${problem.code}: ${problem.message}`);
      return result.data;
    },
    postgresCpuUs: () => databaseCpuUs(postmaster),
    async close() {
      await app.close();
      await server.stop();
    },
  };
}

/** An inspector session of this process, connected, with `domain` enabled. */
async function inspectorFor(domain) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post(`${domain}.enable`);
  return session;
}

/**
 * Starts a V8 CPU profile of this process when `file` is given; the function returned stops it
 * and writes it there (for bench/profile-summary.mjs). Without a file both do nothing.
 */
export async function profileTo(file) {
  if (!file) return async () => {};
  const session = await inspectorFor('Profiler');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * Starts V8's sampling heap profiler on this process, a sample every `samplingInterval` bytes on
 * average; `collectedByMinorGC` keeps the samples of objects a young-generation collection freed
 * (everything allocated) or not (what outlived one). The function returned stops it and answers
 * the profile (Chrome's `.heapprofile` format).
 */
export async function sampleHeap({ samplingInterval, collectedByMinorGC }) {
  const session = await inspectorFor('HeapProfiler');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: collectedByMinorGC,
  });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    session.disconnect();
    return profile;
  };
}

/**
 * Starts {@link sampleHeap} when `file` is given, keeping only the sampled objects that outlived a
 * young-generation collection (what scavenges promote); the function returned stops it and writes
 * the profile there (bench/profile-summary.mjs reads it). Without a file both do nothing.
 */
export async function heapProfileTo(file) {
  if (!file) return async () => {};
  const stop = await sampleHeap({ samplingInterval: 4096, collectedByMinorGC: false });
  return async () => {
    // With --expose-gc, two scavenges first: what the last one had not yet seen is then promoted or gone.
    for (let i = 0; i < 2; i++) globalThis.gc?.({ type: 'minor' });
    writeFileSync(file, JSON.stringify(await stop()));
  };
}

/** This process's CPU in µs (user and system) for `n` runs of `op`, one after another. */
export async function cpuOf(op, n) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await op();
  const c = process.cpuUsage(c0);
  return c.user + c.system;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Measures `sides` (by name: `op`, and `postgresCpuUs` when the side's database CPU counts too) in
 * `rounds` rounds of `slice` runs each, the sides taking turns and each round starting with the
 * next side, so that a slow minute of the machine costs every side alike (`--against`: two builds in
 * one process). Returns per side, in µs per run: the median of its slices of this process's CPU and,
 * given `postgresCpuUs`, its database's CPU over all its slices (read from /proc in clock ticks of
 * 10 ms, too coarse for a slice's median: a slice of 40 status changes is 4 or 5 ticks).
 */
export async function alternate(sides, rounds, slice) {
  const names = Object.keys(sides);
  const per = Object.fromEntries(names.map((name) => [name, { cpu: [], postgres: [] }]));
  for (let round = 0; round < rounds; round++) {
    const order = [...names.slice(round % names.length), ...names.slice(0, round % names.length)];
    for (const name of order) {
      const { op, postgresCpuUs } = sides[name];
      const pg0 = postgresCpuUs?.();
      per[name].cpu.push((await cpuOf(op, slice)) / slice);
      if (postgresCpuUs) per[name].postgres.push((postgresCpuUs() - pg0) / slice);
    }
  }
  const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
  return Object.fromEntries(
    names.map((name) => [name, { cpuUs: median(per[name].cpu), postgresUs: per[name].postgres.length ? mean(per[name].postgres) : null }]),
  );
}
