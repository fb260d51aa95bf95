import { Organization, OrganizationKind, OrganizationMember, Person, Place, type UnitOfWork } from '@gongzhi/core';
import { bankAccountId, ensureAccount } from './account/account.commands.js';
import { AccountHolderKind } from './account/account.entity.js';
import type { MoralBankOptions } from './options.js';
import { recordTransaction } from './transaction/ledger.js';
import { TransactionKind } from './transaction/transaction.entity.js';
import { t } from './db.js';

/** Fixed id of the demo opera club (a volunteer team of the volunteer plugin, referred to by id only). */
export const DEMO_OPERA_CLUB_TEAM_ID = '6a0c8d1e-2019-4916-9a16-000000000916';
const source = (n: number) => `6a0c8d1e-5eed-4000-8000-${String(n).padStart(12, '0')}`;

/**
 * Demo data for 新城区社区's moral bank, in the words of the domain stories: the 5-for-1 rate,
 * the rehearsal hall and calligraphy room with their rules and a Saturday priority window, a
 * Peking-opera club paired with an elderly woman living alone since 2019-09-16, a company as a
 * group customer (集团客户) depositing hours for staff, two residents with earned hours, and a
 * booking. Seeding twice adds nothing (the community's issuance account marks it done).
 */
export async function seedMoralBank(em: UnitOfWork['em'], now: () => Date, options: MoralBankOptions): Promise<void> {
  const community = await em.findOne(Place, { code: 'DEMO-XCQ' });
  if (!community) return;
  const [done] = await em.execute(`SELECT 1 FROM ${t('account')} WHERE community_id = ? AND holder_kind = 'bank'`, [community.uuid]);
  if (done) return;
  const hall = await em.findOneOrFail(Place, { code: 'DEMO-XCQ-HALL' });
  const calligraphy = await em.findOneOrFail(Place, { code: 'DEMO-XCQ-CALLI' });

  const liu = em.create(Person, { name: '刘淑珍', phone: '13800000031' });
  const zhang = em.create(Person, { name: '张德明', phone: '13800000032' });
  const ma = em.create(Person, { name: '马秀兰', phone: '13800000033' });
  const sun = em.create(Person, { name: '孙经理', phone: '13800000034' });
  const company = em.create(Organization, { name: '方庄信达科技有限公司', kind: OrganizationKind.COMPANY, place: community });
  em.create(OrganizationMember, { organization: company, person: sun, role: '行政经理', joinedOn: '2021-03-01' });
  await em.flush();

  const at = now();
  const daysAgo = (d: number) => new Date(at.getTime() - d * 86_400_000);
  await em.execute(`INSERT INTO ${t('community_settings')} (community_id, rate) VALUES (?, 5) ON CONFLICT DO NOTHING`, [community.uuid]);
  const daily = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' }));
  for (const [venue, max, windows] of [
    [hall, 120, [{ weekday: 6, starts: '09:00', ends: '12:00', minPoints: 120, maxMinutes: 180 }]],
    [calligraphy, 90, []],
  ] as const) {
    await em.execute(
      `INSERT INTO ${t('venue_policy')} (venue_id, community_id, time_zone, opening_hours, max_minutes, refund_cutoff_minutes, no_show_forfeit_percent, priority_windows)
       VALUES (?, ?, ?, ?::jsonb, ?, 1440, 50, ?::jsonb) ON CONFLICT DO NOTHING`,
      [venue.uuid, community.uuid, options.timeZone, JSON.stringify(daily), max, JSON.stringify(windows)],
    );
  }

  const bank = await bankAccountId(em, community.uuid);
  const open = async (holder: Parameters<typeof ensureAccount>[2]) => (await ensureAccount(em, community.uuid, holder)).id;
  const liuAcct = await open({ kind: AccountHolderKind.PERSON, id: liu.uuid, name: liu.name });
  const zhangAcct = await open({ kind: AccountHolderKind.PERSON, id: zhang.uuid, name: zhang.name });
  const maAcct = await open({ kind: AccountHolderKind.PERSON, id: ma.uuid, name: ma.name });
  const sunAcct = await open({ kind: AccountHolderKind.PERSON, id: sun.uuid, name: sun.name });
  const club = await open({ kind: AccountHolderKind.TEAM, id: DEMO_OPERA_CLUB_TEAM_ID, name: '新城京剧票友队', keeperId: ma.uuid });
  const firm = await open({ kind: AccountHolderKind.ORGANIZATION, id: company.uuid, name: company.name });
  await em.execute(`UPDATE ${t('account')} SET in_rankings = true WHERE id IN (?, ?, ?)`, [liuAcct, maAcct, club]);

  const earn = async (n: number, account: string, minutes: number, memo: string, when: Date, teamId: string | null = null) =>
    recordTransaction(em, {
      communityId: community.uuid,
      kind: TransactionKind.EARN,
      legs: [
        { accountId: account, amount: minutes * 5 },
        { accountId: bank, amount: -minutes * 5 },
      ],
      rate: 5,
      serviceMinutes: minutes,
      sourceId: source(n),
      teamId,
      memo,
      occurredAt: when,
    });
  const move = async (
    kind: TransactionKind.GIFT | TransactionKind.TRANSFER,
    from: string,
    to: string,
    minutes: number,
    memo: string,
    actor: Person,
    when: Date,
    key: string,
  ) =>
    recordTransaction(em, {
      communityId: community.uuid,
      kind,
      legs: [
        { accountId: from, amount: -minutes },
        { accountId: to, amount: minutes },
      ],
      memo,
      actorId: actor.uuid,
      idempotencyKey: key,
      requestHash: key,
      occurredAt: when,
    });

  await earn(1, liuAcct, 120, 'SHIFT 社区疫情防控检查点值守', daysAgo(40));
  await earn(2, zhangAcct, 90, 'TASK 为独居老人代购药品', daysAgo(35));
  await earn(3, liuAcct, 60, 'TASK 陪同宋阿姨复诊', daysAgo(20));
  // The opera club, paired with 任奶奶 since 2019-09-16: members' visits count for the team.
  await earn(4, maAcct, 180, 'SHIFT 京剧票友队结对帮扶任奶奶（自2019-09-16起）', daysAgo(14), DEMO_OPERA_CLUB_TEAM_ID);
  await earn(5, maAcct, 120, 'SHIFT 京剧票友队为老人演出', daysAgo(7), DEMO_OPERA_CLUB_TEAM_ID);
  await earn(6, firm, 240, 'MANUAL 企业志愿服务日：清理楼道杂物', daysAgo(30));
  await move(TransactionKind.GIFT, maAcct, club, 900, '队员赠与票友队排练时长', ma, daysAgo(6), 'demo-gift-ma-club');
  await move(TransactionKind.TRANSFER, firm, sunAcct, 300, '集团客户为员工存入时长', sun, daysAgo(5), 'demo-deposit-firm-sun');

  // The club rehearses in the hall a week from now, 14:00–16:00 Beijing time (06:00–08:00 UTC).
  const day = new Date(at.getTime() + 7 * 86_400_000);
  const startsAt = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 6, 0));
  const endsAt = new Date(startsAt.getTime() + 120 * 60_000);
  const bookingId = '6a0c8d1e-b00c-4000-8000-000000000001';
  await em.execute(
    `INSERT INTO ${t('booking')} (id, venue_id, account_id, starts_at, ends_at, minutes, status, in_priority_window, priority_points, purpose, booked_by_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 120, 'confirmed', false, 0, '京剧票友队排练', ?, ?, ?)`,
    [bookingId, hall.uuid, club, startsAt, endsAt, ma.uuid, at, at],
  );
  const debit = await recordTransaction(em, {
    communityId: community.uuid,
    kind: TransactionKind.BOOKING,
    legs: [
      { accountId: club, amount: -120 },
      { accountId: bank, amount: 120 },
    ],
    bookingId,
    actorId: ma.uuid,
    memo: '排练厅 京剧票友队排练',
    occurredAt: at,
  });
  await em.execute(`UPDATE ${t('booking')} SET debit_transaction_id = ? WHERE id = ?`, [debit.transactionId, bookingId]);
}
