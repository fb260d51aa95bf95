import { Person, PersonRole, PersonRoleKind } from '@gongzhi/core';
import { problemOf } from '@gongzhi/core/testing';
import { act, as, createWorld, Q, type World } from './world.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.app.close());

const input = (name: string) => ({
  input: { communityId: w.community.id, name, kind: 'NAMED', votingRule: 'CONSENT', voteCounting: 'PER_SEAT', quorumPercent: 50 },
});

test('only community staff (council.manage) set up councils and seats; residents may not', async () => {
  // A resident sees the community but holds council.manage nowhere: refused in the payload, naming the permission.
  const resident = await w.app.execute(Q.createCouncil, input('居民自建议事会'), as(w.residents[0]));
  expect(problemOf(resident)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('"council.manage"') });
  const staff = w.orgs.committee.people[0]; // 居委会主任: a social worker of the community
  const council = await act(w.app, Q.createCouncil, input('夕阳红议事会'), as(staff));
  expect(council.name).toBe('夕阳红议事会');
  // A resident seating themselves (a person they see) is refused too.
  const seat = await w.app.execute(Q.addMember, { c: council.id, s: 'RESIDENT_REPRESENTATIVE', p: w.residents[1].id }, as(w.residents[1]));
  expect(problemOf(seat)?.code).toBe('FORBIDDEN');
  const seated = await act(w.app, Q.addMember, { c: council.id, s: 'RESIDENT_REPRESENTATIVE', p: w.residents[0].id }, as(staff));
  expect(seated.name).toBe('居民1');
  const rows = await w.app.platform.orm.em
    .fork()
    .getConnection()
    .execute(`SELECT count(*)::int AS n FROM council.council WHERE name = '居民自建议事会'`);
  expect(rows[0].n).toBe(0);
});

test('a social worker of one building holds council.manage there, not at the community: refused in the payload', async () => {
  const em = w.app.platform.orm.em.fork();
  const worker = em.create(Person, { name: '楼栋社工' });
  em.create(PersonRole, { person: worker, place: w.building, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  await em.flush();
  const result = await w.app.execute(Q.createCouncil, input('楼栋议事会'), as(worker));
  expect(result.errors).toBeUndefined();
  expect(problemOf(result)).toMatchObject({ code: 'FORBIDDEN' });
  expect(result.data!.createCouncil.council).toBeNull();
});
