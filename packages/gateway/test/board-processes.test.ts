import path from 'node:path';
import { PostgresBoardTransport, startEmbeddedPostgres } from '@gongzhi/core';
import { createGatewayLogger } from '@gongzhi/gateway';
import { freePort, type TestDatabase } from '@gongzhi/core/testing';
import { boardClient, demoBoard, submitOver, watchBoard } from './board-helpers.js';
import { type CliRun, startReady, stop } from './cli-process.js';
import { gatewayDatabase, startGateway, tempDir, TEST_ADMIN_KEY, testConfig } from './helpers.js';

/** Starts `gongzhi start` on `databaseUrl` (its demo district loaded) and waits until it is ready. */
const startProcess = async (databaseUrl: string, port?: number) =>
  startReady({ DATABASE_URL: databaseUrl, PORT: String(port ?? (await freePort())), GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY });

let db: TestDatabase;
let a: CliRun | undefined;
let b: CliRun | undefined;

beforeAll(async () => {
  db = await gatewayDatabase();
  a = await startProcess(db.url); // loads the demo district into the empty database
  b = await startProcess(db.url);
}, 250_000); // two starts, each up to 120 s on a busy machine
afterAll(async () => {
  await stop(a);
  await stop(b);
  await db?.drop();
});

test('two gateway processes: mutations on A reach a subscriber on B exactly once, in order', async () => {
  const { communityId, sequence } = await demoBoard(a!.url);
  const client = boardClient(b!.url);
  const watcher = watchBoard(client, communityId, sequence);
  try {
    await new Promise((r) => setTimeout(r, 300)); // subscribed
    // Sequential and concurrent writes on A.
    for (let i = 0; i < 4; i++) await submitOver(a!.url, communityId, `甲进程诉求${i}`);
    await Promise.all(Array.from({ length: 8 }, (_, i) => submitOver(a!.url, communityId, `并发诉求${i}`)));
    const changes = await watcher.until(12);
    expect(changes.map((c) => c.sequence)).toEqual(Array.from({ length: 12 }, (_, i) => sequence + i + 1));
    expect(new Set(changes.map((c) => c.itemId)).size).toBe(12);
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.changes).toHaveLength(12);
    expect(watcher.errors).toEqual([]);
  } finally {
    watcher.stop();
    await client.dispose();
  }
}, 60_000);

test('a gateway killed with SIGKILL and restarted: its subscriber reconnects and catches up by sequence, nothing lost or doubled', async () => {
  const { communityId, sequence } = await demoBoard(a!.url);
  const port = Number(new URL(b!.url).port);
  const client = boardClient(b!.url);
  const watcher = watchBoard(client, communityId, sequence);
  try {
    await submitOver(a!.url, communityId, '重启之前');
    await watcher.until(1);
    await stop(b, 'SIGKILL');
    // Written while the subscriber's gateway is dead.
    for (let i = 0; i < 5; i++) await submitOver(a!.url, communityId, `宕机期间${i}`);
    b = await startProcess(db.url, port);
    await submitOver(a!.url, communityId, '重启之后');
    const changes = await watcher.until(7, 40_000);
    expect(changes.map((c) => c.sequence)).toEqual(Array.from({ length: 7 }, (_, i) => sequence + i + 1));
    expect(changes.map((c) => c.card.title)).toEqual([
      '重启之前',
      '宕机期间0',
      '宕机期间1',
      '宕机期间2',
      '宕机期间3',
      '宕机期间4',
      '重启之后',
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.changes).toHaveLength(7);
  } finally {
    watcher.stop();
    await client.dispose();
  }
}, 90_000);

test('the database restarted: the LISTEN connection re-establishes itself and boards go on', async () => {
  const { dir, remove } = await tempDir('gongzhi-board-pg-');
  const port = await freePort();
  const logger = createGatewayLogger('silent', false);
  let pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, database: 'gongzhi', ephemeral: true });
  const gateway = await startGateway(testConfig({ DATABASE_URL: pg.url }), logger);
  const client = boardClient(gateway.server.url);
  try {
    const { communityId, sequence } = await demoBoard(gateway.server.url);
    const watcher = watchBoard(client, communityId, sequence);
    await submitOver(gateway.server.url, communityId, '重启数据库之前');
    await watcher.until(1);
    const transport = gateway.platform.boards.transport as PostgresBoardTransport;
    expect(transport).toBeInstanceOf(PostgresBoardTransport);
    expect(transport.connects).toBe(1);

    await pg.stop();
    pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port, database: 'gongzhi', ephemeral: true });
    const deadline = Date.now() + 20_000;
    while (transport.connects < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(transport.connects).toBe(2);

    // The ORM pool drops its dead connections on first use; retry the write until it goes through.
    let done = false;
    for (let i = 0; i < 20 && !done; i++) {
      done = await submitOver(gateway.server.url, communityId, '重启数据库之后').then(
        () => true,
        () => false,
      );
      if (!done) await new Promise((r) => setTimeout(r, 200));
    }
    expect(done).toBe(true);
    const changes = await watcher.until(2);
    expect(changes.map((c) => [c.sequence - sequence, c.card.title])).toEqual([
      [1, '重启数据库之前'],
      [2, '重启数据库之后'],
    ]);
    watcher.stop();
  } finally {
    await client.dispose();
    await gateway.stop();
    await pg.stop();
    await remove();
  }
}, 90_000);
