import { randomUUID } from 'node:crypto';
import {
  type Logger,
  Organization,
  OrganizationKind,
  OrganizationMember,
  Person,
  PersonRole,
  PersonRoleKind,
  Place,
  PlaceType,
  VenueKind,
} from '@gongzhi/core';
import { createTestApp, createTestClock, type TestApp, type TestClock } from '@gongzhi/core/testing';
import plugin from '../src/index.js';

/** A small district for moral-bank tests: one community with two venues, people, a company. */
export interface World {
  app: TestApp;
  clock: TestClock;
  logs: LogRecord[];
  community: Place;
  otherCommunity: Place;
  hall: Place;
  chess: Place;
  people: Person[];
  company: Organization;
  staff: Person;
}

/** Warnings and errors logged by the platform (failed after-commit handlers land here). */
export interface LogRecord {
  level: string;
  obj: unknown;
  msg?: string;
}

/** A logger (pino's shape) that keeps warnings and errors for assertions and ignores the rest. */
export function recordingLogger(records: LogRecord[]): Logger {
  const logger: Logger = new Proxy({} as Logger, {
    get(_, prop) {
      if (prop === 'child') return () => logger;
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      if (prop === 'level') return 'info';
      if (prop === 'warn' || prop === 'error' || prop === 'fatal')
        return (obj: unknown, msg?: string) => records.push({ level: String(prop), obj, msg });
      return () => undefined;
    },
  });
  return logger;
}

export async function createWorld(peopleCount = 6): Promise<World> {
  const clock = createTestClock('2026-06-01T09:00:00+08:00'); // a Monday
  const logs: LogRecord[] = [];
  const app = await createTestApp({ plugins: [plugin], clock: clock.now, logger: recordingLogger(logs) });
  const em = app.platform.orm.em.fork();
  const place = (type: PlaceType, code: string, name: string, parent: Place | null, extra: Partial<Place> = {}) => {
    const p = em.create(Place, { type, code, name, parent, path: '', depth: parent ? parent.depth + 1 : 0, ...extra });
    p.path = `${parent?.path ?? '/'}${p.uuid}/`;
    return p;
  };
  const district = place(PlaceType.DISTRICT, 'FT', '丰台区', null);
  const sub = place(PlaceType.SUBDISTRICT, 'FZ', '方庄街道', district);
  const community = place(PlaceType.COMMUNITY, 'XCQ', '新城区社区', sub);
  const otherCommunity = place(PlaceType.COMMUNITY, 'CYL', '成仪路社区', sub);
  const hall = place(PlaceType.VENUE, 'XCQ-HALL', '排练厅', community, { venueKind: VenueKind.ACTIVITY_ROOM, capacity: 40 });
  const chess = place(PlaceType.VENUE, 'XCQ-CHESS', '棋牌室', community, { venueKind: VenueKind.ACTIVITY_ROOM, capacity: 16 });
  const names = ['刘淑珍', '张德明', '马秀兰', '王建国', '陈桂兰', '赵志强', '黄玉兰', '周春生'];
  const people = Array.from({ length: peopleCount }, (_, i) =>
    em.create(Person, { name: names[i % names.length] + (i >= names.length ? String(i) : '') }),
  );
  const staff = em.create(Person, { name: '孙经理' });
  const company = em.create(Organization, { name: '方庄信达科技有限公司', kind: OrganizationKind.COMPANY, place: community });
  em.create(OrganizationMember, { organization: company, person: staff, role: '行政经理', joinedOn: '2021-03-01' });
  // Roles let them see the community's bank and venues; 孙经理 also helps run it (moral-bank.manage).
  for (const person of people) em.create(PersonRole, { person, place: community, role: PersonRoleKind.VOLUNTEER, startsOn: '2020-01-01' });
  em.create(PersonRole, { person: staff, place: community, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  await em.flush();
  return { app, clock, logs, community, otherCommunity, hall, chess, people, company, staff };
}

export const as = (person: Person) => ({ caller: { id: person.uuid, kind: 'person' as const } });

/** Emits verified service as the volunteer plugin would, and waits for the after-commit handler. */
export async function verifyService(
  w: World,
  person: Person,
  minutes: number,
  extra: Partial<{ entryId: string; teamId: string | null; communityId: string }> = {},
): Promise<string> {
  const entryId = extra.entryId ?? randomUUID();
  await w.app.platform.events.emit('volunteer.service-verified', {
    entryId,
    personId: person.uuid,
    teamId: extra.teamId ?? null,
    communityId: extra.communityId ?? w.community.uuid,
    minutes,
    source: minutes > 0 ? 'SHIFT' : 'CORRECTION',
    correctsEntryId: null,
    verifiedAt: w.clock.now().toISOString(),
  });
  return entryId;
}

const ACCOUNT = 'id name balance holderKind holderId';

export async function openAccount(
  w: World,
  holderKind: 'PERSON' | 'ORGANIZATION' | 'TEAM',
  holderId: string,
  caller: Person,
  name?: string,
) {
  const data = await w.app.run(
    `mutation($c: ID!, $k: MoralBankHolderKind!, $h: ID!, $n: String) { openMoralBankAccount(communityId: $c, holderKind: $k, holderId: $h, name: $n) { ${ACCOUNT} } }`,
    { c: w.community.id, k: holderKind, h: holderId, n: name ?? null },
    as(caller),
  );
  return data.openMoralBankAccount as { id: string; name: string; balance: number };
}

/** The person's account in the test community, or null. */
export async function accountOf(w: World, person: Person): Promise<{ id: string; balance: number } | null> {
  const data = await w.app.run(`query($id: ID!) { person(id: $id) { moralBankAccounts { id balance community { id } } } }`, {
    id: person.id,
  });
  return data.person.moralBankAccounts.find((a: { community: { id: string } }) => a.community.id === w.community.id) ?? null;
}

export function transfer(w: World, caller: Person, input: Record<string, unknown>) {
  return w.app.execute(
    `mutation($input: MoralBankTransferInput!) { transferMoralBankMinutes(input: $input) { id kind minutes idempotencyKey entries { amount account { id } } } }`,
    { input },
    as(caller),
  );
}

export async function ledger(w: World) {
  const data = await w.app.run(
    '{ verifyMoralBankLedger { ok transactions entries entrySum balanceMismatches { accountId } unbalancedTransactions accountsBelowFloor } }',
  );
  return data.verifyMoralBankLedger;
}

/** Counts rows straight from the database, to prove that a refused operation wrote nothing. */
export async function countRows(w: World): Promise<{ transactions: number; entries: number; bookings: number }> {
  const em = w.app.platform.orm.em.fork();
  const [row] = await em.execute(
    `SELECT (SELECT count(*) FROM moral_bank.ledger_transaction)::int AS transactions, (SELECT count(*) FROM moral_bank.entry)::int AS entries,
       (SELECT count(*) FROM moral_bank.booking)::int AS bookings`,
  );
  return row as never;
}

export function code(result: { errors?: readonly { extensions?: Record<string, unknown> }[] }): unknown {
  return result.errors?.[0]?.extensions?.code;
}
