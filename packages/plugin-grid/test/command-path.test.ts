import { randomUUID } from 'node:crypto';
import { Organization, OrganizationKind, PersonRole, PersonRoleKind, toGlobalId } from '@gongzhi/core';
import { problemOf } from '@gongzhi/core/testing';
import { addCanary, as, assignWorker, type Canary, createGrid, createWorld, mutate, problem, type World } from './world.js';

/**
 * The grid plugin on the command path: it passes the host's checks, its links to other rows
 * follow the linking rules, and a row of another district (the canaries, 金丝雀) is never
 * accepted, named or told apart from a made-up id.
 */
let w: World;
let k: Canary;
let grid: string;
beforeAll(async () => {
  // The checks the host enforces once every plugin is moved, on for this app only.
  w = await createWorld();
  k = await addCanary(w);
  grid = await createGrid(w.app, w.place.fxy.id, '芳星园三区第一网格', [w.place.c1.id]);
  await assignWorker(w.app, grid, w.person.wang.id);
});
afterAll(() => w?.app.close());

const count = async (table: string) => Number((await w.app.platform.orm.em.fork().execute(`SELECT count(*) AS n FROM ${table}`))[0].n);
const madeUp = (type: string) => toGlobalId(type, randomUUID());
/** The callers the issues measured with: district 1's social worker and its key holding `*`, and the grid's own worker. */
const district1 = () =>
  [
    ['the social worker', as(k.socialWorker)],
    ['the district key', { caller: k.districtKey }],
    ['the grid worker', as(w.person.wang)],
  ] as const;

/** The plugin's mutations. */
const MUTATIONS = [
  'createGrid',
  'addGridPlaces',
  'assignGridWorker',
  'adoptGrid',
  'claimGridRequest',
  'recordGridVisit',
  'openRequestFromFinding',
  'setGridAttentionLevel',
  'setGridEscalationLimit',
  'setCommunityEscalationLimit',
  'escalateOverdueRequests',
  'escalateGridRequest',
  'recordGridMeeting',
];

test("the plugin passes the host's command-path checks (it started with them on): every mutation answers with a payload", () => {
  const fields = w.app.platform.schema.getMutationType()!.getFields();
  for (const name of MUTATIONS) {
    const payload = fields[name].type as unknown as { ofType: { getFields(): Record<string, { type: unknown }> } };
    expect([name, String(payload.ofType.getFields().errors?.type)]).toEqual([name, '[UserError!]!']);
  }
});

describe('recordGridVisit: the people met are declared references, linked to the household', () => {
  const VISIT = `mutation($input: RecordGridVisitInput!) { recordGridVisit(input: $input) { visit { id met { name } } errors { code message field } } }`;

  test('a canary met is NOT_FOUND exactly like a made-up id, and nothing is written', async () => {
    const before = await count('grid.grid_visit');
    for (const [who, caller] of district1()) {
      const canary = await w.app.execute(VISIT, { input: { householdId: w.place.h201.id, metPersonIds: [k.resident.id] } }, caller);
      const unknown = await w.app.execute(VISIT, { input: { householdId: w.place.h201.id, metPersonIds: [madeUp('Person')] } }, caller);
      expect([who, problemOf(canary)]).toEqual([who, { code: 'NOT_FOUND', message: expect.any(String), field: 'input.metPersonIds.0' }]);
      expect([who, problemOf(canary)]).toEqual([who, problemOf(unknown)]);
      expect(JSON.stringify(canary)).not.toContain('金丝雀');
    }
    expect(await count('grid.grid_visit')).toBe(before);
  });

  test("a person the worker sees but of another community is OUT_OF_SCOPE; one of the household's community is met", async () => {
    // 王小丽 also helps in 成仪路社区, so she sees 李网格 there: seen, but not of the household's community.
    await mutate(
      w.app,
      'mutation($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: VOLUNTEER, startsOn: "2026-01-01") { role { id } errors { code message field } } }',
      {
        p: w.person.wang.id,
        c: w.place.cyl.id,
      },
    );
    const before = await count('grid.grid_visit');
    const outside = await problem(
      w.app,
      VISIT,
      { input: { householdId: w.place.h201.id, metPersonIds: [w.person.li.id] } },
      as(w.person.wang),
    );
    expect(outside).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'input.metPersonIds' });
    expect(await count('grid.grid_visit')).toBe(before);
    // 董桂芳 lives in another household of the same community: people met may be neighbours.
    const met = await mutate(
      w.app,
      VISIT,
      { input: { householdId: w.place.h201.id, metPersonIds: [w.person.dong.id, w.person.resident.id] } },
      as(w.person.wang),
    );
    expect(met.visit.met).toEqual([{ name: '董桂芳' }, { name: '宋阿姨' }]);
  });
});

describe('assignGridWorker: the person is linked to the grid', () => {
  const ASSIGN = `mutation($g: ID!, $p: ID!) { assignGridWorker(gridId: $g, personId: $p, startsOn: "2026-01-01") { worker { id person { name } } errors { code message field } } }`;

  test('a canary person is NOT_FOUND exactly like a made-up id: no existence oracle', async () => {
    for (const [who, caller] of district1().slice(0, 2)) {
      const canary = await w.app.execute(ASSIGN, { g: grid, p: k.resident.id }, caller);
      const unknown = await w.app.execute(ASSIGN, { g: grid, p: madeUp('Person') }, caller);
      expect([who, problemOf(canary)]).toEqual([
        who,
        { code: 'NOT_FOUND', message: 'No Person has the id given in "personId".', field: 'personId' },
      ]);
      expect([who, problemOf(unknown)]).toEqual([who, problemOf(canary)]);
      expect(JSON.stringify(canary)).not.toContain('金丝雀');
    }
    expect(await count('grid.grid_worker')).toBe(1);
  });

  test('a person seen but outside the community is OUT_OF_SCOPE; one on its line but not belonging there is WORKER_OUTSIDE_COMMUNITY', async () => {
    // The system sees everywhere, the canary too.
    expect(await problem(w.app, ASSIGN, { g: grid, p: k.resident.id })).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'personId' });
    // A role at the subdistrict lies on the community's line of places, but is not a tie to the community itself.
    const em = w.app.platform.orm.em.fork();
    em.create(PersonRole, {
      person: w.person.outsider.uuid,
      place: w.place.sub.uuid,
      role: PersonRoleKind.VOLUNTEER,
      startsOn: '2020-01-01',
    });
    await em.flush();
    const above = await problem(w.app, ASSIGN, { g: grid, p: w.person.outsider.id });
    expect(above).toMatchObject({ code: 'WORKER_OUTSIDE_COMMUNITY', field: 'personId' });
    expect(above?.message).toContain('外来人员');
    expect(await count('grid.grid_worker')).toBe(1);
  });
});

describe('adoptGrid: a partner unit of the subdistrict may adopt a grid', () => {
  const ADOPT = `mutation($g: ID!, $o: ID!) { adoptGrid(gridId: $g, organizationId: $o, startsOn: "2026-05-01") { adoption { organization { name } } errors { code message field } } }`;

  test('a canary unit is NOT_FOUND to district 1 and OUT_OF_SCOPE to whoever sees it; nothing is written', async () => {
    for (const [who, caller] of district1().slice(0, 2)) {
      const canary = await w.app.execute(ADOPT, { g: grid, o: k.org.id }, caller);
      expect([who, problemOf(canary)]).toEqual([
        who,
        problemOf(await w.app.execute(ADOPT, { g: grid, o: madeUp('Organization') }, caller)),
      ]);
      expect([who, problemOf(canary)?.code]).toEqual([who, 'NOT_FOUND']);
    }
    expect(await problem(w.app, ADOPT, { g: grid, o: k.org.id })).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'organizationId' });
    expect(await count('grid.grid_adoption')).toBe(0);
  });

  test('a unit sitting in a neighbouring community of the subdistrict adopts the grid (the declared widening)', async () => {
    const em = w.app.platform.orm.em.fork();
    const school = em.create(Organization, { name: '成仪路小学', kind: OrganizationKind.RESIDENT_UNIT, place: w.place.cyl.uuid });
    await em.flush();
    // The district's app sees both communities; the unit is of the subdistrict the grid lies in.
    expect((await mutate(w.app, ADOPT, { g: grid, o: school.id }, { caller: k.districtKey })).adoption).toEqual({
      organization: { name: '成仪路小学' },
    });
  });
});

describe('createGrid and addGridPlaces: places and the parent belong to the community', () => {
  test('a parent grid or places of another community are OUT_OF_SCOPE and nothing is written', async () => {
    const other = await createGrid(w.app, w.place.cyl.id, '翠庭园网格', [w.place.cty.id]);
    const grids = await count('grid.grid');
    const places = await count('grid.grid_place');
    const CREATE = `mutation($c: ID!, $p: [ID!]!, $parent: ID) { createGrid(communityId: $c, name: "越界", kind: MICRO_GRID, parentId: $parent, placeIds: $p) { grid { id } errors { code message field } } }`;
    expect(await problem(w.app, CREATE, { c: w.place.fxy.id, p: [w.place.u2.id], parent: other })).toMatchObject({
      code: 'OUT_OF_SCOPE',
      field: 'parentId',
    });
    expect(await problem(w.app, CREATE, { c: w.place.fxy.id, p: [k.place.building.id], parent: grid })).toMatchObject({
      code: 'OUT_OF_SCOPE',
      field: 'placeIds',
    });
    const ADD = 'mutation($g: ID!, $p: [ID!]!) { addGridPlaces(gridId: $g, placeIds: $p) { grid { id } errors { code message field } } }';
    expect(await problem(w.app, ADD, { g: grid, p: [k.place.building.id] })).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'placeIds' });
    // District 1's callers do not see the canary building at all.
    for (const [who, caller] of district1().slice(0, 2))
      expect([who, (await problem(w.app, ADD, { g: grid, p: [k.place.building.id] }, caller))?.code]).toEqual([who, 'NOT_FOUND']);
    expect([await count('grid.grid'), await count('grid.grid_place')]).toEqual([grids, places]);
  });
});
