import { type Caller } from '@gongzhi/core';
import { type TestApp } from '@gongzhi/core/testing';
import { type ExecutionResult, parse, subscribe } from 'graphql';
import { createCanaryWorld, DAY, uuid } from './canary-district.js';

/**
 * The authorization matrix across every plugin (issue #9): the demo district with all four
 * plugins, and a second district of canaries (金丝雀) holding one row of every plugin type.
 * No caller scoped to the demo district may see a canary through any path: list queries,
 * `node(id:)`, by-id queries and reports, plugin fields on core types, the task board and its
 * subscription. An out-of-scope id is NOT_FOUND, never FORBIDDEN. The system sees every
 * canary through the same paths, so the test cannot pass by seeing nothing.
 */
let app: TestApp;
let ids: Record<string, string>;
let canary: Record<string, string>;
let person: (name: string) => Caller;
let apiKeyCaller: Caller;
let sys: (q: string, v?: Record<string, unknown>) => Promise<any>;
let as: (name: string, q: string, v?: Record<string, unknown>) => Promise<any>;

beforeAll(async () => {
  ({ app, ids, canary, person, apiKeyCaller, sys, as } = await createCanaryWorld());
}, 120_000);
afterAll(() => app?.close());

/** Everything that identifies a canary: the word, every canary global id and uuid. */
function canaryTraces(): string[] {
  const traces = ['金丝雀'];
  for (const id of [
    ...Object.values(canary),
    ...['K-D', 'K-S', 'K-C', 'K-B', 'K-H', 'K-V', '金丝雀社工', '金丝雀网格员', '金丝雀志愿者'].map((k) => ids[k]),
  ]) {
    traces.push(id, uuid(id));
  }
  return traces;
}
function leaks(result: unknown, given: Record<string, unknown> = {}): string[] {
  const text = JSON.stringify(result) ?? '';
  // An error may repeat the id the caller gave: that tells them nothing new.
  const echoed = new Set(Object.values(given).flatMap((v) => (typeof v === 'string' ? [v, uuid(v)] : [])));
  return canaryTraces().filter((t) => !echoed.has(t) && text.includes(t));
}

const PLACE_FIELDS = `id name grids { nodes { id name workers { nodes { id person { name } } } } } grid { id } microGrid { id } attention { id reason } attentionHistory { nodes { id } }
  gridVisits { nodes { id notes findings { nodes { id } } } } volunteerTeams { nodes { id name members { nodes { id person { name } } } } } volunteerSummary { teamCount volunteerCount }
  moralBankAccounts { nodes { id name bookings { nodes { id } } } } moralBankVenuePolicy { maxMinutes } councils { nodes { id name members { nodes { id name } } } }`;
const PERSON_FIELDS = `id name grids { nodes { id name } } volunteerProfile { teams { nodes { id name } } memberships { nodes { id team { name } } } verifiedMinutes }
  moralBankAccounts { nodes { id name balance statement { nodes { transaction { id } } } } } councilSeats { nodes { id council { name } } }`;
const REQUEST_FIELDS = `id title grid { id name } volunteerTasks { nodes { id title } } councilItems { nodes { id title meeting { title } } }`;
const COUNCIL_FIELDS = `id name community { name } members { nodes { id name person { name } } }
  meetings { nodes { id title attendance { nodes { id member { name } } } agenda { nodes { id title request { id title }
  proposals { nodes { id text ballots { nodes { id } } decision { id summary actionItems { nodes { id title } } fundingSources { nodes { id } } } } } } } } }`;
const TEAM_FIELDS = `id name homePlace { name } members { nodes { id person { name } } } pairings { nodes { id resident { name } } } recruitments { nodes { id title } }`;

/** Probes with the caller's own place (`$mine`) and the demo district (`$root`): lists and plugin fields on core types. */
const LIST_PROBES: Record<string, string> = {
  places: `{ places(first: 100) { nodes { ${PLACE_FIELDS} } } }`,
  people: `{ people(first: 100) { nodes { ${PERSON_FIELDS} } } }`,
  organizations: `{ organizations(first: 100) { nodes { id name gridAdoptions { nodes { id } } moralBankAccounts { nodes { id } } councilSeats { nodes { id } } councilActionItems { nodes { id title } } } } }`,
  requests: `{ requests(first: 100) { edges { node { ${REQUEST_FIELDS} } } } }`,
  councils: `{ councils(first: 100) { nodes { ${COUNCIL_FIELDS} } } }`,
  councilsUnderRoot: `query ($root: ID!) { councils(under: $root, first: 100) { nodes { ${COUNCIL_FIELDS} } } }`,
  councilActionItems: `query ($mine: ID!) { councilActionItems(under: $mine, first: 100) { nodes { id title ownerPerson { name } } } }`,
  councilActionItemsUnderRoot: `query ($root: ID!) { councilActionItems(under: $root, first: 100) { nodes { id title ownerPerson { name } } } }`,
  volunteerTeams: `query ($mine: ID!) { volunteerTeams(under: $mine) { nodes { ${TEAM_FIELDS} } } }`,
  volunteerTeamsUnderRoot: `query ($root: ID!) { volunteerTeams(under: $root) { nodes { ${TEAM_FIELDS} } } }`,
  volunteerTasks: `query ($root: ID!) { volunteerTasks(under: $root, first: 100) { nodes { id title place { name } request { id title } } } }`,
  volunteerServiceEntries: `{ volunteerServiceEntries(first: 100) { nodes { id description person { name } community { name } } } }`,
  gridAttentionMap: `query ($root: ID!) { gridAttentionMap(underId: $root) { marks(first: 100) { nodes { id reason place { name } } } } }`,
  gridWork: `{ gridWork(first: 100) { nodes { ${REQUEST_FIELDS} } } }`,
  myPlace: `query ($mine: ID!) { place(id: $mine) { ${PLACE_FIELDS} } }`,
  rootPlace: `query ($root: ID!) { place(id: $root) { ${PLACE_FIELDS} descendants(first: 100) { nodes { id name } } } }`,
  myData: `{ myData { person { ${PERSON_FIELDS} } requests(first: 100) { nodes { ${REQUEST_FIELDS} } } } }`,
  rootSummary: `query ($root: ID!) { volunteerSummary(placeId: $root) { teamCount volunteerCount } gridAttentionMap(underId: $root) { counts { red orange green } } }`,
  taskBoard: `query ($mine: ID!) { taskBoard(placeId: $mine, limit: 500) { cards { itemType title item { id } } } }`,
};

/** Probes naming canary ids: each must answer null, empty or NOT_FOUND. */
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function canaryProbes(): [string, string, Record<string, unknown>][] {
  const from = new Date(Date.now() - 30 * DAY).toISOString();
  const to = new Date(Date.now() + 30 * DAY).toISOString();
  const kc = ids['K-C'];
  return [
    ...Object.entries(canary).map(([type, id]): [string, string, Record<string, unknown>] => [
      `node(${type})`,
      `query ($id: ID!) { node(id: $id) { id __typename } }`,
      { id },
    ]),
    ['place(canary community)', `query ($id: ID!) { place(id: $id) { ${PLACE_FIELDS} } }`, { id: kc }],
    ['place(canary household)', `query ($id: ID!) { place(id: $id) { ${PLACE_FIELDS} } }`, { id: ids['K-H'] }],
    ['place(canary venue)', `query ($id: ID!) { place(id: $id) { ${PLACE_FIELDS} } }`, { id: ids['K-V'] }],
    ...['金丝雀居民', '金丝雀志愿者', '金丝雀社工', '金丝雀网格员'].map((name): [string, string, Record<string, unknown>] => [
      `person(${name})`,
      `query ($id: ID!) { person(id: $id) { ${PERSON_FIELDS} } }`,
      { id: ids[name] },
    ]),
    ['request(canary)', `query ($id: ID!) { request(id: $id) { ${REQUEST_FIELDS} } }`, { id: canary.Request }],
    ['grid(canary)', `query ($id: ID!) { grid(id: $id) { id name } }`, { id: canary.Grid }],
    [
      'gridCoverage',
      `query ($id: ID!) { gridCoverage(gridId: $id) { householdCount notVisited { nodes { name } } } }`,
      { id: canary.Grid },
    ],
    [
      'gridVisitStats',
      `query ($id: ID!, $from: String!, $to: String!) { gridVisitStats(gridId: $id, from: $from, to: $to) { worker { name } visits } }`,
      // Half a year either side of today (the canary visit's date), within the one-year cap.
      { id: canary.Grid, from: daysFromNow(-180), to: daysFromNow(180) },
    ],
    [
      'gridMeetingHandOff',
      `query ($id: ID!) { gridMeetingHandOff(gridId: $id) { findings { nodes { id } } openRequests { nodes { id } } } }`,
      { id: canary.Grid },
    ],
    [
      'gridAttentionMap(canary)',
      `query ($id: ID!) { gridAttentionMap(underId: $id) { marks { nodes { id reason } } geoJson { features { id } } } }`,
      { id: kc },
    ],
    ['volunteerTeam(canary)', `query ($id: ID!) { volunteerTeam(id: $id) { id name } }`, { id: canary.VolunteerTeam }],
    ['volunteerTeams(under canary)', `query ($id: ID!) { volunteerTeams(under: $id) { nodes { id name } } }`, { id: kc }],
    ['volunteerTasks(under canary)', `query ($id: ID!) { volunteerTasks(under: $id) { nodes { id title } } }`, { id: kc }],
    [
      'volunteerShifts(canary team)',
      `query ($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { volunteerShifts(teamId: $id, from: $from, to: $to) { nodes { id title } } }`,
      { id: canary.VolunteerTeam, from, to },
    ],
    ['volunteerSummary(canary)', `query ($id: ID!) { volunteerSummary(placeId: $id) { teamCount volunteerCount } }`, { id: kc }],
    ['volunteerServiceEntries(under canary)', `query ($id: ID!) { volunteerServiceEntries(under: $id) { nodes { id } } }`, { id: kc }],
    [
      'volunteerServiceEntries(of canary)',
      `query ($id: ID!) { volunteerServiceEntries(personId: $id) { nodes { id } } }`,
      { id: ids['金丝雀志愿者'] },
    ],
    ['moralBankRate(canary)', `query ($id: ID!) { moralBankRate(communityId: $id) }`, { id: kc }],
    [
      'moralBankMonthlySummary(canary)',
      `query ($id: ID!) { moralBankMonthlySummary(communityId: $id, fromMonth: "2020-01") { month earnedMinutes } }`,
      { id: kc },
    ],
    [
      'moralBankTopContributors(canary)',
      `query ($id: ID!) { moralBankTopContributors(communityId: $id) { nodes { account { id name } } } }`,
      { id: kc },
    ],
    [
      'moralBankBookings(canary venue)',
      `query ($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { moralBankBookings(venueId: $id, from: $from, to: $to) { nodes { id } } }`,
      { id: ids['K-V'], from, to },
    ],
    ['verifyMoralBankLedger(canary)', `query ($id: ID!) { verifyMoralBankLedger(communityId: $id) { ok transactions } }`, { id: kc }],
    ['councils(under canary)', `query ($id: ID!) { councils(under: $id) { nodes { id name } } }`, { id: kc }],
    ['councilActionItems(under canary)', `query ($id: ID!) { councilActionItems(under: $id) { nodes { id title } } }`, { id: kc }],
    ['people(under canary)', `query ($id: ID!) { people(under: $id) { nodes { id name } } }`, { id: kc }],
    ['requests(under canary)', `query ($id: ID!) { requests(filter: { under: $id }) { edges { node { id } } } }`, { id: kc }],
    ['taskBoard(canary)', `query ($id: ID!) { taskBoard(placeId: $id) { cards { title } } }`, { id: kc }],
  ];
}

/** Mutations naming canary ids: each must fail as NOT_FOUND (or UNAUTHENTICATED when not a person), never with a code that tells the row exists. */
function canaryMutations(): [string, string, Record<string, unknown>][] {
  const at = new Date(Date.now() + 2 * DAY);
  const slot = { startsAt: at.toISOString(), endsAt: new Date(at.getTime() + 3_600_000).toISOString() };
  const kc = ids['K-C'];
  const m = (name: string, args: string, select: string, vars: Record<string, unknown>): [string, string, Record<string, unknown>] => {
    const params = Object.keys(vars).map((k) => `$${k}: ID!`);
    return [name, `mutation (${params.join(', ')}) { ${name}(${args}) { ${select} } }`, vars];
  };
  const plain = (name: string, query: string, vars: Record<string, unknown>): [string, string, Record<string, unknown>] => [
    name,
    query,
    vars,
  ];
  return [
    m('claimVolunteerTask', 'taskId: $id', '__typename errors { code message }', { id: canary.VolunteerTask }),
    m('signUpForVolunteerShift', 'shiftId: $id', '__typename errors { code message }', { id: canary.VolunteerShift }),
    m('signUpForVolunteerRecruitment', 'recruitmentId: $id', '__typename errors { code message }', { id: canary.VolunteerRecruitment }),
    m('cancelVolunteerShiftSignup', 'signupId: $id', '__typename errors { code message }', { id: canary.VolunteerShiftSignup }),
    m('verifyVolunteerHours', 'entryId: $id', '__typename errors { code message }', { id: canary.VolunteerServiceEntry }),
    m('addVolunteerTeamMember', 'teamId: $id, personId: $p', '__typename errors { code message }', {
      id: canary.VolunteerTeam,
      p: ids['金丝雀居民'],
    }),
    m('endVolunteerTeamMembership', 'memberId: $id', '__typename errors { code message }', { id: canary.VolunteerTeamMember }),
    m('logVolunteerPairingVisit', 'pairingId: $id, careItems: [MEDICINE]', '__typename errors { code message }', {
      id: canary.VolunteerPairing,
    }),
    plain(
      'createVolunteerTask',
      `mutation ($id: ID!) { createVolunteerTask(input: { kind: OTHER, title: "x", placeId: $id }) { __typename errors { code message } } }`,
      { id: kc },
    ),
    plain(
      'createVolunteerTeam',
      `mutation ($id: ID!) { createVolunteerTeam(input: { homePlaceId: $id, name: "x" }) { __typename errors { code message } } }`,
      {
        id: kc,
      },
    ),
    plain(
      'reportVolunteerHours',
      `mutation ($id: ID!) { reportVolunteerHours(input: { communityId: $id, servedOn: "2024-01-01", minutes: 10, description: "x" }) { __typename errors { code message } } }`,
      { id: kc },
    ),
    m('castCouncilVote', 'proposalId: $id, choice: FOR', '__typename errors { code }', { id: canary.CouncilProposal }),
    m('createCouncilProposal', 'agendaItemId: $id, text: "x"', '__typename errors { code }', { id: canary.CouncilAgendaItem }),
    m('recordCouncilMinutes', 'agendaItemId: $id, minutes: "x"', '__typename errors { code }', { id: canary.CouncilAgendaItem }),
    m('addCouncilMember', 'councilId: $id, personId: $p, seatType: OTHER', '__typename errors { code }', {
      id: canary.Council,
      p: ids['苍爷爷'],
    }),
    m('updateCouncilActionItem', 'id: $id, status: DONE', '__typename errors { code }', { id: canary.CouncilActionItem }),
    plain(
      'scheduleCouncilMeeting',
      `mutation ($id: ID!, $at: DateTimeISO!) { scheduleCouncilMeeting(input: { councilId: $id, title: "x", scheduledAt: $at, urgent: true }) { __typename errors { code } } }`,
      { id: canary.Council, at: slot.startsAt },
    ),
    plain('createCouncil', `mutation ($id: ID!) { createCouncil(input: { communityId: $id, name: "x" }) { __typename errors { code } } }`, {
      id: kc,
    }),
    plain('recordGridVisit', `mutation ($id: ID!) { recordGridVisit(input: { householdId: $id }) { __typename errors { code } } }`, {
      id: ids['K-H'],
    }),
    plain('createGrid', `mutation ($id: ID!) { createGrid(communityId: $id, name: "x") { __typename errors { code } } }`, { id: kc }),
    m('setGridAttentionLevel', 'placeId: $id, level: GREEN, reason: "x"', '__typename errors { code }', { id: ids['K-H'] }),
    m('assignGridWorker', 'gridId: $id, personId: $p, startsOn: "2024-01-01"', '__typename errors { code }', {
      id: canary.Grid,
      p: ids['苍爷爷'],
    }),
    m('recordGridMeeting', 'gridId: $id', '__typename errors { code }', { id: canary.Grid }),
    m('addGridPlaces', 'gridId: $id, placeIds: [$p]', '__typename errors { code }', { id: canary.Grid, p: ids['K-H'] }),
    m('openRequestFromFinding', 'findingId: $id', '__typename errors { code }', { id: canary.GridFinding }),
    m('claimGridRequest', 'requestId: $id', 'errors { code } request { id }', { id: canary.Request }),
    m('escalateGridRequest', 'requestId: $id, reason: "x"', 'errors { code } request { id }', { id: canary.Request }),
    m('setGridEscalationLimit', 'gridId: $id, level: GRID, hours: 1', '__typename errors { code }', { id: canary.Grid }),
    m('setCommunityEscalationLimit', 'communityId: $id, level: GRID, hours: 1', '__typename errors { code }', { id: kc }),
    m('openMoralBankAccount', 'communityId: $id, holderKind: PERSON, holderId: $p', '__typename errors { code } account { id }', {
      id: kc,
      p: ids['金丝雀居民'],
    }),
    plain(
      'setMoralBankRate',
      `mutation ($id: ID!) { setMoralBankRate(communityId: $id, rate: 3) { __typename errors { code } communityRate { rate } } }`,
      { id: kc },
    ),
    m('setMoralBankRankingOptIn', 'accountId: $id, optIn: false', '__typename errors { code } account { id }', {
      id: canary.MoralBankAccount,
    }),
    plain(
      'transferMoralBankMinutes',
      `mutation ($id: ID!) { transferMoralBankMinutes(input: { fromAccountId: $id, toAccountId: $id, minutes: 1, idempotencyKey: "matrix-canary-transfer" }) { __typename errors { code } transaction { id } } }`,
      { id: canary.MoralBankAccount },
    ),
    m('reverseMoralBankTransaction', 'transactionId: $id, reason: "x"', '__typename errors { code } transaction { id }', {
      id: canary.MoralBankTransaction,
    }),
    plain(
      'bookMoralBankVenue',
      `mutation ($id: ID!, $a: ID!, $s: DateTimeISO!, $e: DateTimeISO!) { bookMoralBankVenue(input: { venueId: $id, accountId: $a, startsAt: $s, endsAt: $e }) { __typename errors { code } booking { id } } }`,
      { id: ids['K-V'], a: canary.MoralBankAccount, s: slot.startsAt, e: slot.endsAt },
    ),
    plain(
      'configureMoralBankVenue',
      `mutation ($id: ID!) { configureMoralBankVenue(input: { venueId: $id, openingHours: [], maxMinutes: 60 }) { __typename errors { code } policy { maxMinutes } } }`,
      { id: ids['K-V'] },
    ),
    m('cancelMoralBankBooking', 'bookingId: $id', '__typename errors { code } booking { id }', { id: canary.MoralBankBooking }),
    m('markMoralBankNoShow', 'bookingId: $id', '__typename errors { code } booking { id }', { id: canary.MoralBankBooking }),
    m('allocateMoralBankPriorityRequests', 'venueId: $id', '__typename errors { code } bookings { id }', { id: ids['K-V'] }),
  ];
}

/** What the canary mutations could change, as the system sees it. */
async function canaryState(): Promise<unknown> {
  return sys(
    `query ($c: ID!, $h: ID!, $v: ID!, $a: ID!, $t: ID!, $s: ID!, $e: ID!, $i: ID!) {
    place(id: $c) {
      councils { nodes { id members { nodes { id } } meetings { nodes { id attendance { nodes { id } } agenda { nodes { id minutes proposals { nodes { id status ballots { nodes { id choice } } } } } } } } } }
      volunteerTeams { nodes { id members { nodes { id leftOn } } recruitments { nodes { id applications { nodes { id } } } } pairings { nodes { id visits { nodes { id } } } } } }
      grids { nodes { id places { nodes { id } } workers(all: true) { nodes { id } } } }
    }
    household: place(id: $h) { attentionHistory { nodes { id } } gridVisits { nodes { id } } }
    venue: place(id: $v) { moralBankVenuePolicy { maxMinutes openingHours { weekday } } }
    account: node(id: $a) { ... on MoralBankAccount { balance inRankings bookings { nodes { id status } } } }
    task: node(id: $t) { ... on VolunteerTask { status claimedBy { id } } }
    shift: node(id: $s) { ... on VolunteerShift { signups { nodes { id } } } }
    entry: node(id: $e) { ... on VolunteerServiceEntry { status } }
    item: node(id: $i) { ... on CouncilActionItem { status } }
    rate: moralBankRate(communityId: $c)
    entries: volunteerServiceEntries(under: $c) { nodes { id } }
    councils(under: $c) { nodes { id } }
  }`,
    {
      c: ids['K-C'],
      h: ids['K-H'],
      v: ids['K-V'],
      a: canary.MoralBankAccount,
      t: canary.VolunteerTask,
      s: canary.VolunteerShift,
      e: canary.VolunteerServiceEntry,
      i: canary.CouncilActionItem,
    },
  );
}

/** Whether a probe's answer holds nothing: every top-level field null or an empty list. */
function empty(data: Record<string, unknown> | null | undefined): boolean {
  if (!data) return true;
  return Object.values(data).every(
    (v) =>
      v === null ||
      (Array.isArray(v) && v.length === 0) ||
      (typeof v === 'object' && v !== null && 'edges' in v && (v as { edges: unknown[] }).edges.length === 0) ||
      (typeof v === 'object' && v !== null && 'nodes' in v && (v as { nodes: unknown[] }).nodes.length === 0),
  );
}

const CALLERS: [string, () => Caller | null, string][] = [
  ['a social worker of 成仪路社区 (刘社工)', () => person('刘社工'), 'DEMO-CYL'],
  ['a grid worker of 新城区社区 (董桂芳)', () => person('董桂芳'), 'DEMO-XCQ'],
  ['a resident, household only (苍爷爷)', () => person('苍爷爷'), 'DEMO-CYL-CTY-3-502'],
  ['a volunteer team leader and party member of 火龙园北里 (韩志刚)', () => person('韩志刚'), 'DEMO-HLY'],
  ['a volunteer without any place (郑晓东)', () => person('郑晓东'), 'DEMO-CYL'],
  ['an API key scoped to 芳星园三区社区', () => apiKeyCaller, 'DEMO-FXY3'],
  ['anonymous', () => null, 'DEMO-FT'],
];

describe.each(CALLERS)('%s', (_who, caller, home) => {
  test('sees no canary through any list or plugin field', async () => {
    const found: Record<string, string[]> = {};
    for (const [name, query] of Object.entries(LIST_PROBES)) {
      const result = await app.execute(query, { mine: ids[home], root: ids['DEMO-FT'] }, { caller: caller() });
      const traces = leaks(result);
      if (traces.length) found[name] = traces;
      for (const error of result.errors ?? []) expect([name, error.extensions?.code]).not.toEqual([name, 'INTERNAL_SERVER_ERROR']);
    }
    expect(found).toEqual({});
  });

  test('gets null, empty or NOT_FOUND for every canary id, never FORBIDDEN', async () => {
    const wrong: Record<string, unknown> = {};
    for (const [name, query, vars] of canaryProbes()) {
      const result = await app.execute(query, vars, { caller: caller() });
      const errors = result.errors?.map((e) => ({ message: e.message, extensions: e.extensions }));
      const traces = [...leaks(result.data), ...leaks(errors, vars)];
      const codes = (result.errors ?? []).map((e) => e.extensions?.code);
      if (traces.length) wrong[name] = { leaks: traces };
      else if (codes.some((c) => c !== 'NOT_FOUND')) wrong[name] = { codes, messages: result.errors!.map((e) => e.message) };
      else if (!codes.length && !empty(result.data)) wrong[name] = { data: result.data };
    }
    expect(wrong).toEqual({});
  });

  test('gets NOT_FOUND from every mutation naming a canary id, and changes nothing', async () => {
    const before = await canaryState();
    const wrong: Record<string, unknown> = {};
    for (const [name, query, vars] of canaryMutations()) {
      const result = await app.execute(query, vars, { caller: caller() });
      const payload = result.data?.[name] as { errors?: { code: string }[] } | null | undefined;
      const codes = [...(result.errors ?? []).map((e) => e.extensions?.code), ...(payload?.errors ?? []).map((e) => e.code)];
      const errors = result.errors?.map((e) => ({ message: e.message, extensions: e.extensions }));
      const traces = [...leaks(result.data), ...leaks(errors, vars)];
      // "Sign in as a person" (anonymous callers, API keys on mutations that record who acted) says nothing about the row.
      const allowed = caller()?.kind === 'person' ? ['NOT_FOUND'] : ['NOT_FOUND', 'UNAUTHENTICATED'];
      if (traces.length || !codes.length || codes.some((c) => !allowed.includes(c as string)))
        wrong[name] = { codes, traces, messages: result.errors?.map((e) => e.message) };
    }
    expect(wrong).toEqual({});
    expect(await canaryState()).toEqual(before);
  });

  test('may not run checks and jobs that span every community (their counts would include the canaries)', async () => {
    for (const query of [
      `{ verifyMoralBankLedger { ok transactions entries } }`,
      `mutation { escalateOverdueRequests { run { escalatedCount requests { id } } errors { code } } }`,
    ]) {
      const result = await app.execute(query, {}, { caller: caller() });
      expect([query, result.data]).toEqual([query, null]);
      expect(result.errors?.map((e) => e.extensions?.code)).toEqual([caller() ? 'FORBIDDEN' : 'UNAUTHENTICATED']);
    }
  });

  test("cannot watch the canary community's board", async () => {
    const result = await subscribe({
      schema: app.platform.schema,
      document: parse(`subscription ($p: ID!) { taskBoardChanges(placeId: $p) { sequence } }`),
      variableValues: { p: ids['K-C'] },
      contextValue: app.platform.createContext(caller()),
    });
    expect(Symbol.asyncIterator in result).toBe(false);
    const errors = (result as ExecutionResult).errors ?? [];
    expect(errors.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(
      leaks(
        errors.map((e) => e.message),
        { p: ids['K-C'] },
      ),
    ).toEqual([]);
  });
});

describe('the positive side', () => {
  test('the system sees every canary row through node(id:) and the plugin fields', async () => {
    for (const [type, id] of Object.entries(canary)) {
      const data = await sys(`query ($id: ID!) { node(id: $id) { id __typename } }`, { id });
      expect([type, data.node]).toEqual([type, { id, __typename: type }]);
    }
    const place = await sys(`query ($id: ID!) { place(id: $id) { ${PLACE_FIELDS} } }`, { id: ids['K-C'] });
    expect(place.place).toMatchObject({
      grids: { nodes: [{ name: '金丝雀网格' }] },
      volunteerTeams: { nodes: [{ name: '金丝雀志愿队' }] },
      councils: { nodes: [{ name: '金丝雀议事会' }] },
    });
    expect(place.place.moralBankAccounts.nodes.map((a: { id: string }) => a.id)).toContain(canary.MoralBankAccount);
    const venue = await sys(`query ($id: ID!) { place(id: $id) { moralBankVenuePolicy { maxMinutes } } }`, { id: ids['K-V'] });
    expect(venue.place.moralBankVenuePolicy).toEqual({ maxMinutes: 120 });
    const request = await sys(`query ($id: ID!) { request(id: $id) { ${REQUEST_FIELDS} } }`, { id: canary.Request });
    expect(request.request).toMatchObject({
      grid: { name: '金丝雀网格' },
      volunteerTasks: { nodes: [{ title: '金丝雀代取药' }] },
      councilItems: { nodes: [{ title: '金丝雀议题' }] },
    });
    // Every list probe the scoped callers ran shows canaries to the system.
    for (const name of ['places', 'requests', 'councils', 'volunteerServiceEntries']) {
      expect([name, leaks(await app.execute(LIST_PROBES[name], {})).length > 0]).toEqual([name, true]);
    }
    // A page of 100 people by name ends before the canaries' names: the system finds them under their district.
    const people = `query ($k: ID!) { people(under: $k, first: 100) { nodes { ${PERSON_FIELDS} } } }`;
    expect(leaks(await app.execute(people, { k: ids['K-D'] })).length).toBeGreaterThan(0);
  });

  test('the system gets an answer from every canary probe (so the probes reach the canaries)', async () => {
    const silent: Record<string, unknown> = {};
    for (const [name, query, vars] of canaryProbes()) {
      const result = await app.execute(query, vars);
      if (result.errors?.length || empty(result.data)) silent[name] = result.errors?.map((e) => e.message) ?? result.data;
    }
    expect(silent).toEqual({});
  });

  test("a canary's own people see the canary district (so the scoping is by place, not by district)", async () => {
    const data = await as(
      '金丝雀社工',
      `query ($id: ID!) { councils { nodes { name } } volunteerTeams(under: $id) { nodes { name } } place(id: $id) { grids { nodes { name } } moralBankAccounts { nodes { id } } } }`,
      { id: ids['K-C'] },
    );
    expect(data).toMatchObject({
      councils: { nodes: [{ name: '金丝雀议事会' }] },
      volunteerTeams: { nodes: [{ name: '金丝雀志愿队' }] },
      place: { grids: { nodes: [{ name: '金丝雀网格' }] } },
    });
    expect(data.place.moralBankAccounts.nodes.length).toBeGreaterThan(0);
  });

  test('each scoped caller sees something of their own places', async () => {
    const sw = await as(
      '刘社工',
      `query ($c: ID!) { volunteerTeams(under: $c) { nodes { name } } place(id: $c) { grids { nodes { name } } } }`,
      {
        c: ids['DEMO-CYL'],
      },
    );
    expect(sw.volunteerTeams.nodes.map((t: { name: string }) => t.name)).toContain('青年突击队');
    expect(sw.place.grids.nodes.map((g: { name: string }) => g.name)).toContain('翠庭园网格');
    const gw = await as(
      '董桂芳',
      `query ($c: ID!) { place(id: $c) { moralBankAccounts { nodes { name } } moralBankVenuePolicy { maxMinutes } } }`,
      { c: ids['DEMO-XCQ'] },
    );
    expect(gw.place.moralBankAccounts.nodes.map((a: { name: string }) => a.name)).toContain('刘淑珍');
    const home = await as('苍爷爷', `query ($h: ID!) { place(id: $h) { gridVisits { nodes { notes } } } }`, {
      h: ids['DEMO-CYL-CTY-3-502'],
    });
    expect(home.place.gridVisits.nodes.length).toBeGreaterThan(0);
    const leader = await as(
      '韩志刚',
      `query ($c: ID!) { volunteerTeams(under: $c) { nodes { name } } councils(under: $c) { nodes { name } } }`,
      {
        c: ids['DEMO-HLY'],
      },
    );
    expect(leader).toEqual({
      volunteerTeams: { nodes: [{ name: '烛光队' }] },
      councils: { nodes: [{ name: '火龙园北里五方共建议事会' }] },
    });
    const self = await as('郑晓东', `query ($p: ID!) { person(id: $p) { volunteerProfile { memberships { nodes { role } } } } }`, {
      p: ids['郑晓东'],
    });
    expect(self.person.volunteerProfile.memberships.nodes.length).toBe(1);
    const key = await app.run(
      `query ($c: ID!) { councils { nodes { name } } volunteerTeams(under: $c) { nodes { name } } place(id: $c) { grids { nodes { name } } } }`,
      { c: ids['DEMO-FXY3'] },
      { caller: apiKeyCaller },
    );
    expect(key).toMatchObject({ councils: { nodes: [{ name: '山畔议事会' }] }, volunteerTeams: { nodes: [{ name: '邻里互助队' }] } });
    expect(key.place.grids.nodes.length).toBeGreaterThan(0);
  });
});

test("a board subscription of one's own community carries no canary change", async () => {
  const result = await subscribe({
    schema: app.platform.schema,
    document: parse(
      `subscription ($p: ID!) { taskBoardChanges(placeId: $p) { sequence itemId card { title place { name } item { id } } } }`,
    ),
    variableValues: { p: ids['DEMO-CYL'] },
    contextValue: app.platform.createContext(person('刘社工')),
  });
  expect(Symbol.asyncIterator in result).toBe(true);
  const iterator = result as AsyncGenerator<ExecutionResult<any>>;
  try {
    // A canary change first, then one of the worker's own community: only the second arrives.
    await sys(
      `mutation ($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "金丝雀第二单", description: "", placeId: $p, requesterId: $r }) { request { id } } }`,
      { p: ids['K-C'], r: ids['金丝雀居民'] },
    );
    const own = (
      await sys(
        `mutation ($p: ID!, $r: ID!) { submitRequest(input: { kind: NEED, channel: PHONE, title: "成仪路楼道灯", description: "", placeId: $p, requesterId: $r }) { request { id } } }`,
        { p: ids['DEMO-CYL'], r: ids['苍爷爷'] },
      )
    ).submitRequest.request.id;
    const received: unknown[] = [];
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const next = await Promise.race([
        iterator.next(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no change arrived')), 5000))),
      ]).finally(() => clearTimeout(timer));
      received.push(next.value);
      if ([own, uuid(own)].includes(next.value.data?.taskBoardChanges.itemId)) break;
    }
    expect(leaks(received)).toEqual([]);
  } finally {
    await iterator.return?.(undefined);
  }
});
