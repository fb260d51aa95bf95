#!/usr/bin/env node
// `node bench/start.mjs [--runs N] [--profile]`: how long `gongzhi` takes to start (bench/README.md,
// "Start, again"). Each run: `gongzhi --help` (modules only), then `gongzhi start` on an empty data
// folder with an empty cluster cache of the run's own (first: initdb of the embedded PostgreSQL,
// which keeps its cluster there, migrations, demo seed), on another empty folder (cold: a copy of
// that cluster, migrations, demo seed) and again on that folder (warm), each to its first answered query. Reports wall time, the gateway process's own
// CPU (user + system from /proc/<pid>/stat when the query is answered), PostgreSQL's CPU (the
// gateway's exited children, initdb among them, plus its live process tree) and VmHWM.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RESULTS } from './results-dir.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'packages/gateway/dist/cli.js');
const { values: opts } = parseArgs({ options: { runs: { type: 'string', default: '3' }, profile: { type: 'boolean' } } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux)

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** utime + stime of a process and of its children it waited for, in seconds. */
async function cpuOf(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { self: (Number(f[11]) + Number(f[12])) / TICK, children: (Number(f[13]) + Number(f[14])) / TICK };
}

/** CPU of the process tree under pid (PostgreSQL's server and its workers), in seconds. */
async function treeCpu(pid) {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  let total = 0;
  for (const child of out
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)) {
    try {
      const c = await cpuOf(child);
      total += c.self + c.children + (await treeCpu(child));
    } catch {
      // gone
    }
  }
  return total;
}

async function peakRssMb(pid) {
  const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : null;
}

function answers(port) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(res.statusCode === 200 && body.includes('coreVersion')));
      },
    );
    req.on('error', () => resolve(false));
    req.end(JSON.stringify({ query: '{ coreVersion }' }));
  });
}

async function start(dataDir, clusters, pgPort, label) {
  const port = await freePort();
  const args = opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS}`, `--cpu-prof-name=start-${label}.cpuprofile`] : [];
  const t0 = performance.now();
  const child = spawn(process.execPath, [...args, cli, 'start'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      GONGZHI_JWT_SECRET: 'start-bench-secret-start-bench-secret-0123456789',
      PORT: String(port),
      GONGZHI_DATA_DIR: dataDir,
      GONGZHI_PG_CLUSTER_CACHE: clusters,
      GONGZHI_PG_PORT: String(pgPort),
      DATABASE_URL: '',
    },
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = null;
  child.once('exit', (code) => (exited = code));
  for (;;) {
    if (exited !== null) throw new Error(`gongzhi start exited with ${exited}`);
    if (await answers(port)) break;
    if (performance.now() - t0 > 120_000) throw new Error('gongzhi start did not answer within 120 s');
    await sleep(20);
  }
  const wallMs = Math.round(performance.now() - t0);
  const cpu = await cpuOf(child.pid);
  const postgresCpu = cpu.children + (await treeCpu(child.pid));
  const rss = await peakRssMb(child.pid);
  child.kill('SIGTERM');
  await once(child, 'exit');
  return { wallMs, cpuS: cpu.self, postgresCpuS: postgresCpu, peakRssMb: rss };
}

function help() {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `times_before=$(cat /proc/$$/stat); "${process.execPath}" "${cli}" --help > /dev/null; times`], {
    encoding: 'utf8',
  });
  const wallMs = Math.round(performance.now() - t0);
  // `times` prints the shell's own times, then its children's: "0m1.234s 0m0.123s".
  const [, children] = r.stdout.trim().split('\n');
  const [user, sys] = children.split(' ').map((t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t);
    return Number(m[1]) * 60 + Number(m[2]);
  });
  return { wallMs, cpuS: Math.round((user + sys) * 100) / 100 };
}

const rows = [];
for (let i = 0; i < Number(opts.runs); i++) {
  const dir = await mkdtemp(path.join(tmpdir(), 'gongzhi-start-'));
  try {
    const pgPort = await freePort();
    const usage = help();
    const clusters = path.join(dir, 'clusters');
    const first = await start(path.join(dir, 'data-first'), clusters, pgPort, 'first');
    const cold = await start(path.join(dir, 'data'), clusters, pgPort, 'cold');
    const warm = await start(path.join(dir, 'data'), clusters, pgPort, 'warm');
    const row = { usage, first, cold, warm, loadavg: (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ') };
    rows.push(row);
    console.log(JSON.stringify(row));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const range = (xs) => {
  const s = xs.toSorted((a, b) => a - b);
  return s[0] === s.at(-1) ? `${s[0]}` : `${s[0]}–${s.at(-1)}`;
};
const r2 = (x) => Math.round(x * 100) / 100;
console.log(`usage: ${range(rows.map((r) => r.usage.cpuS))} s CPU, ${range(rows.map((r) => r.usage.wallMs))} ms wall`);
for (const k of ['first', 'cold', 'warm'])
  console.log(
    `${k}: ${range(rows.map((r) => r2(r[k].cpuS)))} s CPU (gateway), ${range(rows.map((r) => r2(r[k].postgresCpuS)))} s CPU (PostgreSQL), ${range(rows.map((r) => r[k].wallMs))} ms wall, VmHWM ${range(rows.map((r) => r[k].peakRssMb))} MB`,
  );
