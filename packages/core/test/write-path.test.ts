import { Person, PersonRole, PersonRoleKind, type Place, PlaceType } from '@gongzhi/core';
import { apiKeyCaller, asPerson, createTestApp, placeWriter, problemOf, type TestApp } from '@gongzhi/core/testing';
import type { Caller } from '@gongzhi/core';

let app: TestApp;
let household: Place;
let worker: Person;
let resident: Person;
let key: Caller;

beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  const district = write(PlaceType.DISTRICT, 'D', '区', null);
  const sub = write(PlaceType.SUBDISTRICT, 'S', '街道', district);
  const community = write(PlaceType.COMMUNITY, 'C', '社区', sub);
  household = write(PlaceType.HOUSEHOLD, 'H', '1号楼101', community);
  worker = em.create(Person, { name: '社工' });
  em.create(PersonRole, { person: worker, place: community, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  resident = em.create(Person, { name: '居民', household });
  await em.flush();
  key = await apiKeyCaller(app, { name: 'bench', placeIds: [], permissions: ['*'] });
});
afterAll(() => app?.close());

async function logged(work: () => Promise<unknown>): Promise<string[]> {
  const connection = app.platform.orm.em.getConnection();
  const original = connection.execute.bind(connection);
  const out: string[] = [];
  connection.execute = ((...args: Parameters<typeof original>) => {
    out.push(String(args[0]).replace(/\s+/g, ' ').slice(0, 160));
    return original(...args);
  }) as typeof original;
  try {
    await work();
  } finally {
    connection.execute = original;
  }
  return out;
}

test('print', async () => {
  for (const caller of [asPerson(worker).caller, key]) {
    let id = '';
    const sub = await logged(async () => {
      const r = await app.execute(
        `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "门禁坏了", placeId: $p, requesterId: $r }) { request { id } errors { code message field } } }`,
        { p: household.id, r: resident.id },
        { caller },
      );
      expect(problemOf(r)).toBeUndefined();
      id = (r.data as any).submitRequest.request.id;
    });
    const acc = await logged(async () => {
      const r = await app.execute(
        `mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { status } errors { code message field } } }`,
        { id },
        { caller },
      );
      expect(problemOf(r)).toBeUndefined();
    });
    const claim = await logged(async () => {
      const r = await app.execute(
        `mutation($id: ID!, $p: ID!) { claimRequest(id: $id, personId: $p) { request { status } errors { code message field } } }`,
        { id, p: worker.id },
        { caller },
      );
      expect(problemOf(r)).toBeUndefined();
    });
    console.log(caller.kind, 'submit', sub.length, sub.join('\n'), '\naccept', acc.length, acc.join('\n'), '\nclaim', claim.length, claim.join('\n'));
  }
});
