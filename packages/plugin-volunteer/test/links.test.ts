import { createApiKey, Person, type Place, PlaceType, Place as PlaceEntity } from '@gongzhi/core';
import { problemOf, uuidOf } from '@gongzhi/core/testing';
import { addCanaries, as, type Canaries, codeOf, countRows, createTeam, createWorld, succeed, type World } from './fixtures.js';

/**
 * Linking rules: a row a command links to another must lie on that row's line of places (or in
 * its enclosing place where the command widens it, for a reason). A row the caller cannot see is
 * a made-up id (NOT_FOUND); a row they see but outside the line is OUT_OF_SCOPE; neither writes.
 * The canaries (a second district) are seen only by 两区社工, who works in both.
 */
let w: World;
let k: Canaries;
/** Building 21 of the community, beside building 20, and a household in each of it and the other community. */
let building21: Place;
let household21: Place;
let otherHousehold: Place;
/** People with a household and nothing else: of building 21, and of the other community. */
let nextDoor: Person;
let otherCommunityResident: Person;
/** A team of 王小丽 at building 20; a team of 刘社工 (district staff) and of 两区社工 at the community. */
let buildingTeam: string;
let staffTeam: string;
let bridgeTeam: string;

beforeAll(async () => {
  w = await createWorld();
  k = await addCanaries(w);
  const em = w.app.platform.orm.em.fork();
  const place = (type: PlaceType, code: string, parent: Place): Place => {
    const p = em.create(PlaceEntity, { type, code, name: code, parent, path: '', depth: parent.depth + 1 });
    p.path = `${parent.path}${p.uuid}/`;
    return p;
  };
  building21 = place(PlaceType.BUILDING, 'FXY3-21', w.community);
  household21 = place(PlaceType.HOUSEHOLD, 'FXY3-21-101', building21);
  otherHousehold = place(PlaceType.HOUSEHOLD, 'CYL-1-101', place(PlaceType.BUILDING, 'CYL-1', w.otherCommunity));
  nextDoor = em.create(Person, { name: '邻楼居民', household: household21 });
  otherCommunityResident = em.create(Person, { name: '邻社区居民', household: otherHousehold });
  await em.flush();
  buildingTeam = await createTeam(w, '20号楼互助队', w.people['王小丽'], [w.people['居民1']], 'MUTUAL_AID', w.building);
  staffTeam = await createTeam(w, '社工服务队', w.people['刘社工'], []);
  bridgeTeam = await createTeam(w, '两区服务队', k.bridge, []);
});
afterAll(() => w?.app.close());

const ADD_MEMBER =
  'mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p) { member { person { name } } errors { code message field } } }';

test('addVolunteerTeamMember: a neighbour of the community joins a building team; another community is OUT_OF_SCOPE; a canary is NOT_FOUND', async () => {
  const members = () => countRows(w.app, 'team_member');
  const before = await members();
  // Widened to the community: a resident of building 21 joins building 20's team.
  const joined = await succeed(w.app, ADD_MEMBER, { t: buildingTeam, p: nextDoor.id }, as(w.people['王小丽']));
  expect(joined.addVolunteerTeamMember.member).toEqual({ person: { name: '邻楼居民' } });
  // Seen (same subdistrict) but of another community.
  const elsewhere = await w.app.execute(ADD_MEMBER, { t: buildingTeam, p: otherCommunityResident.id }, as(w.people['王小丽']));
  expect(problemOf(elsewhere)).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'personId' });
  expect(elsewhere.data!.addVolunteerTeamMember.member).toBeNull();
  // A canary, named by a social worker of the first district: as if the id were made up, and not a trace of it.
  const canary = await w.app.execute(ADD_MEMBER, { t: staffTeam, p: k.resident.id }, as(w.people['刘社工']));
  expect(problemOf(canary)).toMatchObject({ code: 'NOT_FOUND', field: 'personId' });
  expect(JSON.stringify(canary)).not.toContain('金丝雀');
  // Someone who works in both districts sees the canary, but it is not of their team's community.
  expect(problemOf(await w.app.execute(ADD_MEMBER, { t: bridgeTeam, p: k.resident.id }, as(k.bridge)))?.code).toBe('OUT_OF_SCOPE');
  expect(await members()).toBe(before + 1);
});

const CREATE_TEAM =
  'mutation($input: CreateVolunteerTeamInput!) { createVolunteerTeam(input: $input) { team { name organization { name } } errors { code message field } } }';

test("createVolunteerTeam: the team's organisation may sit anywhere in its subdistrict, nowhere else; a canary is NOT_FOUND", async () => {
  const em = w.app.platform.orm.em.fork();
  const { Organization, OrganizationKind } = await import('@gongzhi/core');
  const agency = em.create(Organization, { name: '成仪路中介门店', kind: OrganizationKind.COMPANY, place: w.otherCommunity.uuid });
  await em.flush();
  const teams = () => countRows(w.app, 'team');
  const before = await teams();
  // Widened to the subdistrict: the estate agency of the neighbouring community sends a youth commando.
  const commando = await succeed(
    w.app,
    CREATE_TEAM,
    { input: { homePlaceId: w.building.id, name: '青年突击队', kind: 'YOUTH_COMMANDO', organizationId: agency.id } },
    as(w.people['王小丽']),
  );
  expect(commando.createVolunteerTeam.team).toEqual({ name: '青年突击队', organization: { name: '成仪路中介门店' } });
  const canary = { input: { homePlaceId: w.community.id, name: '金丝雀突击队', organizationId: k.organization.id } };
  const unseen = await w.app.execute(CREATE_TEAM, canary, as(w.people['刘社工']));
  expect(problemOf(unseen)).toMatchObject({ code: 'NOT_FOUND', field: 'input.organizationId' });
  expect(problemOf(await w.app.execute(CREATE_TEAM, canary, as(k.bridge)))).toMatchObject({
    code: 'OUT_OF_SCOPE',
    field: 'input.organizationId',
  });
  // A district app's key with `*` sees the canary too: the link is refused before anything else. And a key never
  // founds a team, whose first leader is a person.
  const { apiKey } = await em
    .fork()
    .transactional((tx) => createApiKey(tx as never, { name: '全区应用', placeIds: [], permissions: ['*'] }));
  const key = { caller: { id: apiKey.uuid, kind: 'api-key' as const } };
  expect(problemOf(await w.app.execute(CREATE_TEAM, canary, key))?.code).toBe('OUT_OF_SCOPE');
  const own = { input: { homePlaceId: w.community.id, name: '应用突击队', organizationId: agency.id } };
  expect(problemOf(await w.app.execute(CREATE_TEAM, own, key))?.code).toBe('UNAUTHENTICATED');
  expect(await teams()).toBe(before + 1);
});

const CREATE_TASK =
  'mutation($input: CreateVolunteerTaskInput!) { createVolunteerTask(input: $input) { task { place { name } request { title } } errors { code message field } } }';

async function request(place: Place, requester: Person, title: string): Promise<string> {
  const data = await succeed(
    w.app,
    'mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code message } } }',
    { input: { kind: 'NEED', channel: 'PHONE', title, description: '', placeId: place.id, requesterId: requester.id } },
  );
  return data.submitRequest.request.id;
}

test("createVolunteerTask: a canary request is NOT_FOUND and writes nothing; a task's request and place lie in its team's community", async () => {
  const tasks = () => countRows(w.app, 'task');
  const before = await tasks();
  // The issue: a social worker's own team and a canary request. Resolved before any work: nothing is written.
  const canary = { input: { kind: 'MEDICINE', title: '代取药', requestId: k.requestId, teamId: staffTeam } };
  expect(problemOf(await w.app.execute(CREATE_TASK, canary, as(w.people['刘社工'])))).toMatchObject({
    code: 'NOT_FOUND',
    field: 'input.requestId',
  });
  expect(await countRows(w.app, 'task', `request_id = '${uuidOf(k.requestId)}' OR place_path LIKE '${k.community.path}%'`)).toBe(0);
  const seen = { input: { ...canary.input, teamId: bridgeTeam } };
  expect(problemOf(await w.app.execute(CREATE_TASK, seen, as(k.bridge)))).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'input.requestId' });
  expect(await tasks()).toBe(before);

  // Widened to the community: building 20's team takes a request of building 21, at its place.
  const next = await request(household21, nextDoor, '邻楼代买菜');
  const taken = await succeed(
    w.app,
    CREATE_TASK,
    { input: { kind: 'GROCERIES', title: '代买菜', requestId: next, teamId: buildingTeam } },
    as(w.people['王小丽']),
  );
  expect(taken.createVolunteerTask.task).toEqual({ place: { name: 'FXY3-21-101' }, request: { title: '邻楼代买菜' } });
  // Outside the community: the request, or a standalone task's place.
  const far = await request(otherHousehold, otherCommunityResident, '邻社区诉求');
  for (const [input, field] of [
    [{ requestId: far, teamId: buildingTeam }, 'input.requestId'],
    [{ placeId: otherHousehold.id, teamId: buildingTeam }, 'input.placeId'],
    // A request's task happens on the request's line of places, not in the next building.
    [{ requestId: await request(w.households[2], w.people['居民3'], '20号楼诉求'), placeId: building21.id }, 'input.placeId'],
  ] as const) {
    const refused = await w.app.execute(CREATE_TASK, { input: { kind: 'OTHER', title: '越界', ...input } }, as(w.people['王小丽']));
    expect([field, problemOf(refused)?.code, problemOf(refused)?.field]).toEqual([field, 'OUT_OF_SCOPE', field]);
  }
  expect(await tasks()).toBe(before + 1);
});

test("recruitment calls and shifts are at places of the team's community", async () => {
  const leader = as(w.people['王小丽']);
  const rows = async () => [
    await countRows(w.app, 'recruitment'),
    await countRows(w.app, 'shift'),
    await countRows(w.app, 'shift_schedule'),
  ];
  const before = await rows();
  const POST =
    'mutation($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { recruitment { place { name } } errors { code field } } }';
  const SHIFT =
    'mutation($input: CreateVolunteerShiftInput!) { createVolunteerShift(input: $input) { shift { place { name } } errors { code field } } }';
  const SCHEDULE =
    'mutation($input: CreateVolunteerShiftScheduleInput!) { createVolunteerShiftSchedule(input: $input) { schedule { id } errors { code field } } }';
  const call = (placeId: string) => ({
    input: { teamId: buildingTeam, title: '招募', placeId, wanted: 2, openUntil: '2026-06-09T00:00:00Z' },
  });
  const slot = (placeId: string) => ({
    input: { teamId: buildingTeam, placeId, title: '门岗', startsAt: '2026-06-05T01:00:00Z', endsAt: '2026-06-05T03:00:00Z', capacity: 2 },
  });
  const rule = (placeId: string) => ({
    input: {
      teamId: buildingTeam,
      placeId,
      title: '夜巡',
      weekdays: [1],
      startTime: '19:00',
      endTime: '21:00',
      capacity: 1,
      validFrom: '2026-06-01',
    },
  });
  // Widened to the community: building 20's team at building 21.
  expect((await succeed(w.app, POST, call(building21.id), leader)).postVolunteerRecruitment.recruitment).toEqual({
    place: { name: 'FXY3-21' },
  });
  expect((await succeed(w.app, SHIFT, slot(building21.id), leader)).createVolunteerShift.shift).toEqual({ place: { name: 'FXY3-21' } });
  // Not at the other community.
  for (const [query, vars, name] of [
    [POST, call(w.otherCommunity.id), 'postVolunteerRecruitment'],
    [SHIFT, slot(w.otherCommunity.id), 'createVolunteerShift'],
    [SCHEDULE, rule(w.otherCommunity.id), 'createVolunteerShiftSchedule'],
  ] as const) {
    expect([name, problemOf(await w.app.execute(query, vars, leader))]).toEqual([
      name,
      expect.objectContaining({ code: 'OUT_OF_SCOPE', field: 'input.placeId' }),
    ]);
  }
  const [calls, shifts, schedules] = before;
  expect(await rows()).toEqual([calls + 1, shifts + 1, schedules]);
});

const PAIR =
  'mutation($input: CreateVolunteerPairingInput!) { createVolunteerPairing(input: $input) { pairing { community { name } resident { name } } errors { code message field } } }';

test("pairing: a team looks after a resident of its community, in the resident's community; a canary is NOT_FOUND", async () => {
  const pairings = () => countRows(w.app, 'pairing');
  const before = await pairings();
  const pair = (residentId: string, teamId: string, extra: Record<string, unknown> = {}) => ({
    input: { residentId, teamId, startsOn: '2026-05-20', carePlan: ['COMPANY'], ...extra },
  });
  // Widened to the community: building 20's team looks after a resident of building 21.
  const paired = await succeed(w.app, PAIR, pair(nextDoor.id, buildingTeam), as(w.people['王小丽']));
  expect(paired.createVolunteerPairing.pairing).toEqual({ community: { name: '芳星园三区社区' }, resident: { name: '邻楼居民' } });
  // A resident of the other community; the right resident in another community than theirs.
  const far = await w.app.execute(PAIR, pair(otherCommunityResident.id, buildingTeam), as(w.people['王小丽']));
  expect(problemOf(far)).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'input.residentId' });
  const wrongCommunity = await w.app.execute(
    PAIR,
    pair(nextDoor.id, buildingTeam, { communityId: w.otherCommunity.id }),
    as(w.people['王小丽']),
  );
  expect(problemOf(wrongCommunity)).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'input.residentId' });
  // The canary resident, for a social worker of the first district.
  expect(problemOf(await w.app.execute(PAIR, pair(k.resident.id, staffTeam), as(w.people['刘社工'])))).toMatchObject({
    code: 'NOT_FOUND',
    field: 'input.residentId',
  });
  expect(problemOf(await w.app.execute(PAIR, pair(k.resident.id, bridgeTeam), as(k.bridge)))?.code).toBe('OUT_OF_SCOPE');
  expect(await pairings()).toBe(before + 1);
});

test("reportVolunteerHours: a team's hours may be served anywhere in its subdistrict, not beyond", async () => {
  const REPORT =
    'mutation($input: ReportVolunteerHoursInput!) { reportVolunteerHours(input: $input) { entry { community { name } team { name } } errors { code field } } }';
  const entries = () => countRows(w.app, 'service_entry');
  const before = await entries();
  const served = (communityId: string, teamId: string) => ({
    input: { communityId, teamId, servedOn: '2026-05-31', minutes: 30, description: '帮忙' },
  });
  // Widened to the subdistrict: building 20's team helped the neighbouring community.
  const helped = await succeed(w.app, REPORT, served(w.otherCommunity.id, buildingTeam), as(w.people['居民1']));
  expect(helped.reportVolunteerHours.entry).toEqual({ community: { name: '成仪路社区' }, team: { name: '20号楼互助队' } });
  // A team of the canary district, for hours served here: its member sees both, the team is not of this subdistrict.
  const canaryTeam = await createTeam(w, '金丝雀服务队', k.bridge, [], 'OTHER', k.community);
  expect(problemOf(await w.app.execute(REPORT, served(w.community.id, canaryTeam), as(k.bridge)))).toMatchObject({
    code: 'OUT_OF_SCOPE',
    field: 'input.teamId',
  });
  expect(await entries()).toBe(before + 1);
});

test('ending memberships: the member or a leader, never the last leader', async () => {
  const team = await createTeam(w, '离队测试队', w.people['王小丽'], [w.people['居民2']]);
  const members = await succeed(w.app, 'query($id: ID!) { node(id: $id) { ... on VolunteerTeam { members { nodes { id role } } } } }', {
    id: team,
  });
  const [leader, member] = members.node.members.nodes as { id: string; role: string }[];
  const END =
    'mutation($id: ID!) { endVolunteerTeamMembership(memberId: $id, leftOn: "2026-06-01") { member { leftOn } errors { code field } } }';
  expect(codeOf(await w.app.execute(END, { id: leader.id }, as(w.people['居民2'])))).toBe('NOT_TEAM_LEADER');
  expect(problemOf(await w.app.execute(END, { id: leader.id }, as(w.people['王小丽'])))).toMatchObject({
    code: 'LAST_LEADER',
    field: 'memberId',
  });
  expect((await succeed(w.app, END, { id: member.id }, as(w.people['居民2']))).endVolunteerTeamMembership.member).toEqual({
    leftOn: '2026-06-01',
  });
  expect(codeOf(await w.app.execute(END, { id: member.id }, as(w.people['王小丽'])))).toBe('CONFLICT');
});
