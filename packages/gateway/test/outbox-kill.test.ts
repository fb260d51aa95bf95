/**
 * Effects of events survive a crash (issue 18, item 3): the real gateway process (`dist/cli.js
 * start`, its own data folder and ports) commits a verification of volunteer hours with its event
 * delivery held back (GONGZHI_OUTBOX_DELIVERY_DELAY_MS), is killed with -9 before delivering, and
 * is started again: its sweep delivers the outbox row, and the time bank credits the hours once.
 */
import { fromGlobalId, signPersonToken } from '@gongzhi/core';
import { freePort } from '@gongzhi/core/testing';
import { type CliRun, must, readyWithin, startCli, startReady, stop, until } from './cli-process.js';
import { TEST_ADMIN_KEY, tempDir } from './helpers.js';

const SECRET = 'a-secret-for-the-outbox-kill-test-0123456789';

const ACCOUNTS =
  'query($p: ID!) { person(id: $p) { moralBankAccounts { nodes { balance community { code } statement { nodes { kind amount memo } } } } } eventOutbox { pending failed { nodes { handler attempts lastError } } } }';

/** The volunteer's account in the community: balance and earnings (none yet: balance 0, no lines). */
async function account(url: string, volunteer: string) {
  const data = await must(url, ACCOUNTS, { p: volunteer }, TEST_ADMIN_KEY);
  const found = (
    data.person.moralBankAccounts.nodes as { balance: number; community: { code: string }; statement: { nodes: { kind: string }[] } }[]
  ).find((a) => a.community.code === 'DEMO-CYL');
  return {
    balance: found?.balance ?? 0,
    earnings: found?.statement.nodes.filter((line) => line.kind === 'EARN') ?? [],
    outbox: { pending: data.eventOutbox.pending as number, failed: data.eventOutbox.failed.nodes as unknown[] },
  };
}

test('a gateway killed with -9 between commit and delivery credits verified hours exactly once after restart', async () => {
  const { dir, remove } = await tempDir('gongzhi-outbox-kill-');
  const env = {
    GONGZHI_DATA_DIR: dir,
    GONGZHI_PG_PORT: String(await freePort()),
    PORT: String(await freePort()),
    GONGZHI_PLUGINS: '@gongzhi/plugin-volunteer,@gongzhi/plugin-moral-bank',
    GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY,
    GONGZHI_JWT_SECRET: SECRET,
    GONGZHI_OUTBOX_SWEEP_MS: '200',
  };
  const url = `http://127.0.0.1:${env.PORT}`;
  // The first process holds its deliveries back ten minutes: it will not live that long.
  const first = startCli({ ...env, GONGZHI_OUTBOX_DELIVERY_DELAY_MS: '600000' });
  let second: CliRun | null = null;
  try {
    await readyWithin(first);
    // A resident of 成仪路社区 volunteers; a new social worker of the community verifies.
    const { places } = await must(url, '{ places(type: COMMUNITY) { nodes { id code } } }', {}, TEST_ADMIN_KEY);
    const community = (places.nodes as { id: string; code: string }[]).find((p) => p.code === 'DEMO-CYL')!.id;
    const volunteer = (await must(url, 'query($c: ID!) { people(under: $c, first: 1) { nodes { id } } }', { c: community }, TEST_ADMIN_KEY))
      .people.nodes[0].id as string;
    const staff = (
      await must(
        url,
        'mutation { createPerson(input: { name: "测试社工" }) { person { id } errors { code message field } } }',
        {},
        TEST_ADMIN_KEY,
      )
    ).createPerson.person.id as string;
    await must(
      url,
      'mutation($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: SOCIAL_WORKER, startsOn: "2020-01-01") { role { id } errors { code message field } } }',
      { p: staff, c: community },
      TEST_ADMIN_KEY,
    );
    const token = (id: string) => signPersonToken(fromGlobalId(id)!.id, { secret: SECRET });
    const servedOn = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const entry = (
      await must(
        url,
        'mutation($input: ReportVolunteerHoursInput!) { reportVolunteerHours(input: $input) { entry { id } errors { code message field } } }',
        { input: { communityId: community, servedOn, minutes: 90, description: '陪同就医' } },
        await token(volunteer),
      )
    ).reportVolunteerHours.entry.id as string;
    const before = await account(url, volunteer);

    const verified = await must(
      url,
      'mutation($id: ID!) { verifyVolunteerHours(entryId: $id) { entry { status } errors { code message field } } }',
      { id: entry },
      await token(staff),
    );
    expect(verified.verifyVolunteerHours.entry.status).toBe('APPROVED');
    // Committed, not delivered: the delivery waits in the outbox, the account is as it was.
    const between = await account(url, volunteer);
    expect(between).toEqual({ ...before, outbox: { pending: 1, failed: [] } });

    await stop(first, 'SIGKILL');

    second = await startReady(env);
    // Credited, and the outbox drained (the credit may emit events of its own, delivered just after).
    const credited = await until('credited and the outbox drained', 30_000, async () => {
      const now = await account(url, volunteer);
      return now.earnings.length > before.earnings.length && now.outbox.pending === 0 ? now : undefined;
    });
    expect(credited.earnings.length).toBe(before.earnings.length + 1);
    expect(credited.balance).toBeGreaterThan(before.balance);
    expect(credited.outbox).toEqual({ pending: 0, failed: [] });
    // Several sweeps later, still once; and the ledger balances.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await account(url, volunteer)).toEqual(credited);
    const ledger = await must(url, '{ verifyMoralBankLedger { ok } }', {}, TEST_ADMIN_KEY);
    expect(ledger.verifyMoralBankLedger.ok).toBe(true);
  } finally {
    for (const run of [first, second]) await stop(run);
    await remove();
  }
}, 240_000);
