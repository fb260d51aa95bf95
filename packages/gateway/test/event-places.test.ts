import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Place, PlaceType } from '@gongzhi/core';
import { apiKeyCaller, createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';
// The plugins' sources, as their own tests import them (see canary-district.ts).
import council from '../../plugin-council/src/index.js';
import grid from '../../plugin-grid/src/index.js';
import moralBank from '../../plugin-moral-bank/src/index.js';
import volunteer from '../../plugin-volunteer/src/index.js';

/**
 * A webhook of a district app's key (scoped to its places) receives an event only when the
 * payload says where it happened (`placePath`): an event without one goes only to keys that see
 * everywhere. Generated from the composed `eventTypes`: every event of core and the bundled
 * plugins carries it. And through the API: a community's key receives the grid created there,
 * its ids as global ids that `node(id:)` answers, and not the grid of the next community.
 */
let app: TestApp;
let communityA: Place;
let communityB: Place;
let buildingA: Place;
let buildingB: Place;
const received: { type: string; timestamp: string; data: Record<string, unknown> }[] = [];
const receiver = createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  req.on('end', () => {
    received.push(JSON.parse(raw) as (typeof received)[number]);
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  app = await createTestApp({ plugins: [grid, volunteer, moralBank, council], webhooks: { pollIntervalMs: 25 } });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const em = app.platform.orm.em.fork();
  const place = placeWriter(em);
  const district = place(PlaceType.DISTRICT, 'D1', '海淀区', null);
  const street = place(PlaceType.SUBDISTRICT, 'S1', '学院路街道', district);
  communityA = place(PlaceType.COMMUNITY, 'CA', '成仪路社区', street);
  communityB = place(PlaceType.COMMUNITY, 'CB', '石油大院社区', street);
  buildingA = place(PlaceType.BUILDING, 'CA-1', '1号楼', communityA);
  buildingB = place(PlaceType.BUILDING, 'CB-1', '1号楼', communityB);
  await em.flush();
}, 120_000);
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

test('every event of core and the bundled plugins says where it happened (placePath), so scoped webhooks can receive it', async () => {
  const { eventTypes } = await app.run<{ eventTypes: { name: string; owner: string; payload: { name: string }[] }[] }>(
    '{ eventTypes { name owner payload { name } } }',
  );
  expect(new Set(eventTypes.map((e) => e.owner))).toEqual(new Set(['core', 'grid', 'volunteer', 'moral-bank', 'council']));
  expect(eventTypes.filter((e) => !e.payload.some((f) => f.name === 'placePath')).map((e) => e.name)).toEqual([]);
});

test("a community's key receives the grid created in its community, with global ids, and not the next community's", async () => {
  const key = await apiKeyCaller(app, { name: '成仪路社区应用', placeIds: [communityA.uuid], permissions: ['webhook.manage'] });
  const port = (receiver.address() as AddressInfo).port;
  const hook = await app.run(
    'mutation($u: String!) { createWebhook(input: { url: $u, eventTypes: ["grid.created"] }) { created { webhook { id } } errors { code message } } }',
    { u: `http://127.0.0.1:${port}/grid` },
    { caller: key },
  );
  expect(hook.createWebhook.errors).toEqual([]);
  const create = async (community: Place, building: Place, name: string) => {
    const made = await app.run(
      'mutation($c: ID!, $n: String!, $p: [ID!]!) { createGrid(communityId: $c, name: $n, placeIds: $p) { grid { id } errors { code message } } }',
      { c: community.id, n: name, p: [building.id] },
    );
    expect(made.createGrid.errors).toEqual([]);
    return made.createGrid.grid.id as string;
  };
  await create(communityB, buildingB, '石油大院第一网格');
  const mine = await create(communityA, buildingA, '成仪路第一网格');
  for (let i = 0; i < 200 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 300)); // nothing more comes
  expect(received).toEqual([
    {
      type: 'grid.created',
      timestamp: expect.any(String),
      data: { gridId: mine, communityId: communityA.id, placePath: communityA.path, kind: 'grid', parentId: null },
    },
  ]);
  const fetched = await app.run(
    'query($id: ID!) { node(id: $id) { ... on Grid { name } } }',
    { id: received[0]?.data.gridId },
    { caller: key },
  );
  expect(fetched.node).toEqual({ name: '成仪路第一网格' });
}, 30_000);
