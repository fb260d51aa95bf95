import { as, codeOf, countRows, createTeam, createWorld, uuidOf, type World } from './fixtures.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.app.close());

test('a team has a kind, a home place, leaders, members with join dates and roles, skills', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '邻里互助队', p['王小丽'], [p['居民2'], p['居民3']]);
  const data = await w.app.run(
    `query($id: ID!) { node(id: $id) { ... on VolunteerTeam { name kind skills homePlace { name } leaders { name } memberCount
        members { role joinedOn person { name } } } } }`,
    { id: teamId },
  );
  expect(data.node).toEqual({
    name: '邻里互助队',
    kind: 'MUTUAL_AID',
    skills: ['代购'],
    homePlace: { name: '芳星园三区社区' },
    leaders: [{ name: '王小丽' }],
    memberCount: 3,
    members: [
      { role: 'LEADER', joinedOn: '2026-06-01', person: { name: '王小丽' } },
      { role: 'MEMBER', joinedOn: '2026-05-01', person: { name: '居民2' } },
      { role: 'MEMBER', joinedOn: '2026-05-01', person: { name: '居民3' } },
    ],
  });
  // Only a leader adds members; nothing is written otherwise.
  const refused = await w.app.execute(
    'mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p) { id } }',
    { t: teamId, p: p['居民4'].id },
    as(p['居民2']),
  );
  expect(codeOf(refused)).toBe('NOT_TEAM_LEADER');
  // Creating a team records who did it: anonymous callers are refused.
  const anonymous = await w.app.execute('mutation($input: CreateVolunteerTeamInput!) { createVolunteerTeam(input: $input) { id } }', {
    input: { homePlaceId: w.community.id, name: '无名队' },
  });
  expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  expect(await countRows(w.app, 'team', `name = '无名队'`)).toBe(0);
});

test('recruitment: sign-ups, leader accepts and declines, a waitlist when full, withdrawal promotes the first waiting', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '招募测试队', p['王小丽'], []);
  const { postVolunteerRecruitment: call } = await w.app.run(
    `mutation($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { id wanted accepted } }`,
    {
      input: {
        teamId,
        title: '招募楼道志愿者',
        placeId: w.building.id,
        wanted: 2,
        skills: ['代购'],
        openUntil: '2026-06-02T12:00:00+08:00',
      },
    },
    as(p['王小丽']),
  );
  const signUp = async (name: string) =>
    (
      await w.app.run(
        'mutation($id: ID!) { signUpForVolunteerRecruitment(recruitmentId: $id) { id status } }',
        { id: call.id },
        as(p[name]),
      )
    ).signUpForVolunteerRecruitment;
  const decide = (id: string, accept: boolean, reason: string | null = null) =>
    w.app.execute(
      'mutation($id: ID!, $a: Boolean!, $r: String) { decideVolunteerApplication(applicationId: $id, accept: $a, reason: $r) { status reason } }',
      { id, a: accept, r: reason },
      as(p['王小丽']),
    );

  const a1 = await signUp('居民4');
  const a2 = await signUp('居民5');
  const a3 = await signUp('居民6');
  expect([a1.status, a2.status, a3.status]).toEqual(['PENDING', 'PENDING', 'PENDING']);
  expect(
    codeOf(
      await w.app.execute(
        'mutation($id: ID!) { signUpForVolunteerRecruitment(recruitmentId: $id) { id } }',
        { id: call.id },
        as(p['居民4']),
      ),
    ),
  ).toBe('CONFLICT');

  expect(codeOf(await decide(a3.id, false))).toBe('BAD_USER_INPUT'); // declining needs a reason
  expect((await decide(a3.id, false, '暂不需要夜间志愿者')).data!.decideVolunteerApplication).toEqual({
    status: 'DECLINED',
    reason: '暂不需要夜间志愿者',
  });
  expect((await decide(a1.id, true)).data!.decideVolunteerApplication.status).toBe('ACCEPTED');
  const a4 = await signUp('居民7');
  expect(a4.status).toBe('PENDING');
  expect((await decide(a2.id, true)).data!.decideVolunteerApplication.status).toBe('ACCEPTED');
  // The call is full: whoever was still pending waits, later sign-ups wait, accepting one more is refused.
  const a5 = await signUp('居民8');
  expect(a5.status).toBe('WAITLISTED');
  const full = await decide(a4.id, true);
  expect(codeOf(full)).toBe('RECRUITMENT_FULL');
  expect(full.errors![0].message).toContain('all 2 volunteers');

  let view = await w.app.run(
    `query($id: ID!) { node(id: $id) { ... on VolunteerRecruitment { accepted waitlist { person { name } } team { memberCount } } } }`,
    { id: call.id },
  );
  expect(view.node).toEqual({
    accepted: 2,
    waitlist: [{ person: { name: '居民7' } }, { person: { name: '居民8' } }],
    team: { memberCount: 3 },
  });

  // An accepted volunteer withdraws: the seat frees and the first on the waitlist is pending again.
  const out = await w.app.run(
    'mutation($id: ID!) { withdrawVolunteerApplication(applicationId: $id) { status } }',
    { id: a1.id },
    as(p['居民4']),
  );
  expect(out.withdrawVolunteerApplication.status).toBe('WITHDRAWN');
  view = await w.app.run(
    `query($id: ID!) { node(id: $id) { ... on VolunteerRecruitment { accepted applications { status person { name } } } } }`,
    { id: call.id },
  );
  expect(view.node.accepted).toBe(1);
  expect(view.node.applications.map((a: { status: string; person: { name: string } }) => `${a.person.name}:${a.status}`)).toEqual([
    '居民4:WITHDRAWN',
    '居民5:ACCEPTED',
    '居民6:DECLINED',
    '居民7:PENDING',
    '居民8:WAITLISTED',
  ]);
});

test('two leaders accepting for the last seat at once: exactly one wins', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '并发招募队', p['王小丽'], []);
  await w.app.run(
    'mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p, role: LEADER) { id } }',
    { t: teamId, p: p['刘社工'].id },
    as(p['王小丽']),
  );
  const { postVolunteerRecruitment: call } = await w.app.run(
    'mutation($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { id } }',
    { input: { teamId, title: '只招一人', placeId: w.community.id, wanted: 1, openUntil: '2026-06-03T00:00:00Z' } },
    as(p['王小丽']),
  );
  const ids: string[] = [];
  for (const name of ['外来1', '外来2']) {
    ids.push(
      (await w.app.run('mutation($id: ID!) { signUpForVolunteerRecruitment(recruitmentId: $id) { id } }', { id: call.id }, as(p[name])))
        .signUpForVolunteerRecruitment.id,
    );
  }
  const results = await Promise.all(
    ids.map((id, i) =>
      w.app.execute(
        'mutation($id: ID!) { decideVolunteerApplication(applicationId: $id, accept: true) { status } }',
        { id },
        as(p[i ? '刘社工' : '王小丽']),
      ),
    ),
  );
  expect(results.map(codeOf).sort()).toEqual([null, 'RECRUITMENT_FULL'].sort());
  expect(await countRows(w.app, 'recruitment', `id = '${uuidOf(call.id)}' AND accepted = 1`)).toBe(1);
});

test('recruitment bad input: closed call, past deadline, not a leader', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '截止测试队', p['王小丽'], []);
  const past = await w.app.execute(
    'mutation($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { id } }',
    { input: { teamId, title: '过期', placeId: w.community.id, wanted: 3, openUntil: '2026-05-01T00:00:00Z' } },
    as(p['王小丽']),
  );
  expect(codeOf(past)).toBe('BAD_USER_INPUT');
  const notLeader = await w.app.execute(
    'mutation($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { id } }',
    { input: { teamId, title: '越权', placeId: w.community.id, wanted: 3, openUntil: '2026-06-05T00:00:00Z' } },
    as(p['居民1']),
  );
  expect(codeOf(notLeader)).toBe('NOT_TEAM_LEADER');
  const { postVolunteerRecruitment: call } = await w.app.run(
    'mutation($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { id } }',
    { input: { teamId, title: '两小时', placeId: w.community.id, wanted: 3, openUntil: '2026-06-01T11:00:00+08:00' } },
    as(p['王小丽']),
  );
  w.clock.advance(3 * 3600_000);
  try {
    expect(
      codeOf(
        await w.app.execute(
          'mutation($id: ID!) { signUpForVolunteerRecruitment(recruitmentId: $id) { id } }',
          { id: call.id },
          as(p['居民1']),
        ),
      ),
    ).toBe('RECRUITMENT_CLOSED');
  } finally {
    w.clock.set('2026-06-01T09:00:00+08:00');
  }
});

test('a member with no household or role in the community is seen where the team is at home, and only there', async () => {
  const { Person, PersonRole, PersonRoleKind } = await import('@gongzhi/core');
  const em = w.app.platform.orm.em.fork();
  // An estate agent of the "youth commando": no household here, no role anywhere.
  const agent = em.create(Person, { name: '中介小李' });
  // A social worker of the other community only.
  const neighbourStaff = em.create(Person, { name: '邻社区社工' });
  em.create(PersonRole, { person: neighbourStaff, place: w.otherCommunity, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  await em.flush();
  const teamId = await createTeam(w, '青年突击队', w.people['王小丽'], [agent], 'YOUTH_COMMANDO');
  const q = `query($t: ID!, $p: ID!) { team: node(id: $t) { ... on VolunteerTeam { members { person { name } } } } agent: node(id: $p) { ... on Person { name } } }`;
  const staff = await w.app.run(q, { t: teamId, p: agent.id }, as(w.people['刘社工']));
  expect(staff.team.members.map((m: { person: { name: string } }) => m.person.name)).toContain('中介小李');
  expect(staff.agent).toEqual({ name: '中介小李' });
  const elsewhere = await w.app.run(q, { t: teamId, p: agent.id }, as(neighbourStaff));
  expect(elsewhere).toEqual({ team: null, agent: null });
});
