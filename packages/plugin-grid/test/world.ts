import {
  type Caller,
  type Logger,
  silentLogger,
  Organization,
  OrganizationKind,
  OrganizationMember,
  Person,
  PersonRole,
  PersonRoleKind,
  type Place,
  PlaceType,
} from '@gongzhi/core';
import {
  apiKeyCaller,
  asPerson,
  createTestApp,
  createTestClock,
  placeWriter,
  problemOf,
  type TestApp,
  type TestClock,
} from '@gongzhi/core/testing';
import gridPlugin from '../src/index.js';

/** A small district for the grid tests: two communities, compounds, buildings, units, households, people. */
export interface World {
  app: TestApp;
  clock: TestClock;
  place: Record<string, Place>;
  person: Record<string, Person>;
  org: Organization;
  /** Everything logged at error level (by any child logger). */
  errors: unknown[][];
}

/** A silent logger that remembers error-level calls, so tests can assert nothing failed quietly. */
function recordingLogger(errors: unknown[][]): Logger {
  const patch = (logger: Logger): Logger => {
    const child = logger.child.bind(logger);
    logger.error = (...args: unknown[]) => {
      errors.push(args);
    };
    logger.child = ((...args: Parameters<Logger['child']>) => patch(child(...args) as unknown as Logger)) as unknown as Logger['child'];
    return logger;
  };
  return patch(silentLogger());
}

export async function createWorld(pluginOptions: Record<string, unknown> = {}): Promise<World> {
  const clock = createTestClock('2026-06-01T09:00:00+08:00');
  const errors: unknown[][] = [];
  const app = await createTestApp({
    logger: recordingLogger(errors),
    plugins: [gridPlugin],
    pluginOptions: { grid: { escalationIntervalMs: 0, ...pluginOptions } },
    clock: clock.now,
  });
  const em = app.platform.orm.em.fork();
  const place: Record<string, Place> = {};
  const write = placeWriter(em);
  const add = (key: string, type: PlaceType, name: string, parent: Place | null, extra: Partial<Place> = {}) =>
    (place[key] = write(type, `T-${key}`, name, parent, extra));
  const district = add('district', PlaceType.DISTRICT, '丰台区', null);
  const sub = add('sub', PlaceType.SUBDISTRICT, '方庄街道', district);
  const fxy = add('fxy', PlaceType.COMMUNITY, '芳星园三区社区', sub);
  const c1 = add('c1', PlaceType.COMPOUND, '芳星园三区', fxy);
  const b20 = add('b20', PlaceType.BUILDING, '20号楼', c1, { latitude: 39.8612, longitude: 116.4421 });
  const u1 = add('u1', PlaceType.UNIT, '1单元', b20);
  const u2 = add('u2', PlaceType.UNIT, '2单元', b20);
  add('h101', PlaceType.HOUSEHOLD, '1单元101', u1);
  add('h102', PlaceType.HOUSEHOLD, '1单元102', u1);
  add('h201', PlaceType.HOUSEHOLD, '2单元201', u2, { latitude: 39.8613, longitude: 116.4423 });
  const b21 = add('b21', PlaceType.BUILDING, '21号楼', c1);
  add('h21', PlaceType.HOUSEHOLD, '21号楼101', b21);
  const c2 = add('c2', PlaceType.COMPOUND, '芳星园二区', fxy);
  const b5 = add('b5', PlaceType.BUILDING, '5号楼', c2);
  add('h5', PlaceType.HOUSEHOLD, '5号楼101', b5);
  const cyl = add('cyl', PlaceType.COMMUNITY, '成仪路社区', sub);
  const cty = add('cty', PlaceType.COMPOUND, '翠庭园', cyl);
  const b3 = add('b3', PlaceType.BUILDING, '3号楼', cty);
  add('h502', PlaceType.HOUSEHOLD, '3号楼502', b3);

  const person: Record<string, Person> = {};
  const who = (key: string, name: string, household: Place | null = null) => (person[key] = em.create(Person, { name, household }));
  const role = (p: Person, at: Place, kind: PersonRoleKind) =>
    em.create(PersonRole, { person: p, place: at, role: kind, startsOn: '2020-01-01' });
  role(who('wang', '王小丽'), fxy, PersonRoleKind.GRID_WORKER);
  who('dong', '董桂芳', place.h102);
  role(who('li', '李网格'), cyl, PersonRoleKind.GRID_WORKER);
  who('resident', '宋阿姨', place.h101);
  who('outsider', '外来人员');
  who('member', '驻区单位志愿者');
  const org = em.create(Organization, { name: '方庄驻区单位联合会', kind: OrganizationKind.RESIDENT_UNIT, place: sub });
  em.create(OrganizationMember, { organization: org, person: person.member, role: '志愿者', joinedOn: '2024-01-01' });
  await em.flush();
  return { app, clock, place, person, org, errors };
}

export { asPerson as as };

type As = { caller: Caller | null };

/** Runs an operation and returns its first problem (payload error or top-level error), or undefined. */
export async function problem(app: TestApp, doc: string, vars: Record<string, unknown>, opts?: As) {
  return problemOf(await app.execute(doc, vars, opts));
}

/** Runs a mutation that must succeed, as the system unless `opts` says otherwise; returns its field's payload. */
export async function mutate(app: TestApp, doc: string, vars: Record<string, unknown>, opts?: As): Promise<any> {
  const result = await app.execute(doc, vars, opts);
  const found = problemOf(result);
  if (found) throw new Error(`${found.code}: ${found.message}`);
  return Object.values(result.data!)[0];
}

export async function createGrid(
  app: TestApp,
  communityId: string,
  name: string,
  placeIds: string[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const payload = await mutate(
    app,
    `mutation($c: ID!, $n: String!, $p: [ID!]!, $k: GridKind!, $parent: ID) {
      createGrid(communityId: $c, name: $n, placeIds: $p, kind: $k, parentId: $parent) { grid { id } errors { code message field } } }`,
    { c: communityId, n: name, p: placeIds, k: 'GRID', parent: null, ...extra },
  );
  return payload.grid.id;
}

export async function assignWorker(
  app: TestApp,
  gridId: string,
  personId: string,
  startsOn = '2026-01-01',
  endsOn: string | null = null,
): Promise<void> {
  await mutate(
    app,
    `mutation($g: ID!, $p: ID!, $s: String!, $e: String) {
      assignGridWorker(gridId: $g, personId: $p, startsOn: $s, endsOn: $e) { worker { id } errors { code message field } } }`,
    { g: gridId, p: personId, s: startsOn, e: endsOn },
  );
}

export async function submit(app: TestApp, placeId: string, requesterId: string, title = '楼道灯坏了'): Promise<string> {
  const data = await app.run(
    `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code message } } }`,
    { input: { kind: 'COMPLAINT', channel: 'PHONE', title, description: title, placeId, requesterId } },
  );
  if (data.submitRequest.errors.length) throw new Error(data.submitRequest.errors[0].message);
  return data.submitRequest.request.id;
}

export const REQUEST =
  'id status level assignee { name } grid { name } timeline { nodes { action fromStatus toStatus note actor { name } actorLabel } }';

export async function request(app: TestApp, id: string) {
  return (await app.run(`query($id: ID!) { request(id: $id) { ${REQUEST} } }`, { id })).request;
}

/** A second district of canaries (金丝雀): what callers of the first district must not see, name or link to. */
export interface Canary {
  place: Record<'district' | 'sub' | 'community' | 'building' | 'household', Place>;
  /** Lives in the canary household. */
  resident: Person;
  /** A partner unit of the canary subdistrict. */
  org: Organization;
  /** A social worker of 芳星园三区社区 (district 1), who holds grid.manage there. */
  socialWorker: Person;
  /** An API key of district 1 holding every permission (`*`). */
  districtKey: Caller;
}

/** Adds the canary district to a world, and the two district-1 callers the issues measured with. */
export async function addCanary(w: World): Promise<Canary> {
  const em = w.app.platform.orm.em.fork();
  const write = placeWriter(em);
  const add = (key: string, type: PlaceType, parent: Place | null) => write(type, `K-${key}`, `金丝雀${key}`, parent);
  const district = add('D', PlaceType.DISTRICT, null);
  const sub = add('S', PlaceType.SUBDISTRICT, district);
  const community = add('C', PlaceType.COMMUNITY, sub);
  const building = add('B', PlaceType.BUILDING, community);
  const household = add('H', PlaceType.HOUSEHOLD, building);
  const resident = em.create(Person, { name: '金丝雀居民', household });
  const org = em.create(Organization, { name: '金丝雀共建单位', kind: OrganizationKind.RESIDENT_UNIT, place: sub });
  const socialWorker = em.create(Person, { name: '一区社工' });
  em.create(PersonRole, { person: socialWorker, place: w.place.fxy, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  await em.flush();
  const districtKey = await apiKeyCaller(w.app, { name: '一区全权限', placeIds: [w.place.district.uuid], permissions: ['*'] });
  return { place: { district, sub, community, building, household }, resident, org, socialWorker, districtKey };
}
