import { Person, PersonRole, PersonRoleKind, Place, PlaceType } from '@gongzhi/core';
import { placeWriter, problemOf } from '@gongzhi/core/testing';
import { as, countRows, createTeam, createWorld, succeed, type World } from './fixtures.js';

/**
 * The seeds' stories as the people in them play them (issue 17, items 4 and 5): people with a
 * household and nothing else (no role at the community), and a courtyard head (院长) whose role
 * is at her building, while her team is at home in the community.
 */
let w: World;
/** 王院长: courtyard head of building 20 (her role is at the building), leader of the building's mutual-aid team. */
let head: Person;
/** Residents of building 20 with a household and no role: 张阿姨 signs up for calls, 李大姐 joins the team, 宋阿姨 needs care. */
let zhang: Person;
let li: Person;
let song: Person;
/** A resident of building 20, household only, in no team. */
let zhou: Person;
/** A resident of the other community, household only. */
let stranger: Person;
let teamId: string;
/** Building 21 of the community, and the stranger's home in the other community. */
let otherBuilding: Place;
let otherHome: Place;

beforeAll(async () => {
  w = await createWorld();
  const em = w.app.platform.orm.em.fork();
  const place = placeWriter(em);
  otherBuilding = place(PlaceType.BUILDING, 'FXY3-21', '21号楼', w.community);
  otherHome = place(PlaceType.HOUSEHOLD, 'CYL-3-502', '3号楼502', place(PlaceType.BUILDING, 'CYL-3', '3号楼', w.otherCommunity));
  const home = (i: number) => em.getReference(Place, w.households[i].uuid);
  head = em.create(Person, { name: '王院长', household: home(1) });
  em.create(PersonRole, {
    person: head,
    place: em.getReference(Place, w.building.uuid),
    role: PersonRoleKind.COURTYARD_HEAD,
    startsOn: '2020-01-01',
  });
  zhang = em.create(Person, { name: '张阿姨', household: home(2) });
  li = em.create(Person, { name: '李大姐', household: home(3) });
  song = em.create(Person, { name: '宋阿姨', household: home(4) });
  zhou = em.create(Person, { name: '周大爷', household: home(5) });
  stranger = em.create(Person, { name: '邻社区居民', household: otherHome });
  await em.flush();
  const created = await succeed(
    w.app,
    'mutation($input: CreateVolunteerTeamInput!) { createVolunteerTeam(input: $input) { team { id name } errors { code message } } }',
    { input: { homePlaceId: w.community.id, name: '20号楼邻里互助队', kind: 'MUTUAL_AID', skills: ['代购'] } },
    as(head),
  );
  // The founder sees the team she leads, although it is at home in the community above her building.
  expect(created.createVolunteerTeam.team).toMatchObject({ name: '20号楼邻里互助队' });
  teamId = created.createVolunteerTeam.team.id;
});

afterAll(() => w?.app.close());

const POST =
  'mutation($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { recruitment { id } errors { code message field } } }';
const SIGN_UP =
  'mutation($id: ID!) { signUpForVolunteerRecruitment(recruitmentId: $id) { application { status person { name } recruitment { title } } errors { code message field } } }';
const CALL =
  'query($id: ID!) { node(id: $id) { ... on VolunteerRecruitment { title wanted place { name } team { name } applications { nodes { person { name } } } } } }';

test('item 4: a resident sees a call posted for her building (or above her household) and signs up; a resident elsewhere does not', async () => {
  const post = async (placeId: string, title: string, openUntil: string) =>
    (await succeed(w.app, POST, { input: { teamId, title, placeId, wanted: 3, skills: ['代购'], openUntil } }, as(head)))
      .postVolunteerRecruitment.recruitment.id as string;
  const atBuilding = await post(w.building.id, '招募20号楼居民志愿者', '2026-06-10T12:00:00+08:00');
  const atCommunity = await post(w.community.id, '招募社区志愿者', '2026-06-05T12:00:00+08:00');
  // Another building's call (of another team) is not for her.
  const otherTeam = await createTeam(w, '21号楼互助队', w.people['王小丽'], [], 'MUTUAL_AID', otherBuilding);
  await succeed(
    w.app,
    POST,
    {
      input: {
        teamId: otherTeam,
        title: '招募21号楼居民志愿者',
        placeId: otherBuilding.id,
        wanted: 2,
        openUntil: '2026-06-03T12:00:00+08:00',
      },
    },
    as(w.people['王小丽']),
  );

  // 张阿姨 has a household in building 20 and no role: she sees both calls, the building's and the community's.
  const seen = await succeed(w.app, CALL, { id: atBuilding }, as(zhang));
  expect(seen.node).toEqual({
    title: '招募20号楼居民志愿者',
    wanted: 3,
    place: { name: '20号楼' },
    team: { name: '20号楼邻里互助队' },
    applications: { nodes: [] },
  });
  expect((await succeed(w.app, CALL, { id: atCommunity }, as(zhang))).node.title).toBe('招募社区志愿者');

  // She finds the open calls for her home through the API (closing soonest first), and signs up.
  const open = await succeed(
    w.app,
    'query($place: ID!) { volunteerRecruitments(placeId: $place) { nodes { title place { name } } } }',
    { place: w.households[2].id },
    as(zhang),
  );
  expect(open.volunteerRecruitments.nodes).toEqual([
    { title: '招募社区志愿者', place: { name: '芳星园三区社区' } },
    { title: '招募20号楼居民志愿者', place: { name: '20号楼' } },
  ]);
  const signed = await succeed(w.app, SIGN_UP, { id: atBuilding }, as(zhang));
  expect(signed.signUpForVolunteerRecruitment.application).toEqual({
    status: 'PENDING',
    person: { name: '张阿姨' },
    recruitment: { title: '招募20号楼居民志愿者' },
  });
  // Her own application is hers to see; the leader sees it too, and accepts her into the team.
  expect((await succeed(w.app, CALL, { id: atBuilding }, as(zhang))).node.applications.nodes).toEqual([{ person: { name: '张阿姨' } }]);
  const mine = await succeed(
    w.app,
    'query($id: ID!) { node(id: $id) { ... on VolunteerRecruitment { applications { nodes { id } } } } }',
    { id: atBuilding },
    as(head),
  );
  const accepted = await succeed(
    w.app,
    'mutation($id: ID!) { decideVolunteerApplication(applicationId: $id, accept: true) { application { status } errors { code message } } }',
    { id: mine.node.applications.nodes[0].id },
    as(head),
  );
  expect(accepted.decideVolunteerApplication.application).toEqual({ status: 'ACCEPTED' });
  const team = await succeed(
    w.app,
    'query($id: ID!) { volunteerTeam(id: $id) { name members { nodes { person { name } } } } }',
    { id: teamId },
    as(zhang),
  );
  expect(team.volunteerTeam).toEqual({
    name: '20号楼邻里互助队',
    members: { nodes: [{ person: { name: '王院长' } }, { person: { name: '张阿姨' } }] },
  });

  // A resident of the other community: the call is a made-up id to her, and nothing is written.
  const before = await countRows(w.app, 'application');
  expect((await w.app.execute(CALL, { id: atBuilding }, as(stranger))).data).toEqual({ node: null });
  expect(problemOf(await w.app.execute(SIGN_UP, { id: atBuilding }, as(stranger)))).toMatchObject({
    code: 'NOT_FOUND',
    field: 'recruitmentId',
  });
  expect(await countRows(w.app, 'application')).toBe(before);
  const elsewhere = await succeed(
    w.app,
    'query($place: ID!) { volunteerRecruitments(placeId: $place) { nodes { title } } }',
    { place: otherHome.id },
    as(stranger),
  );
  expect(elsewhere.volunteerRecruitments.nodes).toEqual([]);
});

const PAIR =
  'mutation($input: CreateVolunteerPairingInput!) { createVolunteerPairing(input: $input) { pairing { id startsOn carePlan team { name } resident { name } community { name } } errors { code message field } } }';
const VISIT =
  'mutation($id: ID!, $note: String!) { logVolunteerPairingVisit(pairingId: $id, careItems: [MEDICINE], note: $note) { visit { note visitor { name } } errors { code message field } } }';

test("item 5: the team's leader pairs it with a resident in need and gets the pairing; a member logs a visit", async () => {
  const joined = await succeed(
    w.app,
    'mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p, joinedOn: "2026-05-01") { member { id } errors { code message } } }',
    { t: teamId, p: li.id },
    as(head),
  );
  const pairingsBefore = await countRows(w.app, 'pairing');
  const paired = await succeed(
    w.app,
    PAIR,
    { input: { residentId: song.id, teamId, startsOn: '2026-05-20', carePlan: ['MEDICINE', 'GROCERIES'], notes: '每周一代取糖尿病药' } },
    as(head),
  );
  expect(paired.createVolunteerPairing).toEqual({
    pairing: {
      id: expect.any(String),
      startsOn: '2026-05-20',
      carePlan: ['MEDICINE', 'GROCERIES'],
      team: { name: '20号楼邻里互助队' },
      resident: { name: '宋阿姨' },
      community: { name: '芳星园三区社区' },
    },
    errors: [],
  });
  expect(await countRows(w.app, 'pairing')).toBe(pairingsBefore + 1);
  const pairingId = paired.createVolunteerPairing.pairing.id as string;

  // 李大姐, a member with a household and no role, logs her visit and reads the log.
  const visited = await succeed(w.app, VISIT, { id: pairingId, note: '送药上门，血糖平稳' }, as(li));
  expect(visited.logVolunteerPairingVisit).toEqual({ visit: { note: '送药上门，血糖平稳', visitor: { name: '李大姐' } }, errors: [] });
  const log = await succeed(
    w.app,
    'query($id: ID!) { node(id: $id) { ... on VolunteerPairing { resident { name } visits { nodes { note visitor { name } } } } } }',
    { id: pairingId },
    as(li),
  );
  expect(log.node).toEqual({
    resident: { name: '宋阿姨' },
    visits: { nodes: [{ note: '送药上门，血糖平稳', visitor: { name: '李大姐' } }] },
  });

  // Not a member: 周大爷 lives in the same building but cannot see the pairing (NOT_FOUND), and nothing is written.
  const visitsBefore = await countRows(w.app, 'pairing_visit');
  expect(problemOf(await w.app.execute(VISIT, { id: pairingId, note: '路过' }, as(zhou)))).toMatchObject({
    code: 'NOT_FOUND',
    field: 'pairingId',
  });
  expect(await countRows(w.app, 'pairing_visit')).toBe(visitsBefore);
  // A member who left no longer logs visits.
  await succeed(
    w.app,
    'mutation($m: ID!) { endVolunteerTeamMembership(memberId: $m) { member { leftOn } errors { code message } } }',
    { m: joined.addVolunteerTeamMember.member.id },
    as(head),
  );
  const left = problemOf(await w.app.execute(VISIT, { id: pairingId, note: '再次送药' }, as(li)));
  expect(left?.code).toMatch(/^(NOT_FOUND|FORBIDDEN)$/);
  expect(await countRows(w.app, 'pairing_visit')).toBe(visitsBefore);
});

test('item 5: whenever a pairing mutation answers NOT_FOUND, it wrote nothing', async () => {
  const before = await countRows(w.app, 'pairing');
  // The stranger names a resident and a team she cannot see.
  const answer = await w.app.execute(
    PAIR,
    { input: { residentId: song.id, teamId, startsOn: '2026-05-20', carePlan: ['COMPANY'] } },
    as(stranger),
  );
  expect(problemOf(answer)?.code).toBe('NOT_FOUND');
  expect(await countRows(w.app, 'pairing')).toBe(before);
});

test("a member with a household and no role sees her team's shifts at the community and signs up; a neighbour outside the team does not", async () => {
  const created = await succeed(
    w.app,
    'mutation($input: CreateVolunteerShiftInput!) { createVolunteerShift(input: $input) { shift { id } errors { code message field } } }',
    {
      input: {
        teamId,
        placeId: w.community.id,
        title: '小区门口值守',
        startsAt: '2026-06-02T08:00:00+08:00',
        endsAt: '2026-06-02T10:00:00+08:00',
        capacity: 2,
      },
    },
    as(head),
  );
  const SIGN =
    'mutation($id: ID!) { signUpForVolunteerShift(shiftId: $id) { signup { id shift { title } } errors { code message field } } }';
  const signed = await succeed(w.app, SIGN, { id: created.createVolunteerShift.shift.id }, as(zhang));
  expect(signed.signUpForVolunteerShift.signup.shift).toEqual({ title: '小区门口值守' });
  const before = await countRows(w.app, 'shift_signup');
  expect(problemOf(await w.app.execute(SIGN, { id: created.createVolunteerShift.shift.id }, as(zhou)))?.code).toBe('NOT_FOUND');
  expect(await countRows(w.app, 'shift_signup')).toBe(before);
});
