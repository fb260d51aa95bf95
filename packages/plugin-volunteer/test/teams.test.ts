import { Person, PersonRole, PersonRoleKind } from '@gongzhi/core';
import { problemOf, uuidOf } from '@gongzhi/core/testing';
import { VolunteerTeam, VolunteerTeamMember } from '../src/index.js';
import { as, countRows, createTeam, createWorld, succeed, type World } from './fixtures.js';

let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.app.close());

test('a team has a kind, a home place, leaders, members with join dates and roles, skills', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '邻里互助队', p['王小丽'], [p['居民2'], p['居民3']]);
  const data = await succeed(
    w.app,
    `query($id: ID!) { node(id: $id) { ... on VolunteerTeam { name kind skills homePlace { name } leaders { nodes { name } } memberCount
        members { nodes { role joinedOn person { name } } } } } }`,
    { id: teamId },
  );
  expect(data.node).toEqual({
    name: '邻里互助队',
    kind: 'MUTUAL_AID',
    skills: ['代购'],
    homePlace: { name: '芳星园三区社区' },
    leaders: { nodes: [{ name: '王小丽' }] },
    memberCount: 3,
    members: {
      nodes: [
        { role: 'LEADER', joinedOn: '2026-06-01', person: { name: '王小丽' } },
        { role: 'MEMBER', joinedOn: '2026-05-01', person: { name: '居民2' } },
        { role: 'MEMBER', joinedOn: '2026-05-01', person: { name: '居民3' } },
      ],
    },
  });
  // Only a leader adds members; nothing is written otherwise.
  const refused = await w.app.execute(
    'mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p) { member { id } errors { code message field } } }',
    { t: teamId, p: p['居民4'].id },
    as(p['居民2']),
  );
  expect(problemOf(refused)).toMatchObject({ code: 'NOT_TEAM_LEADER', field: 'teamId' });
  expect(refused.data!.addVolunteerTeamMember.member).toBeNull();
  expect(await countRows(w.app, 'team_member', `team_id = '${uuidOf(teamId)}'`)).toBe(3);
  // Creating a team records who did it: callers who are not a person are refused (top-level), anonymous ones see no place.
  const CREATE = 'mutation($input: CreateVolunteerTeamInput!) { createVolunteerTeam(input: $input) { team { id } errors { code } } }';
  const input = { homePlaceId: w.community.id, name: '无名队' };
  expect(problemOf(await w.app.execute(CREATE, { input }))?.code).toBe('UNAUTHENTICATED');
  expect(problemOf(await w.app.execute(CREATE, { input }, { caller: null }))?.code).toBe('NOT_FOUND');
  expect(await countRows(w.app, 'team', `name = '无名队'`)).toBe(0);
});

const POST = `mutation($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { recruitment { id wanted accepted } errors { code message field } } }`;
const SIGN_UP =
  'mutation($id: ID!) { signUpForVolunteerRecruitment(recruitmentId: $id) { application { id status } errors { code message field } } }';

/** Posts a call of a team as its leader 王小丽 (at the community unless a place is given). */
async function postCall(teamId: string, title: string, wanted: number, openUntil: string, extra: Record<string, unknown> = {}) {
  const input = { teamId, title, placeId: w.community.id, wanted, openUntil, ...extra };
  return (await succeed(w.app, POST, { input }, as(w.people['王小丽']))).postVolunteerRecruitment.recruitment as { id: string };
}

test('recruitment: sign-ups, leader accepts and declines, a waitlist when full, withdrawal promotes the first waiting', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '招募测试队', p['王小丽'], []);
  const call = await postCall(teamId, '招募楼道志愿者', 2, '2026-06-02T12:00:00+08:00', { placeId: w.building.id, skills: ['代购'] });
  const changes: { status: string; placePath: string }[] = [];
  const stop = w.app.platform.events.onCommitted((events) => {
    for (const e of events) if (e.name === 'volunteer.application-changed') changes.push(e.payload as (typeof changes)[number]);
  });
  const signUp = async (name: string) =>
    (await succeed(w.app, SIGN_UP, { id: call.id }, as(p[name]))).signUpForVolunteerRecruitment.application;
  const decide = (id: string, accept: boolean, reason: string | null = null) =>
    w.app.execute(
      'mutation($id: ID!, $a: Boolean!, $r: String) { decideVolunteerApplication(applicationId: $id, accept: $a, reason: $r) { application { status reason } errors { code message field } } }',
      { id, a: accept, r: reason },
      as(p['王小丽']),
    );

  const a1 = await signUp('居民4');
  const a2 = await signUp('居民5');
  const a3 = await signUp('居民6');
  expect([a1.status, a2.status, a3.status]).toEqual(['PENDING', 'PENDING', 'PENDING']);
  expect(problemOf(await w.app.execute(SIGN_UP, { id: call.id }, as(p['居民4'])))?.code).toBe('CONFLICT');

  expect(problemOf(await decide(a3.id, false))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' }); // declining needs a reason
  expect((await decide(a3.id, false, '暂不需要夜间志愿者')).data!.decideVolunteerApplication.application).toEqual({
    status: 'DECLINED',
    reason: '暂不需要夜间志愿者',
  });
  expect((await decide(a1.id, true)).data!.decideVolunteerApplication.application.status).toBe('ACCEPTED');
  const a4 = await signUp('居民7');
  expect(a4.status).toBe('PENDING');
  expect((await decide(a2.id, true)).data!.decideVolunteerApplication.application.status).toBe('ACCEPTED');
  // The call is full: whoever was still pending waits, later sign-ups wait, accepting one more is refused.
  const a5 = await signUp('居民8');
  expect(a5.status).toBe('WAITLISTED');
  const full = await decide(a4.id, true);
  expect(problemOf(full)?.code).toBe('RECRUITMENT_FULL');
  expect(problemOf(full)?.message).toContain('all 2 volunteers');

  let view = await succeed(
    w.app,
    `query($id: ID!) { node(id: $id) { ... on VolunteerRecruitment { accepted waitlist { nodes { person { name } } } team { memberCount } } } }`,
    { id: call.id },
  );
  expect(view.node).toEqual({
    accepted: 2,
    waitlist: { nodes: [{ person: { name: '居民7' } }, { person: { name: '居民8' } }] },
    team: { memberCount: 3 },
  });

  // An accepted volunteer withdraws: the seat frees and the first on the waitlist is pending again.
  const out = await succeed(
    w.app,
    'mutation($id: ID!) { withdrawVolunteerApplication(applicationId: $id) { application { status } errors { code message } } }',
    { id: a1.id },
    as(p['居民4']),
  );
  expect(out.withdrawVolunteerApplication.application.status).toBe('WITHDRAWN');
  view = await succeed(
    w.app,
    `query($id: ID!) { node(id: $id) { ... on VolunteerRecruitment { accepted applications { nodes { status person { name } } } } } }`,
    { id: call.id },
  );
  expect(view.node.accepted).toBe(1);
  expect(view.node.applications.nodes.map((a: { status: string; person: { name: string } }) => `${a.person.name}:${a.status}`)).toEqual([
    '居民4:WITHDRAWN',
    '居民5:ACCEPTED',
    '居民6:DECLINED',
    '居民7:PENDING',
    '居民8:WAITLISTED',
  ]);
  // Every change says where the call needs volunteers (the building), so the community's webhooks receive it.
  stop();
  expect(changes.map((c) => c.status)).toEqual([
    'pending',
    'pending',
    'pending',
    'declined',
    'accepted',
    'pending',
    'accepted',
    'waitlisted',
    'withdrawn',
    'pending',
  ]);
  expect(new Set(changes.map((c) => c.placePath))).toEqual(new Set([w.building.path]));
});

test('two leaders accepting for the last seat at once: exactly one wins', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '并发招募队', p['王小丽'], []);
  await succeed(
    w.app,
    'mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p, role: LEADER) { member { id } errors { code message } } }',
    { t: teamId, p: p['刘社工'].id },
    as(p['王小丽']),
  );
  const call = await postCall(teamId, '只招一人', 1, '2026-06-03T00:00:00Z');
  const ids: string[] = [];
  for (const name of ['外来1', '外来2']) {
    ids.push((await succeed(w.app, SIGN_UP, { id: call.id }, as(p[name]))).signUpForVolunteerRecruitment.application.id);
  }
  const results = await Promise.all(
    ids.map((id, i) =>
      w.app.execute(
        'mutation($id: ID!) { decideVolunteerApplication(applicationId: $id, accept: true) { application { status } errors { code message } } }',
        { id },
        as(p[i ? '刘社工' : '王小丽']),
      ),
    ),
  );
  expect(results.map((r) => problemOf(r)?.code ?? null).sort()).toEqual([null, 'RECRUITMENT_FULL'].sort());
  expect(await countRows(w.app, 'recruitment', `id = '${uuidOf(call.id)}' AND accepted = 1`)).toBe(1);
});

test('recruitment bad input: closed call, past deadline, not a leader', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '截止测试队', p['王小丽'], []);
  const past = await w.app.execute(
    POST,
    { input: { teamId, title: '过期', placeId: w.community.id, wanted: 3, openUntil: '2026-05-01T00:00:00Z' } },
    as(p['王小丽']),
  );
  expect(problemOf(past)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.openUntil' });
  const notLeader = await w.app.execute(
    POST,
    { input: { teamId, title: '越权', placeId: w.community.id, wanted: 3, openUntil: '2026-06-05T00:00:00Z' } },
    as(p['居民1']),
  );
  expect(problemOf(notLeader)?.code).toBe('NOT_TEAM_LEADER');
  const call = await postCall(teamId, '两小时', 3, '2026-06-01T11:00:00+08:00');
  w.clock.advance(3 * 3600_000);
  try {
    expect(problemOf(await w.app.execute(SIGN_UP, { id: call.id }, as(p['居民1'])))?.code).toBe('RECRUITMENT_CLOSED');
  } finally {
    w.clock.set('2026-06-01T09:00:00+08:00');
  }
});

test('a member with no household or role in the community is seen where the team is at home, and only there', async () => {
  const em = w.app.platform.orm.em.fork();
  // An estate agent of the "youth commando": no household here, no role anywhere.
  const agent = em.create(Person, { name: '中介小李' });
  // A social worker of the other community only.
  const neighbourStaff = em.create(Person, { name: '邻社区社工' });
  em.create(PersonRole, { person: neighbourStaff, place: w.otherCommunity, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  await em.flush();
  const teamId = await createTeam(w, '青年突击队', w.people['王小丽'], [], 'YOUTH_COMMANDO');
  // A leader names only people they can see: someone of no place is, to them, a made-up id.
  const unseen = await w.app.execute(
    'mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p) { member { id } errors { code message field } } }',
    { t: teamId, p: agent.id },
    as(w.people['王小丽']),
  );
  expect(problemOf(unseen)).toMatchObject({ code: 'NOT_FOUND', field: 'personId' });
  // The agent joined before (registered with the team by the subdistrict's office).
  em.create(VolunteerTeamMember, { team: em.getReference(VolunteerTeam, uuidOf(teamId)), person: agent, joinedOn: '2026-05-01' });
  await em.flush();
  const q = `query($t: ID!, $p: ID!) { team: node(id: $t) { ... on VolunteerTeam { members { nodes { person { name } } } } } agent: node(id: $p) { ... on Person { name } } }`;
  const staff = await succeed(w.app, q, { t: teamId, p: agent.id }, as(w.people['刘社工']));
  expect(staff.team.members.nodes.map((m: { person: { name: string } }) => m.person.name)).toContain('中介小李');
  expect(staff.agent).toEqual({ name: '中介小李' });
  const elsewhere = await succeed(w.app, q, { t: teamId, p: agent.id }, as(neighbourStaff));
  expect(elsewhere).toEqual({ team: null, agent: null });
});

test('community staff lead a team whose leader is gone: they add a leader and end memberships; a resident may not', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '楼门互助队', p['居民5'], [p['居民6']]);
  const ADD = `mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p, role: LEADER) {
    member { id role person { name } } errors { code message field } } }`;
  // 居民6, a member, is not a leader: refused.
  expect(problemOf(await w.app.execute(ADD, { t: teamId, p: p['居民7'].id }, as(p['居民6'])))).toMatchObject({ code: 'NOT_TEAM_LEADER' });
  // 刘社工 holds volunteer.teams.manage (a social worker of the subdistrict): adds a second leader, then ends the first's membership.
  const added = await succeed(w.app, ADD, { t: teamId, p: p['居民7'].id }, as(p['刘社工']));
  expect(added.addVolunteerTeamMember.member).toMatchObject({ role: 'LEADER', person: { name: '居民7' } });
  const members = await succeed(
    w.app,
    'query($id: ID!) { node(id: $id) { ... on VolunteerTeam { members { nodes { id person { name } } } } } }',
    { id: teamId },
  );
  const first = members.node.members.nodes.find((m: { person: { name: string } }) => m.person.name === '居民5').id;
  const ended = await succeed(
    w.app,
    'mutation($m: ID!) { endVolunteerTeamMembership(memberId: $m) { member { leftOn } errors { code message field } } }',
    { m: first },
    as(p['刘社工']),
  );
  expect(ended.endVolunteerTeamMembership.member.leftOn).toBeTruthy();
  const leaders = await succeed(w.app, 'query($id: ID!) { node(id: $id) { ... on VolunteerTeam { leaders { nodes { name } } } } }', {
    id: teamId,
  });
  expect(leaders.node.leaders.nodes).toEqual([{ name: '居民7' }]);
});

test("a team's leaders or community staff rename it and rewrite what it says of itself; a member may not, a blank name is refused", async () => {
  const p = w.people;
  const teamId = await createTeam(w, '周末突击队', p['居民8'], [p['居民4']]);
  const UPDATE = `mutation($id: ID!, $input: UpdateVolunteerTeamInput!) { updateVolunteerTeam(id: $id, input: $input) {
    team { name kind description skills } errors { code message field } } }`;
  const renamed = await succeed(
    w.app,
    UPDATE,
    {
      id: teamId,
      input: { name: ' 房产中介青年突击队 ', kind: 'YOUTH_COMMANDO', description: '每周六上午服务', skills: ['搬运', ' 搬运', '陪诊'] },
    },
    as(p['居民8']),
  );
  expect(renamed.updateVolunteerTeam).toEqual({
    team: { name: '房产中介青年突击队', kind: 'YOUTH_COMMANDO', description: '每周六上午服务', skills: ['搬运', '陪诊'] },
    errors: [],
  });
  // What is left out stays; a null description removes it.
  const staff = await succeed(w.app, UPDATE, { id: teamId, input: { description: null } }, as(p['刘社工']));
  expect(staff.updateVolunteerTeam.team).toEqual({
    name: '房产中介青年突击队',
    kind: 'YOUTH_COMMANDO',
    description: null,
    skills: ['搬运', '陪诊'],
  });

  const member = await w.app.execute(UPDATE, { id: teamId, input: { name: '改名' } }, as(p['居民4']));
  expect(problemOf(member)).toMatchObject({ code: 'NOT_TEAM_LEADER', field: 'id' });
  // Two teams at one place keep two names.
  await createTeam(w, '夕阳红服务队', p['居民8'], []);
  const taken = await w.app.execute(UPDATE, { id: teamId, input: { name: '夕阳红服务队' } }, as(p['居民8']));
  expect(problemOf(taken)).toMatchObject({
    code: 'CONFLICT',
    message: 'A team of this name is already based at this place; choose another name.',
  });
  const blank = await w.app.execute(UPDATE, { id: teamId, input: { name: '  ' } }, as(p['居民8']));
  expect(problemOf(blank)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
  expect(await countRows(w.app, 'team', `name = '房产中介青年突击队' AND description IS NULL`)).toBe(1);
});

test('a leader closes a call early: sign-ups end, whoever still waits is declined with the reason, the accepted stay', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '测温志愿队', p['王小丽'], []);
  const call = await postCall(teamId, '招募测温志愿者', 1, '2026-06-05T12:00:00+08:00');
  const signUp = async (name: string) =>
    (await succeed(w.app, SIGN_UP, { id: call.id }, as(p[name]))).signUpForVolunteerRecruitment.application as { id: string };
  const first = await signUp('居民1');
  await signUp('居民2');
  await succeed(
    w.app,
    'mutation($id: ID!) { decideVolunteerApplication(applicationId: $id, accept: true) { application { status } errors { code message } } }',
    { id: first.id },
    as(p['王小丽']),
  );
  await signUp('居民3'); // waitlisted: the call is full
  const CLOSE = `mutation($id: ID!, $why: String!) { closeVolunteerRecruitment(id: $id, reason: $why) {
    recruitment { openUntil accepted applications { nodes { status reason person { name } } } } errors { code message field } } }`;
  // Only its team's leaders; a reason for those not taken.
  expect(problemOf(await w.app.execute(CLOSE, { id: call.id, why: '招满了' }, as(p['居民1'])))).toMatchObject({
    code: 'NOT_TEAM_LEADER',
    field: 'id',
  });
  expect(problemOf(await w.app.execute(CLOSE, { id: call.id, why: ' ' }, as(p['王小丽'])))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'reason',
  });
  const changes: string[] = [];
  const stop = w.app.platform.events.onCommitted((events) => {
    for (const e of events) if (e.name === 'volunteer.application-changed') changes.push((e.payload as { status: string }).status);
  });
  const closed = await succeed(w.app, CLOSE, { id: call.id, why: '人员已招满，感谢报名' }, as(p['王小丽']));
  stop();
  expect(closed.closeVolunteerRecruitment.recruitment).toEqual({
    openUntil: expect.any(String),
    accepted: 1,
    applications: {
      nodes: [
        { status: 'ACCEPTED', reason: null, person: { name: '居民1' } },
        { status: 'DECLINED', reason: '人员已招满，感谢报名', person: { name: '居民2' } },
        { status: 'DECLINED', reason: '人员已招满，感谢报名', person: { name: '居民3' } },
      ],
    },
  });
  expect(new Date(closed.closeVolunteerRecruitment.recruitment.openUntil).getTime()).toBeLessThan(Date.parse('2026-06-05T04:00:00Z'));
  expect(changes).toEqual(['declined', 'declined']);
  expect(problemOf(await w.app.execute(SIGN_UP, { id: call.id }, as(p['居民4'])))).toMatchObject({ code: 'RECRUITMENT_CLOSED' });
});

test('a call closed while its leader accepts someone: either the acceptance came first and counts, or it is undone', async () => {
  const p = w.people;
  const teamId = await createTeam(w, '收尾测试队', p['王小丽'], []);
  for (let round = 0; round < 4; round++) {
    const call = await postCall(teamId, `并发招募${round}`, 3, '2026-06-05T12:00:00+08:00');
    const application = (await succeed(w.app, SIGN_UP, { id: call.id }, as(p['居民5']))).signUpForVolunteerRecruitment.application;
    await Promise.all([
      w.app.execute(
        'mutation($id: ID!) { decideVolunteerApplication(applicationId: $id, accept: true) { application { status } errors { code } } }',
        { id: application.id },
        as(p['王小丽']),
      ),
      w.app.execute(
        'mutation($id: ID!) { closeVolunteerRecruitment(id: $id, reason: "活动取消") { recruitment { id } errors { code } } }',
        { id: call.id },
        as(p['王小丽']),
      ),
    ]);
    const view = await succeed(
      w.app,
      `query($id: ID!) { node(id: $id) { ... on VolunteerRecruitment { accepted applications { nodes { status } } } } }`,
      { id: call.id },
    );
    const [status] = view.node.applications.nodes.map((a: { status: string }) => a.status);
    expect([status, view.node.accepted]).toEqual(status === 'ACCEPTED' ? ['ACCEPTED', 1] : ['DECLINED', 0]);
  }
});
