import { as, candleLightRota, createTeam, createWorld, succeed, type World } from './fixtures.js';

/**
 * Service days are calendar days where the district is: on a platform told
 * `timeZone: 'America/Los_Angeles'`, 09:00 on 1 June in Beijing is still 31 May, so a team founded
 * then was founded on 31 May, hours served on 1 June cannot be reported yet, and a schedule that
 * names no time zone keeps the district's. A volunteer plugin given a zone of its own counts in it.
 */
const worlds: World[] = [];
afterAll(() => Promise.all(worlds.map((w) => w.app.close())));

const TEAM = `query($id: ID!) { node(id: $id) { ... on VolunteerTeam { members { nodes { role joinedOn } } } } }`;
const REPORT =
  'mutation($input: ReportVolunteerHoursInput!) { reportVolunteerHours(input: $input) { entry { id } errors { code message field } } }';
const SCHEDULE = `mutation($input: CreateVolunteerShiftScheduleInput!) {
  createVolunteerShiftSchedule(input: $input) { schedule { timeZone } errors { code message field } } }`;

async function worldIn(options: Parameters<typeof createWorld>[0]) {
  const w = await createWorld(options);
  worlds.push(w);
  const leader = w.people['王小丽'];
  const resident = w.people['居民1'];
  const teamId = await createTeam(w, '时区互助队', leader, [resident]);
  const founded = (await succeed(w.app, TEAM, { id: teamId })).node.members.nodes.find(
    (m: { role: string }) => m.role === 'LEADER',
  ).joinedOn;
  const reportedToday = await w.app.execute(
    REPORT,
    { input: { communityId: w.community.id, teamId, servedOn: '2026-06-01', minutes: 30, description: '帮忙代购' } },
    as(resident),
  );
  const schedule = (await succeed(w.app, SCHEDULE, { input: candleLightRota(w, teamId) }, as(leader))).createVolunteerShiftSchedule
    .schedule;
  return { founded, reportError: reportedToday.data?.reportVolunteerHours.errors[0]?.code ?? null, scheduleZone: schedule.timeZone };
}

test("days of service are the platform's calendar days, and a schedule naming no zone keeps the platform's", async () => {
  expect(await worldIn({ timeZone: 'America/Los_Angeles' })).toEqual({
    founded: '2026-05-31',
    reportError: 'BAD_USER_INPUT', // 1 June has not begun there
    scheduleZone: 'America/Los_Angeles',
  });
});

test('the volunteers given a time zone of their own count in it', async () => {
  expect(await worldIn({ timeZone: 'America/Los_Angeles', pluginOptions: { volunteer: { timeZone: 'Asia/Shanghai' } } })).toEqual({
    founded: '2026-06-01',
    reportError: null,
    scheduleZone: 'Asia/Shanghai',
  });
});
