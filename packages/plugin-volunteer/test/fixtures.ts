import { Person, PersonRole, PersonRoleKind, Place, PlaceType } from '@gongzhi/core';
import { createTestApp, createTestClock, type TestApp, type TestAppOptions, type TestClock } from '@gongzhi/core/testing';
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
  const place = (type: PlaceType, code: string, name: string, parent: Place | null): Place => {
    const p = em.create(Place, { type, code, name, parent, path: '', depth: parent ? parent.depth + 1 : 0 });
    p.path = `${parent?.path ?? '/'}${p.uuid}/`;
    return p;
  };
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

/** The caller option of a signed-in person. */
export function as(person: Person) {
  return { caller: { id: person.uuid, kind: 'person' as const } };
}

/** The `extensions.code` of the first error of a result, or null. */
export function codeOf(result: { errors?: readonly { extensions?: Record<string, unknown> }[] }): string | null {
  return (result.errors?.[0]?.extensions?.code as string | undefined) ?? null;
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
  const { createVolunteerTeam } = await world.app.run(
    'mutation($input: CreateVolunteerTeamInput!) { createVolunteerTeam(input: $input) { id } }',
    { input: { homePlaceId: homePlace.id, name, kind, skills: ['代购'] } },
    as(leader),
  );
  for (const member of members) {
    await world.app.run(
      'mutation($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p, joinedOn: "2026-05-01") { id } }',
      { t: createVolunteerTeam.id, p: member.id },
      as(leader),
    );
  }
  return createVolunteerTeam.id;
}

/** The uuid inside a global id. */
export function uuidOf(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];
}
