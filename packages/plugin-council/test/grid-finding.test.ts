/**
 * An agenda item about a grid finding names the finding by its global id, as a reference: core
 * loads it (the grid plugin's row, without the council importing the grid plugin), applies the
 * caller's place rules, and the linking rule keeps it to the council's community.
 */
import { Person, PersonRole, PersonRoleKind, toGlobalId } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import grid from '../../plugin-grid/src/index.js';
import plugin from '../src/index.js';
import { act, as, failure, Q } from './world.js';

let app: TestApp;
let finding: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp({ plugins: [grid, plugin], seed: true });
  const sql = app.platform.orm.em.fork().getConnection();
  for (const p of await sql.execute<{ id: string; code: string }[]>(
    `SELECT id, code FROM public.place WHERE code IN ('DEMO-CYL', 'DEMO-HLY')`,
  ))
    ids[p.code] = toGlobalId('Place', p.id);
  // 赵女士's finding at 苍爷爷's home in 成仪路社区 (the grid plugin's demo data).
  const [row] = await sql.execute<{ id: string }[]>(`SELECT id FROM grid.grid_finding ORDER BY created_at LIMIT 1`);
  finding = toGlobalId('GridFinding', row.id);
}, 60_000);
afterAll(() => app?.close());

/** A council of `community` with `members` seated, and a meeting convened by the first. */
async function meetingOf(community: string, name: string, members: Person[]): Promise<string> {
  const council = await act(app, Q.createCouncil, { input: { communityId: ids[community], name } });
  for (const person of members) await act(app, Q.addMember, { c: council.id, s: 'SOCIAL_WORKER', p: person.id });
  const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
  return (await act(app, Q.schedule, { input: { councilId: council.id, title: '网格议事', scheduledAt, urgent: true } }, as(members[0])))
    .id;
}

async function socialWorker(name: string, communities: string[]): Promise<Person> {
  const em = app.platform.orm.em.fork();
  const person = em.create(Person, { name });
  for (const code of communities) {
    em.create(PersonRole, {
      person,
      place: Buffer.from(ids[code], 'base64url').toString().split(':')[1],
      role: PersonRoleKind.SOCIAL_WORKER,
      startsOn: '2020-01-01',
    });
  }
  await em.flush();
  return person;
}

test("a finding of the council's community goes on its agenda; one of another community does not", async () => {
  const cyl = await socialWorker('成仪路社工', ['DEMO-CYL']);
  const meeting = await meetingOf('DEMO-CYL', '成仪路网格议事会', [cyl]);
  const item = await act(app, Q.agenda, { input: { meetingId: meeting, title: '苍爷爷家断网', gridFindingId: finding } }, as(cyl));
  expect(item).toMatchObject({ kind: 'GRID_FINDING', gridFindingId: finding, request: null });
  const { node } = await app.run(`query($id: ID!) { node(id: $id) { __typename ... on GridFinding { description } } }`, {
    id: item.gridFindingId,
  });
  expect(node).toEqual({ __typename: 'GridFinding', description: '家中网络中断，需联系运营商上门维修' });

  // A council of 火龙园北里: its member of both communities names the finding, and the linking rule refuses it.
  const both = await socialWorker('两社区社工', ['DEMO-HLY', 'DEMO-CYL']);
  const hly = await socialWorker('火龙园社工', ['DEMO-HLY']);
  const hlyMeeting = await meetingOf('DEMO-HLY', '火龙园网格议事会', [both, hly]);
  const input = { input: { meetingId: hlyMeeting, title: '别的社区的发现', gridFindingId: finding } };
  expect(await failure(app, Q.agenda, input, as(both))).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'input.gridFindingId' });
  // To a member who cannot see 成仪路 it does not exist.
  expect(await failure(app, Q.agenda, input, as(hly))).toEqual({
    code: 'NOT_FOUND',
    field: 'input.gridFindingId',
    message: 'No GridFinding has the id given in "input.gridFindingId".',
  });
});
