import { defineMessages, ERASED_NAME, fromGlobalId, type GongzhiPlugin } from '@gongzhi/core';
import { apiKeyCaller, createTestApp, problemOf, type TestApp } from '@gongzhi/core/testing';
import { bare } from './fixtures/plugins.js';

let app: TestApp;
const ids: Record<string, string> = {};

const ERASE = `mutation ($input: ErasePersonalDataInput!) {
  erasePersonalData(input: $input) {
    erasure { personId erasedAt records { owner entity rows treatment } }
    errors { code message field }
  }
}`;

async function place(code: string, type: string, parent?: string): Promise<void> {
  const data = await app.run(
    `mutation ($input: CreatePlaceInput!) { createPlace(input: $input) { place { id } errors { code message field } } }`,
    { input: { code, type, name: code, parentId: parent ? ids[parent] : null } },
  );
  ids[code] = data.createPlace.place.id;
}

async function person(name: string, household: string | null, phone: string | null = null): Promise<string> {
  const data = await app.run(
    `mutation ($input: CreatePersonInput!) { createPerson(input: $input) { person { id } errors { code message field } } }`,
    { input: { name, phone, householdId: household ? ids[household] : null } },
  );
  return (ids[name] = data.createPerson.person.id);
}

/** A resident with everything core keeps about a person: phone, care profile, a role, a membership, a request with a callback phone. */
async function resident(name: string, household: string): Promise<string> {
  const id = await person(name, household, '13800000001');
  await app.run(
    `mutation ($p: ID!, $c: ID!, $h: ID!) {
      care: setCareProfile(personId: $p, input: { livesAlone: true, elderly: true, chronicIllness: "高血压" }) { errors { code } }
      role: assignRole(personId: $p, placeId: $c, role: VOLUNTEER, startsOn: "2026-01-01") { errors { code } }
      request: submitRequest(input: { kind: NEED, channel: PHONE, title: "${name}的求助", placeId: $h, requesterId: $p, callbackPhone: "13900000002" }) { request { id } errors { code } }
    }`,
    { p: id, c: ids.c, h: ids[household] },
  );
  return id;
}

beforeAll(async () => {
  app = await createTestApp();
  await place('d', 'DISTRICT');
  await place('s', 'SUBDISTRICT', 'd');
  await place('c', 'COMMUNITY', 's');
  await place('c2', 'COMMUNITY', 's');
  await place('b', 'BUILDING', 'c');
  await place('h1', 'HOUSEHOLD', 'b');
  await place('h2', 'HOUSEHOLD', 'b');
  await resident('任阿姨', 'h1');
});
afterAll(() => app?.close());

test('erases what core keeps about a person in one go, keeps the records pseudonymised, and says what it did', async () => {
  const { erasePersonalData } = await app.run(ERASE, { input: { personId: ids['任阿姨'], reason: '本人 2026-12-01 书面申请' } });
  expect(erasePersonalData.errors).toEqual([]);
  const { erasure } = erasePersonalData;
  expect(erasure.personId).toBe(ids['任阿姨']);
  const rows = Object.fromEntries(erasure.records.map((r: { entity: string; rows: number }) => [r.entity, r.rows]));
  expect(rows).toMatchObject({ CareProfile: 1, PersonRole: 1, Request: 1 });
  expect(erasure.records.every((r: { owner: string; treatment: string }) => r.owner === 'core' && r.treatment.length > 0)).toBe(true);

  const data = await app.run(
    `query ($p: ID!) { person(id: $p) { name phone household { id } careProfile { livesAlone } roles { nodes { role } } erasedAt } }`,
    { p: ids['任阿姨'] },
  );
  expect(data.person).toEqual({
    name: ERASED_NAME,
    phone: null,
    household: null,
    careProfile: null,
    roles: { nodes: [] },
    erasedAt: erasure.erasedAt,
  });
  // The request stays, as the record of the service, without the number to call back.
  const requests = await app.run(`{ requests(first: 10) { nodes { title callbackPhone requester { name } } } }`);
  expect(requests.requests.nodes).toEqual([{ title: '任阿姨的求助', callbackPhone: null, requester: { name: ERASED_NAME } }]);
});

test("the erasure's audit entries say who erased, when and why, and hold none of the values erased", async () => {
  const data = await app.run(
    `{ auditLog(first: 20, filter: { action: "person.erasePersonalData" }) { nodes { entityType operation actorKind changes { field before after } } } }`,
  );
  const entries = data.auditLog.nodes;
  expect(entries).toContainEqual({
    entityType: 'Person',
    operation: 'update',
    actorKind: 'system',
    changes: expect.arrayContaining([{ field: 'erasureReason', before: null, after: '"本人 2026-12-01 书面申请"' }]),
  });
  const text = JSON.stringify(entries);
  for (const erased of ['任阿姨', '13800000001', '13900000002', '高血压']) expect(text).not.toContain(erased);
});

test('nothing new is recorded about an erased person: a second erasure, a role, a care profile are refused, saying when', async () => {
  const refused = { code: 'PERSON_ERASED', message: expect.stringMatching(/erased at 20\d\d-/), field: 'personId' };
  const again = await app.execute(ERASE, { input: { personId: ids['任阿姨'], reason: '重复申请' } });
  expect(problemOf(again)).toMatchObject({ ...refused, field: 'input.personId' });
  const role = await app.execute(
    `mutation ($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: VOLUNTEER, startsOn: "2026-12-02") { errors { code message field } } }`,
    { p: ids['任阿姨'], c: ids.c },
  );
  expect(problemOf(role)).toMatchObject(refused);
  const care = await app.execute(
    `mutation ($p: ID!) { setCareProfile(personId: $p, input: { livesAlone: true, elderly: true }) { errors { code message field } } }`,
    { p: ids['任阿姨'] },
  );
  expect(problemOf(care)).toMatchObject(refused);
});

test('an erased person no longer signs in: whatever their token asks is refused', async () => {
  const result = await app.execute('{ viewer { kind } }', {}, { caller: { id: fromGlobalId(ids['任阿姨'])!.id, kind: 'person' } });
  expect(problemOf(result)).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining('erased') });
});

test('an erasure without a reason is refused and erases nothing', async () => {
  const id = await resident('石大爷', 'h2');
  const result = await app.execute(ERASE, { input: { personId: id, reason: '  ' } });
  expect(problemOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
  const data = await app.run(`query ($p: ID!) { person(id: $p) { name phone careProfile { livesAlone } erasedAt } }`, { p: id });
  expect(data.person).toEqual({ name: '石大爷', phone: '13800000001', careProfile: { livesAlone: true }, erasedAt: null });
});

test('an API key erases only where it holds personal-data.erase; a person it cannot see answers like a made-up id', async () => {
  const id = await resident('钱奶奶', 'h2');
  const uuid = (global: string) => fromGlobalId(global)!.id;
  const manager = await apiKeyCaller(app, { name: '社区管理', placeIds: [uuid(ids.c)], permissions: ['people.manage'] });
  const elsewhere = await apiKeyCaller(app, { name: '另一社区', placeIds: [uuid(ids.c2)], permissions: ['personal-data.erase'] });
  const officer = await apiKeyCaller(app, { name: '数据专员', placeIds: [uuid(ids.c)], permissions: ['personal-data.erase'] });
  const input = { personId: id, reason: '本人申请' };
  expect(problemOf(await app.execute(ERASE, { input }, { caller: manager }))).toMatchObject({ code: 'FORBIDDEN' });
  expect(problemOf(await app.execute(ERASE, { input }, { caller: elsewhere }))).toMatchObject({
    code: 'NOT_FOUND',
    field: 'input.personId',
  });
  const done = await app.execute(ERASE, { input }, { caller: officer });
  expect(done.errors).toBeUndefined();
  expect(done.data!.erasePersonalData.errors).toEqual([]);
});

test('two erasures of one person at once: one erases, the other is told it was erased', async () => {
  const id = await resident('孙叔叔', 'h2');
  const results = await Promise.all([1, 2].map((n) => app.execute(ERASE, { input: { personId: id, reason: `申请 ${n}` } })));
  const codes = results.map((r) => problemOf(r)?.code ?? 'OK').sort();
  expect(codes).toEqual(['OK', 'PERSON_ERASED']);
});

describe('with a plugin that keeps data about people', () => {
  const HOLD = defineMessages('legal-hold', {
    onHold: {
      code: 'LEGAL_HOLD',
      en: "A legal hold keeps this person's records: they cannot be erased now.",
      'zh-CN': '该人员的记录处于法律保全中，暂不能删除。',
    },
  });
  const erased: unknown[] = [];
  /** Refuses people whose name starts with 保全 (after deleting core's care profile, which must come back); hears every erasure. */
  const legalHold: GongzhiPlugin = bare('legal-hold', {
    messages: HOLD,
    personalData: {
      entities: {},
      async erase(uow, person) {
        await uow.em.execute('DELETE FROM care_profile WHERE person_id = ?', [person.uuid]);
        if (person.name.startsWith('保全')) throw HOLD.onHold.error('input.personId');
        return {};
      },
    },
    register(ctx) {
      ctx.events.on('person.erased', (event) => void erased.push(event.payload), { id: 'legal-hold.erased' });
    },
  });
  let held: TestApp;
  beforeAll(async () => {
    held = await createTestApp({ plugins: [legalHold] });
  });
  afterAll(() => held?.close());

  async function someone(name: string): Promise<{ id: string; household: string }> {
    const ids: Record<string, string> = {};
    for (const [code, type, parent] of [
      ['d', 'DISTRICT'],
      ['s', 'SUBDISTRICT', 'd'],
      ['c', 'COMMUNITY', 's'],
      ['b', 'BUILDING', 'c'],
      ['h', 'HOUSEHOLD', 'b'],
    ] as const) {
      const data = await held.run(`mutation ($input: CreatePlaceInput!) { createPlace(input: $input) { place { id } } }`, {
        input: { code: `${name}-${code}`, type, name: code, parentId: parent ? ids[parent] : null },
      });
      ids[code] = data.createPlace.place.id;
    }
    const data = await held.run(`mutation ($h: ID!) { createPerson(input: { name: "${name}", householdId: $h }) { person { id } } }`, {
      h: ids.h,
    });
    const id = data.createPerson.person.id;
    await held.run(`mutation ($p: ID!) { setCareProfile(personId: $p, input: { livesAlone: true, elderly: false }) { errors { code } } }`, {
      p: id,
    });
    return { id, household: ids.h };
  }

  test("a plugin's refusal leaves everything as it was, core's part included", async () => {
    const { id } = await someone('保全对象');
    const result = await held.execute(ERASE, { input: { personId: id, reason: '本人申请' } });
    expect(problemOf(result)).toMatchObject({ code: 'LEGAL_HOLD', field: 'input.personId' });
    const data = await held.run(`query ($p: ID!) { person(id: $p) { name careProfile { livesAlone } erasedAt } }`, { p: id });
    expect(data.person).toEqual({ name: '保全对象', careProfile: { livesAlone: true }, erasedAt: null });
  });

  test('after commit, person.erased tells handlers (and webhooks) who was erased and where they lived', async () => {
    const { id } = await someone('普通居民');
    await held.run(ERASE, { input: { personId: id, reason: '本人申请' } });
    const deadline = Date.now() + 10_000;
    while (erased.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(erased).toEqual([
      { personId: fromGlobalId(id)!.id, placePath: expect.stringMatching(/^\/.+\/$/), erasedAt: expect.any(String) },
    ]);
  });
});
