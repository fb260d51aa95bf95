import type { GongzhiEvent } from '@gongzhi/core';
import { createTestApp, createTestClock } from '@gongzhi/core/testing';
import { as, createWorld, ERRORS, mutate, openAccount, plugins, verifyService } from './fixture.js';

test('the demo seed opens 新城区社区’s bank in Chinese, balanced, and seeding twice adds nothing', async () => {
  const clock = createTestClock('2026-06-01T09:00:00+08:00');
  const app = await createTestApp({ plugins, seed: true, clock: clock.now });
  try {
    const counts = async () =>
      (
        await app.platform.orm.em
          .fork()
          .execute(
            'SELECT (SELECT count(*) FROM moral_bank.account)::int AS a, (SELECT count(*) FROM moral_bank.entry)::int AS e, (SELECT count(*) FROM moral_bank.booking)::int AS b',
          )
      )[0];
    const first = await counts();
    expect(first).toMatchObject({ b: 1 });
    await app.platform.seed();
    expect(await counts()).toEqual(first);

    const { places } = await app.run(
      '{ places(type: COMMUNITY) { nodes { id name moralBankAccounts { nodes { name holderKind balance } } } } }',
    );
    const xcq = places.nodes.find((p: { name: string }) => p.name === '新城区社区');
    const byName = Object.fromEntries(xcq.moralBankAccounts.nodes.map((a: { name: string; balance: number }) => [a.name, a.balance]));
    expect(byName).toMatchObject({ 新城京剧票友队: 780, 方庄信达科技有限公司: 900, 孙经理: 300, 刘淑珍: 900, 张德明: 450, 马秀兰: 600 });
    const check = await app.run('query($c: ID!) { verifyMoralBankLedger(communityId: $c) { ok entrySum } }', { c: xcq.id });
    expect(check.verifyMoralBankLedger).toEqual({ ok: true, entrySum: 0 });
    const top = await app.run(
      'query($c: ID!) { moralBankTopContributors(communityId: $c) { nodes { account { name } serviceMinutes } } }',
      {
        c: xcq.id,
      },
    );
    // Opted in: 马秀兰, her opera club (her service was for the team) and 刘淑珍; 张德明 did not opt in.
    const ranked = top.moralBankTopContributors.nodes.map((c: { account: { name: string }; serviceMinutes: number }) => [
      c.account.name,
      c.serviceMinutes,
    ]);
    expect(ranked.map((r: unknown[]) => r[1])).toEqual([300, 300, 180]);
    expect(new Set(ranked.map((r: unknown[]) => r[0]))).toEqual(new Set(['马秀兰', '新城京剧票友队', '刘淑珍']));
  } finally {
    await app.close();
  }
});

test('every ledger change and booking change is an event with a small payload, after commit', async () => {
  const w = await createWorld(2);
  try {
    const seen: GongzhiEvent[] = [];
    w.app.platform.events.on('moral-bank.transaction-posted', (e) => void seen.push(e));
    w.app.platform.events.on('moral-bank.booking-changed', (e) => void seen.push(e));
    const [liu, zhang] = w.people;
    await verifyService(w, liu, 30);
    const to = await openAccount(w, 'PERSON', zhang.id, zhang);
    const from = (await w.app.run('query($id: ID!) { person(id: $id) { moralBankAccounts { nodes { id } } } }', { id: liu.id })).person
      .moralBankAccounts.nodes[0];
    await mutate(
      w,
      `mutation($i: MoralBankTransferInput!) { transferMoralBankMinutes(input: $i) { transaction { id } ${ERRORS} } }`,
      {
        i: { fromAccountId: from.id, toAccountId: to.id, minutes: 15, idempotencyKey: 'event-test-0001' },
      },
      as(liu),
    );
    await mutate(
      w,
      `mutation($input: MoralBankVenuePolicyInput!) { configureMoralBankVenue(input: $input) { policy { maxMinutes } ${ERRORS} } }`,
      {
        input: { venueId: w.hall.id, openingHours: [{ weekday: 2, opens: '08:00', closes: '21:00' }], maxMinutes: 60 },
      },
    );
    await mutate(
      w,
      `mutation($i: MoralBankBookingInput!) { bookMoralBankVenue(input: $i) { booking { id } ${ERRORS} } }`,
      {
        i: { venueId: w.hall.id, accountId: from.id, startsAt: '2026-06-02T10:00:00+08:00', endsAt: '2026-06-02T11:00:00+08:00' },
      },
      as(liu),
    );
    expect(
      seen.map((e) => [e.name, (e.payload as { kind?: string; status?: string }).kind ?? (e.payload as { status: string }).status]),
    ).toEqual([
      ['moral-bank.transaction-posted', 'earn'],
      ['moral-bank.transaction-posted', 'transfer'],
      ['moral-bank.transaction-posted', 'booking'],
      ['moral-bank.booking-changed', 'confirmed'],
    ]);
    expect(seen[3].payload).toMatchObject({ venueId: w.hall.uuid, placePath: w.hall.path });
    expect(seen[1].payload).toMatchObject({ communityId: w.community.uuid, placePath: w.community.path, minutes: 15 });
    for (const e of seen) expect(JSON.stringify(e.payload).length).toBeLessThan(1000);
  } finally {
    await w.app.close();
  }
});
