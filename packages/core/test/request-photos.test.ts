import { Person, PersonRole, PersonRoleKind, type Place, PlaceType } from '@gongzhi/core';
import { apiKeyCaller, asPerson, createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';
import { moved, submitted } from './fixtures/requests.js';

/**
 * Photos of requests (随手拍): a resident sends the broken lamp with her report, the worker adds
 * before and after the repair; each is an https address the district's storage keeps.
 */
let app: TestApp;
const place: Record<string, Place> = {};
let resident: Person;
let neighbour: Person;
let worker: Person;

const PHOTOS = `photos { nodes { url caption addedBy { name } addedByLabel } }`;
const ADD = `mutation($id: ID!, $url: String!, $caption: String) { addRequestPhoto(id: $id, url: $url, caption: $caption) {
  request { ${PHOTOS} } errors { code message field } } }`;
const add = async (id: string, url: string, caption: string | null, as?: Person) =>
  (await app.run(ADD, { id, url, caption }, as ? asPerson(as) : undefined)).addRequestPhoto;
const photosOf = async (id: string, as?: Person) =>
  (await app.run(`query($id: ID!) { request(id: $id) { ${PHOTOS} } }`, { id }, as ? asPerson(as) : undefined)).request;

beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  place.c = write(PlaceType.COMMUNITY, 'PH-C', '芳星园三区社区', null);
  place.h = write(PlaceType.HOUSEHOLD, 'PH-H', '20号楼101', place.c);
  place.h2 = write(PlaceType.HOUSEHOLD, 'PH-H2', '21号楼302', place.c);
  resident = em.create(Person, { name: '宋阿姨', household: place.h });
  neighbour = em.create(Person, { name: '苍爷爷', household: place.h2 });
  worker = em.create(Person, { name: '网格员小王', household: place.h2 });
  em.create(PersonRole, { person: worker, place: place.c, role: PersonRoleKind.GRID_WORKER, startsOn: '2020-01-01' });
  await em.flush();
});
afterAll(() => app?.close());

test('a report comes with its photos; the worker who holds it adds before and after; each says who added it, in order', async () => {
  const data = await app.run(
    `mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id ${PHOTOS} } errors { code message field } } }`,
    {
      i: {
        kind: 'REPORT',
        channel: 'MOBILE_REPORT',
        title: '路灯不亮',
        placeId: place.h.id,
        photoUrls: ['https://oss.example.org/fx3/lamp-1.jpg', 'https://oss.example.org/fx3/lamp-2.jpg'],
      },
    },
    asPerson(resident),
  );
  expect(data.submitRequest.errors).toEqual([]);
  const id = data.submitRequest.request.id as string;
  const hers = { caption: null, addedBy: { name: '宋阿姨' }, addedByLabel: null };
  expect(data.submitRequest.request.photos.nodes).toEqual([
    { url: 'https://oss.example.org/fx3/lamp-1.jpg', ...hers },
    { url: 'https://oss.example.org/fx3/lamp-2.jpg', ...hers },
  ]);
  await moved(app, id, 'ACCEPTED');
  const claimed = await app.run(`mutation($id: ID!, $p: ID!) { claimRequest(id: $id, personId: $p) { errors { code } } }`, {
    id,
    p: worker.id,
  });
  expect(claimed.claimRequest.errors).toEqual([]);
  expect((await add(id, 'https://oss.example.org/fx3/before.jpg', ' 整改前 ', worker)).errors).toEqual([]);
  expect((await add(id, 'https://oss.example.org/fx3/after.jpg', '整改后', worker)).errors).toEqual([]);
  // Staff add one too (with an API key: labelled as the timeline labels it).
  const staff = await apiKeyCaller(app, { name: '芳星园社区工作台', placeIds: [place.c.uuid], permissions: ['request.manage'] });
  const byStaff = await app.run(ADD, { id, url: 'https://oss.example.org/fx3/site.jpg', caption: null }, { caller: staff });
  expect(byStaff.addRequestPhoto.errors).toEqual([]);
  const { photos } = await photosOf(id, resident);
  expect(
    photos.nodes.map((p: { url: string; caption: string | null; addedBy: { name: string } | null; addedByLabel: string | null }) => [
      p.url.split('/').at(-1),
      p.caption,
      p.addedBy?.name ?? p.addedByLabel,
    ]),
  ).toEqual([
    ['lamp-1.jpg', null, '宋阿姨'],
    ['lamp-2.jpg', null, '宋阿姨'],
    ['before.jpg', '整改前', '网格员小王'],
    ['after.jpg', '整改后', '网格员小王'],
    ['site.jpg', null, 'API key'],
  ]);
});

test('only https addresses, at most nine a request, and only the requester, the holder or staff add them; a refusal adds nothing', async () => {
  const id = await submitted(app, { kind: 'REPORT', title: '井盖丢了', placeId: place.h.id, requesterId: resident.id });
  expect((await add(id, 'ftp://oss.example.org/a.jpg', null)).errors).toEqual([
    {
      code: 'BAD_USER_INPUT',
      message: '"url" must use https (plain http only to 127.0.0.1, [::1] or localhost outside production), got "ftp://oss.example.org".',
      field: 'url',
    },
  ]);
  expect((await add(id, 'a photo', null)).errors).toEqual([
    {
      code: 'BAD_USER_INPUT',
      message: '"url" is not a URL: give an absolute https URL, e.g. https://oss.example.org/fangzhuang/lamp.jpg.',
      field: 'url',
    },
  ]);
  expect((await add(id, 'https://oss.example.org/a.jpg', '长'.repeat(201))).errors).toEqual([
    expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'caption' }),
  ]);
  // A neighbour who neither asked nor holds it.
  expect((await add(id, 'https://oss.example.org/a.jpg', null, neighbour)).errors).toEqual([
    expect.objectContaining({ code: 'NOT_FOUND' }),
  ]);
  const urls = Array.from({ length: 10 }, (_, i) => `https://oss.example.org/well-${i}.jpg`);
  const tooMany = await app.run(
    `mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } errors { code message field } } }`,
    { i: { kind: 'REPORT', channel: 'PHONE', title: '井盖丢了', placeId: place.h.id, requesterId: resident.id, photoUrls: urls } },
  );
  expect(tooMany.submitRequest).toEqual({
    request: null,
    errors: [{ code: 'BAD_USER_INPUT', message: 'A request keeps at most 9 photos; room for 9 more, 10 given.', field: 'input.photoUrls' }],
  });
  // Nine at once, from two callers racing for the last places: the limit holds.
  for (const url of urls.slice(0, 8)) expect((await add(id, url, null)).errors).toEqual([]);
  const both = await Promise.all([add(id, urls[8], null), add(id, urls[9], null, resident)]);
  expect(both.filter((r) => r.errors.length === 0)).toHaveLength(1);
  expect(both.find((r) => r.errors.length)!.errors).toEqual([
    { code: 'BAD_USER_INPUT', message: 'A request keeps at most 9 photos; room for 0 more, 1 given.', field: 'url' },
  ]);
  expect((await photosOf(id)).photos.nodes).toHaveLength(9);
});

test('photos are seen with their request: not by a neighbour, and a page of requests reads them in one statement', async () => {
  const ids = [];
  for (let i = 0; i < 3; i++) {
    ids.push(await submitted(app, { kind: 'REPORT', title: `楼道堆物 ${i}`, placeId: place.h.id, requesterId: resident.id }));
    expect((await add(ids[i], `https://oss.example.org/stairs-${i}.jpg`, null)).errors).toEqual([]);
  }
  expect(await photosOf(ids[0], neighbour)).toBeNull();
  const page = `query($under: ID!) { requests(filter: { under: $under, text: "楼道堆物" }, first: 3) { nodes { ${PHOTOS} } } }`;
  const first = await app.recordStatements(() => app.run(page, { under: place.c.id }));
  const read = await app.run(page, { under: place.c.id });
  expect(
    read.requests.nodes.map((n: { photos: { nodes: { url: string }[] } }) => n.photos.nodes.map((p) => p.url.split('/').at(-1))),
  ).toEqual([['stairs-2.jpg'], ['stairs-1.jpg'], ['stairs-0.jpg']]);
  expect(first.filter((sql) => /request_photo/.test(sql))).toHaveLength(1);
});

test("an erasure deletes the photos the person added (they may show them or their home), and keeps the others'", async () => {
  const leaving = await (async () => {
    const em = app.platform.orm.em.fork();
    const person = em.create(Person, { name: '搬走的居民', household: place.h2 });
    await em.flush();
    return person;
  })();
  const id = await submitted(app, { kind: 'REPORT', title: '楼道灯坏了', placeId: place.h2.id, requesterId: leaving.id });
  expect((await add(id, 'https://oss.example.org/mine.jpg', null, leaving)).errors).toEqual([]);
  expect((await add(id, 'https://oss.example.org/staff.jpg', null)).errors).toEqual([]);
  const erased = await app.run(
    'mutation($p: ID!) { erasePersonalData(input: { personId: $p, reason: "本人申请" }) { errors { code message } } }',
    { p: leaving.id },
  );
  expect(erased.erasePersonalData.errors).toEqual([]);
  expect((await photosOf(id)).photos.nodes.map((p: { url: string }) => p.url)).toEqual(['https://oss.example.org/staff.jpg']);
});

test('a photo is taken off by whoever added it or by staff, not by others; it is gone from the list, the audit log keeps it was there', async () => {
  const id = await submitted(app, { kind: 'REPORT', title: '楼下晾衣杆坏了', placeId: place.h.id, requesterId: resident.id });
  expect((await add(id, 'https://oss.example.org/face.jpg', '拍到了邻居', resident)).errors).toEqual([]);
  expect((await add(id, 'https://oss.example.org/pole.jpg', null)).errors).toEqual([]);
  const ids = (await app.run(`query($id: ID!) { request(id: $id) { photos { nodes { id url } } } }`, { id })).request.photos.nodes;
  const REMOVE = `mutation($p: ID!) { removeRequestPhoto(id: $p) { request { ${PHOTOS} } errors { code message field } } }`;
  const remove = async (photo: string, as?: Person) =>
    (await app.run(REMOVE, { p: photo }, as ? asPerson(as) : undefined)).removeRequestPhoto;
  // A neighbour does not see it at all; the requester sees the staff's photo but did not add it.
  expect((await remove(ids[0].id, neighbour)).errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  expect((await remove(ids[1].id, resident)).errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  const removed = await remove(ids[0].id, resident);
  expect(removed.errors).toEqual([]);
  expect(removed.request.photos.nodes.map((p: { url: string }) => p.url)).toEqual(['https://oss.example.org/pole.jpg']);
  // The community's grid worker (request.manage there) takes off the other.
  expect((await remove(ids[1].id, worker)).errors).toEqual([]);
  expect((await photosOf(id)).photos.nodes).toEqual([]);
  const log = await app.run(`{ auditLog(first: 5) { nodes { action entityType operation } } }`);
  expect(log.auditLog.nodes).toEqual(
    expect.arrayContaining([expect.objectContaining({ action: 'request.removePhoto', entityType: 'RequestPhoto', operation: 'delete' })]),
  );
});
