import { ERASED_NAME, fromGlobalId, type Person } from '@gongzhi/core';
import { problemOf } from '@gongzhi/core/testing';
import moralBank from '../src/index.js';
import {
  accountOf,
  as,
  countRows,
  createWorld,
  ERRORS,
  ledger,
  mutate,
  openAccount,
  transfer,
  verifyService,
  type World,
} from './fixture.js';

/**
 * Erasing a person's personal data (`erasePersonalData`, PIPL art. 47) in the moral bank: 刘淑珍
 * earned minutes, keeps the opera club's account, gave minutes away, opted in to the rankings and
 * booked the hall (a confirmed booking, a pending priority request, one for the club). 张德明's
 * data must stay as it was, and the ledger must still balance with every balance unchanged.
 */
let w: World;
let liu: Person;
let zhang: Person;
let liuAccount: string;
let teamAccount: string;
let giftToZhang: string;

const ERASE = `mutation ($input: ErasePersonalDataInput!) {
  erasePersonalData(input: $input) { erasure { records { owner entity rows treatment } } ${ERRORS} }
}`;
const ACCOUNTS = `query($c: ID!) { place(id: $c) { moralBankAccounts(first: 100) { nodes {
  id name balance holderKind inRankings person { name }
  bookings { nodes { status startsAt purpose } }
} } } }`;
const STATEMENT = `query($id: ID!) { node(id: $id) { ... on MoralBankAccount { statement { nodes { kind amount memo counterparty } } } } }`;
const TOP = 'query($c: ID!) { moralBankTopContributors(communityId: $c) { nodes { account { name } serviceMinutes } } }';
const GIFT = 'query($id: ID!) { node(id: $id) { ... on MoralBankTransaction { kind minutes memo actor { name } entries { amount } } } }';

const accounts = async () => (await w.app.run(ACCOUNTS, { c: w.community.id })).place.moralBankAccounts.nodes;
const statement = async (id: string) => (await w.app.run(STATEMENT, { id })).node.statement.nodes;
const top = async () => (await w.app.run(TOP, { c: w.community.id })).moralBankTopContributors.nodes;

function book(person: Person, accountId: string, startsAt: string, endsAt: string, purpose: string) {
  const query = `mutation($input: MoralBankBookingInput!) { bookMoralBankVenue(input: $input) { booking { status } ${ERRORS} } }`;
  return mutate(w, query, { input: { venueId: w.hall.id, accountId, startsAt, endsAt, purpose } }, as(person));
}

async function gift(from: Person, fromAccountId: string, toAccountId: string, minutes: number, memo: string, idempotencyKey: string) {
  const result = await transfer(w, from, { fromAccountId, toAccountId, minutes, kind: 'GIFT', memo, idempotencyKey });
  expect(problemOf(result)).toBeUndefined();
  return result.data!.transferMoralBankMinutes.transaction.id as string;
}

beforeAll(async () => {
  w = await createWorld(2);
  [liu, zhang] = w.people;
  await verifyService(w, liu, 60); // 300 minutes each at "5 for 1"
  await verifyService(w, zhang, 60);
  liuAccount = (await accountOf(w, liu))!.id;
  const zhangAccount = (await accountOf(w, zhang))!.id;
  teamAccount = (await openAccount(w, 'TEAM', w.team.id, liu)).id; // 刘淑珍 keeps the club's account
  const configure = `mutation($input: MoralBankVenuePolicyInput!) { configureMoralBankVenue(input: $input) { policy { maxMinutes } ${ERRORS} } }`;
  await mutate(
    w,
    configure,
    {
      input: {
        venueId: w.hall.id,
        openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' })),
        maxMinutes: 120,
        priorityWindows: [{ weekday: 6, starts: '09:00', ends: '12:00', minPoints: 30, maxMinutes: 180 }],
      },
    },
    as(w.staff),
  );

  await gift(liu, liuAccount, teamAccount, 100, '刘淑珍赠与票友队', 'gift-liu-team-01');
  giftToZhang = await gift(liu, liuAccount, zhangAccount, 50, '刘淑珍送给张德明', 'gift-liu-zhang-01');
  const optIn = `mutation($a: ID!) { setMoralBankRankingOptIn(accountId: $a, optIn: true) { account { inRankings } ${ERRORS} } }`;
  await mutate(w, optIn, { a: liuAccount }, as(liu));
  await mutate(w, optIn, { a: zhangAccount }, as(zhang));

  const booked = [
    await book(liu, liuAccount, '2026-06-02T10:00:00+08:00', '2026-06-02T11:00:00+08:00', '刘淑珍孙子的生日会'),
    await book(liu, liuAccount, '2026-06-06T09:00:00+08:00', '2026-06-06T10:00:00+08:00', '刘淑珍的太极拳课'), // a priority window
    await book(liu, teamAccount, '2026-06-03T14:00:00+08:00', '2026-06-03T15:00:00+08:00', '京剧票友队排练'),
    await book(zhang, zhangAccount, '2026-06-04T10:00:00+08:00', '2026-06-04T11:00:00+08:00', '张德明的棋友聚会'),
  ];
  expect(booked.map((b) => b.booking.status)).toEqual(['CONFIRMED', 'REQUESTED', 'CONFIRMED', 'CONFIRMED']);
});
afterAll(() => w?.app.close());

test("an erasure forgets what the bank keeps only for the person, keeps the ledger whole, and leaves others' data alone", async () => {
  const before = await accounts();
  const rowsBefore = await countRows(w);
  const zhangStatement = await statement(before.find((a: { name: string }) => a.name === '张德明').id);
  expect(zhangStatement).toContainEqual({ kind: 'GIFT', amount: 50, memo: '刘淑珍送给张德明', counterparty: '刘淑珍' });
  expect(await top()).toEqual(
    expect.arrayContaining([
      { account: { name: '刘淑珍' }, serviceMinutes: 60 },
      { account: { name: '张德明' }, serviceMinutes: 60 },
    ]),
  );

  const { erasePersonalData } = await w.app.run(ERASE, { input: { personId: liu.id, reason: '本人 2026-06-01 书面申请' } });
  expect(erasePersonalData.errors).toEqual([]);
  const records = erasePersonalData.erasure.records.filter((r: { owner: string }) => r.owner === 'moral-bank');
  const { entities } = moralBank.personalData!;
  expect(records).toEqual([
    // 刘淑珍's account renamed and out of the rankings; the club's account no longer kept by her.
    { owner: 'moral-bank', entity: 'MoralBankAccount', rows: 2, treatment: entities.MoralBankAccount },
    // Her priority request deleted; her confirmed booking's purpose cleared (the club's booking untouched).
    { owner: 'moral-bank', entity: 'MoralBankBooking', rows: 2, treatment: entities.MoralBankBooking },
    { owner: 'moral-bank', entity: 'MoralBankTransaction', rows: 0, treatment: entities.MoralBankTransaction },
  ]);

  // Her account stays with its balance, under the pseudonymised name; only her confirmed booking
  // stays, without its purpose. The club's account and 张德明's are as they were.
  const expected = before.map((account: { id: string; bookings: { nodes: { status: string }[] } }) =>
    account.id === liuAccount
      ? {
          ...account,
          name: ERASED_NAME,
          inRankings: false,
          person: { name: ERASED_NAME },
          bookings: { nodes: account.bookings.nodes.filter((b) => b.status !== 'REQUESTED').map((b) => ({ ...b, purpose: null })) },
        }
      : account,
  );
  const after = await accounts();
  expect(after).toEqual(expect.arrayContaining(expected));
  expect(after).toHaveLength(before.length);
  const erased = after.find((a: { id: string }) => a.id === liuAccount);
  expect(erased).toMatchObject({ balance: 300 - 100 - 50 - 60, bookings: { nodes: [{ status: 'CONFIRMED', purpose: null }] } });
  expect(after.find((a: { id: string }) => a.id === teamAccount)).toMatchObject({
    name: '新城京剧票友队',
    balance: 40,
    bookings: { nodes: [{ status: 'CONFIRMED', purpose: '京剧票友队排练' }] },
  });

  // The ledger is untouched: it still balances, every balance is the sum of its entries; only the
  // pending request (nothing debited) is gone.
  expect(await ledger(w)).toMatchObject({ ok: true, entrySum: 0, unbalancedTransactions: [], accountsBelowFloor: [] });
  expect(await countRows(w)).toEqual({ ...rowsBefore, bookings: rowsBefore.bookings - 1 });
  // Her gift is kept as written (append-only), posted by the pseudonymised row; 张德明's statement
  // names her account by its new name.
  expect((await w.app.run(GIFT, { id: giftToZhang })).node).toEqual({
    kind: 'GIFT',
    minutes: 50,
    memo: '刘淑珍送给张德明',
    actor: { name: ERASED_NAME },
    entries: [{ amount: -50 }, { amount: 50 }],
  });
  expect(await statement(before.find((a: { name: string }) => a.name === '张德明').id)).toEqual(
    zhangStatement.map((line: { counterparty: string }) =>
      line.counterparty === '刘淑珍' ? { ...line, counterparty: ERASED_NAME } : line,
    ),
  );
  // Out of the rankings; 张德明 stays.
  expect(await top()).toEqual([{ account: { name: '张德明' }, serviceMinutes: 60 }]);
  // She no longer signs in, and no longer keeps the club's account (which the API does not show), which keeps its minutes.
  const spend = await transfer(w, liu, {
    fromAccountId: teamAccount,
    toAccountId: liuAccount,
    minutes: 10,
    idempotencyKey: 'after-erasure-01',
  });
  expect(problemOf(spend)).toMatchObject({ code: 'UNAUTHENTICATED' });
  const [club] = await w.app.platform.orm.em
    .fork()
    .execute<{ keeper_id: string | null }[]>('SELECT keeper_id FROM moral_bank.account WHERE id = ?', [fromGlobalId(teamAccount)!.id]);
  expect(club).toEqual({ keeper_id: null });
  expect((await accounts()).find((a: { id: string }) => a.id === teamAccount).balance).toBe(40);

  // The erasure's audit entries hold none of the values erased.
  const audit = await w.app.run(
    `{ auditLog(first: 50, filter: { action: "person.erasePersonalData" }) { nodes { entityType changes { field before after } } } }`,
  );
  const text = JSON.stringify(audit.auditLog.nodes);
  for (const value of ['刘淑珍', '生日会', '太极拳']) expect(text).not.toContain(value);
});

test('staff name a new keeper for the team account its erased keeper left, who spends it again; a resident may not', async () => {
  const SET = `mutation($a: ID!, $k: ID!) { setMoralBankAccountKeeper(accountId: $a, keeperId: $k) { account { name } ${ERRORS} } }`;
  const refused = await w.app.execute(SET, { a: teamAccount, k: zhang.id }, as(zhang));
  expect(problemOf(refused)).toMatchObject({ code: 'FORBIDDEN' });
  await mutate(w, SET, { a: teamAccount, k: zhang.id }, as(w.staff));
  const zhangAccount = (await accountOf(w, zhang))!.id;
  const spent = await transfer(w, zhang, {
    fromAccountId: teamAccount,
    toAccountId: zhangAccount,
    minutes: 10,
    idempotencyKey: 'new-keeper-01',
  });
  expect(problemOf(spent)).toBeUndefined();
  expect((await accounts()).find((a: { id: string }) => a.id === teamAccount).balance).toBe(30);
  // Only a team account has a keeper.
  expect(problemOf(await w.app.execute(SET, { a: zhangAccount, k: zhang.id }, as(w.staff)))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'accountId',
  });
});
