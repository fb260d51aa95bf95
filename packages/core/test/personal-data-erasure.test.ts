import { ERASED_NAME, type GongzhiPlugin, definePlugin, Person } from '@gongzhi/core';
import { createTestApp, problemOf, type TestApp } from '@gongzhi/core/testing';

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
  expect(data.person).toEqual({ name: ERASED_NAME, phone: null, household: null, careProfile: null, roles: { nodes: [] }, erasedAt: erasure.erasedAt });
  // The request stays, as the record of the service, without the number to call back.
  const requests = await app.run(`{ requests(first: 10) { nodes { title callbackPhone requester { name } } } }`);
  expect(requests.requests.nodes).toEqual([{ title: '任阿姨的求助', callbackPhone: null, requester: { name: ERASED_NAME } }]);
});
