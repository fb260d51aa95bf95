import { problemOf } from '@gongzhi/core/testing';
import { as, createTeam, createWorld, succeed, type World } from './fixtures.js';

/** The plugin's lists are Relay connections: paged by cursor, one statement for the pages of all parents. */
let w: World;
let teams: string[];
beforeAll(async () => {
  // No outbox sweep while statements are counted (its poll would be counted with them).
  w = await createWorld({ outbox: { sweepIntervalMs: 3_600_000 } });
  const p = w.people;
  teams = [];
  for (const name of ['分页甲队', '分页乙队', '分页丙队'])
    teams.push(await createTeam(w, name, p['王小丽'], [p['居民1'], p['居民2'], p['居民3']]));
  for (const team of teams) {
    for (const title of ['招募一', '招募二', '招募三']) {
      await succeed(
        w.app,
        'mutation($input: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $input) { recruitment { id } errors { code message } } }',
        { input: { teamId: team, title, placeId: w.community.id, wanted: 2, openUntil: '2026-07-01T00:00:00Z' } },
        as(p['王小丽']),
      );
    }
  }
});
afterAll(() => w?.app.close());

type Page<T> = { nodes: T[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null } };

test("a team's calls (paged in SQL) and members (cut from its one read) page forward from endCursor", async () => {
  const q = `query($id: ID!, $n: Int!, $after: String, $afterMember: String) { node(id: $id) { ... on VolunteerTeam {
    recruitments(first: $n, after: $after) { nodes { id title } pageInfo { hasNextPage hasPreviousPage endCursor } }
    members(first: $n, after: $afterMember) { nodes { id role } pageInfo { hasNextPage hasPreviousPage endCursor } } } } }`;
  const all = (await succeed(w.app, q, { id: teams[0], n: 10 })).node;
  expect(all.recruitments.nodes).toHaveLength(3);
  expect(all.members.nodes.map((m: { role: string }) => m.role)).toEqual(['LEADER', 'MEMBER', 'MEMBER', 'MEMBER']);

  const first = (await succeed(w.app, q, { id: teams[0], n: 2 })).node as Record<string, Page<{ id: string }>>;
  expect(first.recruitments.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  expect(first.members.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  const next = (
    await succeed(w.app, q, {
      id: teams[0],
      n: 2,
      after: first.recruitments.pageInfo.endCursor,
      afterMember: first.members.pageInfo.endCursor,
    })
  ).node as Record<string, Page<{ id: string }>>;
  expect(next.recruitments.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  expect(next.members.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  expect([...first.recruitments.nodes, ...next.recruitments.nodes]).toEqual(all.recruitments.nodes);
  expect([...first.members.nodes, ...next.members.nodes]).toEqual(all.members.nodes);

  // A cursor is bound to its list: one of the members is refused by the leaders.
  const leaders = await w.app.execute(
    'query($id: ID!, $after: String) { node(id: $id) { ... on VolunteerTeam { leaders(after: $after) { nodes { name } } } } }',
    { id: teams[0], after: first.members.pageInfo.endCursor },
  );
  expect(problemOf(leaders)?.code).toBe('BAD_USER_INPUT');
});

test("a list shown as other rows (a person's teams, from her memberships) keeps its edges' cursors", async () => {
  const q = `query($id: ID!, $n: Int!, $after: String) { node(id: $id) { ... on Person { volunteerProfile {
    teams(first: $n, after: $after) { edges { cursor node { name } } pageInfo { endCursor } } } } } }`;
  type Teams = { edges: { cursor: string; node: { name: string } }[]; pageInfo: { endCursor: string } };
  const teamsOf = async (n: number, after?: string) =>
    (await succeed(w.app, q, { id: w.people['居民1'].id, n, after })).node.volunteerProfile.teams as Teams;
  const all = await teamsOf(3);
  expect(all.edges).toHaveLength(3);
  expect(all.pageInfo.endCursor).toBe(all.edges[2].cursor);
  // Each edge's cursor pages from that edge.
  const afterFirst = await teamsOf(3, all.edges[0].cursor);
  expect(afterFirst.edges.map((e) => e.node.name)).toEqual(all.edges.slice(1).map((e) => e.node.name));
});

test('teams under a place page by name; the page cap is one error', async () => {
  const q = `query($c: ID!, $after: String) { volunteerTeams(under: $c, first: 2, after: $after) { nodes { name } pageInfo { hasNextPage endCursor } } }`;
  const first = (await succeed(w.app, q, { c: w.community.id })).volunteerTeams;
  const next = (await succeed(w.app, q, { c: w.community.id, after: first.pageInfo.endCursor })).volunteerTeams;
  expect(first.pageInfo.hasNextPage).toBe(true);
  expect(next.pageInfo.hasNextPage).toBe(false);
  expect([...first.nodes, ...next.nodes].map((t: { name: string }) => t.name)).toEqual(['分页丙队', '分页乙队', '分页甲队'].sort());
  const tooMany = await w.app.execute('query($c: ID!) { volunteerTeams(under: $c, first: 101) { nodes { name } } }', { c: w.community.id });
  expect(problemOf(tooMany)).toMatchObject({ code: 'BAD_USER_INPUT' });
});

test('a page of teams with their nested pages costs the same statements for 1 team as for 3', async () => {
  const q = `query($c: ID!, $n: Int!) { volunteerTeams(under: $c, first: $n) { nodes { name
    recruitments(first: 2) { nodes { title applications(first: 1) { nodes { id } } waitlist(first: 1) { nodes { id } } } pageInfo { hasNextPage } }
    members(first: 2) { nodes { role } } leaders(first: 1) { nodes { name } }
    pairings(first: 1) { nodes { startsOn visits(first: 1) { nodes { note } } } } shiftSchedules(first: 1) { nodes { title } } } } }`;
  const three = await succeed(w.app, q, { c: w.community.id, n: 3 });
  expect(three.volunteerTeams.nodes.map((t: { recruitments: Page<unknown> }) => t.recruitments.nodes.length)).toEqual([2, 2, 2]);
  const one = await w.app.countStatements(() => w.app.run(q, { c: w.community.id, n: 1 }));
  expect(await w.app.countStatements(() => w.app.run(q, { c: w.community.id, n: 3 }))).toBe(one);
});
