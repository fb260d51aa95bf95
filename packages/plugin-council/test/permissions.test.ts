import { as, createWorld, Q, type World } from './world.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.app.close());

const input = (name: string) => ({
  input: { communityId: w.community.id, name, kind: 'NAMED', votingRule: 'CONSENT', voteCounting: 'PER_SEAT', quorumPercent: 50 },
});

test('only community staff (council.manage) set up councils and seats; residents may not', async () => {
  const resident = await w.app.execute(Q.createCouncil, input('居民自建议事会'), as(w.residents[0]));
  expect(resident.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', permission: 'council.manage' });
  const staff = w.orgs.committee.people[0]; // 居委会主任: a social worker of the community
  const { createCouncil } = await w.app.run(Q.createCouncil, input('夕阳红议事会'), as(staff));
  expect(createCouncil.name).toBe('夕阳红议事会');
  const seat = await w.app.execute(
    Q.addMember,
    { c: createCouncil.id, s: 'RESIDENT_REPRESENTATIVE', p: w.residents[0].id },
    as(w.residents[1]),
  );
  expect(seat.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  const seated = await w.app.run(Q.addMember, { c: createCouncil.id, s: 'RESIDENT_REPRESENTATIVE', p: w.residents[0].id }, as(staff));
  expect(seated.addCouncilMember.name).toBe('居民1');
  const rows = await w.app.platform.orm.em
    .fork()
    .getConnection()
    .execute(`SELECT count(*)::int AS n FROM council.council WHERE name = '居民自建议事会'`);
  expect(rows[0].n).toBe(0);
});
