import { Person, Place, PlaceType } from '@gongzhi/core';
import { placeWriter, problemOf } from '@gongzhi/core/testing';
import { as, countRows, createWorld, ERRORS, verifyService, type World } from './fixture.js';

/**
 * Issue 17, item 6: time-bank depositors without a community role. 杜阿姨 serves with the
 * community's opera club but lives in another district (or nowhere the platform knows): her
 * verified service earns minutes in the community's bank, and as herself (a person token) she
 * reads her statement and books a venue with them.
 */
let w: World;
/** A depositor with no role and no household in the community (her home is in another community). */
let du: Person;
/** A person with no account anywhere, no role. */
let nobody: Person;

beforeAll(async () => {
  w = await createWorld(2);
  const em = w.app.platform.orm.em.fork();
  const place = placeWriter(em);
  const elsewhere = place(PlaceType.HOUSEHOLD, 'CYL-9-101', '9号楼101', await em.findOneOrFail(Place, { uuid: w.otherCommunity.uuid }));
  du = em.create(Person, { name: '杜阿姨', household: elsewhere });
  nobody = em.create(Person, { name: '路人' });
  await em.flush();
  await verifyService(w, du, 60); // one hour of service: 300 minutes of venue time at "5 for 1"
  const configured = await w.app.execute(
    `mutation($input: MoralBankVenuePolicyInput!) { configureMoralBankVenue(input: $input) { policy { maxMinutes } ${ERRORS} } }`,
    {
      input: {
        venueId: w.hall.id,
        openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' })),
        maxMinutes: 180,
      },
    },
    as(w.staff),
  );
  expect(problemOf(configured)).toBeUndefined();
});
afterAll(() => w?.app.close());

const MY_ACCOUNTS = `query($me: ID!) { person(id: $me) { moralBankAccounts { nodes {
  id balance community { name }
  statement { nodes { kind amount balanceAfter memo counterparty transaction { kind minutes rate serviceMinutes entries { amount account { name } } } } }
  bookings { nodes { status venue { name } } }
} } } }`;

test('item 6: a depositor without a community role reads her own statement, transactions included', async () => {
  const result = await w.app.execute(MY_ACCOUNTS, { me: du.id }, as(du));
  expect(result.errors).toBeUndefined();
  expect(result.data!.person.moralBankAccounts.nodes).toEqual([
    {
      id: expect.any(String),
      balance: 300,
      community: { name: '新城区社区' },
      statement: {
        nodes: [
          {
            kind: 'EARN',
            amount: 300,
            balanceAfter: 300,
            memo: expect.any(String),
            counterparty: '社区道德银行发行账户',
            transaction: {
              kind: 'EARN',
              minutes: 300,
              rate: 5,
              serviceMinutes: 60,
              entries: expect.arrayContaining([
                { amount: 300, account: { name: '杜阿姨' } },
                { amount: -300, account: { name: '社区道德银行发行账户' } },
              ]),
            },
          },
        ],
      },
      bookings: { nodes: [] },
    },
  ]);
});

test('item 6: she books a venue of that community with her minutes and sees the booking; a person without an account may not', async () => {
  const mine = (await w.app.execute(MY_ACCOUNTS, { me: du.id }, as(du))).data!.person.moralBankAccounts.nodes[0];
  const BOOK = `mutation($input: MoralBankBookingInput!) { bookMoralBankVenue(input: $input) { booking { status minutes venue { name } account { balance } debitTransaction { minutes } } ${ERRORS} } }`;
  const input = {
    venueId: w.hall.id,
    accountId: mine.id,
    startsAt: '2026-06-02T10:00:00+08:00',
    endsAt: '2026-06-02T12:00:00+08:00',
    purpose: '京剧排练',
  };
  const booked = await w.app.execute(BOOK, { input }, as(du));
  expect(booked.errors).toBeUndefined();
  expect(booked.data!.bookMoralBankVenue).toEqual({
    booking: {
      status: 'CONFIRMED',
      minutes: 120,
      venue: { name: '排练厅' },
      account: { balance: 180 },
      debitTransaction: { minutes: 120 },
    },
    errors: [],
  });
  const after = await w.app.execute(MY_ACCOUNTS, { me: du.id }, as(du));
  expect(after.errors).toBeUndefined();
  const account = after.data!.person.moralBankAccounts.nodes[0];
  expect(
    account.statement.nodes.map((l: { kind: string; amount: number; balanceAfter: number }) => [l.kind, l.amount, l.balanceAfter]),
  ).toEqual([
    ['BOOKING', -120, 180],
    ['EARN', 300, 300],
  ]);
  expect(account.bookings.nodes).toEqual([{ status: 'CONFIRMED', venue: { name: '排练厅' } }]);

  // Someone with no account in that bank: the venue is a made-up id to them, and nothing is written.
  const before = await countRows(w);
  const refused = await w.app.execute(
    BOOK,
    { input: { ...input, startsAt: '2026-06-03T10:00:00+08:00', endsAt: '2026-06-03T11:00:00+08:00' } },
    as(nobody),
  );
  expect(problemOf(refused)?.code).toBe('NOT_FOUND');
  expect(await countRows(w)).toEqual(before);
  // Nor does she see another depositor's statement lines.
  const other = await w.app.execute(
    'query($id: ID!) { node(id: $id) { ... on MoralBankAccount { balance } } }',
    { id: mine.id },
    as(nobody),
  );
  expect(other.data).toEqual({ node: null });
});
