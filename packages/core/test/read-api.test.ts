/**
 * Core's read API for plugins (`*.queries.ts`), each function against a real database: the
 * SQL behind it names core's tables, so renaming one in a core migration fails here, in
 * core's tests, and not in a plugin at run time.
 */
import {
  assignedRequestCount,
  belongsUnder,
  escalationCandidates,
  householdIdsUnder,
  isResidentUnder,
  lockRequestForUpdate,
  Organization,
  organizationIdsOfPerson,
  OrganizationKind,
  OrganizationMember,
  organizationMemberCount,
  organizationMemberIds,
  Person,
  PersonRole,
  PersonRoleKind,
  personSummaries,
  personSummary,
  Place,
  placeSummaries,
  placeSummary,
  PlaceType,
  pluginTables,
  readContext,
  Request,
  RequestChannel,
  requestCountUnder,
  requestIdsUnder,
  residentCountUnder,
  RequestKind,
  RequestLevel,
  RequestStatus,
  RequestTimelineEntry,
} from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';

let app: TestApp;
const places: Record<string, Place> = {};
const people: Record<string, Person> = {};
const orgs: Record<string, Organization> = {};
const requests: Record<string, Request> = {};

const fresh = () => readContext(app.platform.orm.em.fork());

beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const place = (code: string, type: PlaceType, parent?: string, coords?: [number, number]) => {
    const up = parent ? places[parent] : null;
    const p = em.create(Place, {
      type,
      code,
      name: `name-${code}`,
      parent: up,
      path: '',
      depth: up ? up.depth + 1 : 0,
      latitude: coords?.[0] ?? null,
      longitude: coords?.[1] ?? null,
    });
    p.path = `${up?.path ?? '/'}${p.uuid}/`;
    places[code] = p;
  };
  place('d', PlaceType.DISTRICT);
  place('c1', PlaceType.COMMUNITY, 'd', [39.9, 116.4]);
  place('c2', PlaceType.COMMUNITY, 'd');
  place('b1', PlaceType.BUILDING, 'c1', [39.91, 116.41]);
  place('h1', PlaceType.HOUSEHOLD, 'b1');
  place('h2', PlaceType.HOUSEHOLD, 'b1');
  place('h3', PlaceType.HOUSEHOLD, 'c2');
  place('v1', PlaceType.VENUE, 'c1');
  const person = (name: string, household?: string) =>
    (people[name] = em.create(Person, { name, household: household ? places[household] : null }));
  person('Ren', 'h1');
  person('Son', 'h1');
  person('Dong', 'h2');
  person('Xi', 'h3');
  person('Gao');
  person('Bei');
  em.create(PersonRole, { person: people.Gao, place: places.b1, role: PersonRoleKind.GRID_WORKER, startsOn: '2020-01-01' });
  em.create(PersonRole, {
    person: people.Bei,
    place: places.c1,
    role: PersonRoleKind.VOLUNTEER,
    startsOn: '2020-01-01',
    endsOn: '2024-12-31',
  });
  orgs.party = em.create(Organization, { name: 'party', kind: OrganizationKind.PARTY_BRANCH, place: places.c1 });
  orgs.owners = em.create(Organization, { name: 'owners', kind: OrganizationKind.OWNERS_COMMITTEE, place: places.c1 });
  orgs.empty = em.create(Organization, { name: 'empty', kind: OrganizationKind.COMPANY, place: places.c2 });
  em.create(OrganizationMember, { organization: orgs.party, person: people.Ren, role: 'secretary', joinedOn: '2019-01-01' });
  em.create(OrganizationMember, { organization: orgs.party, person: people.Gao, role: 'member', joinedOn: '2021-01-01' });
  em.create(OrganizationMember, { organization: orgs.owners, person: people.Ren, role: 'chair', joinedOn: '2022-01-01' });
  const request = (
    key: string,
    at: string,
    placeCode: string,
    extra: { status?: RequestStatus; level?: RequestLevel; kind?: RequestKind; assignee?: Person } = {},
  ) => {
    requests[key] = em.create(Request, {
      kind: extra.kind ?? RequestKind.NEED,
      channel: RequestChannel.PHONE,
      title: key,
      description: key,
      requester: people.Ren,
      place: places[placeCode],
      placePath: places[placeCode].path,
      status: extra.status ?? RequestStatus.SUBMITTED,
      level: extra.level ?? RequestLevel.GRID,
      assignee: extra.assignee ?? null,
      createdAt: new Date(at),
      updatedAt: new Date(at),
    });
  };
  request('r1', '2026-01-01T08:00:00Z', 'h1');
  request('r2', '2026-01-02T08:00:00Z', 'h2', { status: RequestStatus.CLAIMED, assignee: people.Gao });
  request('r3', '2026-01-03T08:00:00Z', 'b1', { status: RequestStatus.RESOLVED, assignee: people.Gao });
  request('r4', '2026-01-04T08:00:00Z', 'h3', { status: RequestStatus.IN_PROGRESS, assignee: people.Gao });
  request('r5', '2026-01-05T08:00:00Z', 'h1', { kind: RequestKind.PRAISE });
  request('r6', '2026-01-01T09:00:00Z', 'c1', { level: RequestLevel.COMMUNITY, status: RequestStatus.ESCALATED });
  await em.flush();
  em.create(RequestTimelineEntry, { request: requests.r6, action: 'escalated', at: new Date('2026-01-06T00:00:00Z') });
  em.create(RequestTimelineEntry, { request: requests.r6, action: 'escalated', at: new Date('2026-01-07T00:00:00Z') });
  em.create(RequestTimelineEntry, { request: requests.r6, action: 'noted', at: new Date('2026-01-09T00:00:00Z') });
  await em.flush();
});
afterAll(() => app?.close());

/** Runs the calls in one tick and returns their results and how many statements they cost. */
async function batched<T>(calls: () => Promise<T>[]): Promise<{ results: T[]; statements: number }> {
  let results: T[] = [];
  const statements = await app.countStatements(async () => {
    results = await Promise.all(calls());
  });
  return { results, statements };
}

test('placeSummary / placeSummaries: plain rows by id, batched per operation', async () => {
  const ctx = fresh();
  const { results, statements } = await batched(() => [
    placeSummary(ctx, places.b1.uuid),
    placeSummary(ctx, places.h1.uuid),
    placeSummary(ctx, '00000000-0000-4000-8000-000000000000'),
  ]);
  expect(statements).toBe(1);
  expect(results[0]).toEqual({
    id: places.b1.uuid,
    type: 'building',
    code: 'b1',
    name: 'name-b1',
    path: places.b1.path,
    parentId: places.c1.uuid,
    latitude: 39.91,
    longitude: 116.41,
  });
  expect(results[1]).toMatchObject({ id: places.h1.uuid, type: 'household', latitude: null, longitude: null });
  expect(results[2]).toBeNull();
  const many = await placeSummaries(fresh(), [places.c1.uuid, places.c2.uuid, places.c1.uuid, '00000000-0000-4000-8000-000000000000']);
  expect([...many.keys()].sort()).toEqual([places.c1.uuid, places.c2.uuid].sort());
  expect(many.get(places.c2.uuid)).toMatchObject({ name: 'name-c2', type: 'community', parentId: places.d.uuid });
  expect(await placeSummaries(fresh(), [])).toEqual(new Map());
});

test('householdIdsUnder: households at or under any of the paths, each once', async () => {
  const ctx = fresh();
  const { results, statements } = await batched(() => [
    householdIdsUnder(ctx, [places.c1.path, places.b1.path]),
    householdIdsUnder(ctx, [places.d.path]),
    householdIdsUnder(ctx, [places.h3.path]),
    householdIdsUnder(ctx, [places.v1.path]),
    householdIdsUnder(ctx, []),
  ]);
  expect(statements).toBe(1);
  expect(results[0].sort()).toEqual([places.h1.uuid, places.h2.uuid].sort());
  expect(results[1].sort()).toEqual([places.h1.uuid, places.h2.uuid, places.h3.uuid].sort());
  expect(results[2]).toEqual([places.h3.uuid]);
  expect(results[3]).toEqual([]);
  expect(results[4]).toEqual([]);
});

test('personSummary / personSummaries: name and household by id, batched per operation', async () => {
  const ctx = fresh();
  const { results, statements } = await batched(() => [
    personSummary(ctx, people.Ren.uuid),
    personSummary(ctx, people.Gao.uuid),
    personSummary(ctx, '00000000-0000-4000-8000-000000000000'),
  ]);
  expect(statements).toBe(1);
  expect(results).toEqual([
    { id: people.Ren.uuid, name: 'Ren', householdId: places.h1.uuid },
    { id: people.Gao.uuid, name: 'Gao', householdId: null },
    null,
  ]);
  const many = await personSummaries(fresh(), [people.Dong.uuid, people.Xi.uuid]);
  expect(many.get(people.Dong.uuid)?.name).toBe('Dong');
  expect(many.get(people.Xi.uuid)?.householdId).toBe(places.h3.uuid);
});

test('residentCountUnder / isResidentUnder: people whose household lies under the paths', async () => {
  const ctx = fresh();
  const { results, statements } = await batched(() => [
    residentCountUnder(ctx, [places.d.path]),
    residentCountUnder(ctx, [places.b1.path, places.h1.path]),
    residentCountUnder(ctx, [places.c2.path]),
    residentCountUnder(ctx, [places.v1.path]),
  ]);
  expect(statements).toBe(1);
  expect(results).toEqual([4, 3, 1, 0]);
  const among = fresh();
  const amongResults = await batched(() => [
    residentCountUnder(among, [places.c1.path], [people.Ren.uuid, people.Xi.uuid, people.Gao.uuid]),
    residentCountUnder(among, [places.c1.path, places.c2.path], [people.Ren.uuid, people.Xi.uuid, people.Gao.uuid]),
    residentCountUnder(among, [places.c1.path], []),
  ]);
  expect(amongResults.statements).toBe(1);
  expect(amongResults.results).toEqual([1, 2, 0]);
  const one = fresh();
  expect(await isResidentUnder(one, people.Dong.uuid, [places.c1.path])).toBe(true);
  expect(await isResidentUnder(one, people.Dong.uuid, [places.c2.path, places.h1.path])).toBe(false);
  expect(await isResidentUnder(one, people.Gao.uuid, [places.d.path])).toBe(false);
});

test('belongsUnder: a household under the place, or a role there not ended before the day', async () => {
  const ctx = fresh();
  const { results, statements } = await batched(() => [
    belongsUnder(ctx, people.Ren.uuid, places.c1.path, '2026-01-01'), // household
    belongsUnder(ctx, people.Ren.uuid, places.c2.path, '2026-01-01'),
    belongsUnder(ctx, people.Gao.uuid, places.c1.path, '2026-01-01'), // open role at b1
    belongsUnder(ctx, people.Gao.uuid, places.h1.path, '2026-01-01'), // role above h1 does not count
    belongsUnder(ctx, people.Bei.uuid, places.c1.path, '2024-12-31'), // role ends that day
    belongsUnder(ctx, people.Bei.uuid, places.c1.path, '2025-01-01'), // ended the day before
  ]);
  expect(statements).toBe(1);
  expect(results).toEqual([true, false, true, false, true, false]);
});

test('organization members: ids, counts and the organizations of a person, batched', async () => {
  const ctx = fresh();
  const ids = await batched(() => [
    organizationMemberIds(ctx, orgs.party.uuid),
    organizationMemberIds(ctx, orgs.owners.uuid),
    organizationMemberIds(ctx, orgs.empty.uuid),
  ]);
  expect(ids.statements).toBe(1);
  expect(ids.results).toEqual([[people.Ren.uuid, people.Gao.uuid], [people.Ren.uuid], []]);
  const counts = await batched(() => [
    organizationMemberCount(ctx, orgs.party.uuid),
    organizationMemberCount(ctx, orgs.owners.uuid),
    organizationMemberCount(ctx, orgs.empty.uuid),
  ]);
  expect(counts.statements).toBe(1);
  expect(counts.results).toEqual([2, 1, 0]);
  const ofPerson = await batched(() => [
    organizationIdsOfPerson(ctx, people.Ren.uuid),
    organizationIdsOfPerson(ctx, people.Gao.uuid),
    organizationIdsOfPerson(ctx, people.Xi.uuid),
  ]);
  expect(ofPerson.statements).toBe(1);
  expect(ofPerson.results[0].sort()).toEqual([orgs.party.uuid, orgs.owners.uuid].sort());
  expect(ofPerson.results.slice(1)).toEqual([[orgs.party.uuid], []]);
});

const OPEN = [
  RequestStatus.SUBMITTED,
  RequestStatus.ACCEPTED,
  RequestStatus.ASSIGNED,
  RequestStatus.CLAIMED,
  RequestStatus.IN_PROGRESS,
  RequestStatus.ESCALATED,
];

test('requestCountUnder / requestIdsUnder: requests under paths by status, batched', async () => {
  const ctx = fresh();
  const counts = await batched(() => [
    requestCountUnder(ctx, [places.c1.path, places.b1.path], OPEN), // r1 r2 r5 r6, each once
    requestCountUnder(ctx, [places.d.path], [RequestStatus.RESOLVED]),
    requestCountUnder(ctx, [places.h3.path], OPEN),
    requestCountUnder(ctx, [places.v1.path], OPEN),
  ]);
  expect(counts.statements).toBe(1);
  expect(counts.results).toEqual([4, 1, 1, 0]);
  const lists = await batched(() => [
    requestIdsUnder(ctx, { paths: [places.c1.path, places.h1.path], statuses: OPEN, limit: 10 }),
    requestIdsUnder(ctx, { paths: [places.d.path], statuses: OPEN, limit: 2 }),
    requestIdsUnder(ctx, { paths: [places.c2.path], statuses: [RequestStatus.RESOLVED], limit: 10 }),
  ]);
  expect(lists.statements).toBe(1);
  const r = (...keys: string[]) => keys.map((k) => requests[k].uuid);
  expect(lists.results).toEqual([r('r5', 'r2', 'r6', 'r1'), r('r5', 'r4'), []]);
});

test('assignedRequestCount: open work per assignee, batched', async () => {
  const ctx = fresh();
  const { results, statements } = await batched(() => [
    assignedRequestCount(ctx, people.Gao.uuid, [RequestStatus.ASSIGNED, RequestStatus.CLAIMED, RequestStatus.IN_PROGRESS]),
    assignedRequestCount(ctx, people.Gao.uuid, [RequestStatus.RESOLVED]),
    assignedRequestCount(ctx, people.Ren.uuid, OPEN),
  ]);
  expect(statements).toBe(1);
  expect(results).toEqual([2, 1, 0]);
});

test('escalationCandidates: requests waiting at their level since the last escalation, filtered in the database', async () => {
  const ctx = fresh();
  const kinds = [RequestKind.NEED, RequestKind.COMPLAINT, RequestKind.REPORT];
  const all = await escalationCandidates(ctx, {
    arrivedBy: { grid: new Date('2026-02-01T00:00:00Z'), community: new Date('2026-02-01T00:00:00Z') },
    statuses: OPEN,
    kinds,
    limit: 100,
  });
  expect(all.map((c) => c.id)).toEqual([requests.r1, requests.r6, requests.r2, requests.r4].map((q) => q.uuid));
  const r6 = all.find((c) => c.id === requests.r6.uuid)!;
  expect(r6).toEqual({
    id: requests.r6.uuid,
    level: 'community',
    status: 'escalated',
    kind: 'need',
    placeId: places.c1.uuid,
    placePath: places.c1.path,
    createdAt: new Date('2026-01-01T09:00:00Z'),
    arrivedAt: new Date('2026-01-07T00:00:00Z'),
    dueAt: null,
  });
  expect(all[0].arrivedAt).toEqual(new Date('2026-01-01T08:00:00Z'));
  // Arrival bounds per level: r6 arrived at the community level on 7 January.
  const early = await escalationCandidates(ctx, {
    arrivedBy: { grid: new Date('2026-01-02T08:00:00Z'), community: new Date('2026-01-06T23:00:00Z') },
    statuses: OPEN,
    kinds,
    limit: 100,
  });
  expect(early.map((c) => c.id)).toEqual([requests.r1.uuid, requests.r2.uuid]);
  const gridOnly = await escalationCandidates(ctx, { arrivedBy: { grid: new Date('2026-02-01') }, statuses: OPEN, kinds, limit: 100 });
  expect(gridOnly.map((c) => c.level)).toEqual(['grid', 'grid', 'grid']);
  // Pages: limit, then after the last one.
  const first = await escalationCandidates(ctx, { arrivedBy: { grid: new Date('2026-02-01') }, statuses: OPEN, kinds, limit: 2 });
  const next = await escalationCandidates(ctx, {
    arrivedBy: { grid: new Date('2026-02-01') },
    statuses: OPEN,
    kinds,
    limit: 2,
    after: first[1].id,
  });
  expect([...first, ...next].map((c) => c.id)).toEqual(gridOnly.map((c) => c.id));
  const byId = await escalationCandidates(ctx, {
    arrivedBy: { grid: new Date('2026-02-01') },
    statuses: OPEN,
    kinds,
    ids: [requests.r2.uuid, requests.r6.uuid],
    limit: 10,
  });
  expect(byId.map((c) => c.id)).toEqual([requests.r2.uuid]);
  const praise = await escalationCandidates(ctx, {
    arrivedBy: { grid: new Date('2026-02-01') },
    statuses: OPEN,
    kinds: [RequestKind.PRAISE],
    limit: 10,
  });
  expect(praise.map((c) => c.id)).toEqual([requests.r5.uuid]);
  expect(await escalationCandidates(ctx, { arrivedBy: {}, statuses: OPEN, kinds, limit: 10 })).toEqual([]);
});

test('lockRequestForUpdate: takes the row lock in a transaction; with skipLocked, a held lock is reported, not waited for', async () => {
  const em = app.platform.orm.em.fork();
  await em.transactional(async (tx) => {
    expect(await lockRequestForUpdate({ em: tx }, requests.r1.uuid)).toBe(true);
    await app.platform.orm.em.fork().transactional(async (other) => {
      expect(await lockRequestForUpdate({ em: other }, requests.r1.uuid, { skipLocked: true })).toBe(false);
      expect(await lockRequestForUpdate({ em: other }, requests.r2.uuid, { skipLocked: true })).toBe(true);
    });
    expect(await lockRequestForUpdate({ em: tx }, '00000000-0000-4000-8000-000000000000')).toBe(false);
  });
});

test('pluginTables: a plugin names its own tables through one helper, quoted', () => {
  const t = pluginTables('moral_bank');
  expect(t('booking')).toBe('"moral_bank"."booking"');
  expect(() => t('booking; DROP TABLE x')).toThrow(/not a plain lower-case SQL identifier/);
  expect(() => pluginTables('Moral-Bank')).toThrow(/Schema "Moral-Bank"/);
});
