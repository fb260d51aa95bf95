#!/usr/bin/env node
// The floor under fan-out on this machine: `node bench/socket-floor.mjs [--sockets N] [--events E]`.
// A server process holds N WebSocket connections (ws, no compression) from this process and, per
// event, writes one message to every socket in one loop, two ways: `ws.send(buffer)` (what bare `ws`
// and the gateway do) and the whole frame built once and written to each raw socket (the least any
// Node server can do per subscriber: one `write` system call). Prints per way the server's CPU per
// delivery, the receiving process's CPU per receipt, both for one event spread over the machine's
// cores (no server on any number of threads gets an event to its last subscriber sooner, with the
// subscribers on this machine), and how long one loop over every socket took (the wait of the last
// subscriber, before it reads). If the loop alone takes longer than the fan-out target, no
// single-threaded server meets that target on this machine (bench/README.md, "The floor under the
// 10,000-subscriber target", and "the fan-out floor counted on both sides").
// Not a test: it measures.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { WebSocket, WebSocketServer } = createRequire(path.join(root, 'packages/gateway/package.json'))('ws');
const { values: opts } = parseArgs({
  options: { sockets: { type: 'string', default: '10000' }, events: { type: 'string', default: '8' }, server: { type: 'boolean' } },
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

if (opts.server) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  wss.on('listening', () => process.send({ port: wss.address().port }));
  // A board change as the gateway sends it, about this long.
  const payload = Buffer.from(
    JSON.stringify({
      id: '1',
      type: 'next',
      payload: {
        data: {
          taskBoardChanges: {
            sequence: 1,
            occurredAt: new Date().toISOString(),
            event: 'request.created',
            card: { id: 'UmVxdWVzdDo1ZjQ1YjQxMi0xMjM0', title: '压测诉求', status: 'SUBMITTED' },
          },
        },
      },
    }),
  );
  // An unmasked text frame (server to client): FIN and opcode 1, then the length.
  const header =
    payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 255]);
  const frame = Buffer.concat([header, payload]);
  process.on('message', ({ way }) => {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    if (way === 'raw frame') for (const client of wss.clients) client._socket.write(frame);
    else for (const client of wss.clients) client.send(payload, { binary: false });
    const loopMs = Number(process.hrtime.bigint() - start) / 1e6;
    const used = process.cpuUsage(cpu);
    process.send({ loopMs, cpuUs: used.user + used.system, deliveries: wss.clients.size });
  });
} else {
  const N = Number(opts.sockets);
  const server = fork(fileURLToPath(import.meta.url), ['--server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const { port } = await new Promise((resolve) => server.once('message', resolve));
    let received = 0;
    const sockets = [];
    for (let i = 0; i < N; i++) {
      const socket = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
      socket.on('message', () => received++);
      sockets.push(socket);
      if (i % 500 === 499) await sleep(50); // no backlog overflow
    }
    await Promise.all(sockets.map((s) => (s.readyState === WebSocket.OPEN ? null : new Promise((r) => s.once('open', r)))));
    await sleep(500);
    const results = {};
    for (let round = 0; round < Number(opts.events); round++) {
      // Alternated, so a slow moment of the machine costs both ways alike.
      for (const way of round % 2 ? ['raw frame', 'ws.send'] : ['ws.send', 'raw frame']) {
        const before = received;
        const clientCpu = process.cpuUsage();
        server.send({ way });
        const m = await new Promise((resolve) => server.once('message', resolve));
        while (received < before + N) await sleep(10);
        const read = process.cpuUsage(clientCpu);
        (results[way] ??= []).push({ ...m, clientCpuUs: read.user + read.system });
        await sleep(300);
      }
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const table = Object.fromEntries(
      Object.entries(results).map(([way, ms]) => [
        way,
        {
          cpuUsPerDelivery: +median(ms.map((m) => m.cpuUs / m.deliveries)).toFixed(2),
          clientCpuUsPerReceipt: +median(ms.map((m) => m.clientCpuUs / m.deliveries)).toFixed(2),
          // Both sides' CPU for one event over the machine's cores: no event reaches its last subscriber sooner.
          bothSidesMsOverCores: +median(ms.map((m) => (m.cpuUs + m.clientCpuUs) / 1000 / os.availableParallelism())).toFixed(0),
          loopMsMedian: +median(ms.map((m) => m.loopMs)).toFixed(0),
          loopMsMin: +Math.min(...ms.map((m) => m.loopMs)).toFixed(0),
          loopMsMax: +Math.max(...ms.map((m) => m.loopMs)).toFixed(0),
        },
      ]),
    );
    console.log(`${N} sockets, ${opts.events} events each way:`);
    console.table(table);
    for (const s of sockets) s.terminate();
  } finally {
    server.kill();
  }
}
