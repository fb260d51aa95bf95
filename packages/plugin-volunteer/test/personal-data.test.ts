import { ERASED_NAME, type GongzhiEvent } from '@gongzhi/core';
import { problemOf, uuidOf } from '@gongzhi/core/testing';
import { as, createTeam, createWorld, succeed, type World } from './fixtures.js';

/**
 * Erasing a volunteer's personal data (core's `erasePersonalData`): what exists only for them
 * goes, the records of work stay with the pseudonymised person, and a neighbour's data is untouched.
 */

let w: World;
const ids: Record<string, string> = {};
const released: GongzhiEvent[] = [];
const shiftChanges: GongzhiEvent[] = [];

const ERASE = `mutation ($input: ErasePersonalDataInput!) {
  erasePersonalData(input: $input) { erasure { records { owner entity rows treatment } } errors { code message field } }
}`;

/** Runs a mutation as `person` (by name) and returns its payload's result field. */
async function act(person: string, source: string, variables: Record<string, unknown>): Promise<any> {
  const data = await succeed(w.app, source, variables, as(w.people[person]));
  const payload = Object.values(data)[0] as Record<string, unknown>;
  return Object.entries(payload).find(([key]) => key !== 'errors')![1];
}

const SHIFT = `mutation ($input: CreateVolunteerShiftInput!) { createVolunteerShift(input: $input) { shift { id } errors { code message } } }`;
const SIGN_UP_SHIFT = `mutation ($id: ID!) { signUpForVolunteerShift(shiftId: $id) { signup { id } errors { code message } } }`;
const SIGNUP = (verb: string) => `mutation ($id: ID!) { ${verb}(signupId: $id) { signup { id } errors { code message } } }`;
const CALL = `mutation ($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { recruitment { id } errors { code message } } }`;
const APPLY = `mutation ($id: ID!) { signUpForVolunteerRecruitment(recruitmentId: $id) { application { id } errors { code message } } }`;
const DECIDE = `mutation ($id: ID!, $accept: Boolean!, $reason: String) {
  decideVolunteerApplication(applicationId: $id, accept: $accept, reason: $reason) { application { id } errors { code message } } }`;
const PAIR = `mutation ($input: CreateVolunteerPairingInput!) { createVolunteerPairing(input: $input) { pairing { id } errors { code message } } }`;
const VISIT = `mutation ($id: ID!, $note: String!) {
  logVolunteerPairingVisit(pairingId: $id, careItems: [MEDICINE], note: $note) { visit { id } errors { code message } } }`;
const TASK = `mutation ($input: CreateVolunteerTaskInput!) { createVolunteerTask(input: $input) { task { id } errors { code message } } }`;
const CLAIM = `mutation ($id: ID!) { claimVolunteerTask(taskId: $id) { task { id } errors { code message } } }`;

/** A shift of team A at the building. */
const shift = (title: string, startsAt: string, endsAt: string) =>
  act('王小丽', SHIFT, { input: { teamId: ids.teamA, placeId: w.building.id, title, startsAt, endsAt, capacity: 2 } });

beforeAll(async () => {
  w = await createWorld();
  const p = w.people;
  w.app.platform.events.onCommitted((committed) => {
    released.push(...committed.filter((e) => e.name === 'volunteer.task-released'));
    shiftChanges.push(...committed.filter((e) => e.name === 'volunteer.shift-changed'));
  });
  // 居民1 is the person erased; 居民2, a neighbour in the same teams, shifts, calls and tasks, keeps everything.
  ids.teamA = await createTeam(w, '邻里互助队', p['王小丽'], [p['居民1'], p['居民2']]);
  ids.teamB = await createTeam(w, '青年突击队', p['居民1'], [p['居民2']]);

  // Shifts: one worked (checked in and out, hours verified), one signed up for by both, one cancelled.
  ids.worked = (await shift('早班巡逻', '2026-06-01T08:30:00+08:00', '2026-06-01T11:00:00+08:00')).id;
  ids.workedSignup = (await act('居民1', SIGN_UP_SHIFT, { id: ids.worked })).id;
  await act('居民1', SIGNUP('checkInVolunteerShift'), { id: ids.workedSignup });
  w.clock.advance(90 * 60_000);
  await act('居民1', SIGNUP('checkOutVolunteerShift'), { id: ids.workedSignup });
  const entry = await succeed(w.app, `query ($id: ID!) { node(id: $id) { ... on VolunteerShiftSignup { serviceEntry { id } } } }`, {
    id: ids.workedSignup,
  });
  await act('刘社工', `mutation ($id: ID!) { verifyVolunteerHours(entryId: $id) { entry { id } errors { code message } } }`, {
    id: entry.node.serviceEntry.id,
  });
  ids.upcoming = (await shift('周三值守', '2026-06-03T09:00:00+08:00', '2026-06-03T11:00:00+08:00')).id;
  ids.upcomingSignup = (await act('居民1', SIGN_UP_SHIFT, { id: ids.upcoming })).id;
  ids.neighbourSignup = (await act('居民2', SIGN_UP_SHIFT, { id: ids.upcoming })).id;
  ids.cancelled = (await shift('周四值守', '2026-06-04T09:00:00+08:00', '2026-06-04T11:00:00+08:00')).id;
  ids.cancelledSignup = (await act('居民1', SIGN_UP_SHIFT, { id: ids.cancelled })).id;
  await act('居民1', SIGNUP('cancelVolunteerShiftSignup'), { id: ids.cancelledSignup });

  // Recruitment: accepted on one call, pending on another (beside the neighbour), declined on a third.
  const call = async (title: string) =>
    (
      await act('王小丽', CALL, {
        input: { teamId: ids.teamA, placeId: w.community.id, title, wanted: 5, openUntil: '2026-06-30T12:00:00+08:00' },
      })
    ).id as string;
  ids.accepted = await call('招募代购志愿者');
  ids.pending = await call('招募夜间巡逻志愿者');
  ids.declined = await call('招募文艺志愿者');
  await act('王小丽', DECIDE, { id: (await act('居民1', APPLY, { id: ids.accepted })).id, accept: true });
  ids.pendingApplication = (await act('居民1', APPLY, { id: ids.pending })).id;
  ids.neighbourApplication = (await act('居民2', APPLY, { id: ids.pending })).id;
  ids.declinedApplication = (await act('居民1', APPLY, { id: ids.declined })).id;
  await act('王小丽', DECIDE, { id: ids.declinedApplication, accept: false, reason: '居民1行动不便，暂不适合' });

  // Pairing: team A looks after 居民1 (a neighbour visits her); 居民1 looks after 居民3 and visits her.
  ids.caredFor = (
    await act('王小丽', PAIR, {
      input: { residentId: p['居民1'].id, teamId: ids.teamA, startsOn: '2026-05-01', carePlan: ['MEDICINE'], notes: '每周一代取糖尿病药' },
    })
  ).id;
  await act('居民2', VISIT, { id: ids.caredFor, note: '送药上门，血糖平稳' });
  ids.caring = (
    await act('居民1', PAIR, {
      input: {
        residentId: p['居民3'].id,
        volunteerId: p['居民1'].id,
        startsOn: '2026-05-01',
        carePlan: ['COMPANY'],
        notes: '独居，每周陪聊',
      },
    })
  ).id;
  await act('居民1', VISIT, { id: ids.caring, note: '陪聊一小时' });

  // Tasks: one claimed by 居民1 and still open, one she did, one claimed by the neighbour.
  w.clock.advance(60_000); // her task's hours are logged after her shift's
  const task = async (title: string) =>
    (await act('王小丽', TASK, { input: { kind: 'GROCERIES', title, placeId: w.community.id, teamId: ids.teamA } })).id as string;
  for (const [key, title, by] of [
    ['claimed', '代购蔬菜', '居民1'],
    ['done', '代取药品', '居民1'],
    ['neighbourTask', '代倒垃圾', '居民2'],
  ] as const) {
    ids[key] = await task(title);
    await act(by, CLAIM, { id: ids[key] });
  }
  await act(
    '居民1',
    `mutation ($id: ID!) { completeVolunteerTask(taskId: $id, report: "药已送到", minutes: 30) { task { id } errors { code message } } }`,
    {
      id: ids.done,
    },
  );
});
afterAll(() => w?.app.close());

test('the last leader of a team is not erased until the team has another leader; nothing changes meanwhile', async () => {
  const refused = await w.app.execute(ERASE, { input: { personId: w.people['居民1'].id, reason: '本人书面申请' } });
  expect(problemOf(refused)).toMatchObject({ code: 'LAST_LEADER', field: 'input.personId' });
  expect(problemOf(refused)?.message).toContain('青年突击队');
  const data = await w.app.run(
    `query ($p: ID!, $t: ID!) { person(id: $p) { name volunteerProfile { memberships { nodes { id } } } }
       task: node(id: $t) { ... on VolunteerTask { status claimedBy { name } } } }`,
    { p: w.people['居民1'].id, t: ids.claimed },
  );
  expect(data).toEqual({
    person: { name: '居民1', volunteerProfile: { memberships: { nodes: [{ id: expect.any(String) }, { id: expect.any(String) }] } } },
    task: { status: 'CLAIMED', claimedBy: { name: '居民1' } },
  });
  await act(
    '居民1',
    `mutation ($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p, role: LEADER) { member { id } errors { code message } } }`,
    {
      t: ids.teamB,
      p: w.people['居民3'].id,
    },
  );
});

test('erasure deletes what exists only for the person, keeps the records of work pseudonymised, and leaves the neighbour alone', async () => {
  const before = await w.app.run(`query ($s: ID!) { node(id: $s) { ... on VolunteerShift { spotsLeft } } }`, { s: ids.upcoming });
  expect(before.node.spotsLeft).toBe(0);
  const changesBefore = shiftChanges.length;

  const { erasePersonalData } = await w.app.run(ERASE, { input: { personId: w.people['居民1'].id, reason: '本人书面申请' } });
  expect(erasePersonalData.errors).toEqual([]);
  const mine = erasePersonalData.erasure.records.filter((r: { owner: string }) => r.owner === 'volunteer');
  expect(Object.fromEntries(mine.map((r: { entity: string; rows: number }) => [r.entity, r.rows]))).toEqual({
    VolunteerTeamMember: 2,
    VolunteerApplication: 2,
    VolunteerShiftSignup: 2,
    VolunteerPairing: 2, // both ended; the notes of the one looking after her cleared
    VolunteerPairingVisit: 1,
    VolunteerTask: 1,
    VolunteerServiceEntry: 0,
  });
  expect(mine.every((r: { treatment: string }) => r.treatment.length > 0)).toBe(true);

  // Gone: her open and cancelled sign-ups, her pending and declined applications.
  const gone = await w.app.run(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
    ids: [ids.upcomingSignup, ids.cancelledSignup, ids.pendingApplication, ids.declinedApplication],
  });
  expect(gone.nodes).toEqual([null, null, null, null]);

  // Her profile: no memberships, no skills; the verified hours stay hers.
  const person = await w.app.run(
    `query ($p: ID!) { person(id: $p) { name volunteerProfile { memberships { nodes { id } } skills verifiedMinutes } } }`,
    { p: w.people['居民1'].id },
  );
  expect(person.person).toEqual({
    name: ERASED_NAME,
    volunteerProfile: { memberships: { nodes: [] }, skills: [], verifiedMinutes: 90 },
  });

  const kept = await w.app.run(
    `query ($a: ID!, $b: ID!, $accepted: ID!, $pending: ID!, $declined: ID!, $worked: ID!, $upcoming: ID!, $caredFor: ID!, $caring: ID!,
            $claimed: ID!, $done: ID!, $neighbourTask: ID!, $p: ID!) {
      a: node(id: $a) { ... on VolunteerTeam { members { nodes { role person { name } } } } }
      b: node(id: $b) { ... on VolunteerTeam { members { nodes { role person { name } } } } }
      accepted: node(id: $accepted) { ... on VolunteerRecruitment { accepted applications { nodes { status person { name } } } } }
      pending: node(id: $pending) { ... on VolunteerRecruitment { applications { nodes { status person { name } } } } }
      declined: node(id: $declined) { ... on VolunteerRecruitment { applications { nodes { status } } } }
      worked: node(id: $worked) { ... on VolunteerShift { signups { nodes { person { name } checkedOutAt serviceEntry { minutes status } } } } }
      upcoming: node(id: $upcoming) { ... on VolunteerShift { spotsLeft signups { nodes { person { name } } } } }
      caredFor: node(id: $caredFor) { ... on VolunteerPairing { endsOn notes carePlan resident { name } visits { nodes { note visitor { name } } } } }
      caring: node(id: $caring) { ... on VolunteerPairing { endsOn notes volunteer { name } resident { name } visits { nodes { note visitor { name } } } } }
      claimed: node(id: $claimed) { ... on VolunteerTask { status claimedBy { name } } }
      done: node(id: $done) { ... on VolunteerTask { status report claimedBy { name } } }
      neighbourTask: node(id: $neighbourTask) { ... on VolunteerTask { status claimedBy { name } } }
      volunteerServiceEntries(personId: $p) { nodes { source minutes status person { name } } }
    }`,
    { ...ids, a: ids.teamA, b: ids.teamB, p: w.people['居民1'].id },
  );
  const named = (name: string) => ({ name });
  expect(kept).toEqual({
    a: {
      members: {
        nodes: [
          { role: 'LEADER', person: named('王小丽') },
          { role: 'MEMBER', person: named('居民2') },
        ],
      },
    },
    b: {
      members: {
        nodes: [
          { role: 'LEADER', person: named('居民3') },
          { role: 'MEMBER', person: named('居民2') },
        ],
      },
    },
    // The accepted seat still counts; the applicant no longer has a name.
    accepted: { accepted: 1, applications: { nodes: [{ status: 'ACCEPTED', person: named(ERASED_NAME) }] } },
    pending: { applications: { nodes: [{ status: 'PENDING', person: named('居民2') }] } },
    declined: { applications: { nodes: [] } },
    // Attendance stays (her verified hours point at it); her place on the upcoming shift is free again.
    worked: {
      signups: {
        nodes: [{ person: named(ERASED_NAME), checkedOutAt: expect.any(String), serviceEntry: { minutes: 90, status: 'APPROVED' } }],
      },
    },
    upcoming: { spotsLeft: 1, signups: { nodes: [{ person: named('居民2') }] } },
    caredFor: {
      endsOn: '2026-06-01',
      notes: null,
      carePlan: ['MEDICINE'],
      resident: named(ERASED_NAME),
      visits: { nodes: [{ note: '', visitor: named('居民2') }] },
    },
    caring: {
      endsOn: '2026-06-01',
      notes: '独居，每周陪聊',
      volunteer: named(ERASED_NAME),
      resident: named('居民3'),
      visits: { nodes: [{ note: '陪聊一小时', visitor: named(ERASED_NAME) }] },
    },
    claimed: { status: 'OPEN', claimedBy: null },
    done: { status: 'DONE', report: '药已送到', claimedBy: named(ERASED_NAME) },
    neighbourTask: { status: 'CLAIMED', claimedBy: named('居民2') },
    volunteerServiceEntries: {
      nodes: [
        { source: 'TASK', minutes: 30, status: 'PENDING', person: named(ERASED_NAME) },
        { source: 'SHIFT', minutes: 90, status: 'APPROVED', person: named(ERASED_NAME) },
      ],
    },
  });
  // Live task boards hear that the claimed task is open again, and shift boards that her place on the upcoming shift is free.
  expect(released.map((e) => e.payload)).toEqual([expect.objectContaining({ status: 'open', claimedById: null })]);
  expect(shiftChanges.slice(changesBefore).map((e) => e.payload)).toEqual([
    {
      signupId: uuidOf(ids.upcomingSignup),
      shiftId: uuidOf(ids.upcoming),
      personId: w.people['居民1'].uuid,
      placePath: w.building.path,
      change: 'cancelled',
    },
  ]);
});
