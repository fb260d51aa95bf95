import { problemOf } from '@gongzhi/core/testing';
import { accountOf, createWorld, ledger, openAccount, verifyService, type World } from './fixture.js';

/**
 * A transfer's cost: a fixed, small number of statements, with the audit log itemizing what the
 * ledger's SQL wrote (the transaction and its legs, each balance before and after) in one statement.
 */
let w: World;
beforeAll(async () => {
  // With the process's LISTEN connection, as the gateway runs (which events webhooks want is kept).
  w = await createWorld(4, { listen: true });
});
afterAll(() => w?.app.close());

const TRANSFER = `mutation($input: MoralBankTransferInput!) { transferMoralBankMinutes(input: $input) { transaction { id kind minutes memo } errors { code } } }`;

test('a transfer is a fixed number of statements and leaves itemized audit entries, nothing merely counted', async () => {
  const [liu, zhang] = w.people;
  await verifyService(w, liu, 60);
  const from = (await accountOf(w, liu))!;
  const to = await openAccount(w, 'PERSON', zhang.id, zhang);
  const transfer = (minutes: number, key: string) =>
    w.app.execute(
      TRANSFER,
      { input: { fromAccountId: from.id, toAccountId: to.id, minutes, memo: '谢谢理发', idempotencyKey: key } },
      { caller: { kind: 'person', id: liu.uuid } },
    );
  const counts: number[] = [];
  const trips: number[] = [];
  for (const [i, minutes] of [3, 4, 5, 6].entries()) {
    let result: Awaited<ReturnType<typeof transfer>> | undefined;
    const run = async () => (result = await transfer(minutes, `write-path-${i}-0123456789`));
    if (i < 3) counts.push(await w.app.countStatements(run));
    else trips.push(await w.app.countRoundTrips(run));
    expect(problemOf(result!)).toBeUndefined();
    expect(result!.data!.transferMoralBankMinutes.transaction).toMatchObject({ kind: 'TRANSFER', minutes, memo: '谢谢理发' });
  }
  // The person's roles; the first account with the write counts; the other account; the acting
  // person (each account row brings its community's summary, which the scope check and the event
  // reuse); the ledger's one statement (the transaction, its idempotency key taken there with no
  // lookup first, the accounts locked, the entries); the audit entries (with the write counts
  // after). Which webhooks want the event is known in the process. A pool connection opened
  // meanwhile adds its set-up statement, hence the minimum.
  expect(Math.min(...counts)).toBe(6);
  expect(Math.max(...counts)).toBeLessThanOrEqual(7);
  // In round trips on the wire: the roles; BEGIN with both accounts (and their community), the
  // acting person and the write counts (the rows a command names are read in one turn); the
  // ledger; the audit entries with the COMMIT (sent together). The answer's scope check reads
  // nothing: the committed command handed its place summaries over.
  expect(trips).toEqual([4]);

  const sql = w.app.platform.orm.em.fork().getConnection();
  const entries = await sql.execute<
    { entity_type: string; operation: string; changes: Record<string, { before: unknown; after: unknown }> }[]
  >(`SELECT entity_type, operation, changes FROM audit_log WHERE action = 'moral-bank.transferMinutes' ORDER BY seq`);
  expect(entries.map((e) => `${e.entity_type} ${e.operation}`)).toEqual(
    Array.from({ length: 4 }, () => ['MoralBankTransaction create', 'MoralBankAccount update', 'MoralBankAccount update']).flat(),
  );
  expect(entries[0].changes.legs.after).toEqual([
    { accountId: expect.any(String), amount: -3 },
    { accountId: expect.any(String), amount: 3 },
  ]);
  const balances = entries.slice(1, 3).map((e) => e.changes.balance);
  expect(balances.map((b) => (b.after as number) - (b.before as number)).sort()).toEqual([-3, 3]);
  expect(await ledger(w)).toMatchObject({ ok: true, entrySum: 0 });
});
