import { Person, PlaceType, toGlobalId } from '@gongzhi/core';
import { apiKeyCaller, asPerson, createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';

// The wish wall's counts are scoped like its page: a caller counts the wishes under the places
// they see, and their own wherever they are.
let app: TestApp;
const ids: Record<string, string> = {};
beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  const district = write(PlaceType.DISTRICT, 'WD', '心愿区', null);
  const sub = write(PlaceType.SUBDISTRICT, 'WS', '心愿街道', district);
  const a = write(PlaceType.COMMUNITY, 'WA', '甲社区', sub);
  const b = write(PlaceType.COMMUNITY, 'WB', '乙社区', sub);
  const ha = write(PlaceType.HOUSEHOLD, 'WHA', '甲1号', a);
  const hb = write(PlaceType.HOUSEHOLD, 'WHB', '乙1号', b);
  const residentA = em.create(Person, { name: '甲居民', household: ha });
  const residentB = em.create(Person, { name: '乙居民', household: hb });
  await em.flush();
  Object.assign(ids, { sub: sub.uuid, a: a.uuid, ha: ha.uuid, hb: hb.uuid, residentB: residentB.uuid });
  ids.residentA = toGlobalId('Person', residentA.uuid);
  // In 甲: two of 甲居民's and one of 乙居民's (outside 乙居民's household); in 乙: one of 甲居民's.
  for (const [place, requester] of [
    [ha.uuid, ids.residentA],
    [ha.uuid, ids.residentA],
    [ha.uuid, toGlobalId('Person', ids.residentB)],
    [hb.uuid, ids.residentA],
  ])
    await app.run(
      `mutation ($p: ID!, $r: ID!) { submitRequest(input: { kind: WISH, channel: WISH_WALL, title: "想要一副老花镜", placeId: $p, requesterId: $r }) { errors { code message } } }`,
      { p: toGlobalId('Place', place), r: requester },
    );
});
afterAll(() => app?.close());

const WALL = 'query ($p: ID!) { wishWall(placeId: $p) { posted fulfilled claimed } }';

test('the system counts every wish under the place', async () => {
  expect((await app.run(WALL, { p: toGlobalId('Place', ids.sub) })).wishWall).toEqual({ posted: 4, fulfilled: 0, claimed: 0 });
});

test("a key scoped to one community counts that community's wishes only, asked at the subdistrict", async () => {
  const caller = await apiKeyCaller(app, { name: '甲社区应用', placeIds: [ids.a], permissions: ['*'] });
  const result = await app.execute(WALL, { p: toGlobalId('Place', ids.sub) }, { caller });
  expect(result.errors).toBeUndefined();
  expect(result.data?.wishWall).toEqual({ posted: 3, fulfilled: 0, claimed: 0 });
});

test('a resident with no role counts the wishes of their household and their own elsewhere', async () => {
  const { caller } = asPerson({ uuid: ids.residentB });
  const result = await app.execute(WALL, { p: toGlobalId('Place', ids.sub) }, { caller });
  expect(result.errors).toBeUndefined();
  expect(result.data?.wishWall).toEqual({ posted: 2, fulfilled: 0, claimed: 0 });
});
