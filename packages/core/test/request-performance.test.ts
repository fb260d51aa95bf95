import { Person, type Place, PlaceType } from '@gongzhi/core';
import { apiKeyCaller, asPerson, createTestApp, createTestClock, placeWriter, problemOf, type TestApp } from '@gongzhi/core/testing';
import { moved, submitted } from './fixtures/requests.js';

/**
 * The hotline's three rates (响应率, 解决率, 满意率) and the on-time rate of the requests submitted
 * in a period, as a district reports them: from each request's timeline, for what the caller sees.
 */
const clock = createTestClock('2026-05-20T09:00:00+08:00');
let app: TestApp;
const place: Record<string, Place> = {};
let resident: Person;

const QUERY = `query($under: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { requestPerformance(under: $under, from: $from, to: $to) {
  total responded responseRate averageResponseMinutes resolved resolutionRate withDeadline resolvedOnTime onTimeRate
  rated averageRating satisfied satisfactionRate } }`;
const JUNE = { from: '2026-06-01T00:00:00+08:00', to: '2026-07-01T00:00:00+08:00' };

const submit = (at: string, title: string, dueAt: string | null = null) =>
  submitted(app, { title, placeId: place[at].id, requesterId: resident.id, dueAt });
const step = (id: string, to: string) => moved(app, id, to);
async function rate(id: string, rating: number) {
  const data = await app.run(`mutation($id: ID!, $r: Int!) { rateRequest(id: $id, rating: $r) { errors { code message } } }`, {
    id,
    r: rating,
  });
  expect(data.rateRequest.errors).toEqual([]);
}

beforeAll(async () => {
  app = await createTestApp({ clock: clock.now });
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  place.sub = write(PlaceType.SUBDISTRICT, 'RP-S', '方庄街道', null);
  place.c = write(PlaceType.COMMUNITY, 'RP-C', '芳星园三区社区', place.sub);
  place.h = write(PlaceType.HOUSEHOLD, 'RP-H', '20号楼101', place.c);
  place.c2 = write(PlaceType.COMMUNITY, 'RP-C2', '成仪路社区', place.sub);
  place.h2 = write(PlaceType.HOUSEHOLD, 'RP-H2', '1号楼101', place.c2);
  resident = em.create(Person, { name: '宋阿姨', household: place.h });
  await em.flush();

  await submit('h', '五月的诉求'); // before the period: not counted
  clock.set('2026-06-01T09:00:00+08:00');
  const onTime = await submit('h', '楼道灯坏了', '2026-06-03T18:00:00+08:00');
  const late = await submit('h', '下水道堵了', '2026-06-01T12:00:00+08:00');
  await submit('h', '没人理的诉求');
  await submit('h2', '隔壁社区的诉求');
  clock.set('2026-06-01T10:00:00+08:00');
  await step(onTime, 'ACCEPTED'); // after 60 minutes
  clock.set('2026-06-01T11:00:00+08:00');
  await step(late, 'ACCEPTED'); // after 120 minutes
  for (const id of [onTime, late]) await step(id, 'IN_PROGRESS');
  clock.set('2026-06-02T09:00:00+08:00');
  for (const id of [onTime, late]) await step(id, 'RESOLVED');
  await rate(onTime, 5);
  await rate(late, 2);
});
afterAll(() => app?.close());

test("a community's June: who was answered, how soon, what got resolved, in time, and how the residents rated it", async () => {
  const staff = await apiKeyCaller(app, { name: '芳星园社区', placeIds: [place.c.uuid], permissions: ['request.manage'] });
  const { requestPerformance } = await app.run(QUERY, { under: place.sub.id, ...JUNE }, { caller: staff });
  expect(requestPerformance).toEqual({
    total: 3,
    responded: 2,
    responseRate: 0.6667,
    averageResponseMinutes: 90,
    resolved: 2,
    resolutionRate: 0.6667,
    withDeadline: 2,
    resolvedOnTime: 1,
    onTimeRate: 0.5,
    rated: 2,
    averageRating: 3.5,
    satisfied: 1,
    satisfactionRate: 0.5,
  });
  // The subdistrict sees both communities; the resident only her own requests.
  expect((await app.run(QUERY, { under: place.sub.id, ...JUNE })).requestPerformance.total).toBe(4);
  expect((await app.run(QUERY, { under: place.c.id, ...JUNE }, asPerson(resident))).requestPerformance.total).toBe(3);
  // Nothing in the period: counts of zero, no rates.
  const empty = (await app.run(QUERY, { under: place.c.id, from: '2026-08-01T00:00:00+08:00', to: '2026-09-01T00:00:00+08:00' }))
    .requestPerformance;
  expect(empty).toMatchObject({ total: 0, responseRate: null, averageResponseMinutes: null, averageRating: null, satisfactionRate: null });
});

test('a period is after its start and at most a year long', async () => {
  const backwards = await app.execute(QUERY, { under: place.c.id, from: JUNE.to, to: JUNE.from });
  expect(problemOf(backwards)).toMatchObject({ code: 'BAD_USER_INPUT' });
  const twoYears = await app.execute(QUERY, { under: place.c.id, from: '2025-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' });
  expect(problemOf(twoYears)).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('366 days') });
});

test('the subdistrict ranks its communities: the same rates for each place directly under it, by name, a page at a time', async () => {
  const BY_PLACE = `query($under: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $first: Int) {
    requestPerformanceByPlace(under: $under, from: $from, to: $to, first: $first) {
      nodes { place { name } total responseRate resolutionRate satisfactionRate } pageInfo { hasNextPage endCursor } } }`;
  const all = (await app.run(BY_PLACE, { under: place.sub.id, ...JUNE })).requestPerformanceByPlace;
  expect(all.nodes).toEqual([
    { place: { name: '成仪路社区' }, total: 1, responseRate: 0, resolutionRate: 0, satisfactionRate: null },
    { place: { name: '芳星园三区社区' }, total: 3, responseRate: 0.6667, resolutionRate: 0.6667, satisfactionRate: 0.5 },
  ]);
  const first = (await app.run(BY_PLACE, { under: place.sub.id, ...JUNE, first: 1 })).requestPerformanceByPlace;
  expect(first.nodes.map((n: { place: { name: string } }) => n.place.name)).toEqual(['成仪路社区']);
  expect(first.pageInfo.hasNextPage).toBe(true);
  // Staff of one community see only their community's row.
  const staff = await apiKeyCaller(app, { name: '芳星园社区统计', placeIds: [place.c.uuid], permissions: [] });
  const theirs = (await app.run(BY_PLACE, { under: place.sub.id, ...JUNE }, { caller: staff })).requestPerformanceByPlace;
  expect(theirs.nodes.map((n: { place: { name: string } }) => n.place.name)).toEqual(['芳星园三区社区']);
});

test('a request past SUBMITTED counts as taken up even when its timeline does not show the step (imported or migrated data)', async () => {
  const before = (await app.run(QUERY, { under: place.c2.id, ...JUNE })).requestPerformance;
  expect(before).toMatchObject({ total: 1, responded: 0, resolved: 0 });
  await app.platform.orm.em.fork().getConnection().execute(`UPDATE request SET status = 'closed' WHERE title = '隔壁社区的诉求'`);
  const after = (await app.run(QUERY, { under: place.c2.id, ...JUNE })).requestPerformance;
  expect(after).toMatchObject({ total: 1, responded: 1, resolved: 1, averageResponseMinutes: null });
});

test('what the requests were about (热点问题): categories, the most reported first, with how many are open and resolved', async () => {
  const QUESTION = `query($under: ID!, $from: DateTimeISO!, $to: DateTimeISO!, $limit: Int) {
    requestCategories(under: $under, from: $from, to: $to, limit: $limit) { category total open resolved resolutionRate } }`;
  const JULY = { from: '2026-07-01T00:00:00+08:00', to: '2026-08-01T00:00:00+08:00' };
  clock.set('2026-07-02T09:00:00+08:00');
  const filed = async (category: string | null, title: string) =>
    (
      await app.run(`mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id } errors { code } } }`, {
        i: { kind: 'COMPLAINT', channel: 'HOTLINE_12345', title, placeId: place.h.id, requesterId: resident.id, category },
      })
    ).submitRequest.request.id as string;
  const parking = [await filed('停车管理', '车位被占'), await filed('停车管理', '乱停车'), await filed(' 停车管理 ', '消防通道停车')];
  await filed('环境卫生', '垃圾清运不及时');
  await filed(null, '其他');
  await filed('噪音扰民', '夜间施工');
  await filed('噪音扰民', '广场舞');
  for (const to of ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED']) await step(parking[0], to);
  await step(parking[1], 'REJECTED');
  const top = (await app.run(QUESTION, { under: place.sub.id, ...JULY, limit: 3 })).requestCategories;
  expect(top).toEqual([
    { category: '停车管理', total: 3, open: 1, resolved: 1, resolutionRate: 0.3333 },
    { category: '噪音扰民', total: 2, open: 2, resolved: 0, resolutionRate: 0 },
    { category: '环境卫生', total: 1, open: 1, resolved: 0, resolutionRate: 0 },
  ]);
  const all = (await app.run(QUESTION, { under: place.sub.id, ...JULY })).requestCategories;
  expect(all.at(-1)).toEqual({ category: null, total: 1, open: 1, resolved: 0, resolutionRate: 0 });
  // Staff of the other community see none of these; more than the page cap is one top-level error.
  const other = await apiKeyCaller(app, { name: '成仪路社区', placeIds: [place.c2.uuid], permissions: ['request.manage'] });
  expect((await app.run(QUESTION, { under: place.sub.id, ...JULY }, { caller: other })).requestCategories).toEqual([]);
  expect(problemOf(await app.execute(QUESTION, { under: place.sub.id, ...JULY, limit: 101 }))).toMatchObject({ code: 'BAD_USER_INPUT' });
});
