import { Person, PersonRole, PersonRoleKind, Place } from '@gongzhi/core';
import { problemOf } from '@gongzhi/core/testing';
import { as, assignWorker, createGrid, createWorld, mutate, type World } from './world.js';

/**
 * Issue 17, item 7: little bees (小蜜蜂). The subdistrict's social worker registers a courier as a
 * mobile reporter for 方庄街道; the courier, signed in as himself, reports what he sees anywhere in
 * it with where he stood; each report is a core request at the place, routed to its grid; he
 * follows his reports, and the subdistrict counts them.
 */
let w: World;
/** Social worker of the subdistrict (people.manage there). */
let staff: Person;
/** A courier who lives in 芳星园二区 (5号楼101), with no role: the little bee (staff register only people they see). */
let bee: Person;
/** A rider who lives in 成仪路社区 (3号楼502), registered for 芳星园三区社区 only. */
let rider: Person;
let countRequests: () => Promise<number>;

const REGISTER = `mutation($input: RegisterLittleBeeInput!) { registerLittleBee(input: $input) {
  reporter { id kind employer startsOn area { name } person { name } } errors { code message field } } }`;
const REPORT = `mutation($input: ReportAsLittleBeeInput!) { reportAsLittleBee(input: $input) {
  report { latitude longitude locationNote reporter { kind }
    request { title channel status place { name } requester { name } grid { name } } }
  errors { code message field } } }`;

beforeAll(async () => {
  w = await createWorld();
  const em = w.app.platform.orm.em.fork();
  staff = em.create(Person, { name: '街道社工' });
  em.create(PersonRole, {
    person: staff,
    place: em.getReference(Place, w.place.sub.uuid),
    role: PersonRoleKind.SOCIAL_WORKER,
    startsOn: '2020-01-01',
  });
  bee = em.create(Person, { name: '孙师傅', household: em.getReference(Place, w.place.h5.uuid) });
  rider = em.create(Person, { name: '外卖骑手小周', household: em.getReference(Place, w.place.h502.uuid) });
  await em.flush();
  const grid = await createGrid(w.app, w.place.fxy.id, '芳星园三区第一网格', [w.place.c1.id]);
  await assignWorker(w.app, grid, w.person.wang.id);
  countRequests = async () => {
    const rows = await w.app.platform.orm.em
      .fork()
      .getConnection()
      .execute<{ n: number }[]>('SELECT count(*)::int AS n FROM public.request');
    return Number(rows[0].n);
  };
});
afterAll(() => w?.app.close());

test('item 7: staff register a courier for the subdistrict; he reports anywhere in it with a location, as a request at the place', async () => {
  // A grid worker of one community may not register little bees for the whole subdistrict (a neighbour of hers here).
  const refused = await w.app.execute(
    REGISTER,
    { input: { personId: w.person.dong.id, areaId: w.place.sub.id, kind: 'COURIER' } },
    as(w.person.wang),
  );
  expect(problemOf(refused)?.code).toBe('FORBIDDEN');
  const registered = await mutate(
    w.app,
    REGISTER,
    { input: { personId: bee.id, areaId: w.place.sub.id, kind: 'COURIER', employer: '顺丰速运' } },
    as(staff),
  );
  expect(registered.reporter).toEqual({
    id: expect.any(String),
    kind: 'COURIER',
    employer: '顺丰速运',
    startsOn: '2026-06-01',
    area: { name: '方庄街道' },
    person: { name: '孙师傅' },
  });
  // Registering him twice for the same area is a conflict, and writes nothing.
  const twice = await w.app.execute(REGISTER, { input: { personId: bee.id, areaId: w.place.sub.id, kind: 'COURIER' } }, as(staff));
  expect(problemOf(twice)?.code).toBe('CONFLICT');

  // He reports, signed in as himself, in two communities of the subdistrict.
  const first = await mutate(
    w.app,
    REPORT,
    {
      input: {
        placeId: w.place.b20.id,
        kind: 'COMPLAINT',
        title: '20号楼门口井盖松动',
        description: '送快递时发现井盖松动，有安全隐患。',
        category: '安全隐患',
        latitude: 39.8612,
        longitude: 116.4421,
        locationNote: '20号楼北侧',
      },
    },
    as(bee),
  );
  expect(first.report).toEqual({
    latitude: 39.8612,
    longitude: 116.4421,
    locationNote: '20号楼北侧',
    reporter: { kind: 'COURIER' },
    request: {
      title: '20号楼门口井盖松动',
      channel: 'MOBILE_REPORT',
      // Routed at once to the grid covering the building, and assigned to its worker.
      status: 'ASSIGNED',
      place: { name: '20号楼' },
      requester: { name: '孙师傅' },
      grid: { name: '芳星园三区第一网格' },
    },
  });
  w.clock.advance(10 * 60_000); // ten minutes later, down the road
  const second = await mutate(
    w.app,
    REPORT,
    { input: { placeId: w.place.b3.id, kind: 'NEED', title: '翠庭园3号楼老人需要帮忙搬米', latitude: 39.864, longitude: 116.445 } },
    as(bee),
  );
  expect(second.report.request).toMatchObject({ place: { name: '3号楼' }, channel: 'MOBILE_REPORT', grid: null });

  // He follows his own reports, newest first.
  const mine = await w.app.run(
    `query($me: ID!) { person(id: $me) { littleBees { nodes { area { name } reportCount reports { nodes { request { title status place { name } } } } } } } }`,
    { me: bee.id },
    as(bee),
  );
  expect(mine.person.littleBees.nodes).toEqual([
    {
      area: { name: '方庄街道' },
      reportCount: 2,
      reports: {
        nodes: [
          { request: { title: '翠庭园3号楼老人需要帮忙搬米', status: 'SUBMITTED', place: { name: '3号楼' } } },
          { request: { title: '20号楼门口井盖松动', status: 'ASSIGNED', place: { name: '20号楼' } } },
        ],
      },
    },
  ]);

  // Reporting anywhere in the area is not reading it: he sees his own requests and his home, not
  // the people and requests of the subdistrict (ACT_ONLY_ROLES).
  const seen = await w.app.run(`{ requests(first: 100) { edges { node { title requester { name } } } } }`, {}, as(bee));
  const requesters = (seen.requests.edges as { node: { requester: { name: string } | null } }[]).map((e) => e.node.requester?.name);
  expect(requesters).toEqual(['孙师傅', '孙师傅']);
  const neighbour = await w.app.execute(`query($id: ID!) { node(id: $id) { id } }`, { id: w.person.wang.id }, as(bee));
  expect(neighbour.data?.['node']).toBeNull();
});

test('item 7: only registered little bees report, inside their area, with a real location; a refusal writes nothing', async () => {
  w.clock.advance(60 * 60_000);
  await mutate(w.app, REGISTER, { input: { personId: rider.id, areaId: w.place.fxy.id, kind: 'RIDER', employer: '美团外卖' } }, as(staff));
  const before = await countRequests();
  const report = (placeId: string, extra: Record<string, unknown> = {}) => ({
    input: { placeId, title: '路灯不亮', latitude: 39.86, longitude: 116.44, ...extra },
  });
  // A resident who is no little bee.
  expect(problemOf(await w.app.execute(REPORT, report(w.place.h101.id), as(w.person.resident)))?.code).toBe('NOT_A_REPORTER');
  // The rider at his own home, which is outside the community he reports on.
  expect(problemOf(await w.app.execute(REPORT, report(w.place.h502.id), as(rider)))).toMatchObject({
    code: 'OUTSIDE_AREA',
    field: 'input.placeId',
  });
  // A place he cannot see at all (a household of another building) is a made-up id.
  expect(problemOf(await w.app.execute(REPORT, report(w.place.h21.id), as(w.person.resident)))).toMatchObject({
    code: 'NOT_FOUND',
    field: 'input.placeId',
  });
  // A location that is no location.
  expect(problemOf(await w.app.execute(REPORT, report(w.place.b20.id, { latitude: 139.86 }), as(rider)))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.latitude',
  });
  expect(await countRequests()).toBe(before);
  // Inside his community he reports.
  await mutate(w.app, REPORT, report(w.place.b21.id), as(rider));
  expect(await countRequests()).toBe(before + 1);
});

test('item 7: little bees are counted per reporter and per area', async () => {
  const data = await w.app.run(
    `query($sub: ID!, $fxy: ID!, $cyl: ID!) {
      littleBees(areaId: $sub) { nodes { person { name } kind area { name } reportCount } }
      sub: littleBeeSummary(areaId: $sub) { area { name } reporterCount activeReporterCount reportCount recentReportCount }
      fxy: littleBeeSummary(areaId: $fxy) { reporterCount reportCount }
      cyl: littleBeeSummary(areaId: $cyl) { reporterCount reportCount }
    }`,
    { sub: w.place.sub.id, fxy: w.place.fxy.id, cyl: w.place.cyl.id },
    as(staff),
  );
  expect(data.littleBees.nodes).toEqual([
    { person: { name: '孙师傅' }, kind: 'COURIER', area: { name: '方庄街道' }, reportCount: 2 },
    { person: { name: '外卖骑手小周' }, kind: 'RIDER', area: { name: '芳星园三区社区' }, reportCount: 1 },
  ]);
  expect(data.sub).toEqual({ area: { name: '方庄街道' }, reporterCount: 2, activeReporterCount: 2, reportCount: 3, recentReportCount: 3 });
  // Per area: reports are counted where they are about; reporters where they are registered.
  expect(data.fxy).toEqual({ reporterCount: 1, reportCount: 2 });
  expect(data.cyl).toEqual({ reporterCount: 0, reportCount: 1 });
  // A resident does not see the subdistrict's counts.
  expect(
    (await w.app.run('query($sub: ID!) { littleBeeSummary(areaId: $sub) { reportCount } }', { sub: w.place.sub.id }, as(w.person.resident)))
      .littleBeeSummary,
  ).toBeNull();
});
