import { createTestApp } from '@gongzhi/core/testing';
import { plugin } from '../src/index.js';
import { as, createTeam, createWorld, succeed, type World } from './fixtures.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
  const p = w.people;
  // Team A at the community: 王小丽, 居民1, 居民2 (residents, households under the subdistrict) and 外来1 (none).
  await createTeam(w, '邻里互助队', p['王小丽'], [p['居民1'], p['居民2'], p['外来1']]);
  // Team B at the other community: 外来2 and 居民1 again (counted once).
  await createTeam(w, '青年突击队', p['外来2'], [p['居民1']], 'YOUTH_COMMANDO', w.otherCommunity);
  const { entry } = (
    await succeed(
      w.app,
      'mutation($input: ReportVolunteerHoursInput!) { reportVolunteerHours(input: $input) { entry { id } errors { code message } } }',
      { input: { communityId: w.community.id, servedOn: '2026-05-30', minutes: 75, description: '陪同就医' } },
      as(p['居民1']),
    )
  ).reportVolunteerHours;
  await succeed(
    w.app,
    'mutation($id: ID!) { verifyVolunteerHours(entryId: $id) { entry { id } errors { code message } } }',
    { id: entry.id },
    as(p['刘社工']),
  );
});
afterAll(() => w?.app.close());

test('a subdistrict summary: teams, distinct volunteers, share of residents', async () => {
  const data = await w.app.run(
    `query($sub: ID!, $c: ID!) {
      sub: volunteerSummary(placeId: $sub) { teamCount volunteerCount residentVolunteerCount residentShare place { name } }
      community: place(id: $c) { volunteerSummary { teamCount volunteerCount residentVolunteerCount residentShare } volunteerTeams { nodes { name } } }
      teams: volunteerTeams(under: $sub, kind: YOUTH_COMMANDO) { nodes { name leaders { nodes { name } } } }
    }`,
    { sub: w.subdistrict.id, c: w.community.id },
  );
  expect(data.sub).toEqual({ teamCount: 2, volunteerCount: 5, residentVolunteerCount: 3, residentShare: 0.6, place: { name: '方庄街道' } });
  expect(data.community).toEqual({
    volunteerSummary: { teamCount: 1, volunteerCount: 4, residentVolunteerCount: 3, residentShare: 0.75 },
    volunteerTeams: { nodes: [{ name: '邻里互助队' }] },
  });
  expect(data.teams.nodes).toEqual([{ name: '青年突击队', leaders: { nodes: [{ name: '外来2' }] } }]);
});

test('staff list service entries under a place by status', async () => {
  const data = await w.app.run(
    'query($under: ID!) { approved: volunteerServiceEntries(under: $under, status: APPROVED) { nodes { minutes source person { name } verifiedBy { name } community { name } } } pending: volunteerServiceEntries(under: $under, status: PENDING) { nodes { id } } }',
    { under: w.subdistrict.id },
  );
  expect(data).toEqual({
    approved: {
      nodes: [
        { minutes: 75, source: 'MANUAL', person: { name: '居民1' }, verifiedBy: { name: '刘社工' }, community: { name: '芳星园三区社区' } },
      ],
    },
    pending: { nodes: [] },
  });
});

test('Person.volunteerProfile: teams, skills, verified hours', async () => {
  const data = await w.app.run(
    'query($id: ID!) { person(id: $id) { volunteerProfile { teams { nodes { name } } skills verifiedMinutes verifiedHours memberships { nodes { role team { name } } } } } }',
    { id: w.people['居民1'].id },
  );
  const profile = { ...data.person.volunteerProfile };
  profile.teams = profile.teams.nodes;
  profile.memberships = profile.memberships.nodes;
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  expect({
    ...profile,
    teams: [...profile.teams].sort(byName),
    memberships: profile.memberships.map((m: { team: { name: string } }) => m.team.name).sort(),
  }).toEqual({
    teams: [{ name: '邻里互助队' }, { name: '青年突击队' }].sort(byName),
    skills: [],
    verifiedMinutes: 75,
    verifiedHours: 1.25,
    memberships: ['邻里互助队', '青年突击队'].sort(),
  });
  expect(profile.memberships.map((m: { role: string }) => m.role)).toEqual(['MEMBER', 'MEMBER']);
});

test('fields on core types are batched: the same statements for 1 row as for 5', async () => {
  const people = `query($under: ID!, $n: Int!) { people(under: $under, first: $n) { nodes { name volunteerProfile { verifiedMinutes skills teams { nodes { name homePlace { name } } } memberships { nodes { role person { name } } } } } } }`;
  const places = `query($under: ID!, $n: Int!) { places(under: $under, first: $n) { nodes { name volunteerSummary { teamCount residentShare }
      volunteerTeams { nodes { name memberCount leaders { nodes { name } } organization { name } recruitments { nodes { title } } shiftSchedules { nodes { title } } pairings { nodes { startsOn } } } } } } }`;
  for (const query of [people, places]) {
    const one = await w.app.countStatements(() => w.app.run(query, { under: w.subdistrict.id, n: 1 }));
    const five = await w.app.countStatements(() => w.app.run(query, { under: w.subdistrict.id, n: 5 }));
    expect(five).toBe(one);
  }
  const five = await w.app.run(places, { under: w.subdistrict.id, n: 5 });
  expect(
    five.places.nodes.flatMap((pl: { volunteerTeams: { nodes: { name: string }[] } }) => pl.volunteerTeams.nodes.map((t) => t.name)).sort(),
  ).toEqual(['邻里互助队', '青年突击队'].sort());
});

test('the demo seed adds the teams of the stories, once', async () => {
  const app = await createTestApp({ plugins: [plugin], seed: true });
  try {
    await app.platform.seed(); // a second time adds nothing
    const { places } = await app.run('{ places(type: SUBDISTRICT) { nodes { id name } } }');
    const sub = places.nodes.find((pl: { name: string }) => pl.name === '方庄街道');
    const data = await app.run(
      `query($sub: ID!) {
        volunteerTeams(under: $sub) { nodes { name kind memberCount organization { name } leaders { nodes { name } }
          pairings { nodes { carePlan resident { name } visits { nodes { note } } } } shiftSchedules { nodes { title startTime endTime weekdays } } } }
        volunteerSummary(placeId: $sub) { teamCount volunteerCount }
        volunteerTasks(under: $sub) { nodes { title status } }
      }`,
      { sub: sub.id },
    );
    const byName = Object.fromEntries(data.volunteerTeams.nodes.map((t: { name: string }) => [t.name, t]));
    expect(Object.keys(byName).sort()).toEqual(['烛光队', '邻里互助队', '青年突击队'].sort());
    expect(byName['邻里互助队']).toMatchObject({ kind: 'MUTUAL_AID', memberCount: 19, leaders: { nodes: [{ name: '王小丽' }] } });
    expect(byName['邻里互助队'].pairings.nodes).toEqual([
      expect.objectContaining({
        carePlan: ['MEDICINE', 'ESCORT_TO_HOSPITAL', 'GROCERIES'],
        visits: { nodes: [{ note: '送药上门，血糖平稳。' }] },
      }),
    ]);
    expect(byName['青年突击队']).toMatchObject({
      kind: 'YOUTH_COMMANDO',
      memberCount: 6,
      organization: { name: '安家房产经纪成仪路门店' },
    });
    expect(byName['烛光队']).toMatchObject({
      kind: 'CANDLE_LIGHT',
      shiftSchedules: { nodes: [{ title: '烛光夜访', startTime: '19:00:00', endTime: '21:00:00', weekdays: [1, 2, 3, 4, 5, 6, 7] }] },
    });
    expect(data.volunteerSummary).toEqual({ teamCount: 3, volunteerCount: 29 });
    expect(data.volunteerTasks.nodes).toHaveLength(2);
  } finally {
    await app.close();
  }
});
