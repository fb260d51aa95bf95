import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGatewayLogger } from '@gongzhi/gateway';
import { chrtOnPath, createTestDatabase, freePort, schedulingOf } from '@gongzhi/core/testing';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { gatewayDatabase, postGraphQL, startGateway, tempDir, testConfig } from './helpers.js';

const logger = createGatewayLogger('silent', false);
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** How Linux schedules the backend of one of the gateway's database connections. */
async function backendScheduling(gateway: Awaited<ReturnType<typeof startGateway>>): Promise<string | null> {
  const [row] = await gateway.platform.orm.em.fork().getConnection().execute<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
  return schedulingOf(row.pid); // the pool keeps the connection, so its backend is there to read
}

test('serves the four plugins over HTTP and WebSocket on one path, with health checks', async () => {
  const db = await gatewayDatabase();
  const gateway = await startGateway(testConfig({ DATABASE_URL: db.url }), logger, { seedWhenEmpty: false });
  try {
    const { data } = await postGraphQL(gateway.server.url, '{ coreVersion plugins { id version } }');
    expect(data.plugins.map((p: { id: string }) => p.id)).toEqual(['grid', 'volunteer', 'moral-bank', 'council']);

    expect((await fetch(`${gateway.server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.server.url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const client = createClient({ url: `${gateway.server.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, lazy: true });
    // Subscriptions only over the socket: a query is refused with a pointer to HTTP.
    const refused = await new Promise<any>((resolve) => {
      client.subscribe(
        { query: '{ coreVersion }' },
        { next: () => resolve('answered'), error: resolve, complete: () => resolve('completed') },
      );
    });
    expect(refused).toEqual([
      expect.objectContaining({
        message: 'Only subscriptions are served over WebSocket; send this query over HTTP (POST /graphql).',
        extensions: { code: 'OPERATION_NOT_ALLOWED' },
      }),
    ]);
    await client.dispose();

    const tooBig = await fetch(`${gateway.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ coreVersion } # ${'x'.repeat(1_100_000)}` }),
    });
    expect(tooBig.status).toBe(413);
    // Streamed past the limit without a declared length: refused as it arrives, and the server goes on.
    const { request } = await import('node:http');
    const { hostname, port } = new URL(gateway.server.url);
    const streamed = await new Promise<string>((resolve) => {
      const req = request(
        { host: hostname, port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(`status ${res.statusCode}`);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code}`));
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      const pump = () => {
        while (sent < 4 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(streamed).toBe('status 413');
    expect((await postGraphQL(gateway.server.url, '{ coreVersion }')).data.coreVersion).toEqual(expect.any(String));
  } finally {
    await gateway.stop();
    await db.drop();
  }
});

test('keeps data across a restart on the embedded database', async () => {
  const { dir, remove } = await tempDir('gongzhi-gateway-');
  const clusters = path.join(dir, 'clusters');
  const env = {
    GONGZHI_DATA_DIR: dir,
    GONGZHI_PG_PORT: String(await freePort()),
    GONGZHI_DEV_ADMIN_KEY: '',
    GONGZHI_PG_CLUSTER_CACHE: clusters,
  };
  const config = testConfig(env);
  expect(testConfig({ GONGZHI_PG_CLUSTER_CACHE: 'off' }).embeddedClusterCache).toBeNull();
  try {
    const first = await startGateway(config, logger, { seedWhenEmpty: false });
    const placeId = await (async () => {
      const em = first.platform.orm.em.fork();
      const { Place, PlaceType } = await import('@gongzhi/core');
      const place = em.create(Place, { type: PlaceType.COMMUNITY, code: 'C1', name: '芳城园社区', path: '/', depth: 2 });
      await em.flush();
      return place.id;
    })();
    const created = await postGraphQL(
      first.server.url,
      'mutation($c: ID!) { createGrid(communityId: $c, name: "第一网格") { grid { name } errors { code } } }',
      { c: placeId },
      first.devAdminKey,
    );
    expect(created).toEqual({ data: { createGrid: { grid: { name: '第一网格' }, errors: [] } } });
    // The embedded server's processes run as batch work where chrt can set that (this machine and CI's).
    expect(await backendScheduling(first)).toBe(chrtOnPath() ? 'batch' : 'normal');
    await first.stop();
    // The first start's initdb left its cluster in the configured folder for the next empty data folder.
    expect(readdirSync(clusters)).toEqual([expect.stringMatching(/^postgres-/)]);

    // GONGZHI_PG_SCHEDULING=normal keeps the default policy.
    const second = await startGateway(testConfig({ ...env, GONGZHI_PG_SCHEDULING: 'normal' }), logger, { seedWhenEmpty: false });
    try {
      expect(await backendScheduling(second)).toBe('normal');
      // A restart issues a new development key and revokes the old one.
      const stale = await postGraphQL(second.server.url, '{ coreVersion }', undefined, first.devAdminKey);
      expect(stale.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const { data } = await postGraphQL(
        second.server.url,
        'query($id: ID!) { place(id: $id) { name grids { nodes { name } } } }',
        { id: placeId },
        second.devAdminKey,
      );
      expect(data).toEqual({ place: { name: '芳城园社区', grids: { nodes: [{ name: '第一网格' }] } } });
    } finally {
      await second.stop();
    }
  } finally {
    await remove();
  }
});

test('loads a third-party plugin by its package name from the configuration file', async () => {
  const db = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: db.url }, path.join(fixtures, 'third-party'));
  expect(config.plugins).toEqual([
    { name: '@gongzhi/plugin-grid' },
    { name: 'gongzhi-plugin-noticeboard', options: { maxTitleLength: 20 } },
  ]);
  const gateway = await startGateway(config, logger, { seedWhenEmpty: false });
  try {
    const gridVersion = (
      JSON.parse(readFileSync(new URL('../../plugin-grid/package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
    const { data } = await postGraphQL(gateway.server.url, '{ plugins { id version } }');
    expect(data.plugins).toEqual([
      { id: 'grid', version: gridVersion },
      { id: 'noticeboard', version: '1.2.0' },
    ]);
    const em = gateway.platform.orm.em.fork();
    const { Place, PlaceType } = await import('@gongzhi/core');
    const place = em.create(Place, { type: PlaceType.COMMUNITY, code: 'C1', name: '敬口路社区', path: '/', depth: 2 });
    await em.flush();

    const key = gateway.devAdminKey;
    const posted = await postGraphQL(
      gateway.server.url,
      'mutation($p: ID!) { postNotice(placeId: $p, title: "周一网格议事会") { notice { title } errors { code } } }',
      { p: place.id },
      key,
    );
    expect(posted).toEqual({ data: { postNotice: { notice: { title: '周一网格议事会' }, errors: [] } } });
    // The option from the config file reached the plugin.
    const tooLong = await postGraphQL(
      gateway.server.url,
      'mutation($p: ID!) { postNotice(placeId: $p, title: "这是一条非常非常非常非常非常非常长的通知标题") { notice { title } errors { code message field } } }',
      { p: place.id },
      key,
    );
    expect(tooLong.data.postNotice.errors).toEqual([
      { code: 'BAD_USER_INPUT', message: 'title must be at most 20 characters.', field: 'title' },
    ]);
    const { data: read } = await postGraphQL(
      gateway.server.url,
      'query($p: ID!) { place(id: $p) { notices { nodes { title } } grids { nodes { name } } } }',
      { p: place.id },
      key,
    );
    expect(read).toEqual({ place: { notices: { nodes: [{ title: '周一网格议事会' }] }, grids: { nodes: [] } } });
  } finally {
    await gateway.stop();
    await db.drop();
  }
});
