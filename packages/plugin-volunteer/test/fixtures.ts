import { Organization, OrganizationKind, Person, PersonRole, PersonRoleKind, type Place, PlaceType } from '@gongzhi/core';
import {
  asPerson,
  createTestApp,
  createTestClock,
  placeWriter,
  problemOf,
  type TestApp,
  type TestAppOptions,
  type TestClock,
} from '@gongzhi/core/testing';
import type { ExecutionResult } from 'graphql';
import { plugin } from '../src/index.js';

export interface World {
  app: TestApp;
  clock: TestClock;
  subdistrict: Place;
  community: Place;
  otherCommunity: Place;
  building: Place;
  households: Place[];
  /** People by name: 王小丽 (leader), 刘社工 (staff), residents 居民1…居民8, outsiders 外来1…外来4. */
  people: Record<string, Person>;
}

/** A fresh platform with the volunteer plugin and a small district: one subdistrict, two communities, people. */
export async function createWorld(options: Omit<TestAppOptions, 'plugins' | 'clock'> = {}): Promise<World> {
  const clock = createTestClock('2026-06-01T09:00:00+08:00');
  const app = await createTestApp({ ...options, plugins: [plugin], clock: clock.now });
  const em = app.platform.orm.em.fork();
  const place = placeWriter(em);
  const district = place(PlaceType.DISTRICT, 'FT', '丰台区', null);
  const subdistrict = place(PlaceType.SUBDISTRICT, 'FZ', '方庄街道', district);
  const community = place(PlaceType.COMMUNITY, 'FXY3', '芳星园三区社区', subdistrict);
  const otherCommunity = place(PlaceType.COMMUNITY, 'CYL', '成仪路社区', subdistrict);
  const building = place(PlaceType.BUILDING, 'FXY3-20', '20号楼', community);
  const households = Array.from({ length: 8 }, (_, i) => place(PlaceType.HOUSEHOLD, `FXY3-20-${i + 1}01`, `${i + 1}01`, building));
  const people: Record<string, Person> = {};
  people['王小丽'] = em.create(Person, { name: '王小丽', household: households[0] });
  people['刘社工'] = em.create(Person, { name: '刘社工' });
  people['赵社工'] = em.create(Person, { name: '赵社工' });
  for (let i = 1; i <= 8; i++) people[`居民${i}`] = em.create(Person, { name: `居民${i}`, household: households[i - 1] });
  for (let i = 1; i <= 4; i++) people[`外来${i}`] = em.create(Person, { name: `外来${i}` });
  // Roles decide what each may see and do: staff verify hours, everyone else volunteers in the subdistrict.
  for (const [name, person] of Object.entries(people)) {
    const role = name.endsWith('社工') ? PersonRoleKind.SOCIAL_WORKER : PersonRoleKind.VOLUNTEER;
    em.create(PersonRole, { person, place: subdistrict, role, startsOn: '2020-01-01' });
  }
  await em.flush();
  return { app, clock, subdistrict, community, otherCommunity, building, households, people };
}

/** A second district of canaries (金丝雀), beside the world's, and people who see one or both. */
export interface Canaries {
  community: Place;
  household: Place;
  /** A resident of the canary household. */
  resident: Person;
  /** An organisation registered at the canary community. */
  organization: Organization;
  /** Global id of a request of the canary resident. */
  requestId: string;
  /** A social worker of the world's subdistrict who also works in the canary district: sees both. */
  bridge: Person;
}

/** Adds the canary district to a world; the world's own callers see none of it. */
export async function addCanaries(w: World): Promise<Canaries> {
  const em = w.app.platform.orm.em.fork();
  const place = placeWriter(em);
  const district = place(PlaceType.DISTRICT, 'K-D', '金丝雀区', null);
  const subdistrict = place(PlaceType.SUBDISTRICT, 'K-S', '金丝雀街道', district);
  const community = place(PlaceType.COMMUNITY, 'K-C', '金丝雀社区', subdistrict);
  const building = place(PlaceType.BUILDING, 'K-B', '金丝雀楼', community);
  const household = place(PlaceType.HOUSEHOLD, 'K-H', '金丝雀户', building);
  const resident = em.create(Person, { name: '金丝雀居民', household });
  const organization = em.create(Organization, { name: '金丝雀中介', kind: OrganizationKind.COMPANY, place: community });
  const bridge = em.create(Person, { name: '两区社工' });
  for (const at of [w.subdistrict, subdistrict])
    em.create(PersonRole, { person: bridge, place: at, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  await em.flush();
  const submitted = await succeed(
    w.app,
    'mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code message } } }',
    { input: { kind: 'NEED', channel: 'PHONE', title: '金丝雀诉求', description: '', placeId: household.id, requesterId: resident.id } },
  );
  return { community, household, resident, organization, requestId: submitted.submitRequest.request.id, bridge };
}

/** The caller option of a signed-in person. */
export { asPerson as as };

/**
 * Runs an operation that must succeed and returns its data: a top-level error or a payload error
 * fails the test with its code and message.
 */
export async function succeed(app: TestApp, source: string, variables?: Record<string, unknown>, options?: ReturnType<typeof asPerson>) {
  const result: ExecutionResult<Record<string, any>> = await app.execute(source, variables, options);
  const problem = problemOf(result);
  if (problem) throw new Error(`${problem.code}: ${problem.message} (${source.slice(0, 60)}…)`);
  return result.data!;
}

/** The code of the first problem of an answer (a payload error, else a top-level one), or null. */
export function codeOf(result: ExecutionResult): string | null {
  return problemOf(result)?.code ?? null;
}

/** Counts rows of a volunteer table straight from the database. */
export async function countRows(app: TestApp, table: string, where = 'true'): Promise<number> {
  const rows = await app.platform.orm.em.fork().getConnection().execute(`SELECT count(*)::int AS n FROM volunteer.${table} WHERE ${where}`);
  return (rows as { n: number }[])[0].n;
}

/** Creates a team led by `leader` with members, returning its id. */
export async function createTeam(
  world: World,
  name: string,
  leader: Person,
  members: Person[],
  kind = 'MUTUAL_AID',
  homePlace: Place = world.community,
): Promise<string> {
  const { createVolunteerTeam } = await succeed(
    world.app,
    'mutation($input: CreateVolunteerTeamInput!) { createVolunteerTeam(input: $input) { team { id } errors { code message } } }',
    { input: { homePlaceId: homePlace.id, name, kind, skills: ['代购'] } },
    asPerson(leader),
  );
  for (const member of members) {
    await succeed(
      world.app,
      'mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p, joinedOn: "2026-05-01") { member { id } errors { code message } } }',
      { t: createVolunteerTeam.team.id, p: member.id },
      asPerson(leader),
    );
  }
  return createVolunteerTeam.team.id;
}

/** The candle-light night visits (烛光夜访): Monday, Wednesday and Friday 19:00–21:00 at the community, two a slot, from 1 June. */
export function candleLightRota(world: World, teamId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const rule = { title: '烛光夜访', weekdays: [1, 3, 5], startTime: '19:00', endTime: '21:00', capacity: 2, validFrom: '2026-06-01' };
  return { teamId, placeId: world.community.id, ...rule, ...extra };
}

/** Creates a one-off shift of `teamId` at the world's building, as its leader `leader`; returns its id. */
export async function createShift(
  world: World,
  teamId: string,
  leader: Person,
  shift: { title: string; startsAt: string; endsAt: string; capacity: number },
): Promise<string> {
  const data = await succeed(
    world.app,
    'mutation($input: CreateVolunteerShiftInput!) { createVolunteerShift(input: $input) { shift { id } errors { code message field } } }',
    { input: { teamId, placeId: world.building.id, ...shift } },
    asPerson(leader),
  );
  return data.createVolunteerShift.shift.id;
}
