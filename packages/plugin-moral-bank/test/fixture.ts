import { randomUUID } from 'node:crypto';
import {
  type Caller,
  type Logger,
  Organization,
  OrganizationKind,
  OrganizationMember,
  Person,
  PersonRole,
  PersonRoleKind,
  type Place,
  PlaceType,
  VenueKind,
} from '@gongzhi/core';
import {
  apiKeyCaller,
  asPerson,
  createTestApp,
  createTestClock,
  placeWriter,
  problemOf,
  type TestApp,
  type TestAppOptions,
  type TestClock,
} from '@gongzhi/core/testing';
import volunteer, { VolunteerTeam } from '../../plugin-volunteer/src/index.js';
import moralBank from '../src/index.js';

/** The plugins a moral bank runs with: it depends on the volunteer plugin, whose verified service it credits. */
export const plugins = [volunteer, moralBank];

/** Rows of a second district nobody of the first may see (金丝雀, canaries): naming one must answer like a made-up id. */
export interface Canary {
  community: Place;
  venue: Place;
  person: Person;
  organization: Organization;
  team: VolunteerTeam;
}

/**
 * A small district for moral-bank tests: one community with two venues, people, a company, a
 * volunteer team; a neighbouring community of the same district with a resident, a team and a
 * company of its own; a company registered at the subdistrict; and a canary district.
 */
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
  /** A volunteer team based in the community. */
  team: VolunteerTeam;
  /** A resident of the neighbouring community, its team and its company: visible to district staff, outside the community. */
  neighbour: Person;
  otherTeam: VolunteerTeam;
  otherCompany: Organization;
  /** A government office registered at the subdistrict: above the community, on its line of places. */
  subdistrictOffice: Organization;
  /** A social worker of the whole first district (sees both communities, manages their banks). */
  districtWorker: Person;
  /** An API key with every permission, scoped to the first district. */
  districtKey: Caller;
  canary: Canary;
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

export async function createWorld(
  peopleCount = 6,
  options: { listen?: boolean; pluginOptions?: TestAppOptions['pluginOptions'] } = {},
): Promise<World> {
  const clock = createTestClock('2026-06-01T09:00:00+08:00'); // a Monday
  const logs: LogRecord[] = [];
  const app = await createTestApp({
    plugins,
    clock: clock.now,
    logger: recordingLogger(logs),
    listen: options.listen,
    pluginOptions: options.pluginOptions,
  });
  const em = app.platform.orm.em.fork();
  const place = placeWriter(em);
  const role = (person: Person, at: Place, kind: PersonRoleKind) =>
    em.create(PersonRole, { person, place: at, role: kind, startsOn: '2020-01-01' });
  const team = (name: string, home: Place) => em.create(VolunteerTeam, { name, homePlace: home, homePlacePath: home.path });
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
  for (const person of people) role(person, community, PersonRoleKind.VOLUNTEER);
  role(staff, community, PersonRoleKind.SOCIAL_WORKER);
  const neighbour = em.create(Person, { name: '成仪路居民' });
  role(neighbour, otherCommunity, PersonRoleKind.VOLUNTEER);
  const districtWorker = em.create(Person, { name: '区社工' });
  role(districtWorker, district, PersonRoleKind.SOCIAL_WORKER);

  const canaryCommunity = place(
    PlaceType.COMMUNITY,
    'K-C',
    '金丝雀社区',
    place(PlaceType.SUBDISTRICT, 'K-S', '金丝雀街道', place(PlaceType.DISTRICT, 'K-D', '金丝雀区', null)),
  );
  const canaryPerson = em.create(Person, { name: '金丝雀居民' });
  role(canaryPerson, canaryCommunity, PersonRoleKind.VOLUNTEER);
  const canary: Canary = {
    community: canaryCommunity,
    venue: place(PlaceType.VENUE, 'K-V', '金丝雀活动室', canaryCommunity, { venueKind: VenueKind.ACTIVITY_ROOM, capacity: 10 }),
    person: canaryPerson,
    organization: em.create(Organization, { name: '金丝雀公司', kind: OrganizationKind.COMPANY, place: canaryCommunity }),
    team: team('金丝雀志愿队', canaryCommunity),
  };
  const world = {
    app,
    clock,
    logs,
    community,
    otherCommunity,
    hall,
    chess,
    people,
    company,
    staff,
    team: team('新城京剧票友队', community),
    neighbour,
    otherTeam: team('成仪路志愿队', otherCommunity),
    otherCompany: em.create(Organization, { name: '成仪路物业公司', kind: OrganizationKind.PROPERTY_COMPANY, place: otherCommunity }),
    subdistrictOffice: em.create(Organization, { name: '方庄街道办事处', kind: OrganizationKind.GOVERNMENT_OFFICE, place: sub }),
    districtWorker,
    canary,
  };
  await em.flush();
  const districtKey = await apiKeyCaller(app, { name: '丰台区应用', placeIds: [district.uuid], permissions: ['*'] });
  return { ...world, districtKey };
}

export { asPerson as as };

/** Emits verified service as the volunteer plugin would, and waits for the after-commit handler. */
export async function verifyService(
  w: World,
  person: Person,
  minutes: number,
  extra: Partial<{ entryId: string; teamId: string | null; communityId: string; placePath: string }> = {},
): Promise<string> {
  const entryId = extra.entryId ?? randomUUID();
  await w.app.platform.events.emit('volunteer.service-verified', {
    entryId,
    personId: person.uuid,
    teamId: extra.teamId ?? null,
    communityId: extra.communityId ?? w.community.uuid,
    placePath: extra.placePath ?? w.community.path,
    minutes,
    source: minutes > 0 ? 'SHIFT' : 'CORRECTION',
    correctsEntryId: null,
    verifiedAt: w.clock.now().toISOString(),
  });
  return entryId;
}

/**
 * Waits until every event emitted so far has had its first delivery: a credit emits events of its
 * own, delivered just after it, whose statements would otherwise fall into a count of statements.
 * (Deliveries that failed wait for a retry later; they are not waited for.)
 */
export async function eventsDelivered(w: World): Promise<void> {
  const em = w.app.platform.orm.em.fork();
  for (let attempt = 0; attempt < 200; attempt++) {
    const [row] = await em.execute<{ n: number }[]>('SELECT count(*)::int AS n FROM event_outbox WHERE attempts = 0');
    if (row?.n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the event outbox did not drain');
}

/** What a payload's errors select. */
export const ERRORS = 'errors { code message field }';

/**
 * Runs a mutation and returns its payload; fails the test on a top-level error or a payload
 * error, naming it (for set-up steps that must work).
 */
export async function mutate(w: World, query: string, variables: Record<string, unknown>, options?: { caller?: Caller | null }) {
  const result = await w.app.execute(query, variables, options);
  const problem = problemOf(result);
  if (problem) throw new Error(`${query.slice(0, 80)}: ${problem.code} ${problem.message}`);
  return Object.values(result.data!)[0] as Record<string, any>;
}

const ACCOUNT = 'id name balance holderKind holderId';

export function openAccountAs(
  w: World,
  caller: Person | Caller | null,
  holderKind: 'PERSON' | 'ORGANIZATION' | 'TEAM' | 'BANK',
  holderId: string,
  extra: { name?: string; communityId?: string } = {},
) {
  return w.app.execute(
    `mutation($c: ID!, $k: MoralBankHolderKind!, $h: ID!, $n: String) { openMoralBankAccount(communityId: $c, holderKind: $k, holderId: $h, name: $n) { account { ${ACCOUNT} } ${ERRORS} } }`,
    { c: extra.communityId ?? w.community.id, k: holderKind, h: holderId, n: extra.name ?? null },
    { caller: caller === null ? null : caller instanceof Person ? asPerson(caller).caller : caller },
  );
}

export async function openAccount(
  w: World,
  holderKind: 'PERSON' | 'ORGANIZATION' | 'TEAM',
  holderId: string,
  caller: Person,
  name?: string,
): Promise<{ id: string; name: string; balance: number; holderKind: string; holderId: string }> {
  const result = await openAccountAs(w, caller, holderKind, holderId, { name });
  const problem = problemOf(result);
  if (problem) throw new Error(`openMoralBankAccount: ${problem.code} ${problem.message}`);
  return result.data!.openMoralBankAccount.account;
}

/** The person's account in the test community, or null. */
/** Credits each of the world's first people the service minutes given (person i gets `minutes[i]`) and returns their accounts, in order. */
export async function depositors(w: World, minutes: readonly number[]): Promise<{ id: string; balance: number }[]> {
  const accounts: { id: string; balance: number }[] = [];
  for (const [i, served] of minutes.entries()) {
    await verifyService(w, w.people[i], served);
    accounts.push((await accountOf(w, w.people[i]))!);
  }
  return accounts;
}

export async function accountOf(w: World, person: Person): Promise<{ id: string; balance: number } | null> {
  const data = await w.app.run(`query($id: ID!) { person(id: $id) { moralBankAccounts { nodes { id balance community { id } } } } }`, {
    id: person.id,
  });
  return data.person.moralBankAccounts.nodes.find((a: { community: { id: string } }) => a.community.id === w.community.id) ?? null;
}

export function transfer(w: World, caller: Person, input: Record<string, unknown>) {
  return w.app.execute(
    `mutation($input: MoralBankTransferInput!) { transferMoralBankMinutes(input: $input) { transaction { id kind minutes idempotencyKey entries { amount account { id } } } ${ERRORS} } }`,
    { input },
    asPerson(caller),
  );
}

export async function ledger(w: World) {
  const data = await w.app.run(
    '{ verifyMoralBankLedger { ok transactions entries entrySum balanceMismatches { nodes { accountId } } unbalancedTransactions accountsBelowFloor } }',
  );
  return data.verifyMoralBankLedger;
}

/** Counts rows straight from the database, to prove that a refused operation wrote nothing. */
export async function countRows(w: World): Promise<{ accounts: number; transactions: number; entries: number; bookings: number }> {
  const em = w.app.platform.orm.em.fork();
  const [row] = await em.execute(
    `SELECT (SELECT count(*) FROM moral_bank.account)::int AS accounts, (SELECT count(*) FROM moral_bank.ledger_transaction)::int AS transactions,
       (SELECT count(*) FROM moral_bank.entry)::int AS entries, (SELECT count(*) FROM moral_bank.booking)::int AS bookings`,
  );
  return row as never;
}

/** The code of the first problem of an answer (a payload error or a top-level error), if any. */
export function code(result: Parameters<typeof problemOf>[0]): string | undefined {
  return problemOf(result)?.code;
}

/** Opening hours of every day, 08:00–21:00. */
export const DAILY_HOURS = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '08:00', closes: '21:00' }));

/**
 * Configures the rehearsal hall: open daily, bookings up to 2 h, refunds until a day before, half
 * forfeited on a no-show, and Saturday 09:00–12:00 a priority window for accounts with 100 activity
 * points (up to 3 h); `change` overrides any of these.
 */
export function configureHall(w: World, change: Record<string, unknown> = {}) {
  return w.app.execute(
    `mutation($input: MoralBankVenuePolicyInput!) { configureMoralBankVenue(input: $input) { policy { timeZone maxMinutes refundCutoffMinutes noShowForfeitPercent openingHours { weekday opens closes } priorityWindows { weekday starts ends minPoints maxMinutes } } ${ERRORS} } }`,
    {
      input: {
        venueId: w.hall.id,
        openingHours: DAILY_HOURS,
        maxMinutes: 120,
        refundCutoffMinutes: 1440,
        noShowForfeitPercent: 50,
        priorityWindows: [{ weekday: 6, starts: '09:00', ends: '12:00', minPoints: 100, maxMinutes: 180 }],
        ...change,
      },
    },
  );
}

/** What a booking's tests select of it. */
export const BOOKING_FIELDS =
  'id status minutes startsAt endsAt inPriorityWindow priorityPoints account { id balance } debitTransaction { minutes } refundTransaction { minutes }';

/** Books the hall (or `extra.venueId`) from `account` as `person`, for Peking opera rehearsal. */
export function bookHall(
  w: World,
  person: Person,
  account: { id: string },
  startsAt: string,
  endsAt: string,
  extra: Record<string, unknown> = {},
) {
  return w.app.execute(
    `mutation($input: MoralBankBookingInput!) { bookMoralBankVenue(input: $input) { booking { ${BOOKING_FIELDS} } ${ERRORS} } }`,
    { input: { venueId: w.hall.id, accountId: account.id, startsAt, endsAt, purpose: '京剧排练', ...extra } },
    asPerson(person),
  );
}
