import { type Caller, Person, type Place, PlaceType } from '@gongzhi/core';
import {
  apiKeyCaller,
  asPerson,
  createTestApp,
  createTestClock,
  placeWriter,
  problemOf,
  type TestApp,
  uuidOf,
} from '@gongzhi/core/testing';

/**
 * People change: a grid worker leaves (`endRole`), a resident moves house or changes their phone
 * (`updatePerson`). Each needs `people.manage` where the person or role is, answers an unseen row
 * like a made-up id, writes nothing when it refuses, and the person's grants follow at once.
 */
const clock = createTestClock('2026-06-10T09:00:00+08:00');
let app: TestApp;
const ids: Record<string, string> = {};
let communityStaff: Caller; // people.manage and sensitive.read in community c
let managerOnly: Caller; // people.manage in community c
let submitOnly: Caller; // request.submit in community c
let otherCommunity: Caller; // people.manage in community c2

const rows: Record<string, Place> = {};

/** Writes places straight to the database (the API's createPlace is not under test here). */
async function places(tree: [code: string, type: PlaceType, parent?: string][]): Promise<void> {
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  for (const [code, type, parent] of tree) ids[code] = (rows[code] = write(type, code, code, parent ? rows[parent] : null)).id;
  await em.flush();
}

async function person(name: string, household?: string): Promise<string> {
  const em = app.platform.orm.em.fork();
  const created = em.create(Person, { name, phone: '13800000000', household: household ? rows[household].uuid : null });
  await em.flush();
  return (ids[name] = created.id);
}

async function assign(who: string, at: string, role: string, startsOn = '2026-01-01', endsOn: string | null = null): Promise<string> {
  const data = await app.run(
    `mutation ($p: ID!, $at: ID!, $role: PersonRoleKind!, $from: String!, $to: String) {
      assignRole(personId: $p, placeId: $at, role: $role, startsOn: $from, endsOn: $to) { role { id } }
    }`,
    { p: ids[who], at: ids[at], role, from: startsOn, to: endsOn },
  );
  return data.assignRole.role.id;
}

beforeAll(async () => {
  app = await createTestApp({ clock: clock.now });
  await places([
    ['d', PlaceType.DISTRICT],
    ['s', PlaceType.SUBDISTRICT, 'd'],
    ['c', PlaceType.COMMUNITY, 's'],
    ['c2', PlaceType.COMMUNITY, 's'],
    ['b', PlaceType.BUILDING, 'c'],
    ['h1', PlaceType.HOUSEHOLD, 'b'],
    ['h2', PlaceType.HOUSEHOLD, 'b'],
    ['b2', PlaceType.BUILDING, 'c2'],
    ['x1', PlaceType.HOUSEHOLD, 'b2'],
  ]);
  await person('王秀英', 'h1');
  await person('刘社工', 'h2');
  await person('外来人员');
  communityStaff = await apiKeyCaller(app, { name: '社区', placeIds: [uuidOf(ids.c)], permissions: ['people.manage', 'sensitive.read'] });
  managerOnly = await apiKeyCaller(app, { name: '社区登记', placeIds: [uuidOf(ids.c)], permissions: ['people.manage'] });
  submitOnly = await apiKeyCaller(app, { name: '报事', placeIds: [uuidOf(ids.c)], permissions: ['request.submit'] });
  otherCommunity = await apiKeyCaller(app, { name: '隔壁社区', placeIds: [uuidOf(ids.c2)], permissions: ['people.manage'] });
});
afterAll(() => app?.close());

const END = `mutation ($id: ID!, $on: String!) {
  endRole(id: $id, endsOn: $on) { role { role startsOn endsOn } errors { code message field } }
}`;
const UPDATE = `mutation ($id: ID!, $input: UpdatePersonInput!) {
  updatePerson(id: $id, input: $input) { person { name phone household { code } } errors { code message field } }
}`;
const VIEWER = '{ viewer { permissions places { code } } }';

const viewerOf = async (name: string) => (await app.run(VIEWER, {}, asPerson({ uuid: uuidOf(ids[name]) }))).viewer;
const personRow = async (name: string) =>
  (await app.run('query ($id: ID!) { person(id: $id) { name phone household { code } } }', { id: ids[name] })).person;

test('a role ended takes its permissions away at once; its end only comes earlier', async () => {
  const role = await assign('刘社工', 'c', 'SOCIAL_WORKER');
  expect((await viewerOf('刘社工')).permissions).toContain('people.manage');

  // Recorded a day late: the social worker left yesterday.
  const ended = await app.run(END, { id: role, on: '2026-06-09' }, { caller: communityStaff });
  expect(ended.endRole).toEqual({ role: { role: 'SOCIAL_WORKER', startsOn: '2026-01-01', endsOn: '2026-06-09' }, errors: [] });
  expect(await viewerOf('刘社工')).toEqual({ permissions: ['request.submit'], places: [{ code: 'h2' }] });

  // Later than the set end: refused, with the way to hold it longer; earlier: allowed.
  const later = await app.run(END, { id: role, on: '2026-06-30' });
  expect(later.endRole.role).toBeNull();
  expect(later.endRole.errors).toEqual([
    {
      code: 'CONFLICT',
      message:
        'This role already ends on 2026-06-09; an end only comes earlier ("endsOn" 2026-06-30 is later). To hold it longer, assign the role again from 2026-06-10.',
      field: 'endsOn',
    },
  ]);
  expect((await app.run(END, { id: role, on: '2026-06-01' })).endRole.role.endsOn).toBe('2026-06-01');

  // Every change is in the audit log, who made it and what changed.
  const log = await app.run(
    `query ($id: String!) { auditLog(filter: { entityId: $id }, first: 10) { nodes { action changes { field before after } } } }`,
    { id: role },
  );
  expect(log.auditLog.nodes.filter((entry: { action: string }) => entry.action === 'person.endRole')).toHaveLength(2);
});

test('ending a role is checked like every write: its place, the dates, an unseen role', async () => {
  const role = await assign('王秀英', 'b', 'BUILDING_HEAD', '2026-03-01', '2026-12-31');
  const refusal = async (on: string, caller?: Caller) => (await app.run(END, { id: role, on }, caller ? { caller } : {})).endRole.errors;

  expect(await refusal('2026-02-28')).toEqual([
    expect.objectContaining({
      code: 'BAD_USER_INPUT',
      message: '"endsOn" (2026-02-28) must be on or after "startsOn" (2026-03-01).',
      field: 'endsOn',
    }),
  ]);
  expect(await refusal('2026-02-30')).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'endsOn' })]);
  expect(await refusal('2026-07-01', submitOnly)).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: null })]);
  // Another community's staff do not see the role: it answers like a role that does not exist.
  const unseen = await refusal('2026-07-01', otherCommunity);
  const madeUp = (
    await app.run(END, { id: Buffer.from('PersonRole:00000000-0000-4000-8000-000000000000').toString('base64url'), on: '2026-07-01' })
  ).endRole.errors;
  expect(unseen).toEqual(madeUp);
  expect(unseen).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);

  // Nothing was written by any refusal.
  const roles = await app.run('query ($id: ID!) { person(id: $id) { roles { nodes { role endsOn } } } }', { id: ids['王秀英'] });
  expect(roles.person.roles.nodes).toEqual([{ role: 'BUILDING_HEAD', endsOn: '2026-12-31' }]);
});

test("a person's name, phone and household change; what is left out stays; the grants follow a move", async () => {
  expect((await viewerOf('王秀英')).places).toEqual(expect.arrayContaining([{ code: 'h1' }]));

  const renamed = await app.run(UPDATE, { id: ids['王秀英'], input: { name: ' 王秀英（奶奶） ' } }, { caller: communityStaff });
  expect(renamed.updatePerson.errors).toEqual([]);
  expect(await personRow('王秀英')).toEqual({ name: '王秀英（奶奶）', phone: '13800000000', household: { code: 'h1' } });

  // A new number needs the right to read it, as care data does, and the write is logged like a read.
  const unread = await app.run(UPDATE, { id: ids['王秀英'], input: { name: '王奶奶', phone: '13911112222' } }, { caller: managerOnly });
  expect(unread.updatePerson.errors).toEqual([
    {
      code: 'FORBIDDEN',
      message: 'You need "sensitive.read" at 王秀英（奶奶）\'s places to change their phone number.',
      field: 'input.phone',
    },
  ]);
  expect(
    (await app.run(UPDATE, { id: ids['王秀英'], input: { phone: '13800000000' } }, { caller: managerOnly })).updatePerson.errors,
  ).toEqual([]);
  await app.run(UPDATE, { id: ids['王秀英'], input: { phone: ' 13911112222 ' } }, { caller: communityStaff });
  expect(await personRow('王秀英')).toEqual({ name: '王秀英（奶奶）', phone: '13911112222', household: { code: 'h1' } });
  const reads = await app.run('query ($p: ID!) { sensitiveAccessLog(personId: $p, first: 10) { nodes { readerName fields } } }', {
    p: ids['王秀英'],
  });
  expect(reads.sensitiveAccessLog.nodes).toContainEqual({ readerName: expect.stringContaining('社区'), fields: ['phone.write'] });
  expect(reads.sensitiveAccessLog.nodes).not.toContainEqual(expect.objectContaining({ readerName: expect.stringContaining('社区登记') }));

  // A move within the community: the person now sees and submits for the new household.
  const moved = await app.run(UPDATE, { id: ids['王秀英'], input: { householdId: ids.h2 } }, { caller: communityStaff });
  expect(moved.updatePerson.errors).toEqual([]);
  expect(await personRow('王秀英')).toEqual({ name: '王秀英（奶奶）', phone: '13911112222', household: { code: 'h2' } });
  const places = (await viewerOf('王秀英')).places.map((p: { code: string }) => p.code);
  expect(places).toContain('h2');
  expect(places).not.toContain('h1');

  await app.run(UPDATE, { id: ids['王秀英'], input: { phone: null } });
  expect((await personRow('王秀英')).phone).toBeNull();

  // The phone's values never reach the audit log: it says the field changed.
  const log = await app.run(
    `query ($id: String!) { auditLog(filter: { entityId: $id }, first: 20) { nodes { action changes { field before after } } } }`,
    { id: ids['王秀英'] },
  );
  const phoneChanges = log.auditLog.nodes
    .filter((entry: { action: string }) => entry.action === 'person.update')
    .flatMap((entry: { changes: { field: string; before: string; after: string }[] }) => entry.changes)
    .filter((change: { field: string }) => change.field === 'phone');
  expect(phoneChanges.length).toBeGreaterThan(0);
  expect(JSON.stringify(phoneChanges)).not.toMatch(/139|138/);
});

test('a move ends the resident role at the old household yesterday; other roles stay', async () => {
  await person('搬家的居民', 'h1');
  await assign('搬家的居民', 'h1', 'RESIDENT', '2026-01-01');
  await assign('搬家的居民', 'h1', 'RESIDENT', '2026-07-01'); // registered ahead, never begun
  await assign('搬家的居民', 'b', 'BUILDING_HEAD', '2026-01-01');
  expect((await viewerOf('搬家的居民')).places.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['h1', 'b']));

  const moved = await app.run(UPDATE, { id: ids['搬家的居民'], input: { householdId: ids.x1 } });
  expect(moved.updatePerson.errors).toEqual([]);
  const roles = await app.run('query ($id: ID!) { person(id: $id) { roles { nodes { role place { code } startsOn endsOn } } } }', {
    id: ids['搬家的居民'],
  });
  // Both began on 1 January (the order between them is the ids'); the one registered ahead is gone.
  expect(roles.person.roles.nodes).toHaveLength(2);
  expect(roles.person.roles.nodes).toEqual(
    expect.arrayContaining([
      { role: 'RESIDENT', place: { code: 'h1' }, startsOn: '2026-01-01', endsOn: '2026-06-09' },
      { role: 'BUILDING_HEAD', place: { code: 'b' }, startsOn: '2026-01-01', endsOn: null },
    ]),
  );
  const places = (await viewerOf('搬家的居民')).places.map((p: { code: string }) => p.code);
  expect(places).toEqual(expect.arrayContaining(['x1', 'b']));
  expect(places).not.toContain('h1');
});

test('changing a person is refused where the caller may not, and a refusal writes nothing', async () => {
  const errors = async (name: string, input: object, caller?: Caller) =>
    (await app.run(UPDATE, { id: ids[name], input }, caller ? { caller } : {})).updatePerson.errors;
  const before = await personRow('刘社工');

  // A bad part anywhere stops the whole change.
  expect(await errors('刘社工', { name: '刘大姐', householdId: ids.b }, communityStaff)).toEqual([
    expect.objectContaining({
      code: 'BAD_USER_INPUT',
      field: 'input.householdId',
      message: expect.stringMatching(/must be a place of type household; b is a building/),
    }),
  ]);
  expect(await errors('刘社工', { name: '  ' }, communityStaff)).toEqual([
    expect.objectContaining({
      code: 'BAD_USER_INPUT',
      field: 'input.name',
      message: '"input.name" must not be empty; leave it out to keep the name.',
    }),
  ]);
  // A household the caller does not see answers like one that does not exist.
  expect(await errors('刘社工', { name: '刘大姐', householdId: ids.x1 }, communityStaff)).toEqual([
    expect.objectContaining({ code: 'NOT_FOUND', field: 'input.householdId' }),
  ]);
  expect(await errors('刘社工', { householdId: null }, communityStaff)).toEqual([
    expect.objectContaining({ code: 'FORBIDDEN', field: 'input.householdId' }),
  ]);
  expect(await errors('刘社工', { name: '刘大姐' }, submitOnly)).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  expect(await errors('刘社工', { name: '刘大姐' }, otherCommunity)).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);
  expect(await personRow('刘社工')).toEqual(before);

  // Nobody but who sees everywhere changes a person of no household; administrators may.
  await assign('外来人员', 'c', 'VOLUNTEER');
  expect(await errors('外来人员', { name: '张志愿' }, communityStaff)).toEqual([
    expect.objectContaining({
      code: 'FORBIDDEN',
      message: 'This person lives in no household: only callers who see everywhere may change their details.',
    }),
  ]);
  expect(await errors('外来人员', { name: '张志愿', householdId: ids.x1 })).toEqual([]);
  expect(await personRow('外来人员')).toEqual({ name: '张志愿', phone: '13800000000', household: { code: 'x1' } });
});

test('an erased person is not changed again', async () => {
  const id = await person('已申请删除', 'h1');
  const erased = await app.run(
    `mutation ($id: ID!) { erasePersonalData(input: { personId: $id, reason: "本人申请（2026-06-10）" }) { errors { code } } }`,
    { id },
  );
  expect(erased.erasePersonalData.errors).toEqual([]);
  const refused = await app.run(UPDATE, { id, input: { name: '李四' } });
  expect(refused.updatePerson.errors).toEqual([expect.objectContaining({ code: 'PERSON_ERASED', field: 'id' })]);
});

test('a worker whose role ends hands the requests they hold under its place to a colleague; the rest stays theirs', async () => {
  await person('网格员甲');
  await person('网格员乙');
  const leaving = await assign('网格员甲', 'c', 'GRID_WORKER');
  await assign('网格员甲', 'c2', 'GRID_WORKER');
  await assign('网格员乙', 'c', 'GRID_WORKER');
  const heldAt = async (place: string, title: string) => {
    const submitted = await app.run(
      'mutation($p: ID!, $t: String!) { submitRequest(input: { kind: NEED, channel: PHONE, title: $t, placeId: $p, callbackPhone: "13700000000" }) { request { id } errors { code message } } }',
      { p: ids[place], t: title },
    );
    expect(submitted.submitRequest.errors).toEqual([]);
    const id = submitted.submitRequest.request.id as string;
    await app.run('mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { errors { code } } }', { id });
    const assigned = await app.run('mutation($id: ID!, $p: ID!) { assignRequest(id: $id, assigneeId: $p) { errors { code message } } }', {
      id,
      p: ids['网格员甲'],
    });
    expect(assigned.assignRequest.errors).toEqual([]);
    return id;
  };
  const here = await heldAt('h1', '楼道堆物');
  const there = await heldAt('x1', '隔壁社区漏水');
  const holder = async (id: string) => (await app.run('query($id: ID!) { request(id: $id) { status assignee { name } } }', { id })).request;
  const END_HANDING = `mutation ($id: ID!, $on: String!, $to: ID) {
    endRole(id: $id, endsOn: $on, handOverToId: $to) { role { endsOn } errors { code message field } } }`;

  const toSelf = await app.run(END_HANDING, { id: leaving, on: '2026-06-10', to: ids['网格员甲'] });
  expect(toSelf.endRole.errors).toEqual([
    { code: 'BAD_USER_INPUT', message: '网格员甲 is the one leaving: hand the work over to someone else.', field: 'handOverToId' },
  ]);
  expect((await viewerOf('网格员甲')).places).toEqual(expect.arrayContaining([{ code: 'c' }]));

  const ended = await app.run(END_HANDING, { id: leaving, on: '2026-06-10', to: ids['网格员乙'] });
  expect(ended.endRole).toEqual({ role: { endsOn: '2026-06-10' }, errors: [] });
  expect(await holder(here)).toEqual({ status: 'ASSIGNED', assignee: { name: '网格员乙' } });
  expect(await holder(there)).toEqual({ status: 'ASSIGNED', assignee: { name: '网格员甲' } });
  const timeline = await app.run('query($id: ID!) { request(id: $id) { timeline { nodes { action note } } } }', { id: here });
  expect(timeline.request.timeline.nodes.at(-1)).toEqual({
    action: 'reassigned',
    note: '网格员甲 → 网格员乙: grid_worker at c ends 2026-06-10',
  });
});

test('a call comes in: staff who may read numbers find who is calling by the number; others may not ask', async () => {
  const em = app.platform.orm.em.fork();
  const caller = em.create(Person, { name: '来电的居民', phone: '139 1234 5678', household: rows.h1.uuid });
  em.create(Person, { name: '隔壁社区的同号居民', phone: '13912345678', household: rows.x1.uuid });
  await em.flush();
  const FIND = 'query ($phone: String!) { people(phone: $phone) { nodes { name household { code } } } }';

  const found = await app.run(FIND, { phone: '139-1234-5678' }, { caller: communityStaff });
  expect(found.people.nodes).toEqual([{ name: '来电的居民', household: { code: 'h1' } }]);
  const reads = await app.run('query ($p: ID!) { sensitiveAccessLog(personId: $p, first: 5) { nodes { readerName fields } } }', {
    p: caller.id,
  });
  expect(reads.sensitiveAccessLog.nodes).toContainEqual({ readerName: expect.stringContaining('社区'), fields: ['phone.search'] });
  // The whole district's view finds both; who may not read numbers may not search by them.
  expect((await app.run(FIND, { phone: '13912345678' })).people.nodes.map((p: { name: string }) => p.name).sort()).toEqual(
    ['来电的居民', '隔壁社区的同号居民'].sort(),
  );
  expect(problemOf(await app.execute(FIND, { phone: '13912345678' }, { caller: managerOnly }))).toMatchObject({
    code: 'FORBIDDEN',
    message: expect.stringContaining('sensitive.read'),
  });
  expect(problemOf(await app.execute(FIND, { phone: '139' }, { caller: communityStaff }))).toMatchObject({ code: 'BAD_USER_INPUT' });
});

test('a role given and ended is told to those who see its place: person.role-assigned, person.role-ended', async () => {
  await person('楼门长候选');
  const events: { name: string; payload: unknown }[] = [];
  const stop = app.platform.events.onCommitted((batch) => void events.push(...batch.map((e) => ({ name: e.name, payload: e.payload }))));
  const role = await assign('楼门长候选', 'b', 'BUILDING_HEAD', '2026-06-01');
  await app.run(END, { id: role, on: '2026-06-30' });
  stop();
  const base = {
    personId: uuidOf(ids['楼门长候选']),
    roleId: uuidOf(role),
    role: 'building_head',
    placeId: rows.b.uuid,
    placePath: rows.b.path,
  };
  expect(events.filter((e) => e.name.startsWith('person.role-'))).toEqual([
    { name: 'person.role-assigned', payload: { ...base, startsOn: '2026-06-01', endsOn: null } },
    { name: 'person.role-ended', payload: { ...base, endsOn: '2026-06-30' } },
  ]);
});
