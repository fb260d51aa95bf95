import {
  type Caller,
  defineCommand,
  type Named,
  Organization,
  OrganizationKind,
  Person,
  PersonRole,
  PersonRoleKind,
  type Place,
  PlaceType,
} from '@gongzhi/core';
import { runCommand } from '@gongzhi/core';
import { apiKeyCaller, asPerson, createTestApp, placeWriter, problemOf, type TestApp } from '@gongzhi/core/testing';

/**
 * The audit log: every command's changes, written by the command path, read by auditors within
 * their places. Two districts: 东城 (east) where everything happens, 西城 (west) whose auditor must
 * see none of it.
 */
let app: TestApp;
const place: Record<string, Place> = {};
let worker: Person;
let resident: Person;
let org: Organization;
let admin: Caller;
let eastAuditor: Caller;
let westAuditor: Caller;

beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  for (const side of ['east', 'west']) {
    const district = (place[`${side}District`] = write(PlaceType.DISTRICT, `${side}-D`, side === 'east' ? '东城区' : '西城区', null));
    const sub = write(PlaceType.SUBDISTRICT, `${side}-S`, '街道', district);
    place[`${side}Community`] = write(PlaceType.COMMUNITY, `${side}-C`, '社区', sub);
  }
  place.household = write(PlaceType.HOUSEHOLD, 'east-H', '1号楼101', place.eastCommunity);
  worker = em.create(Person, { name: '审计社工' });
  em.create(PersonRole, { person: worker, place: place.eastCommunity, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  resident = em.create(Person, { name: '审计居民', household: place.household, phone: '13800000000' });
  org = em.create(Organization, { name: '东城物业', kind: OrganizationKind.PROPERTY_COMPANY, place: place.eastCommunity });
  await em.flush();
  // Only keys that see everywhere manage keys (keys belong to no place).
  admin = await apiKeyCaller(app, { name: '市级管理', placeIds: [], permissions: ['*'] });
  eastAuditor = await apiKeyCaller(app, { name: '东城审计', placeIds: [place.eastDistrict.uuid], permissions: ['audit'] });
  westAuditor = await apiKeyCaller(app, { name: '西城审计', placeIds: [place.westDistrict.uuid], permissions: ['audit'] });
});
afterAll(() => app?.close());

async function mutate(doc: string, variables: Record<string, unknown>, caller: Caller): Promise<any> {
  const result = await app.execute(doc, variables, { caller });
  const problem = problemOf(result);
  if (problem) throw new Error(`${problem.code}: ${problem.message}`);
  return Object.values(result.data!)[0];
}

const LOG = `query($f: AuditLogFilter, $first: Int, $after: String) {
  auditLog(filter: $f, first: $first, after: $after) {
    nodes { seq at actorKind actorId actorName action entityType entityId operation changes { field before after } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function auditLog(caller: Caller, filter: Record<string, unknown> = {}, first = 50, after?: string) {
  const result = await app.execute(LOG, { f: filter, first, after }, { caller });
  if (result.errors?.length) throw new Error(result.errors[0].message);
  const { nodes, pageInfo } = (result.data as any).auditLog;
  return { entries: nodes, ...pageInfo };
}

const changesOf = (entry: { changes: { field: string; before: string | null; after: string | null }[] }) =>
  Object.fromEntries(entry.changes.map((c) => [c.field, [c.before && JSON.parse(c.before), c.after && JSON.parse(c.after)]]));

describe('the audit log', () => {
  test('a role grant leaves one record: who, which command, the new role with its fields', async () => {
    const granted = await mutate(
      `mutation($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: VOLUNTEER, startsOn: "2026-06-01") { role { id } errors { code message field } } }`,
      { p: resident.id, c: place.eastCommunity.id },
      asPerson(worker).caller,
    );
    const { entries } = await auditLog(eastAuditor, { action: 'person.assignRole' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorKind: 'person',
      actorName: '审计社工',
      actorId: worker.id,
      action: 'person.assignRole',
      entityType: 'PersonRole',
      entityId: granted.role.id,
      operation: 'create',
    });
    expect(changesOf(entries[0])).toMatchObject({
      role: [null, 'volunteer'],
      person: [null, resident.uuid],
      place: [null, place.eastCommunity.uuid],
      startsOn: [null, '2026-06-01'],
    });
  });

  test('an organisation change leaves one record with the field before and after', async () => {
    await mutate(
      `mutation($o: ID!) { updateOrganization(id: $o, name: "东城好物业") { organization { name } errors { code message field } } }`,
      { o: org.id },
      asPerson(worker).caller,
    );
    const { entries } = await auditLog(eastAuditor, { entityId: org.id });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'organization.update', entityType: 'Organization', operation: 'update' });
    // Only what changed: the kind stayed.
    expect(changesOf(entries[0])).toEqual({ name: ['东城物业', '东城好物业'] });
  });

  test('a key creation leaves one record naming the key that acted, without the secret', async () => {
    const created = await mutate(
      `mutation($p: [ID!]!) { createApiKey(input: { name: "东城大屏", placeIds: $p, permissions: ["request.submit"] }) { created { apiKey { id } secret } errors { code message field } } }`,
      { p: [place.eastCommunity.id] },
      admin,
    );
    const { entries } = await auditLog(eastAuditor, { action: 'apiKey.create' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorKind: 'api-key',
      actorName: expect.stringContaining('市级管理'),
      entityType: 'ApiKey',
      entityId: created.created.apiKey.id,
      operation: 'create',
    });
    const changes = changesOf(entries[0]);
    expect(changes.name).toEqual([null, '东城大屏']);
    expect(changes.placeIds).toEqual([null, [place.eastCommunity.uuid]]);
    expect(changes.secretHash).toEqual([null, '[redacted]']);
    expect(JSON.stringify(entries[0])).not.toContain(created.created.secret.slice(12));
  });

  test('phone numbers and care profiles never appear in clear', async () => {
    const created = await mutate(
      `mutation($h: ID!) { createPerson(input: { name: "新住户", phone: "13912345678", householdId: $h }) { person { id } errors { code message field } } }`,
      { h: place.household.id },
      asPerson(worker).caller,
    );
    await mutate(
      `mutation($p: ID!) { setCareProfile(personId: $p, input: { livesAlone: true, elderly: true, chronicIllness: "糖尿病" }) { careProfile { livesAlone } errors { code message field } } }`,
      { p: created.person.id },
      asPerson(worker).caller,
    );
    const { entries } = await auditLog(eastAuditor, { since: '2000-01-01T00:00:00Z' }, 10);
    const person = entries.find((e: any) => e.action === 'person.create');
    expect(changesOf(person)).toMatchObject({ name: [null, '新住户'], phone: [null, '[redacted]'] });
    expect(entries.find((e: any) => e.action === 'person.setCareProfile')).toBeDefined();
    const text = JSON.stringify(entries);
    expect(text).not.toContain('13912345678');
    expect(text).not.toContain('糖尿病');
  });

  test('a status change by conditional UPDATE (SQL) is itemized once, with its fields', async () => {
    // changeRequestStatus moves the row with a conditional UPDATE (SQL) and itemizes it; the flush
    // after it writes the timeline entry only (not the row again), so one entry, nothing counted.
    const submitted = await mutate(
      `mutation($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "门禁坏了", placeId: $p, requesterId: $r }) { request { id } errors { code message field } } }`,
      { p: place.household.id, r: resident.id },
      asPerson(worker).caller,
    );
    await mutate(
      `mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { status } errors { code message field } } }`,
      { id: submitted.request.id },
      asPerson(worker).caller,
    );
    const { entries } = await auditLog(eastAuditor, { action: 'request.changeStatus' });
    expect(entries).toHaveLength(1);
    const [itemized] = entries;
    expect(itemized).toMatchObject({ entityType: 'Request', operation: 'update', entityId: submitted.request.id });
    expect(changesOf(itemized)).toMatchObject({ status: ['submitted', 'accepted'], version: [1, 2] });
  });

  test('an auditor of another district sees none of it; callers without audit are refused', async () => {
    const east = await auditLog(eastAuditor);
    expect(east.entries.length).toBeGreaterThanOrEqual(6);
    expect((await auditLog(westAuditor)).entries).toEqual([]);
    expect((await auditLog(westAuditor, { entityId: org.id })).entries).toEqual([]);
    const refused = await app.execute(LOG, {}, asPerson(worker));
    expect(problemOf(refused)).toMatchObject({ code: 'FORBIDDEN' });
    // The system (operators) sees everything.
    expect((await app.run(LOG, {})).auditLog.nodes.length).toBe(east.entries.length);
  });

  test('pages newest first', async () => {
    const all = (await auditLog(eastAuditor)).entries;
    const first = await auditLog(eastAuditor, {}, 2);
    expect(first.hasNextPage).toBe(true);
    const second = await auditLog(eastAuditor, {}, 2, first.endCursor);
    expect([...first.entries, ...second.entries].map((e: any) => e.seq)).toEqual(all.slice(0, 4).map((e: any) => e.seq));
  });

  test('a command that writes by SQL may itemize the change itself; then it is not counted again', async () => {
    // What a plugin does for a conditional update: the SQL write, then uow.audit.record with its fields.
    const rename = defineCommand<{ organization: Named<Organization>; name: string; itemize: boolean }, number>({
      name: 'test.renameBySql',
      async run(uow, { organization, name, itemize }) {
        const n = await uow.em.nativeUpdate(Organization, { uuid: organization.uuid }, { name });
        if (itemize) {
          uow.audit.record(
            Organization,
            { id: organization.uuid, operation: 'update', changes: { name: { before: organization.name, after: name } } },
            organization,
          );
        }
        return n;
      },
    });
    const ctx = () => app.platform.createContext(asPerson(worker).caller);
    const row = await app.platform.orm.em.fork().findOneOrFail(Organization, { uuid: org.uuid });
    await runCommand(ctx(), rename, { organization: row, name: '东城优质物业', itemize: true });
    await runCommand(ctx(), rename, { organization: row, name: '东城物业公司', itemize: false });
    const { entries } = await auditLog(eastAuditor, { action: 'test.renameBySql' });
    expect(entries.map((e: any) => [e.operation, e.entityId, changesOf(e)])).toEqual([
      ['write', null, { updated: [null, 1] }],
      ['update', org.id, { name: ['东城好物业', '东城优质物业'] }],
    ]);
  });

  test('the log only grows: the database refuses updates, deletes and truncation', async () => {
    const sql = app.platform.orm.em.fork().getConnection();
    await expect(sql.execute(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(sql.execute(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(sql.execute(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
  });

  test('a command that fails leaves no record', async () => {
    const before = (await auditLog(eastAuditor)).entries.length;
    const result = await app.execute(
      `mutation($o: ID!) { updateOrganization(id: $o, name: "  ") { organization { name } errors { code message field } } }`,
      { o: org.id },
      asPerson(worker),
    );
    expect(problemOf(result)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await auditLog(eastAuditor)).entries.length).toBe(before);
  });
});
