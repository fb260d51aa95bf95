import { createTestApp, problemOf, type TestApp } from '@gongzhi/core/testing';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

const ids: Record<string, string> = {};

async function place(code: string, type: string, parent?: string): Promise<void> {
  const data = await app.run(
    `mutation ($input: CreatePlaceInput!) { createPlace(input: $input) { place { id } errors { code message field } } }`,
    {
      input: { code, type, name: code, parentId: parent ? ids[parent] : null },
    },
  );
  ids[code] = data.createPlace.place.id;
}

async function person(name: string, household?: string): Promise<string> {
  const data = await app.run(
    `mutation ($input: CreatePersonInput!) { createPerson(input: $input) { person { id } errors { code message field } } }`,
    {
      input: { name, householdId: household ? ids[household] : null },
    },
  );
  ids[name] = data.createPerson.person.id;
  return data.createPerson.person.id;
}

beforeAll(async () => {
  await place('d', 'DISTRICT');
  await place('s', 'SUBDISTRICT', 'd');
  await place('c', 'COMMUNITY', 's');
  await place('c2', 'COMMUNITY', 's');
  await place('b', 'BUILDING', 'c');
  await place('h1', 'HOUSEHOLD', 'b');
  await place('h2', 'HOUSEHOLD', 'b');
  await person('Ren', 'h1');
  await person('Son', 'h1');
  await person('Dong', 'h2');
  await person('Gao');
});

test('creates people in households and lists them by household or under a place', async () => {
  const data = await app.run(
    `query ($h1: ID!, $c: ID!, $c2: ID!, $ren: ID!) {
      inH1: people(householdId: $h1) { nodes { name } }
      underC: people(under: $c) { nodes { name } }
      underC2: people(under: $c2) { nodes { name } }
      person(id: $ren) { name household { code } }
    }`,
    { h1: ids.h1, c: ids.c, c2: ids.c2, ren: ids.Ren },
  );
  expect(data.inH1.nodes.map((p: { name: string }) => p.name)).toEqual(['Ren', 'Son']);
  expect(data.underC.nodes.map((p: { name: string }) => p.name)).toEqual(['Dong', 'Ren', 'Son']);
  expect(data.underC2.nodes).toEqual([]);
  expect(data.person).toEqual({ name: 'Ren', household: { code: 'h1' } });
});

test('refuses a household that is not a household place', async () => {
  const result = await app.execute(
    `mutation ($h: ID!) { createPerson(input: { name: "X", householdId: $h }) { person { id } errors { code message field } } }`,
    { h: ids.b },
  );
  expect(problemOf(result)?.code).toBe('BAD_USER_INPUT');
  expect(problemOf(result)?.message).toMatch(/must be a place of type household; b is a building/);
  const all = await app.run('{ people(first: 100) { nodes { name } } }');
  expect(all.people.nodes).toHaveLength(4);
});

const ASSIGN = `mutation ($person: ID!, $place: ID!, $role: PersonRoleKind!, $from: String!, $to: String) {
  assignRole(personId: $person, placeId: $place, role: $role, startsOn: $from, endsOn: $to) { role { role startsOn endsOn place { code } person { name } } errors { code message field } }
}`;

test('assigns roles with dates and validates them', async () => {
  const role = await app.run(ASSIGN, { person: ids.Dong, place: ids.c, role: 'GRID_WORKER', from: '2020-01-01', to: null });
  expect(role.assignRole.role).toEqual({
    role: 'GRID_WORKER',
    startsOn: '2020-01-01',
    endsOn: null,
    place: { code: 'c' },
    person: { name: 'Dong' },
  });
  await app.run(ASSIGN, { person: ids.Dong, place: ids.b, role: 'BUILDING_HEAD', from: '2021-03-01', to: '2021-03-01' });

  const backwards = await app.execute(ASSIGN, { person: ids.Dong, place: ids.b, role: 'VOLUNTEER', from: '2022-05-02', to: '2022-05-01' });
  expect(problemOf(backwards)?.code).toBe('BAD_USER_INPUT');
  expect(problemOf(backwards)?.message).toMatch(/"endsOn" \(2022-05-01\) must be on or after "startsOn" \(2022-05-02\)/);
  const impossible = await app.execute(ASSIGN, { person: ids.Dong, place: ids.b, role: 'VOLUNTEER', from: '2022-02-30', to: null });
  expect(problemOf(impossible)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'startsOn' });

  const data = await app.run(`query ($id: ID!) { person(id: $id) { roles { nodes { role startsOn endsOn place { code } } } } }`, {
    id: ids.Dong,
  });
  expect(data.person.roles.nodes).toEqual([
    { role: 'GRID_WORKER', startsOn: '2020-01-01', endsOn: null, place: { code: 'c' } },
    { role: 'BUILDING_HEAD', startsOn: '2021-03-01', endsOn: '2021-03-01', place: { code: 'b' } },
  ]);
});

test('keeps care attributes in a separate CareProfile type, set by upsert', async () => {
  const schema = await app.run(
    `{ person: __type(name: "Person") { fields { name type { name ofType { name } } } } care: __type(name: "CareProfile") { fields { name } } }`,
  );
  const personFields = schema.person.fields.map((f: { name: string }) => f.name);
  expect(personFields).toContain('careProfile');
  expect(personFields).not.toContain('livesAlone');
  expect(schema.person.fields.find((f: { name: string }) => f.name === 'careProfile').type.name).toBe('CareProfile');
  expect(schema.care.fields.map((f: { name: string }) => f.name)).toEqual(
    expect.arrayContaining(['livesAlone', 'elderly', 'chronicIllness', 'disability', 'notes']),
  );

  const SET = `mutation ($id: ID!, $input: CareProfileInput!) { setCareProfile(personId: $id, input: $input) { careProfile { livesAlone elderly chronicIllness notes } errors { code message field } } }`;
  const first = await app.run(SET, { id: ids.Ren, input: { livesAlone: false, elderly: true, chronicIllness: 'brain tumour' } });
  expect(first.setCareProfile.careProfile).toEqual({ livesAlone: false, elderly: true, chronicIllness: 'brain tumour', notes: null });
  await app.run(SET, { id: ids.Ren, input: { livesAlone: true, elderly: true, notes: 'son helps' } });

  const data = await app.run(`{ people(first: 10) { nodes { name careProfile { livesAlone elderly chronicIllness notes } } } }`);
  const byName = Object.fromEntries(data.people.nodes.map((p: { name: string; careProfile: unknown }) => [p.name, p.careProfile]));
  expect(byName.Ren).toEqual({ livesAlone: true, elderly: true, chronicIllness: null, notes: 'son helps' });
  expect(byName.Son).toBeNull();
});

test('organizations: members, duplicate membership refused, lists by place and kind', async () => {
  const CREATE = `mutation ($name: String!, $kind: OrganizationKind!, $place: ID!) { createOrganization(name: $name, kind: $kind, placeId: $place) { organization { id name kind place { code } } errors { code message field } } }`;
  const committee = (await app.run(CREATE, { name: 'Residents committee', kind: 'RESIDENTS_COMMITTEE', place: ids.c })).createOrganization
    .organization;
  expect(committee).toMatchObject({ kind: 'RESIDENTS_COMMITTEE', place: { code: 'c' } });
  const branch = (await app.run(CREATE, { name: 'Party branch', kind: 'PARTY_BRANCH', place: ids.b })).createOrganization.organization;
  await app.run(CREATE, { name: 'Other committee', kind: 'RESIDENTS_COMMITTEE', place: ids.c2 });

  const ADD = `mutation ($org: ID!, $person: ID!, $on: String = "2023-06-01") { addOrganizationMember(organizationId: $org, personId: $person, role: "member", joinedOn: $on) { member { role joinedOn person { name } organization { name } } errors { code message field } } }`;
  const added = await app.run(ADD, { org: committee.id, person: ids.Dong });
  expect(added.addOrganizationMember.member).toEqual({
    role: 'member',
    joinedOn: '2023-06-01',
    person: { name: 'Dong' },
    organization: { name: 'Residents committee' },
  });
  await app.run(ADD, { org: branch.id, person: ids.Dong });
  await app.run(ADD, { org: committee.id, person: ids.Ren, on: '2023-07-01' });

  const again = await app.execute(ADD, { org: committee.id, person: ids.Dong });
  expect(problemOf(again)?.code).toBe('CONFLICT');
  expect(problemOf(again)?.message).toMatch(/Dong is already a member of Residents committee/);

  const data = await app.run(
    `query ($c: ID!, $dong: ID!) {
      underC: organizations(under: $c) { nodes { name members { nodes { person { name } } } } }
      committees: organizations(kind: RESIDENTS_COMMITTEE) { nodes { name } }
      person(id: $dong) { organizations { nodes { name } } }
      place(id: $c) { organizations { nodes { name } } }
    }`,
    { c: ids.c, dong: ids.Dong },
  );
  expect(data.underC.nodes).toEqual([
    { name: 'Party branch', members: { nodes: [{ person: { name: 'Dong' } }] } },
    { name: 'Residents committee', members: { nodes: [{ person: { name: 'Dong' } }, { person: { name: 'Ren' } }] } },
  ]);
  expect(data.committees.nodes.map((o: { name: string }) => o.name)).toEqual(['Other committee', 'Residents committee']);
  expect(data.person.organizations.nodes).toEqual([{ name: 'Party branch' }, { name: 'Residents committee' }]);
  expect(data.place.organizations.nodes).toEqual([{ name: 'Residents committee' }]);
});

test('person list fields are batched: the number of SQL queries does not grow with the list', async () => {
  const count = (first: number) =>
    app.countStatements(() =>
      app.run(
        `query ($first: Int!) { people(first: $first) { nodes {
        name household { code } roles { nodes { role place { code } } } careProfile { elderly } organizations { nodes { name } }
      } } }`,
        { first },
      ),
    );
  const few = await count(1);
  const many = await count(4);
  expect(few).toBeGreaterThan(0);
  expect(many).toBe(few);
});

test('finds people by a part of their name, within a place, as typed', async () => {
  await person('王秀英', 'h1');
  await person('王建国', 'h2');
  await person('50%_王', 'h2');
  const names = async (name: string, under?: string) =>
    (
      await app.run('query ($name: String, $under: ID) { people(name: $name, under: $under, first: 50) { nodes { name } } }', {
        name,
        under: under ? ids[under] : null,
      })
    ).people.nodes.map((p: { name: string }) => p.name);
  expect(await names('王')).toEqual(['50%_王', '王建国', '王秀英']);
  expect(await names(' 秀英 ')).toEqual(['王秀英']);
  expect(await names('REN')).toEqual(['Ren']);
  // "%" and "_" are the characters typed, not wildcards.
  expect(await names('%')).toEqual(['50%_王']);
  expect(await names('_')).toEqual(['50%_王']);
  expect(await names('王', 'c2')).toEqual([]);
  // Read by the name's pieces, one character too (core migration 0042): the index answers for them.
  expect(await names('王建国')).toEqual(['王建国']);
  expect(await names('建国', 'c1')).toEqual(['王建国']);
  expect(await names('秀国')).toEqual([]);
  const [statement] = (
    await app.platform.orm.em
      .fork()
      .getConnection()
      .execute<{ 'QUERY PLAN': unknown }[]>(
        `EXPLAIN (FORMAT JSON) SELECT id FROM person WHERE text_search_keys(name) @> text_search_keys('秀')`,
      )
  ).map((row) => JSON.stringify(row['QUERY PLAN']));
  expect(statement).toContain('person_name_pieces_idx');
  // The index's expression is computed by ANALYZE (autovacuum's too) on PostgreSQL's safe search path.
  await expect(app.platform.orm.em.fork().getConnection().execute('ANALYZE person')).resolves.toBeDefined();
});
