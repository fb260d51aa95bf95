import fc from 'fast-check';
import { problemOf } from '@gongzhi/core/testing';
import { accountOf, as, code, createWorld, ERRORS, ledger, mutate, verifyService, type World } from './fixture.js';

/**
 * Random sequences of earn, transfer, book and cancel against the real API, checked after
 * every step against a model: each outcome is the one the model predicts, every entry sum is
 * zero, and every cached balance equals the sum of its entries.
 */
let w: World;
const accountIds: string[] = [];
beforeAll(async () => {
  w = await createWorld(4);
  for (const person of w.people) {
    await verifyService(w, person, 10);
    accountIds.push((await accountOf(w, person))!.id);
  }
  await mutate(
    w,
    `mutation($input: MoralBankVenuePolicyInput!) { configureMoralBankVenue(input: $input) { policy { maxMinutes } ${ERRORS} } }`,
    {
      input: {
        venueId: w.chess.id,
        openingHours: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' })),
        maxMinutes: 120,
        refundCutoffMinutes: 1440,
        noShowForfeitPercent: 100,
      },
    },
  );
});
afterAll(() => w?.app.close());

type Command =
  | { op: 'earn'; who: number; minutes: number }
  | { op: 'transfer'; from: number; to: number; minutes: number }
  | { op: 'book'; who: number; day: number; hour: number; length: number }
  | { op: 'cancel'; pick: number };

const who = fc.integer({ min: 0, max: 3 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant('earn' as const), who, minutes: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ op: fc.constant('transfer' as const), from: who, to: who, minutes: fc.integer({ min: 1, max: 400 }) }),
  fc.record({
    op: fc.constant('book' as const),
    who,
    day: fc.integer({ min: 0, max: 3 }),
    hour: fc.integer({ min: 8, max: 19 }),
    length: fc.constantFrom(30, 60, 90, 120),
  }),
  fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }),
);

/** The four accounts' balances, in one query. */
async function balances(): Promise<number[]> {
  const data = await w.app.run('query($id: ID!) { place(id: $id) { moralBankAccounts(first: 100) { nodes { id balance } } } }', {
    id: w.community.id,
  });
  const byId = new Map(data.place.moralBankAccounts.nodes.map((a: { id: string; balance: number }) => [a.id, a.balance]));
  return accountIds.map((id) => byId.get(id) as number);
}

let run = 0;
let keys = 0;

test('random earn / transfer / book / cancel sequences keep the ledger balanced and the balances right', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 3, maxLength: 10 }), async (commands) => {
      // Each run lives in its own week, so earlier runs' bookings never interfere.
      run++;
      const monday = new Date(Date.parse('2026-06-01T09:00:00+08:00') + run * 7 * 86_400_000);
      w.clock.set(monday);
      const model = await balances();
      const bookings: { id: string; who: number; from: number; to: number; minutes: number; active: boolean }[] = [];

      for (const c of commands) {
        if (c.op === 'earn') {
          await verifyService(w, w.people[c.who], c.minutes);
          model[c.who] += c.minutes * 5;
        } else if (c.op === 'transfer') {
          const result = await w.app.execute(
            `mutation($input: MoralBankTransferInput!) { transferMoralBankMinutes(input: $input) { transaction { minutes } ${ERRORS} } }`,
            {
              input: {
                fromAccountId: accountIds[c.from],
                toAccountId: accountIds[c.to],
                minutes: c.minutes,
                idempotencyKey: `property-${++keys}`,
              },
            },
            as(w.people[c.from]),
          );
          const expected = c.from === c.to ? 'SAME_ACCOUNT' : model[c.from] < c.minutes ? 'INSUFFICIENT_BALANCE' : undefined;
          expect(code(result)).toBe(expected);
          if (!expected) {
            model[c.from] -= c.minutes;
            model[c.to] += c.minutes;
          }
        } else if (c.op === 'book') {
          const from = monday.getTime() + (c.day + 1) * 86_400_000 + (c.hour - 9) * 3600_000;
          const to = from + c.length * 60_000;
          const result = await w.app.execute(
            `mutation($input: MoralBankBookingInput!) { bookMoralBankVenue(input: $input) { booking { id } ${ERRORS} } }`,
            {
              input: {
                venueId: w.chess.id,
                accountId: accountIds[c.who],
                startsAt: new Date(from).toISOString(),
                endsAt: new Date(to).toISOString(),
              },
            },
            as(w.people[c.who]),
          );
          const clash = bookings.some((b) => b.active && b.from < to && from < b.to);
          const expected = clash ? 'SLOT_TAKEN' : model[c.who] < c.length ? 'INSUFFICIENT_BALANCE' : undefined;
          expect(code(result)).toBe(expected);
          if (!expected) {
            model[c.who] -= c.length;
            bookings.push({ id: result.data!.bookMoralBankVenue.booking.id, who: c.who, from, to, minutes: c.length, active: true });
          }
        } else {
          const active = bookings.filter((b) => b.active);
          if (active.length === 0) continue;
          const b = active[c.pick % active.length];
          const result = await w.app.execute(
            `mutation($id: ID!) { cancelMoralBankBooking(bookingId: $id) { booking { status } ${ERRORS} } }`,
            { id: b.id },
            as(w.people[b.who]),
          );
          expect(problemOf(result)).toBeUndefined();
          b.active = false;
          if (b.from - w.clock.now().getTime() >= 1440 * 60_000) model[b.who] += b.minutes;
        }
        const check = await ledger(w);
        expect(check).toMatchObject({
          ok: true,
          entrySum: 0,
          balanceMismatches: { nodes: [] },
          unbalancedTransactions: [],
          accountsBelowFloor: [],
        });
        expect(await balances()).toEqual(model);
      }
    }),
    { numRuns: 10, endOnFailure: true },
  );
});
