import { as, candleLightRota, createTeam, createWorld, succeed, type World } from './fixtures.js';

/**
 * A recurring schedule's slots are open for sign-up `shiftsAheadDays` ahead by themselves: a new
 * schedule's at once, each later day's as the rota round finds it inside the window, once, however
 * many rounds run.
 */
const SCHEDULE = `mutation($input: CreateVolunteerShiftScheduleInput!) {
  createVolunteerShiftSchedule(input: $input) { schedule { id } errors { code message field } } }`;
const SHIFTS = `query($t: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
  volunteerShifts(teamId: $t, from: $from, to: $to, first: 100) { nodes { startsAt } } }`;

async function scheduled(w: World, teamId: string, extra: Record<string, unknown> = {}) {
  const data = await succeed(w.app, SCHEDULE, { input: candleLightRota(w, teamId, extra) }, as(w.people['王小丽']));
  return data.createVolunteerShiftSchedule.schedule.id as string;
}

/** The local days (Beijing) of the team's slots in June and July. */
async function slotDays(w: World, teamId: string): Promise<string[]> {
  const data = await w.app.run(
    SHIFTS,
    { t: teamId, from: '2026-06-01T00:00:00+08:00', to: '2026-08-01T00:00:00+08:00' },
    as(w.people['王小丽']),
  );
  return data.volunteerShifts.nodes.map((s: { startsAt: string }) =>
    new Date(Date.parse(s.startsAt) + 8 * 3_600_000).toISOString().slice(5, 10),
  );
}

describe('with the defaults (14 days ahead)', () => {
  let w: World;
  let teamId: string;
  beforeAll(async () => {
    w = await createWorld(); // Monday 2026-06-01, 09:00 in Beijing
    teamId = await createTeam(w, '烛光队', w.people['王小丽'], [w.people['居民1']], 'CANDLE_LIGHT');
  });
  afterAll(() => w?.app.close());
  const round = () => w.app.platform.services.get('volunteer').openShiftsAhead();

  test('a new schedule opens its next 14 days at once; the round opens each day that comes into the window, once', async () => {
    await scheduled(w, teamId);
    expect(await slotDays(w, teamId)).toEqual(['06-01', '06-03', '06-05', '06-08', '06-10', '06-12', '06-15']);
    expect(await round()).toBe(0);

    w.clock.advance(3 * 86_400_000); // Thursday 06-04: the window reaches Thursday 06-18
    expect(await round()).toBe(1);
    expect((await slotDays(w, teamId)).slice(-2)).toEqual(['06-15', '06-17']);

    // Two processes' rounds at once add each slot once.
    w.clock.advance(4 * 86_400_000); // Monday 06-08: up to Monday 06-22
    const [a, b] = await Promise.all([round(), round()]);
    expect(a + b).toBe(2);
    expect((await slotDays(w, teamId)).slice(-3)).toEqual(['06-17', '06-19', '06-22']);
    expect(w.app.platform.scheduledTasks).toContainEqual(expect.objectContaining({ task: 'volunteer.rota-ahead', intervalMs: 3_600_000 }));
  });

  test('a schedule ending inside the window opens its days up to its end, and no later', async () => {
    const team = await createTeam(w, '短期队', w.people['王小丽'], [], 'MUTUAL_AID');
    await scheduled(w, team, { validFrom: '2026-06-08', validUntil: '2026-06-12' });
    w.clock.advance(7 * 86_400_000);
    await round();
    expect(await slotDays(w, team)).toEqual(['06-08', '06-10', '06-12']);
  });
});

test('shiftsAheadDays 0 leaves opening slots to leaders, and turns the round off', async () => {
  const w = await createWorld({ pluginOptions: { volunteer: { shiftsAheadDays: 0 } } });
  try {
    const teamId = await createTeam(w, '手动队', w.people['王小丽'], []);
    await scheduled(w, teamId);
    expect(await slotDays(w, teamId)).toEqual([]);
    expect(w.app.platform.scheduledTasks).toContainEqual(expect.objectContaining({ task: 'volunteer.rota-ahead', intervalMs: 0 }));
  } finally {
    await w.app.close();
  }
});

test('the plugin runs the round on its interval', async () => {
  const w = await createWorld({ pluginOptions: { volunteer: { shiftsAheadDays: 2, rotaIntervalMs: 30 } } });
  try {
    const teamId = await createTeam(w, '定时队', w.people['王小丽'], []);
    await scheduled(w, teamId);
    expect(await slotDays(w, teamId)).toEqual(['06-01', '06-03']);
    w.clock.advance(3 * 86_400_000); // Thursday 06-04: up to Saturday 06-06
    let days: string[] = [];
    for (let i = 0; i < 100 && days.length < 3; i++) {
      await new Promise((r) => setTimeout(r, 20));
      days = await slotDays(w, teamId);
    }
    expect(days).toEqual(['06-01', '06-03', '06-05']);
  } finally {
    await w.app.close();
  }
});

test.each([
  [{ shiftsAheadDays: 93 }, /shiftsAheadDays must be a whole number of days from 0 \(leaders open slots themselves\) to 92; got 93/],
  [{ rotaIntervalMs: 1.5 }, /rotaIntervalMs must be a whole number of milliseconds, 0 to turn the rota round off; got 1\.5/],
])('invalid options stop the start: %j', async (options, message) => {
  await expect(createWorld({ pluginOptions: { volunteer: options } })).rejects.toThrow(message);
});
