import { toGlobalId } from '@gongzhi/core';
import { problemOf } from '@gongzhi/core/testing';
import {
  accountOf,
  as,
  code,
  countRows,
  createWorld,
  ERRORS,
  eventsDelivered,
  ledger,
  mutate,
  openAccount,
  transfer,
  verifyService,
  type World,
} from './fixture.js';

let w: World;
beforeAll(async () => {
  w = await createWorld(8);
});
afterAll(() => w?.app.close());

test('verified service earns five minutes of venue time per minute, once per entry, even when delivered twice at once', async () => {
  const [liu] = w.people;
  const entryId = await verifyService(w, liu, 60);
  expect((await accountOf(w, liu))!.balance).toBe(300);

  // The same event again, then twice at the same moment: nothing more.
  const again = { entryId };
  await verifyService(w, liu, 60, again);
  await Promise.all([verifyService(w, liu, 60, again), verifyService(w, liu, 60, again)]);
  expect((await accountOf(w, liu))!.balance).toBe(300);

  const data = await w.app.run(
    `query($id: ID!) { node(id: $id) { ... on MoralBankAccount { statement { nodes { kind amount balanceAfter memo transaction { rate serviceMinutes sourceId } } } } } }`,
    {
      id: (await accountOf(w, liu))!.id,
    },
  );
  expect(data.node.statement.nodes).toEqual([
    { kind: 'EARN', amount: 300, balanceAfter: 300, memo: 'SHIFT', transaction: { rate: 5, serviceMinutes: 60, sourceId: entryId } },
  ]);
  expect(await ledger(w)).toMatchObject({ ok: true, entrySum: 0 });
});

test('the rate is per community and recorded on each earning; a correction debits', async () => {
  const zhang = w.people[1];
  const rateMutation = `mutation($c: ID!, $r: Int!) { setMoralBankRate(communityId: $c, rate: $r) { communityRate { rate community { id } } ${ERRORS} } }`;
  expect(problemOf(await w.app.execute(rateMutation, { c: w.community.id, r: 0 }))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'rate',
  });
  expect(problemOf(await w.app.execute(rateMutation, { c: w.hall.id, r: 3 }))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'communityId',
  });
  expect(await mutate(w, rateMutation, { c: w.community.id, r: 3 })).toEqual({
    communityRate: { rate: 3, community: { id: w.community.id } },
    errors: [],
  });
  expect((await w.app.run('query($c: ID!) { moralBankRate(communityId: $c) }', { c: w.community.id })).moralBankRate).toBe(3);
  expect((await w.app.run('query($c: ID!) { moralBankRate(communityId: $c) }', { c: w.otherCommunity.id })).moralBankRate).toBe(5);
  await verifyService(w, zhang, 30);
  await verifyService(w, zhang, -10);
  const account = (await accountOf(w, zhang))!;
  expect(account.balance).toBe(60);
  const data = await w.app.run(
    `query($id: ID!) { node(id: $id) { ... on MoralBankAccount { statement { nodes { amount balanceAfter transaction { rate serviceMinutes } } } } } }`,
    { id: account.id },
  );
  // Newest first, each line with the balance right after it.
  expect(data.node.statement.nodes).toEqual([
    { amount: -30, balanceAfter: 60, transaction: { rate: 3, serviceMinutes: -10 } },
    { amount: 90, balanceAfter: 90, transaction: { rate: 3, serviceMinutes: 30 } },
  ]);
  // A correction larger than what is left is refused by the ledger (and logged): nothing written.
  const before = await countRows(w);
  await verifyService(w, zhang, -100);
  expect(await countRows(w)).toEqual(before);
  expect((await accountOf(w, zhang))!.balance).toBe(60);
  await mutate(w, rateMutation, { c: w.community.id, r: 5 });
});

test('transfers and gifts are idempotent by client key: same body, first result; other body, refused', async () => {
  const [, , ma, wang] = w.people;
  await verifyService(w, ma, 40); // 200 minutes
  const from = (await accountOf(w, ma))!;
  const to = await openAccount(w, 'PERSON', wang.id, wang);
  const body = {
    fromAccountId: from.id,
    toAccountId: to.id,
    minutes: 50,
    kind: 'GIFT',
    memo: '赠与邻居',
    idempotencyKey: 'gift-ma-wang-0001',
  };

  const first = await transfer(w, ma, body);
  expect(problemOf(first)).toBeUndefined();
  const tx = first.data!.transferMoralBankMinutes.transaction;
  expect(tx).toMatchObject({ kind: 'GIFT', minutes: 50 });
  expect(tx.entries.map((e: { amount: number }) => e.amount)).toEqual([-50, 50]);

  const retries = await Promise.all([transfer(w, ma, body), transfer(w, ma, body)]);
  for (const r of retries) expect(r.data!.transferMoralBankMinutes.transaction.id).toBe(tx.id);
  const other = await transfer(w, ma, { ...body, minutes: 60 });
  expect(problemOf(other)).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'input.idempotencyKey' });
  expect(other.data!.transferMoralBankMinutes.transaction).toBeNull();
  expect((await accountOf(w, ma))!.balance).toBe(150);
  expect((await accountOf(w, wang))!.balance).toBe(50);

  // A brand-new key sent three times at once: one transfer.
  const racing = { ...body, minutes: 10, idempotencyKey: 'gift-ma-wang-0002' };
  const raced = await Promise.all([transfer(w, ma, racing), transfer(w, ma, racing), transfer(w, ma, racing)]);
  expect(new Set(raced.map((r) => r.data?.transferMoralBankMinutes.transaction.id)).size).toBe(1);
  expect((await accountOf(w, ma))!.balance).toBe(140);
});

test('a company deposits hours for its staff; only its members may spend its account', async () => {
  const firm = await openAccount(w, 'ORGANIZATION', w.company.id, w.staff);
  expect(firm.name).toBe('方庄信达科技有限公司');
  const staffAccount = await openAccount(w, 'PERSON', w.staff.id, w.staff);
  const outsider = w.people[4];
  // Fund the company through a reversal-free route: a member's earned minutes transferred in.
  await verifyService(w, w.staff, 60);
  const funded = await transfer(w, w.staff, {
    fromAccountId: staffAccount.id,
    toAccountId: firm.id,
    minutes: 200,
    idempotencyKey: 'fund-firm-0001',
  });
  expect(problemOf(funded)).toBeUndefined();
  const denied = await transfer(w, outsider, {
    fromAccountId: firm.id,
    toAccountId: staffAccount.id,
    minutes: 10,
    idempotencyKey: 'steal-firm-0001',
  });
  expect(problemOf(denied)).toMatchObject({ code: 'NOT_ACCOUNT_HOLDER', field: 'input.fromAccountId' });
  const deposit = await transfer(w, w.staff, {
    fromAccountId: firm.id,
    toAccountId: staffAccount.id,
    minutes: 120,
    idempotencyKey: 'deposit-staff-0001',
    memo: '集团客户为员工存入',
  });
  expect(problemOf(deposit)).toBeUndefined();
  const data = await w.app.run(
    'query($id: ID!) { node(id: $id) { ... on Organization { moralBankAccounts { nodes { name balance holderKind holderId } } } } }',
    { id: w.company.id },
  );
  expect(data.node.moralBankAccounts.nodes).toEqual([
    { name: '方庄信达科技有限公司', balance: 80, holderKind: 'ORGANIZATION', holderId: w.company.id },
  ]);
});

test('bad amounts, self-transfers, unknown, unseen and foreign accounts are refused with typed errors and write nothing', async () => {
  const [liu, zhang] = w.people;
  const from = (await accountOf(w, liu))!;
  const to = (await accountOf(w, zhang))!;
  // Accounts of another community's bank: one of district 1 (liu sees it), one of the canary district (nobody of district 1 does).
  const foreign = await mutate(
    w,
    `mutation($c: ID!, $h: ID!) { openMoralBankAccount(communityId: $c, holderKind: PERSON, holderId: $h) { account { id } ${ERRORS} } }`,
    {
      c: w.otherCommunity.id,
      h: w.neighbour.id,
    },
  );
  const canary = await mutate(
    w,
    `mutation($c: ID!, $h: ID!) { openMoralBankAccount(communityId: $c, holderKind: PERSON, holderId: $h) { account { id } ${ERRORS} } }`,
    {
      c: w.canary.community.id,
      h: w.canary.person.id,
    },
  );
  const ok = { fromAccountId: from.id, toAccountId: to.id, minutes: 10, idempotencyKey: 'bad-input-0000' };
  const madeUp = toGlobalId('MoralBankAccount', '00000000-0000-4000-8000-000000000000');
  const before = await countRows(w);
  const cases: [Record<string, unknown>, string, string | null][] = [
    [{ minutes: 0, idempotencyKey: 'bad-input-0001' }, 'INVALID_AMOUNT', 'input.minutes'],
    [{ minutes: -5, idempotencyKey: 'bad-input-0002' }, 'INVALID_AMOUNT', 'input.minutes'],
    [{ minutes: 10_000_000, idempotencyKey: 'bad-input-0003' }, 'INVALID_AMOUNT', 'input.minutes'],
    [{ toAccountId: from.id, idempotencyKey: 'bad-input-0004' }, 'SAME_ACCOUNT', 'input.toAccountId'],
    [{ toAccountId: madeUp, idempotencyKey: 'bad-input-0005' }, 'NOT_FOUND', 'input.toAccountId'],
    // Unseen answers exactly like made-up: nothing tells the canary account exists.
    [{ toAccountId: canary.account.id, idempotencyKey: 'bad-input-0005' }, 'NOT_FOUND', 'input.toAccountId'],
    [{ fromAccountId: canary.account.id, idempotencyKey: 'bad-input-0005' }, 'NOT_FOUND', 'input.fromAccountId'],
    [{ toAccountId: w.community.id, idempotencyKey: 'bad-input-0006' }, 'BAD_USER_INPUT', 'input.toAccountId'],
    // liu does not see the neighbouring community's accounts either.
    [{ toAccountId: foreign.account.id, idempotencyKey: 'bad-input-0007' }, 'NOT_FOUND', 'input.toAccountId'],
    [{ idempotencyKey: 'short' }, 'BAD_USER_INPUT', 'input.idempotencyKey'],
    [{ minutes: 100_000 - 1 + 1, idempotencyKey: 'bad-input-0008' }, 'INVALID_AMOUNT', 'input.minutes'],
    [{ minutes: 59_000, idempotencyKey: 'bad-input-0009' }, 'INSUFFICIENT_BALANCE', null],
  ];
  for (const [change, expected, field] of cases) {
    const result = await transfer(w, liu, { ...ok, ...change });
    const problem = problemOf(result);
    expect(problem).toMatchObject({ code: expected, field });
    expect(problem!.message.length).toBeGreaterThan(20);
    expect(result.data!.transferMoralBankMinutes.transaction).toBeNull();
  }
  // The district's social worker sees both banks, but minutes move only within one.
  const crossBank = await transfer(w, w.districtWorker, { ...ok, toAccountId: foreign.account.id, idempotencyKey: 'bad-input-0010' });
  expect(problemOf(crossBank)).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'input.toAccountId' });
  const unseen = problemOf(await transfer(w, liu, { ...ok, toAccountId: canary.account.id }));
  const made = problemOf(await transfer(w, liu, { ...ok, toAccountId: madeUp }));
  expect(unseen!.message).toBe(made!.message);
  // Fractional minutes never reach the resolver: the schema says Int.
  const fractional = await transfer(w, liu, { ...ok, minutes: 1.5 });
  expect(fractional.errors?.[0]?.message).toMatch(/Int cannot represent non-integer value: 1.5/);
  // Transfers record the person who moved minutes: anonymous callers and keys are refused before any account is looked up.
  const query = `mutation($input: MoralBankTransferInput!) { transferMoralBankMinutes(input: $input) { transaction { id } ${ERRORS} } }`;
  expect(code(await w.app.execute(query, { input: ok }, { caller: null }))).toBe('UNAUTHENTICATED');
  expect(code(await w.app.execute(query, { input: ok }, { caller: w.districtKey }))).toBe('UNAUTHENTICATED');
  expect(await countRows(w)).toEqual(before);
});

test('fifty concurrent spends: exactly the affordable ones succeed and the balance never goes below zero', async () => {
  const spender = w.people[5];
  const receiver = w.people[6];
  await verifyService(w, spender, 47); // 235 minutes: 23 spends of 10 fit
  const from = (await accountOf(w, spender))!;
  const to = await openAccount(w, 'PERSON', receiver.id, receiver);
  const results = await Promise.all(
    Array.from({ length: 50 }, (_, i) =>
      transfer(w, spender, {
        fromAccountId: from.id,
        toAccountId: to.id,
        minutes: 10,
        idempotencyKey: `spend-50-${String(i).padStart(4, '0')}`,
      }),
    ),
  );
  const ok = results.filter((r) => !problemOf(r));
  const refused = results.map((r) => problemOf(r)).filter((p) => p !== undefined);
  // Counted by outcome, so a failure names what the odd ones got (a fault, a wrong refusal).
  const outcomes: Record<string, number> = {};
  for (const problem of results.map((r) => problemOf(r))) {
    const outcome = !problem ? 'ok' : problem.code === 'INSUFFICIENT_BALANCE' ? problem.code : `${problem.code}: ${problem.message}`;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  }
  expect(outcomes).toEqual({ ok: 23, INSUFFICIENT_BALANCE: 27 });
  expect(ok).toHaveLength(23);
  for (const problem of refused) {
    expect(problem.code).toBe('INSUFFICIENT_BALANCE');
    expect(problem.message).toMatch(/^Insufficient balance: account 赵志强 has \d+ minutes and this needs 10/);
  }
  expect((await accountOf(w, spender))!.balance).toBe(5);
  expect((await accountOf(w, receiver))!.balance).toBe(230);
  expect(await ledger(w)).toMatchObject({ ok: true, entrySum: 0, balanceMismatches: { nodes: [] }, unbalancedTransactions: [] });
});

test('the ledger is append-only and balanced by the database itself, not only by code', async () => {
  const em = w.app.platform.orm.em.fork();
  await expect(em.execute('UPDATE moral_bank.entry SET amount = amount + 1')).rejects.toThrow(/append-only/);
  await expect(em.execute('DELETE FROM moral_bank.entry')).rejects.toThrow(/append-only/);
  await expect(em.execute("UPDATE moral_bank.ledger_transaction SET memo = 'x'")).rejects.toThrow(/append-only/);
  await expect(em.execute('UPDATE moral_bank.account SET balance = balance + 100')).rejects.toThrow(/only through ledger entries/);
  const [acct] = await em.execute("SELECT id, community_id FROM moral_bank.account WHERE holder_kind = 'person' LIMIT 1");
  // A one-sided transaction fails at commit (the deferred double-entry check).
  await expect(
    em.transactional(async (tx) => {
      await tx.execute(
        "INSERT INTO moral_bank.ledger_transaction (id, community_id, kind, minutes, occurred_at) VALUES ('00000000-0000-4000-8000-0000000000aa', ?, 'transfer', 100, now())",
        [acct.community_id],
      );
      await tx.execute(
        "INSERT INTO moral_bank.entry (transaction_id, account_id, amount, occurred_at) VALUES ('00000000-0000-4000-8000-0000000000aa', ?, 100, now())",
        [acct.id],
      );
    }),
  ).rejects.toThrow(/unbalanced/);
  expect(await ledger(w)).toMatchObject({ ok: true });
});

test('the double-entry check runs on one plan per connection, however skewed the statistics (migration 0003)', async () => {
  // A distribution to many accounts is one transaction of many entries: until the next ANALYZE the
  // planner then prices any transaction's lookup far above a custom plan's, and replanned each call.
  const [check] = await w.app.platform.orm.em
    .fork()
    .execute<{ proconfig: string[] | null }[]>(
      `SELECT proconfig FROM pg_proc WHERE oid = 'moral_bank.check_transaction_balanced'::regproc`,
    );
  expect(check?.proconfig).toContain('plan_cache_mode=force_generic_plan');
});

test('the double-entry check reads by key however small the ledger was when it planned (migration 0004)', async () => {
  // Its generic plan is made once per connection: made on a ledger of a page or two, a plan
  // scanning the whole table would be kept as the ledger grew.
  const plans = await w.app.platform.orm.em.fork().transactional(async (tx) => {
    await tx.execute('ANALYZE moral_bank.ledger_transaction, moral_bank.entry');
    const [check] = await tx.execute<{ proconfig: string[] }[]>(
      `SELECT proconfig FROM pg_proc WHERE oid = 'moral_bank.check_transaction_balanced'::regproc`,
    );
    // The function's own settings, as it runs with them.
    for (const setting of check.proconfig) {
      const [name, value] = setting.split('=');
      await tx.execute('SELECT set_config(?, ?, true)', [name, value]);
    }
    const planOf = async (name: string, sql: string) => {
      await tx.execute(`PREPARE ${name} (uuid) AS ${sql}`);
      const rows = await tx.execute<{ 'QUERY PLAN': string }[]>(`EXPLAIN EXECUTE ${name} ('00000000-0000-4000-8000-000000000001')`);
      await tx.execute(`DEALLOCATE ${name}`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    };
    return [
      await planOf('balance_check_sum', 'SELECT sum(amount) FROM moral_bank.entry WHERE transaction_id = $1'),
      await planOf('balance_check_minutes', 'SELECT minutes FROM moral_bank.ledger_transaction WHERE id = $1'),
    ];
  });
  for (const plan of plans) expect(plan).not.toMatch(/Seq Scan/);
  expect(plans[1]).toMatch(/Index Scan using ledger_transaction_pkey/);
});

test('a transaction is corrected by a reversing transaction, once', async () => {
  const [, , ma, wang] = w.people;
  const from = (await accountOf(w, ma))!;
  const to = (await accountOf(w, wang))!;
  const sent = await transfer(w, ma, { fromAccountId: from.id, toAccountId: to.id, minutes: 20, idempotencyKey: 'to-reverse-0001' });
  const id = sent.data!.transferMoralBankMinutes.transaction.id;
  const reverse = (caller = w.staff) =>
    w.app.execute(
      `mutation($id: ID!) { reverseMoralBankTransaction(transactionId: $id, reason: "转错了人") { transaction { id kind minutes reverses { id kind } entries { amount } } ${ERRORS} } }`,
      { id },
      as(caller),
    );
  // Ma sees her transfer but does not manage the bank.
  expect(problemOf(await reverse(ma))).toMatchObject({ code: 'FORBIDDEN' });
  const reversed = await reverse();
  expect(reversed.data!.reverseMoralBankTransaction.transaction).toMatchObject({
    kind: 'REVERSAL',
    minutes: 20,
    reverses: { id, kind: 'TRANSFER' },
    entries: [{ amount: 20 }, { amount: -20 }],
  });
  expect(problemOf(await reverse())).toMatchObject({ code: 'CONFLICT', field: 'transactionId' });
  const twice = await w.app.execute(
    `mutation($id: ID!) { reverseMoralBankTransaction(transactionId: $id, reason: "再冲正") { transaction { id } ${ERRORS} } }`,
    { id: reversed.data!.reverseMoralBankTransaction.transaction.id },
    as(w.staff),
  );
  expect(problemOf(twice)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'transactionId' });
  // Minutes already spent cannot be taken back: the reversal would overdraw the receiver.
  const spent = await transfer(w, ma, { fromAccountId: from.id, toAccountId: to.id, minutes: 30, idempotencyKey: 'to-reverse-0002' });
  await transfer(w, wang, {
    fromAccountId: to.id,
    toAccountId: from.id,
    minutes: (await accountOf(w, wang))!.balance,
    idempotencyKey: 'drain-wang-0001',
  });
  const overdraw = await w.app.execute(
    `mutation($id: ID!) { reverseMoralBankTransaction(transactionId: $id, reason: "转错了") { transaction { id } ${ERRORS} } }`,
    { id: spent.data!.transferMoralBankMinutes.transaction.id },
    as(w.staff),
  );
  expect(code(overdraw)).toBe('INSUFFICIENT_BALANCE');
  expect(await ledger(w)).toMatchObject({ ok: true });
});

test('statements carry a running balance; monthly summaries and opt-in top contributors', async () => {
  const [liu] = w.people;
  w.clock.advance(31 * 86_400_000); // into July
  await verifyService(w, liu, 12);
  const account = (await accountOf(w, liu))!;
  const data = await w.app.run(
    `query($id: ID!, $from: DateTimeISO) { node(id: $id) { ... on MoralBankAccount { balance statement(from: $from) { nodes { kind amount balanceAfter counterparty } } } } }`,
    { id: account.id, from: '2026-07-01T00:00:00+08:00' },
  );
  expect(data.node.statement.nodes).toEqual([{ kind: 'EARN', amount: 60, balanceAfter: 360, counterparty: '社区道德银行发行账户' }]);
  expect(data.node.balance).toBe(360);

  const summary = await w.app.run(
    'query($c: ID!) { moralBankMonthlySummary(communityId: $c) { month serviceMinutes earnedMinutes spentMinutes transferredMinutes outstandingMinutes } }',
    {
      c: w.community.id,
    },
  );
  const [june, july] = summary.moralBankMonthlySummary;
  expect(june.month).toBe('2026-06');
  expect(july).toEqual({
    month: '2026-07',
    serviceMinutes: 12,
    earnedMinutes: 60,
    spentMinutes: 0,
    transferredMinutes: 0,
    outstandingMinutes: june.outstandingMinutes + 60,
  });
  const held = await w.app.run('query($c: ID!) { place(id: $c) { moralBankAccounts(first: 100) { nodes { holderKind balance } } } }', {
    c: w.community.id,
  });
  const holders = held.place.moralBankAccounts.nodes.filter((a: { holderKind: string }) => a.holderKind !== 'BANK');
  expect(july.outstandingMinutes).toBe(holders.reduce((s: number, a: { balance: number }) => s + a.balance, 0));

  const top = 'query($c: ID!) { moralBankTopContributors(communityId: $c) { nodes { account { name } serviceMinutes } } }';
  expect((await w.app.run(top, { c: w.community.id })).moralBankTopContributors.nodes).toEqual([]);
  const optIn = `mutation($a: ID!, $o: Boolean!) { setMoralBankRankingOptIn(accountId: $a, optIn: $o) { account { inRankings } ${ERRORS} } }`;
  expect(code(await w.app.execute(optIn, { a: account.id, o: true }, as(w.people[1])))).toBe('NOT_ACCOUNT_HOLDER');
  expect((await mutate(w, optIn, { a: account.id, o: true }, as(liu))).account).toEqual({ inRankings: true });
  await mutate(w, optIn, { a: (await accountOf(w, w.people[5]))!.id, o: true }, as(w.people[5]));
  expect((await w.app.run(top, { c: w.community.id })).moralBankTopContributors.nodes).toEqual([
    { account: { name: '刘淑珍' }, serviceMinutes: 72 },
    { account: { name: '赵志强' }, serviceMinutes: 47 },
  ]);
});

test('accounts on people, organisations and places are batched: one person or five cost the same statements', async () => {
  for (const person of [...w.people, w.staff]) await verifyService(w, person, 5);
  // Every organisation banks somewhere on its line of places, so each one's accounts are loaded.
  for (const [org, community] of [
    [w.subdistrictOffice, w.community],
    [w.otherCompany, w.otherCommunity],
    [w.canary.organization, w.canary.community],
  ] as const) {
    await mutate(
      w,
      `mutation($c: ID!, $h: ID!) { openMoralBankAccount(communityId: $c, holderKind: ORGANIZATION, holderId: $h) { ${ERRORS} } }`,
      {
        c: community.id,
        h: org.id,
      },
    );
  }
  const query = `query($n: Int!) { people(first: $n) { nodes { id moralBankAccounts { nodes { name balance activityPoints holderId community { name } person { name }
    bookings { nodes { id } } statement(first: 3) { nodes { amount balanceAfter counterparty transaction { kind entries { amount account { name } } } } } } } } } }`;
  await eventsDelivered(w);
  const one = await w.app.countStatements(() => w.app.run(query, { n: 1 }));
  const five = await w.app.countStatements(() => w.app.run(query, { n: 5 }));
  expect(five).toBe(one);
  const orgs = `query($n: Int!) { organizations(first: $n) { nodes { moralBankAccounts { nodes { name organization { name } } } } } }`;
  expect(await w.app.countStatements(() => w.app.run(orgs, { n: 5 }))).toBe(await w.app.countStatements(() => w.app.run(orgs, { n: 1 })));
  const places = `{ places: place(id: "${w.community.id}") { moralBankAccounts { nodes { name person { name } organization { name } } } } }`;
  const data = await w.app.run(places);
  expect(data.places.moralBankAccounts.nodes.length).toBeGreaterThan(5);
});

test('statements page newest first with the running balance right on every page; accounts and the ranking page too', async () => {
  const zhou = w.people[7];
  for (const minutes of [7, 11, 13, 17]) await verifyService(w, zhou, minutes); // posted at the same moment: seq orders them
  const account = (await accountOf(w, zhou))!;
  const STATEMENT = `query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $from: DateTimeISO) {
    node(id: $id) { ... on MoralBankAccount { statement(first: $first, after: $after, last: $last, before: $before, from: $from) {
      nodes { amount balanceAfter } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }`;
  const page = async (args: Record<string, unknown>) => (await w.app.run(STATEMENT, { id: account.id, ...args })).node.statement;
  const whole = (await page({ first: 100 })).nodes as { amount: number; balanceAfter: number }[];
  expect(whole.slice(0, 4).map((l) => l.amount)).toEqual([85, 65, 55, 35]);
  expect(whole[0].balanceAfter).toBe(account.balance);
  // Each line's balance is the older line's plus its amount, and the oldest is its own amount.
  whole.forEach((l, i) => expect(l.balanceAfter).toBe((whole[i + 1]?.balanceAfter ?? 0) + l.amount));

  const first = await page({ first: 2 });
  expect(first.nodes).toEqual(whole.slice(0, 2));
  expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  const second = await page({ first: 2, after: first.pageInfo.endCursor });
  expect(second.nodes).toEqual(whole.slice(2, 4));
  expect(second.pageInfo).toMatchObject({ hasNextPage: whole.length > 4, hasPreviousPage: true });
  expect((await page({ last: 2, before: second.pageInfo.startCursor })).nodes).toEqual(whole.slice(0, 2));
  expect((await page({ last: 1 })).nodes).toEqual(whole.slice(-1));
  // A cursor is bound to its list and filters.
  const elsewhere = await w.app.execute(STATEMENT, {
    id: account.id,
    first: 2,
    after: first.pageInfo.endCursor,
    from: '2026-01-01T00:00:00Z',
  });
  expect(problemOf(elsewhere)).toMatchObject({ code: 'BAD_USER_INPUT' });

  const ACCOUNTS = `query($c: ID!, $after: String) { place(id: $c) { moralBankAccounts(first: 3, after: $after) {
    nodes { name } pageInfo { hasNextPage endCursor } } } }`;
  const all = (
    await w.app.run('query($c: ID!) { place(id: $c) { moralBankAccounts(first: 100) { nodes { name } } } }', { c: w.community.id })
  ).place.moralBankAccounts.nodes;
  const one = (await w.app.run(ACCOUNTS, { c: w.community.id })).place.moralBankAccounts;
  const two = (await w.app.run(ACCOUNTS, { c: w.community.id, after: one.pageInfo.endCursor })).place.moralBankAccounts;
  expect([...one.nodes, ...two.nodes]).toEqual(all.slice(0, 6));
  expect(one.pageInfo.hasNextPage).toBe(true);

  const TOP = `query($c: ID!, $after: String) { moralBankTopContributors(communityId: $c, first: 1, after: $after) {
    nodes { account { name } } pageInfo { hasNextPage endCursor } } }`;
  const top = (await w.app.run(TOP, { c: w.community.id })).moralBankTopContributors;
  const next = (await w.app.run(TOP, { c: w.community.id, after: top.pageInfo.endCursor })).moralBankTopContributors;
  expect([top.nodes, top.pageInfo.hasNextPage, next.nodes]).toEqual([
    [{ account: { name: '刘淑珍' } }],
    true,
    [{ account: { name: '赵志强' } }],
  ]);
});

test('a team account is kept by the person who opened it; the team gifts hours to a member', async () => {
  const [, , ma, wang, chen] = w.people;
  const team = await openAccount(w, 'TEAM', w.team.id, ma);
  // Named after the team, as the volunteer plugin knows it.
  expect(team).toMatchObject({ name: '新城京剧票友队', balance: 0, holderKind: 'TEAM', holderId: w.team.id });
  expect((await openAccount(w, 'TEAM', w.team.id, ma)).id).toBe(team.id); // opening twice: the same account
  const maAccount = (await accountOf(w, ma))!;
  const wangAccount = (await accountOf(w, wang))!;
  expect(
    problemOf(
      await transfer(w, ma, {
        fromAccountId: maAccount.id,
        toAccountId: team.id,
        minutes: 40,
        kind: 'GIFT',
        idempotencyKey: 'member-to-team-01',
      }),
    ),
  ).toBeUndefined();
  const denied = await transfer(w, chen, {
    fromAccountId: team.id,
    toAccountId: wangAccount.id,
    minutes: 10,
    kind: 'GIFT',
    idempotencyKey: 'team-gift-denied-1',
  });
  expect(problemOf(denied)).toMatchObject({ code: 'NOT_ACCOUNT_HOLDER' });
  const gift = await transfer(w, ma, {
    fromAccountId: team.id,
    toAccountId: wangAccount.id,
    minutes: 25,
    kind: 'GIFT',
    memo: '票友队赠与队员',
    idempotencyKey: 'team-gift-wang-01',
  });
  const { node } = await w.app.run(
    'query($id: ID!) { node(id: $id) { ... on MoralBankTransaction { kind memo actor { name } entries { amount account { name } } } } }',
    {
      id: gift.data!.transferMoralBankMinutes.transaction.id,
    },
  );
  expect(node).toEqual({
    kind: 'GIFT',
    memo: '票友队赠与队员',
    actor: { name: '马秀兰' },
    entries: [
      { amount: -25, account: { name: '新城京剧票友队' } },
      { amount: 25, account: { name: '王建国' } },
    ],
  });
});

test('malformed verified service is ignored with a warning, never credited', async () => {
  const before = await countRows(w);
  w.logs.length = 0;
  await verifyService(w, w.people[0], 1.5);
  await verifyService(w, w.people[0], 0);
  await verifyService(w, w.people[0], 100_000);
  await verifyService(w, w.people[0], 30, { communityId: w.hall.uuid }); // a venue, not a community
  expect(await countRows(w)).toEqual(before);
  expect(w.logs.filter((l) => l.level === 'warn')).toHaveLength(4);
});
