#!/usr/bin/env node
// Fan-out benchmark of live task boards (not a test; run with `pnpm bench:fanout`).
//
// One gateway process (B) holds N board subscribers (2,000, then 10,000); another gateway process (A)
// takes mutations at a steady rate, so every event crosses processes through PostgreSQL
// LISTEN/NOTIFY. It reports delivery latency p50/p99 (commit-side event time → receipt) and
// deliveries per second, then does the same fan-out with a bare `ws` server broadcasting one
// pre-serialised message per event to the same number of sockets, and reports the ratio.
// Latency runs from the moment an event is fired to its receipt, for both. `serverCpuUsPerDelivery`
// is the CPU time the serving process used per delivered message (from /proc): on a shared
// machine it is steadier than latency, which includes waiting for the CPU.
//
// Options (environment): BENCH_CASES (`2000x10,10000x1`: subscribers × events/s, each measured
// against bare `ws`), or BENCH_SUBSCRIBERS and BENCH_RATE for one case; BENCH_SECONDS (10);
// BENCH_PROFILE=1 writes a CPU profile of the subscribers' gateway to bench/results/ (or BENCH_RESULTS);
// BENCH_BARE=0 skips the bare `ws` run. `--help` prints this.
// Everything runs on 127.0.0.1; results are written to bench/results/fanout-<time>.json (or BENCH_RESULTS).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { RESULTS } from './results-dir.mjs';

if (process.argv.includes('--help')) {
  const { readFileSync } = await import('node:fs');
  const header = readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .slice(1);
  console.log(
    header
      .slice(
        0,
        header.findIndex((line) => !line.startsWith('//')),
      )
      .map((line) => line.slice(3))
      .join('\n'),
  );
  process.exit(0);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireGateway = createRequire(path.join(root, 'packages/gateway/package.json'));
const { default: WebSocket } = await import(requireGateway.resolve('ws').replace(/index\.js$/, 'wrapper.mjs'));
const core = await import(path.join(root, 'packages/core/dist/index.js'));
const cli = path.join(root, 'packages/gateway/dist/cli.js');

// The cases (subscribers × events/s): BENCH_SUBSCRIBERS and BENCH_RATE name one, else BENCH_CASES.
const CASES = (
  process.env.BENCH_SUBSCRIBERS || process.env.BENCH_RATE
    ? `${process.env.BENCH_SUBSCRIBERS ?? 2000}x${process.env.BENCH_RATE ?? 10}`
    : (process.env.BENCH_CASES ?? '2000x10,10000x1')
)
  .split(',')
  .map((c) => c.split('x').map(Number));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// The case being measured.
let N = 0;
let RATE = 0;
let EVENTS = 0;
// Both gateway processes share one development admin key (not production), sent by HTTP and WebSocket clients.
const KEY = process.env.GONGZHI_DEV_ADMIN_KEY ?? `gz_benchfan_${randomBytes(24).toString('base64url')}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc). */
async function cpuMs(pid) {
  try {
    const stat = (await import('node:fs')).readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

async function startGatewayProcess(databaseUrl, name, nodeArgs = []) {
  const port = await core.freePort();
  await mkdir(RESULTS, { recursive: true });
  const log = createWriteStream(path.join(RESULTS, `fanout-gateway-${name}.log`));
  const child = spawn(process.execPath, [...nodeArgs, cli, 'start'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      GONGZHI_DEV_ADMIN_KEY: KEY,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      GONGZHI_WS_MAX_SUBSCRIPTIONS: '5',
      GONGZHI_WS_QUEUE_LIMIT: '10000',
      // Thousands of handshakes from one key in a second: the shared rate limit would refuse them.
      GONGZHI_RATE_LIMIT: '1000000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `the ${name} gateway exited (${child.exitCode ?? child.signalCode}); see ${path.join(RESULTS, `fanout-gateway-${name}.log`)}`,
      );
    // Ready, and this run's own: a server that took the port meanwhile does not know this run's key.
    const ours = await post(url, '{ viewer { permissions } }').then(
      (r) => !r.errors && Array.isArray(r.data?.viewer?.permissions),
      () => false,
    );
    if (ours) return { url, child };
    await sleep(100);
  }
  throw new Error(`the ${name} gateway did not start within 60 s`);
}

async function post(url, query, variables) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

/** Opens `n` graphql-ws sockets by hand (light: no client library) and subscribes each. */
async function openSubscribers(wsUrl, n, subscribePayload, onMessage) {
  const sockets = [];
  for (let i = 0; i < n; i += 100) {
    await Promise.all(
      Array.from(
        { length: Math.min(100, n - i) },
        () =>
          new Promise((resolve, reject) => {
            const socket = new WebSocket(wsUrl, 'graphql-transport-ws');
            socket.on('error', reject);
            // A refused handshake (rate limit, credentials) closes before the ack: fail, never hang.
            socket.on('close', (code) => reject(new Error(`a subscriber's socket closed before its ack (${code})`)));
            socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEY}` } })));
            socket.on('message', (data) => {
              const text = String(data);
              if (text.startsWith('{"type":"connection_ack"')) {
                if (subscribePayload) socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: subscribePayload }));
                resolve();
              } else if (text.includes('"ping"')) socket.send('{"type":"pong"}');
              else onMessage(text);
            });
            sockets.push(socket);
          }),
      ),
    );
  }
  return sockets;
}

async function measureGateway(databaseUrl) {
  const a = await startGatewayProcess(databaseUrl, 'writer'); // seeds the demo district
  const b = await startGatewayProcess(
    databaseUrl,
    'subscribers',
    process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${RESULTS}`] : [],
  );
  try {
    const { data } = await post(a.url, '{ places(type: COMMUNITY) { nodes { id } } }');
    const placeId = data.places.nodes[0].id;
    const board = await post(b.url, 'query($p: ID!) { taskBoard(placeId: $p) { sequence } }', { p: placeId });
    const start = board.data.taskBoard.sequence;
    const occurred = new Map();
    const latencies = [];
    let received = 0;
    let last = 0;
    const payload = {
      query:
        'subscription($p: ID!, $a: SafeInt) { taskBoardChanges(placeId: $p, after: $a) { sequence occurredAt event card { title status } } }',
      variables: { p: placeId, a: start },
    };
    const sockets = await openSubscribers(`${b.url.replace('http', 'ws')}/graphql`, N, payload, (text) => {
      const now = Date.now();
      const seq = Number(/"sequence":(\d+)/.exec(text)?.[1]);
      let at = occurred.get(seq);
      if (at === undefined) {
        at = Date.parse(/"occurredAt":"([^"]+)"/.exec(text)?.[1]);
        occurred.set(seq, at);
      }
      latencies.push(now - at);
      received++;
      last = now;
    });
    const submit = (title) =>
      post(a.url, 'mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { errors { message } } }', {
        i: { kind: 'NEED', channel: 'PHONE', title, description: '', placeId, callbackPhone: '13800000000' },
      }).then(
        (r) => !r.errors && r.data?.submitRequest?.errors?.length === 0,
        () => false,
      );
    // An acknowledged socket has not necessarily started its subscription yet: one warm-up event
    // that every subscriber receives proves they all have, so the measurement holds deliveries only.
    if (!(await submit('压测预热'))) throw new Error('the warm-up write failed');
    const warmDeadline = Date.now() + (N <= 1000 ? 60_000 : 300_000);
    while (received < N && Date.now() < warmDeadline) await sleep(50);
    if (received < N) throw new Error(`only ${received} of ${N} subscribers received the warm-up event`);
    received = 0;
    latencies.length = 0;
    const cpu0 = await cpuMs(b.child.pid);
    const t0 = Date.now();
    const writes = [];
    for (let i = 0; i < EVENTS; i++) {
      const due = t0 + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      writes.push(submit(`压测诉求${i}`));
    }
    // Only committed events are owed to subscribers: a write the writer refused (overload) is not.
    const committed = (await Promise.all(writes)).filter(Boolean).length;
    const deadline = Date.now() + 60_000;
    while (received < committed * N && Date.now() < deadline) await sleep(50);
    const cpu = (await cpuMs(b.child.pid)) - cpu0;
    const sorted = latencies.sort((x, y) => x - y);
    for (const s of sockets) s.terminate();
    return {
      serverCpuUsPerDelivery: +((cpu * 1000) / Math.max(received, 1)).toFixed(1),
      delivered: received,
      expected: committed * N,
      writeErrors: EVENTS - committed,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      deliveriesPerSecond: Math.round(received / ((last - t0) / 1000)),
    };
  } finally {
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    await sleep(500);
  }
}

/** The same fan-out from a bare `ws` server in its own process: one pre-serialised message per event. */
async function measureBareWs() {
  const port = await core.freePort();
  const wsPath = requireGateway.resolve('ws');
  const server = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { WebSocketServer } from ${JSON.stringify(wsPath.replace(/index\.js$/, 'wrapper.mjs'))};
       const wss = new WebSocketServer({ port: ${port}, host: '127.0.0.1' });
       let seq = 0;
       process.on('message', (sentAt) => {
         seq++;
         const message = JSON.stringify({ id: '1', type: 'next', payload: { data: { taskBoardChanges: { sequence: seq, occurredAt: new Date(sentAt).toISOString(), event: 'request.created', card: { title: '压测诉求', status: 'submitted' } } } } });
         for (const client of wss.clients) client.send(message);
       });
       wss.on('connection', (s) => s.on('message', (m) => { if (String(m).includes('connection_init')) s.send('{"type":"connection_ack"}'); }));
       // Ready once listening: connecting before then is refused (seen when the machine was busy).
       wss.once('listening', () => process.send('ready'));`,
    ],
    // Its stderr is piped, not inherited: an orphaned server must not hold the caller's pipe open.
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  server.stderr.on('data', (d) => process.stderr.write(d));
  try {
    await Promise.race([
      new Promise((r) => server.once('message', r)),
      new Promise((_, reject) => server.once('exit', (code) => reject(new Error(`the bare ws server exited (${code})`)))),
    ]);
    return await measureBareWsOn(server, port);
  } finally {
    server.kill();
  }
}

async function measureBareWsOn(server, port) {
  const occurred = new Map();
  const latencies = [];
  let received = 0;
  let last = 0;
  const sockets = await openSubscribers(`ws://127.0.0.1:${port}`, N, null, (text) => {
    const now = Date.now();
    const seq = Number(/"sequence":(\d+)/.exec(text)?.[1]);
    let at = occurred.get(seq);
    if (at === undefined) {
      at = Date.parse(/"occurredAt":"([^"]+)"/.exec(text)?.[1]);
      occurred.set(seq, at);
    }
    latencies.push(now - at);
    received++;
    last = now;
  });
  await sleep(500);
  const cpu0 = await cpuMs(server.pid);
  const t0 = Date.now();
  for (let i = 0; i < EVENTS; i++) {
    const due = t0 + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    server.send(Date.now()); // the event's time is when it was fired, as for the gateway
  }
  const deadline = Date.now() + 60_000;
  while (received < EVENTS * N && Date.now() < deadline) await sleep(50);
  const cpu = (await cpuMs(server.pid)) - cpu0;
  for (const s of sockets) s.terminate();
  const sorted = latencies.sort((x, y) => x - y);
  return {
    serverCpuUsPerDelivery: +((cpu * 1000) / Math.max(received, 1)).toFixed(1),
    delivered: received,
    expected: EVENTS * N,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    deliveriesPerSecond: Math.round(received / ((last - t0) / 1000)),
  };
}

const dir = await mkdtemp(path.join(tmpdir(), 'gongzhi-bench-'));
let database;
try {
  const databaseUrl =
    process.env.DATABASE_URL ??
    (database = await core.startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      port: await core.freePort(),
      database: 'gongzhi',
      ephemeral: true,
    })).url;
  for ([N, RATE] of CASES) {
    EVENTS = RATE * SECONDS;
    console.log(`fan-out: ${N} subscribers, ${RATE} events/s for ${SECONDS} s (${EVENTS} events, ${EVENTS * N} deliveries)`);
    const gateway = await measureGateway(databaseUrl);
    const bare = process.env.BENCH_BARE === '0' ? null : await measureBareWs();
    const result = {
      subscribers: N,
      rate: RATE,
      seconds: SECONDS,
      gateway,
      bareWs: bare,
      ratio: bare && {
        p50: +(gateway.p50 / Math.max(bare.p50, 1)).toFixed(2),
        p99: +(gateway.p99 / Math.max(bare.p99, 1)).toFixed(2),
        deliveriesPerSecond: +(gateway.deliveriesPerSecond / bare.deliveriesPerSecond).toFixed(2),
        serverCpuPerDelivery: +(gateway.serverCpuUsPerDelivery / bare.serverCpuUsPerDelivery).toFixed(2),
      },
      loadAverage: os.loadavg().map((l) => +l.toFixed(1)),
    };
    console.table(bare ? { gateway, 'bare ws': bare } : { gateway });
    console.log('gateway / bare ws:', result.ratio, 'load average (1, 5, 15 min):', result.loadAverage);
    await mkdir(RESULTS, { recursive: true });
    await writeFile(
      path.join(RESULTS, `fanout-${new Date().toISOString().replace(/[:.]/g, '-')}-${N}x${RATE}.json`),
      JSON.stringify(result, null, 2),
    );
  }
} finally {
  await database?.stop();
  await rm(dir, { recursive: true, force: true });
}
