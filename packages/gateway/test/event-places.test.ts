import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Place, PlaceType } from '@gongzhi/core';
import { apiKeyCaller, createTestApp, placeWriter, type TestApp, uuidOf } from '@gongzhi/core/testing';
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
let householdA: Place;
let householdB: Place;
const received: { type: string; timestamp: string; data: Record<string, unknown> }[] = [];
/** What each receiving path got (`/grid`, one path per community's hook), in arrival order. */
const receivedAt = new Map<string, (typeof received)[number][]>();
/** What `path` got, by event type: deliveries are independent, so they may arrive in any order. */
const byType = (path: string) => [...(receivedAt.get(path) ?? [])].sort((a, b) => a.type.localeCompare(b.type));
const receiver = createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  req.on('end', () => {
    const body = JSON.parse(raw) as (typeof received)[number];
    received.push(body);
    receivedAt.set(req.url!, [...(receivedAt.get(req.url!) ?? []), body]);
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
  householdA = place(PlaceType.HOUSEHOLD, 'CA-1-101', '101室', buildingA);
  householdB = place(PlaceType.HOUSEHOLD, 'CB-1-202', '202室', buildingB);
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
  expect(receivedAt.get('/grid')).toEqual([
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

test("a resident moves to the next community: each community's app hears its side of the move, and nothing of the other", async () => {
  const port = (receiver.address() as AddressInfo).port;
  const PERSON_EVENTS = ['person.created', 'person.moved-out', 'person.moved-in', 'person.role-ended'];
  for (const [community, path] of [
    [communityA, '/people-a'],
    [communityB, '/people-b'],
  ] as const) {
    const key = await apiKeyCaller(app, { name: `${community.name}登记`, placeIds: [community.uuid], permissions: ['webhook.manage'] });
    const hook = await app.run(
      'mutation($u: String!, $t: [String!]!) { createWebhook(input: { url: $u, eventTypes: $t }) { errors { code message } } }',
      { u: `http://127.0.0.1:${port}${path}`, t: PERSON_EVENTS },
      { caller: key },
    );
    expect(hook.createWebhook.errors).toEqual([]);
  }
  const created = await app.run(
    'mutation($h: ID!) { createPerson(input: { name: "赵阿姨", householdId: $h }) { person { id } errors { code message } } }',
    { h: householdA.id },
  );
  const person = created.createPerson.person.id as string;
  const resident = await app.run(
    'mutation($p: ID!, $h: ID!) { assignRole(personId: $p, placeId: $h, role: RESIDENT, startsOn: "2020-01-01") { role { id } errors { code } } }',
    { p: person, h: householdA.id },
  );
  expect(resident.assignRole.errors).toEqual([]);
  const moved = await app.run(
    'mutation($id: ID!, $h: ID!) { updatePerson(id: $id, input: { householdId: $h }) { errors { code message } } }',
    {
      id: person,
      h: householdB.id,
    },
  );
  expect(moved.updatePerson.errors).toEqual([]);
  for (let i = 0; i < 200 && !(receivedAt.get('/people-a')?.length === 3 && receivedAt.get('/people-b')?.length === 1); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 300)); // nothing more comes
  const at = { timestamp: expect.any(String) };
  expect(byType('/people-a')).toEqual([
    { type: 'person.created', ...at, data: { personId: person, householdId: householdA.id, placePath: householdA.path } },
    {
      type: 'person.moved-out',
      ...at,
      data: { personId: person, householdId: householdA.id, placePath: householdA.path, movedAt: expect.any(String) },
    },
    // Their resident role there ended with the move (yesterday: the last day they lived there).
    {
      type: 'person.role-ended',
      ...at,
      data: {
        personId: person,
        roleId: resident.assignRole.role.id,
        role: 'resident',
        placeId: householdA.id,
        placePath: householdA.path,
        endsOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      },
    },
  ]);
  expect(receivedAt.get('/people-b')).toEqual([
    {
      type: 'person.moved-in',
      ...at,
      data: {
        personId: person,
        householdId: householdB.id,
        placePath: householdB.path,
        movedAt: byType('/people-a')[1]?.data.movedAt,
      },
    },
  ]);
}, 30_000);

test("a community's app hears of the places added to it and changed, and not of the next community's", async () => {
  const port = (receiver.address() as AddressInfo).port;
  const key = await apiKeyCaller(app, { name: '成仪路社区地址库', placeIds: [communityA.uuid], permissions: ['webhook.manage'] });
  const hook = await app.run(
    'mutation($u: String!) { createWebhook(input: { url: $u, eventTypes: ["place.created", "place.updated"] }) { errors { code message } } }',
    { u: `http://127.0.0.1:${port}/places` },
    { caller: key },
  );
  expect(hook.createWebhook.errors).toEqual([]);
  const CREATE = `mutation($p: ID!, $c: String!) { createPlace(input: { type: HOUSEHOLD, code: $c, name: "新住户", parentId: $p }) {
    place { id } errors { code message } } }`;
  await app.run(CREATE, { p: buildingB.id, c: 'CB-1-303' });
  const made = (await app.run(CREATE, { p: buildingA.id, c: 'CA-1-303' })).createPlace.place as { id: string };
  const mine = { id: made.id, path: `${buildingA.path}${uuidOf(made.id)}/` };
  const renamed = await app.run(
    'mutation($id: ID!) { updatePlace(id: $id, input: { name: "1号楼303", address: "成仪路1号" }) { errors { code message } } }',
    { id: mine.id },
  );
  expect(renamed.updatePlace.errors).toEqual([]);
  for (let i = 0; i < 200 && (receivedAt.get('/places')?.length ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 300)); // nothing more comes
  expect(byType('/places')).toEqual([
    {
      type: 'place.created',
      timestamp: expect.any(String),
      data: { placeId: mine.id, placePath: mine.path, type: 'household', code: 'CA-1-303', parentId: buildingA.id },
    },
    { type: 'place.updated', timestamp: expect.any(String), data: { placeId: mine.id, placePath: mine.path, fields: ['name', 'address'] } },
  ]);
}, 30_000);
