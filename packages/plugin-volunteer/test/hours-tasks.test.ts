import type { GongzhiEvent } from '@gongzhi/core';
import { problemOf, uuidOf } from '@gongzhi/core/testing';
import { as, codeOf, countRows, createTeam, createWorld, succeed, type World } from './fixtures.js';

let w: World;
let teamId: string;
const events: GongzhiEvent[] = [];

beforeAll(async () => {
  w = await createWorld();
  const p = w.people;
  teamId = await createTeam(w, '邻里互助队', p['王小丽'], [p['居民1'], p['居民2'], p['外来1']]);
  w.app.platform.events.onCommitted((committed) => {
    events.push(...committed.filter((e) => e.name.startsWith('volunteer.')));
  });
});
afterAll(() => w?.app.close());

const named = (name: string) => events.filter((e) => e.name === name);
const REPORT =
  'mutation($input: ReportVolunteerHoursInput!) { reportVolunteerHours(input: $input) { entry { id minutes status source } errors { code message field } } }';
const VERIFY =
  'mutation($id: ID!) { verifyVolunteerHours(entryId: $id) { entry { status verifiedAt verifiedBy { name } } errors { code message field } } }';

async function report(person: string, minutes: number, withTeam = true) {
  return w.app.execute(
    REPORT,
    {
      input: {
        communityId: w.community.id,
        teamId: withTeam ? teamId : null,
        servedOn: '2026-05-31',
        minutes,
        description: '代购生活物资',
      },
    },
    as(w.people[person]),
  );
}

test('verifying hours emits volunteer.service-verified exactly once, also when retried; nobody verifies their own', async () => {
  const p = w.people;
  const entry = (await report('居民1', 90)).data!.reportVolunteerHours.entry;
  expect(entry).toMatchObject({ minutes: 90, status: 'PENDING', source: 'MANUAL' });
  // Only community staff (volunteer.hours.verify) verify; a volunteer may not, not even their own.
  const self = await w.app.execute(VERIFY, { id: entry.id }, as(p['居民1']));
  expect(codeOf(self)).toBe('FORBIDDEN');
  expect(problemOf(self)?.message).toContain('volunteer.hours.verify');
  // Staff who served themselves may not verify their own hours either.
  const staffOwn = (await report('刘社工', 30, false)).data!.reportVolunteerHours.entry;
  expect(codeOf(await w.app.execute(VERIFY, { id: staffOwn.id }, as(p['刘社工'])))).toBe('SELF_VERIFICATION');
  expect(named('volunteer.service-verified')).toHaveLength(0);

  const ok = await succeed(w.app, VERIFY, { id: entry.id }, as(p['刘社工']));
  expect(ok.verifyVolunteerHours.entry).toMatchObject({
    status: 'APPROVED',
    verifiedBy: { name: '刘社工' },
    verifiedAt: '2026-06-01T01:00:00.000Z',
  });
  const retried = await w.app.execute(VERIFY, { id: entry.id }, as(p['刘社工']));
  expect(codeOf(retried)).toBe('ALREADY_VERIFIED');
  expect(problemOf(retried)?.message).toContain('already approved by 刘社工');
  expect(
    codeOf(
      await w.app.execute(
        'mutation($id: ID!) { declineVolunteerHours(entryId: $id, reason: "重复") { entry { id } errors { code } } }',
        { id: entry.id },
        as(p['赵社工']),
      ),
    ),
  ).toBe('ALREADY_VERIFIED');

  const verified = named('volunteer.service-verified');
  expect(verified).toHaveLength(1);
  expect(verified[0].payload).toEqual({
    entryId: uuidOf(entry.id),
    personId: p['居民1'].uuid,
    teamId: uuidOf(teamId),
    communityId: w.community.uuid,
    placePath: w.community.path,
    minutes: 90,
    source: 'MANUAL',
    correctsEntryId: null,
    verifiedAt: '2026-06-01T01:00:00.000Z',
  });
  expect(verified[0].actorId).toBe(p['刘社工'].uuid);
});

test('two staff verifying the same entry at the same moment: one succeeds, one event', async () => {
  const p = w.people;
  const entry = (await report('居民2', 45)).data!.reportVolunteerHours.entry;
  const before = named('volunteer.service-verified').length;
  const results = await Promise.all(
    [p['刘社工'], p['赵社工'], p['刘社工']].map((staff) => w.app.execute(VERIFY, { id: entry.id }, as(staff))),
  );
  expect(results.map(codeOf).sort()).toEqual([null, 'ALREADY_VERIFIED', 'ALREADY_VERIFIED'].sort());
  const after = named('volunteer.service-verified').slice(before);
  expect(after).toHaveLength(1);
  expect(after[0].payload).toMatchObject({ entryId: uuidOf(entry.id), minutes: 45 });
});

test('declining needs a reason; corrections are new entries verified like any other, never below zero', async () => {
  const p = w.people;
  const declined = (await report('外来1', 30)).data!.reportVolunteerHours.entry;
  expect(
    codeOf(
      await w.app.execute(
        'mutation($id: ID!) { declineVolunteerHours(entryId: $id, reason: " ") { entry { id } errors { code } } }',
        { id: declined.id },
        as(p['刘社工']),
      ),
    ),
  ).toBe('BAD_USER_INPUT');
  const d = await succeed(
    w.app,
    'mutation($id: ID!) { declineVolunteerHours(entryId: $id, reason: "当天未排班") { entry { status declineReason } errors { code message } } }',
    { id: declined.id },
    as(p['刘社工']),
  );
  expect(d.declineVolunteerHours.entry).toEqual({ status: 'DECLINED', declineReason: '当天未排班' });
  expect(named('volunteer.service-declined').map((e) => (e.payload as { entryId: string }).entryId)).toContain(uuidOf(declined.id));

  const original = (await report('外来1', 120)).data!.reportVolunteerHours.entry;
  const CORRECT =
    'mutation($id: ID!, $m: Int!) { correctVolunteerHours(entryId: $id, minutes: $m, reason: "实际少了半小时") { entry { id minutes source status correctsEntry { id } } errors { code message field } } }';
  expect(codeOf(await w.app.execute(CORRECT, { id: original.id, m: -30 }, as(p['刘社工'])))).toBe('NOT_VERIFIED');
  await succeed(w.app, VERIFY, { id: original.id }, as(p['刘社工']));
  const tooMuch = await w.app.execute(CORRECT, { id: original.id, m: -121 }, as(p['刘社工']));
  expect(codeOf(tooMuch)).toBe('INVALID_DURATION');
  const correction = (await succeed(w.app, CORRECT, { id: original.id, m: -30 }, as(p['刘社工']))).correctVolunteerHours.entry;
  expect(correction).toMatchObject({ minutes: -30, source: 'CORRECTION', status: 'PENDING', correctsEntry: { id: original.id } });
  // The volunteer a correction concerns may not verify it.
  expect(codeOf(await w.app.execute(VERIFY, { id: correction.id }, as(p['外来1'])))).toBe('FORBIDDEN');
  await succeed(w.app, VERIFY, { id: correction.id }, as(p['赵社工']));
  const event = named('volunteer.service-verified').find((e) => (e.payload as { entryId: string }).entryId === uuidOf(correction.id));
  expect(event!.payload).toMatchObject({
    minutes: -30,
    source: 'CORRECTION',
    correctsEntryId: uuidOf(original.id),
    personId: p['外来1'].uuid,
  });
  const profile = await succeed(w.app, 'query($id: ID!) { person(id: $id) { volunteerProfile { verifiedMinutes verifiedHours } } }', {
    id: p['外来1'].id,
  });
  expect(profile.person.volunteerProfile).toEqual({ verifiedMinutes: 90, verifiedHours: 1.5 });
});

test('zero, negative and 24h+ durations and future days are refused with nothing written', async () => {
  const before = await countRows(w.app, 'service_entry');
  for (const minutes of [0, -15, 1440, 3000]) {
    const r = await report('居民1', minutes);
    expect(codeOf(r)).toBe('INVALID_DURATION');
    expect(problemOf(r)?.message).toContain('1 to 1439');
  }
  const future = await w.app.execute(
    REPORT,
    { input: { communityId: w.community.id, servedOn: '2026-06-02', minutes: 30, description: '明天' } },
    as(w.people['居民1']),
  );
  expect(codeOf(future)).toBe('BAD_USER_INPUT');
  const notMember = await report('外来2', 30);
  expect(codeOf(notMember)).toBe('NOT_TEAM_MEMBER');
  const notCommunity = await w.app.execute(
    REPORT,
    { input: { communityId: w.subdistrict.id, servedOn: '2026-05-30', minutes: 30, description: 'x' } },
    as(w.people['居民1']),
  );
  expect(codeOf(notCommunity)).toBe('BAD_USER_INPUT');
  expect(await countRows(w.app, 'service_entry')).toBe(before);
});

test('service entries are append-only in the database itself', async () => {
  const conn = w.app.platform.orm.em.fork().getConnection();
  const pending = (await report('居民2', 20)).data!.reportVolunteerHours.entry;
  await expect(conn.execute(`UPDATE volunteer.service_entry SET minutes = 600 WHERE status = 'approved'`)).rejects.toThrow(/append-only/);
  await expect(conn.execute(`DELETE FROM volunteer.service_entry`)).rejects.toThrow(/append-only/);
  await expect(
    conn.execute(
      `UPDATE volunteer.service_entry SET verified_by_id = person_id, verified_at = now(), status = 'approved' WHERE id = '${uuidOf(pending.id)}'`,
    ),
  ).rejects.toThrow(/service_entry_not_self_verified/);
});

const CLAIM =
  'mutation($id: ID!) { claimVolunteerTask(taskId: $id) { task { id status claimedBy { name } } errors { code message field } } }';
const CREATE_TASK =
  'mutation($input: CreateVolunteerTaskInput!) { createVolunteerTask(input: $input) { task { id } errors { code message field } } }';

test('a task for a core request goes through its life: claimed by one of two racers, done with hours, each change an event', async () => {
  const p = w.people;
  const submitted = await succeed(
    w.app,
    'mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code } } }',
    {
      input: {
        kind: 'NEED',
        channel: 'PHONE',
        title: '独居老人需要代买药品',
        description: '糖尿病药本周用完',
        placeId: w.households[3].id,
        requesterId: p['居民4'].id,
      },
    },
  );
  const requestId = submitted.submitRequest.request.id;
  const TASK_FIELDS = 'id status kind title place { name } request { title } claimedBy { name } report serviceEntry { minutes source }';
  const created = await succeed(
    w.app,
    `mutation($input: CreateVolunteerTaskInput!) { createVolunteerTask(input: $input) { task { ${TASK_FIELDS} } errors { code message } } }`,
    { input: { kind: 'MEDICINE', title: '代取糖尿病药', requestId, teamId } },
    as(p['王小丽']),
  );
  const task = created.createVolunteerTask.task;
  expect(task).toMatchObject({
    status: 'OPEN',
    kind: 'MEDICINE',
    place: { name: '401' },
    request: { title: '独居老人需要代买药品' },
    claimedBy: null,
  });

  // Only team members may claim a team's task.
  expect(codeOf(await w.app.execute(CLAIM, { id: task.id }, as(p['外来2'])))).toBe('NOT_TEAM_MEMBER');
  const claims = await Promise.all([p['居民1'], p['居民2']].map((person) => w.app.execute(CLAIM, { id: task.id }, as(person))));
  expect(claims.map(codeOf).sort()).toEqual([null, 'ALREADY_CLAIMED'].sort());
  const winner = claims.find((c) => !codeOf(c))!.data!.claimVolunteerTask.task.claimedBy.name as string;
  const loser = winner === '居民1' ? '居民2' : '居民1';
  const COMPLETE = `mutation($id: ID!, $report: String!, $minutes: Int) {
    completeVolunteerTask(taskId: $id, report: $report, minutes: $minutes) { task { ${TASK_FIELDS} } errors { code message field } } }`;
  expect(codeOf(await w.app.execute(COMPLETE, { id: task.id, report: 'x' }, as(p[loser])))).toBe('NOT_CLAIMER');
  expect(problemOf(await w.app.execute(COMPLETE, { id: task.id, report: '送到了', minutes: 0 }, as(p[winner])))).toMatchObject({
    code: 'INVALID_DURATION',
    field: 'minutes',
  });
  // Refused at the hours, the task stays claimed: nothing of the completion was written.
  expect(await countRows(w.app, 'task', `id = '${uuidOf(task.id)}' AND status = 'claimed'`)).toBe(1);
  const done = await succeed(w.app, COMPLETE, { id: task.id, report: '药已送到家中', minutes: 40 }, as(p[winner]));
  expect(done.completeVolunteerTask.task).toMatchObject({
    status: 'DONE',
    report: '药已送到家中',
    serviceEntry: { minutes: 40, source: 'TASK' },
  });

  const view = await succeed(
    w.app,
    'query($id: ID!) { node(id: $id) { ... on Request { status volunteerTasks { nodes { status claimedBy { name } } } } } }',
    {
      id: requestId,
    },
  );
  // The request itself is the staff's to move: completing a task does not change it unless asked (resolveRequest).
  expect(view.node).toEqual({ status: 'SUBMITTED', volunteerTasks: { nodes: [{ status: 'DONE', claimedBy: { name: winner } }] } });
  const taskEvents = events.filter(
    (e) => e.name.startsWith('volunteer.task-') && (e.payload as { taskId: string }).taskId === uuidOf(task.id),
  );
  expect(taskEvents.map((e) => [e.name, (e.payload as { status: string }).status])).toEqual([
    ['volunteer.task-created', 'open'],
    ['volunteer.task-claimed', 'claimed'],
    ['volunteer.task-done', 'done'],
  ]);
  expect(taskEvents[0].payload).toEqual({
    taskId: uuidOf(task.id),
    placePath: w.households[3].path,
    status: 'open',
    requestId: uuidOf(requestId),
    claimedById: null,
  });
  expect(JSON.stringify(taskEvents[2].payload).length).toBeLessThan(600);
});

test('a standalone task can be released, reclaimed and cancelled; the board lists tasks under a place', async () => {
  const p = w.people;
  const { task } = (
    await succeed(w.app, CREATE_TASK, { input: { kind: 'RUBBISH', title: '帮忙清运楼道垃圾', placeId: w.building.id } }, as(p['刘社工']))
  ).createVolunteerTask;
  await succeed(w.app, CLAIM, { id: task.id }, as(p['外来3']));
  const released = await succeed(
    w.app,
    'mutation($id: ID!) { releaseVolunteerTask(taskId: $id) { task { status claimedBy { name } } errors { code message } } }',
    { id: task.id },
    as(p['外来3']),
  );
  expect(released.releaseVolunteerTask.task).toEqual({ status: 'OPEN', claimedBy: null });
  // The claim answers with what it wrote: the task's row is read before its conditional update, not again after it.
  const claimed = await w.app.recordStatements(() => succeed(w.app, CLAIM, { id: task.id }, as(p['外来4'])));
  const update = claimed.findIndex((sql) => /^update "volunteer"\."task"/i.test(sql));
  expect(update).toBeGreaterThan(-1);
  expect(claimed.slice(update + 1).filter((sql) => /from "volunteer"\."task"/i.test(sql))).toEqual([]);
  const board = await succeed(
    w.app,
    'query($under: ID!) { volunteerTasks(under: $under, status: [CLAIMED]) { nodes { title claimedBy { name } } } }',
    {
      under: w.subdistrict.id,
    },
  );
  expect(board.volunteerTasks.nodes).toEqual([{ title: '帮忙清运楼道垃圾', claimedBy: { name: '外来4' } }]);
  const CANCEL = 'mutation($id: ID!) { cancelVolunteerTask(taskId: $id) { task { status } errors { code message } } }';
  expect(codeOf(await w.app.execute(CANCEL, { id: task.id }, as(p['居民8'])))).toBe('FORBIDDEN');
  expect((await succeed(w.app, CANCEL, { id: task.id }, as(p['刘社工']))).cancelVolunteerTask.task.status).toBe('CANCELLED');
  expect(problemOf(await w.app.execute(CREATE_TASK, { input: { kind: 'OTHER', title: '无地点' } }, as(p['刘社工'])))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'input.placeId',
  });
});

test('pairing a team with a resident in need, with a care plan and a visit log', async () => {
  const p = w.people;
  const PAIR =
    'mutation($input: CreateVolunteerPairingInput!) { createVolunteerPairing(input: $input) { pairing { id startsOn carePlan community { name } team { name } resident { name } } errors { code message field } } }';
  const { pairing } = (
    await succeed(
      w.app,
      PAIR,
      {
        input: {
          residentId: p['居民5'].id,
          teamId,
          startsOn: '2026-05-20',
          carePlan: ['MEDICINE', 'ESCORT_TO_HOSPITAL', 'HOUSEWORK'],
          notes: '每周一送药',
        },
      },
      as(p['王小丽']),
    )
  ).createVolunteerPairing;
  expect(pairing).toEqual({
    id: expect.any(String),
    startsOn: '2026-05-20',
    carePlan: ['MEDICINE', 'ESCORT_TO_HOSPITAL', 'HOUSEWORK'],
    community: { name: '芳星园三区社区' },
    team: { name: '邻里互助队' },
    resident: { name: '居民5' },
  });
  const again = { input: { residentId: p['居民5'].id, teamId, startsOn: '2026-05-21', carePlan: ['MEDICINE'] } };
  expect(codeOf(await w.app.execute(PAIR, again, as(p['王小丽'])))).toBe('CONFLICT');
  expect(codeOf(await w.app.execute(PAIR, again, as(p['居民1'])))).toBe('NOT_TEAM_LEADER');
  expect(
    codeOf(
      await w.app.execute(PAIR, { input: { residentId: p['居民5'].id, startsOn: '2026-05-21', carePlan: ['MEDICINE'] } }, as(p['居民1'])),
    ),
  ).toBe('BAD_USER_INPUT');

  const VISIT =
    'mutation($id: ID!, $items: [VolunteerCareItem!]!, $note: String!) { logVolunteerPairingVisit(pairingId: $id, careItems: $items, note: $note) { visit { visitedAt visitor { name } careItems note } errors { code message } } }';
  await succeed(w.app, VISIT, { id: pairing.id, items: ['MEDICINE'], note: '送药上门，血糖平稳' }, as(p['居民2']));
  expect(codeOf(await w.app.execute(VISIT, { id: pairing.id, items: ['COMPANY'], note: '陪聊' }, as(p['外来2'])))).toBe('FORBIDDEN');
  const view = await succeed(
    w.app,
    'query($id: ID!) { node(id: $id) { ... on VolunteerPairing { visits { nodes { visitor { name } careItems note } } } } }',
    { id: pairing.id },
  );
  expect(view.node.visits.nodes).toEqual([{ visitor: { name: '居民2' }, careItems: ['MEDICINE'], note: '送药上门，血糖平稳' }]);
  // One volunteer pairs themselves with a resident.
  const solo = await succeed(
    w.app,
    PAIR,
    { input: { residentId: p['居民6'].id, volunteerId: p['外来3'].id, startsOn: '2026-05-25', carePlan: ['COMPANY'] } },
    as(p['外来3']),
  );
  expect(solo.createVolunteerPairing.pairing).toMatchObject({ team: null, community: { name: '芳星园三区社区' } });
  expect(named('volunteer.pairing-created')).toHaveLength(2);
  // Ending it: the paired volunteer only, once.
  const END =
    'mutation($id: ID!) { endVolunteerPairing(pairingId: $id, endsOn: "2026-05-31") { pairing { endsOn } errors { code message } } }';
  expect(codeOf(await w.app.execute(END, { id: solo.createVolunteerPairing.pairing.id }, as(p['外来4'])))).toBe('FORBIDDEN');
  expect((await succeed(w.app, END, { id: solo.createVolunteerPairing.pairing.id }, as(p['外来3']))).endVolunteerPairing.pairing).toEqual({
    endsOn: '2026-05-31',
  });
  expect(codeOf(await w.app.execute(END, { id: solo.createVolunteerPairing.pairing.id }, as(p['外来3'])))).toBe('PAIRING_ENDED');
});
