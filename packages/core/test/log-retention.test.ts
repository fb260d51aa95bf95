import { createPlatform, Person, type Caller } from '@gongzhi/core';
import { apiKeyCaller, createTestApp, type TestApp } from '@gongzhi/core/testing';
import { randomUUID } from 'node:crypto';

/**
 * The audit and sensitive-access logs are kept for the configured period, then deleted by the
 * platform's own prune; the database refuses to delete an entry younger than 180 days whatever
 * asks, and a period below that is refused at start.
 */
let app: TestApp;
let auditor: Caller;
let subject: Person;

beforeAll(async () => {
  app = await createTestApp({ logRetention: { auditLogDays: 365, sensitiveAccessLogDays: 180, pruneIntervalMs: 100 } });
  const em = app.platform.orm.em.fork();
  subject = em.create(Person, { name: '留存居民', phone: '13800000001' });
  await em.flush();
  auditor = await apiKeyCaller(app, { name: '留存审计', placeIds: [], permissions: ['audit'] });
});
afterAll(() => app?.close());

const sql = () => app.platform.orm.em.fork().getConnection();

/** An audit entry written `days` ago (by SQL: the command path writes only the present). */
const auditEntry = (label: string, days: number) =>
  sql().execute(
    `INSERT INTO audit_log (at, actor_kind, actor_name, action, entity_type, operation, changes)
     VALUES (now() - ? * interval '1 day', 'system', ?, 'test.retention', 'Place', 'write', '{}')`,
    [days, label],
  );
const accessEntry = (label: string, days: number) =>
  sql().execute(
    `INSERT INTO sensitive_access_log (at, reader_kind, reader_id, reader_name, subject_id, fields)
     VALUES (now() - ? * interval '1 day', 'api-key', ?, ?, ?, '{phone}')`,
    [days, randomUUID(), label, subject.uuid],
  );

async function logs(): Promise<{ audit: string[]; access: string[] }> {
  const result = await app.execute(
    `query($p: ID!) {
       auditLog(filter: { action: "test.retention" }, first: 50) { nodes { actorName } }
       sensitiveAccessLog(personId: $p, first: 50) { nodes { readerName } }
     }`,
    { p: subject.id },
    { caller: auditor },
  );
  expect(result.errors).toBeUndefined();
  const data = result.data as { auditLog: { nodes: { actorName: string }[] }; sensitiveAccessLog: { nodes: { readerName: string }[] } };
  return {
    audit: data.auditLog.nodes.map((n) => n.actorName).sort(),
    access: data.sensitiveAccessLog.nodes.map((n) => n.readerName).sort(),
  };
}

test('entries past their log’s period disappear from the API; younger ones stay', async () => {
  await auditEntry('400 days', 400);
  await auditEntry('200 days', 200);
  await auditEntry('today', 0);
  await accessEntry('200 days', 200);
  await accessEntry('100 days', 100);
  const kept = { audit: ['200 days', 'today'], access: ['100 days'] };
  // The prune runs every 100 ms here (hourly by default).
  const deadline = Date.now() + 10_000;
  let seen = await logs();
  while (JSON.stringify(seen) !== JSON.stringify(kept) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    seen = await logs();
  }
  expect(seen).toEqual(kept);
});

test('the database refuses to delete an entry younger than 180 days, to change any entry, or to empty a log', async () => {
  await auditEntry('179 days', 179);
  await accessEntry('179 days', 179);
  await expect(sql().execute(`DELETE FROM audit_log WHERE actor_name = '179 days'`)).rejects.toThrow(
    /audit_log is append-only: an entry may be deleted only once it is older than 180 days/,
  );
  await expect(sql().execute(`DELETE FROM sensitive_access_log WHERE reader_name = '179 days'`)).rejects.toThrow(
    /sensitive_access_log is append-only: an entry may be deleted only once it is older than 180 days/,
  );
  await expect(sql().execute(`UPDATE audit_log SET action = 'x' WHERE actor_name = '179 days'`)).rejects.toThrow(/UPDATE is not allowed/);
  await expect(sql().execute(`TRUNCATE sensitive_access_log`)).rejects.toThrow(/TRUNCATE is not allowed/);
  expect((await logs()).access).toContain('179 days');
});

test('a period shorter than 180 days is refused before the platform starts, saying what would be right', async () => {
  await expect(createPlatform({ databaseUrl: app.databaseUrl, logRetention: { sensitiveAccessLogDays: 90 } })).rejects.toThrow(
    "logRetention.sensitiveAccessLogDays is 90: sensitive_access_log entries are kept 180 days at least (China's Cybersecurity Law, art. 21). " +
      'Give a whole number of days from 180, or leave it unset to keep them for ever.',
  );
});
