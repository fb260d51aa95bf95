import { type Caller, referenceOf } from '@gongzhi/core';
import { type TestApp } from '@gongzhi/core/testing';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { type CanaryWorld, createCanaryWorld, DAY, eventually } from './canary-district.js';

/**
 * N+1, checked from the composed schema. Every query field is asked for everything under it,
 * three levels deep (every field without required arguments; every list sized by `first` or
 * `limit` a page of `$page`), with pages of growing size in turn, on the demo district and a
 * canary district of three communities holding rows of every plugin type. A batched read runs
 * once per level whatever the page holds; a read per row runs once more for every row more. So
 * a statement that ran for a smaller page may not run more often for a larger one, bar one batch
 * gone in two ({@link readsPerRow}; one first needed by the larger page, a level the smaller left
 * empty, is checked at the next size). A
 * field that reads per row fails here by name, whichever package declares it (its resolvers, or
 * the place rules that check its rows for a scoped caller): a new plugin's fields are covered by
 * being in the schema. So does a batch whose text changes with the page (its keys written into it
 * as a list, `IN (?, ?, ?)`: a new text to parse and plan for every number of rows), and so does
 * any statement sent without a name (`TestApp.unnamedStatements`): PostgreSQL would parse and plan
 * it on every call.
 *
 * Required arguments are filled with ids the answers showed, type by type (places of the canary
 * district first, widest first, so `under` gets the district), asked by the system, else by
 * the canary district's people and app key (for what needs a signed-in person or an owner). A
 * query whose answer does not grow with the page checks nothing, so every list query must grow.
 */
/** Global ids seen in answers, by type, in the order first seen. */
const seen = new Map<string, string[]>();
const DEPTH = 3;
/** The arguments that size a list. */
const PAGE_ARGS = new Set(['first', 'limit']);
const day = (offset: number) => new Date(Date.now() + offset * DAY);

let app: TestApp;
/** Who asks: the system, else (for what needs a signed-in person) the canary district's people and app. */
let callers: (Caller | undefined)[];
/** A social worker of the three canary communities: the place rules check every row this caller is shown. */
let socialWorker: Caller;

beforeAll(async () => {
  const world = await createCanaryWorld({ communities: 3 });
  app = world.app;
  callers = [undefined, ...['金丝雀社工', '金丝雀网格员', '金丝雀志愿者', '金丝雀居民'].map(world.person), world.canaryKeyCaller];
  socialWorker = world.person('金丝雀社工');
  for (const community of ['K-C2', 'K-C3'])
    await world.sys(
      `mutation ($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: SOCIAL_WORKER, startsOn: "2020-01-01") { errors { code message } } }`,
      { p: world.ids['金丝雀社工'], c: world.ids[community] },
    );
  await moreRows(world);
  // Places to try first: the canary district's (three communities of everything), widest first.
  seen.set(
    'Place',
    ['K-D', 'K-S', 'K-C', 'K-V', 'K-B', 'K-H', 'DEMO-FT'].map((code) => world.ids[code]),
  );
}, 180_000);
afterAll(() => app?.close());

/**
 * Two more rows where a list query is keyed by one parent (a venue's bookings, a team's shifts, a
 * place's recruitments, an area's little bees, a community's ranked accounts, an app's webhooks),
 * so that it holds three: a read per row then shows as a step of two between pages of 1 and 3.
 */
async function moreRows({ app: world, as, sys, ids, canary, canaryKeyCaller }: CanaryWorld): Promise<void> {
  const lead = (q: string, v: Record<string, unknown>) => as('金丝雀社工', q, v);
  const tomorrow = new Date(Date.now() + DAY);
  for (const n of [2, 3]) {
    await lead(`mutation ($i: PostVolunteerRecruitmentInput!) { postVolunteerRecruitment(input: $i) { errors { code message } } }`, {
      i: { teamId: canary.VolunteerTeam, placeId: ids['K-C'], title: `金丝雀招募${n}`, wanted: 2, openUntil: day(7).toISOString() },
    });
    const startsAt = new Date(tomorrow.getTime() + 3 * n * 3_600_000);
    await lead(`mutation ($i: CreateVolunteerShiftInput!) { createVolunteerShift(input: $i) { errors { code message } } }`, {
      i: {
        teamId: canary.VolunteerTeam,
        placeId: ids['K-C'],
        title: `金丝雀值守${n}`,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
        capacity: 2,
      },
    });
    const slot = new Date(Date.UTC(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth(), tomorrow.getUTCDate(), 3 + n, 0));
    await as('金丝雀志愿者', `mutation ($i: MoralBankBookingInput!) { bookMoralBankVenue(input: $i) { errors { code message } } }`, {
      i: {
        venueId: ids['K-V'],
        accountId: canary.MoralBankAccount,
        startsAt: slot.toISOString(),
        endsAt: new Date(slot.getTime() + 1_800_000).toISOString(),
        purpose: `金丝雀排练${n}`,
      },
    });
    // The canary app's webhooks (to a port nothing listens on: no event they want follows).
    const webhook = await world.run(
      `mutation ($u: String!) { createWebhook(input: { url: $u, eventTypes: ["request.created"] }) { errors { code message } } }`,
      { u: `http://127.0.0.1:9/gongzhi/${n}` },
      { caller: canaryKeyCaller },
    );
    expect(webhook.createWebhook.errors).toEqual([]);
  }
  // The resident and the grid worker join the team and earn: the community's second and third accounts, in its rankings.
  for (const name of ['金丝雀居民', '金丝雀网格员']) {
    await lead(`mutation ($t: ID!, $p: ID!) { addVolunteerTeamMember(teamId: $t, personId: $p) { errors { code message } } }`, {
      t: canary.VolunteerTeam,
      p: ids[name],
    });
    const entry = await as(
      name,
      `mutation ($c: ID!, $d: String!) { reportVolunteerHours(input: { communityId: $c, servedOn: $d, minutes: 30, description: "金丝雀服务二" }) { entry { id } errors { code message } } }`,
      { c: ids['K-C'], d: day(-1).toISOString().slice(0, 10) },
    );
    await lead(`mutation ($e: ID!) { verifyVolunteerHours(entryId: $e) { errors { code message } } }`, {
      e: entry.reportVolunteerHours.entry.id,
    });
    const account = await eventually(
      async () =>
        (await sys(`query ($p: ID!) { person(id: $p) { moralBankAccounts { nodes { id } } } }`, { p: ids[name] })).person.moralBankAccounts
          .nodes[0],
    );
    await as(name, `mutation ($a: ID!) { setMoralBankRankingOptIn(accountId: $a, optIn: true) { errors { code message } } }`, {
      a: account.id,
    });
  }
  for (const name of ['金丝雀居民', '金丝雀志愿者', '金丝雀网格员'])
    await sys(`mutation ($i: RegisterLittleBeeInput!) { registerLittleBee(input: $i) { errors { code message } } }`, {
      i: { personId: ids[name], areaId: ids['K-C'], kind: 'COURIER' },
    });
}

const required = (arg: GraphQLArgument) => isNonNullType(arg.type) && arg.defaultValue === undefined;

/** Everything under a value of `type`, `depth` levels below the root; connections a page of `$page`. */
function selection(type: GraphQLNamedType, depth: number): string {
  if (isUnionType(type)) {
    return `{ __typename ${type
      .getTypes()
      .map((member) => `... on ${member.name} ${selection(member, depth)}`)
      .join(' ')} }`;
  }
  if (!isObjectType(type) && !isInterfaceType(type)) return '';
  const fields: string[] = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => required(arg) && !PAGE_ARGS.has(arg.name))) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      fields.push(field.name);
      continue;
    }
    if (depth >= DEPTH) continue;
    // An interface's own fields only: its implementations are asked where they are named.
    const under = isInterfaceType(named) ? interfaceSelection(named) : selection(named, depth + 1);
    const pageArg = field.args.find((arg) => PAGE_ARGS.has(arg.name));
    const page = pageArg ? `(${pageArg.name}: $page)` : '';
    fields.push(`${field.name}${page} ${under}`);
  }
  return `{ ${fields.join(' ')} }`;
}

function interfaceSelection(type: GraphQLNamedType): string {
  if (!isInterfaceType(type)) return '';
  const leaves = Object.values(type.getFields()).filter((f) => isLeafType(getNamedType(f.type)) && !f.args.some(required));
  return `{ __typename ${leaves.map((f) => f.name).join(' ')} }`;
}

/** Counts the objects of an answer, and records the ids it shows in {@link seen}. */
function collect(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + collect(v), 0);
  if (!value || typeof value !== 'object') return 0;
  const object = value as Record<string, unknown>;
  if (typeof object.__typename === 'string' && typeof object.id === 'string') {
    const ids = seen.get(object.__typename) ?? [];
    if (!ids.includes(object.id)) ids.push(object.id);
    seen.set(object.__typename, ids);
  }
  return 1 + Object.values(object).reduce((n: number, v) => n + collect(v), 0);
}

/** Values to try for a required argument: ids of its declared type, or one plausible value. */
function candidates(arg: GraphQLArgument): unknown[] {
  const type = getNullableType(arg.type);
  const reference = referenceOf(arg);
  if (reference) return (seen.get(reference.type) ?? []).slice(0, 10);
  const named = getNamedType(type);
  if (isEnumType(named)) return [named.getValues()[0].value];
  if (isInputObjectType(named)) return [{}];
  const late = arg.name === 'to' || arg.name.endsWith('To') || arg.name.startsWith('until');
  if (named.name === 'DateTimeISO') return [day(late ? 60 : -300).toISOString()];
  if (named.name === 'String' && /^(from|to)$/.test(arg.name))
    return [
      day(late ? 0 : -300)
        .toISOString()
        .slice(0, 10),
    ];
  if (named.name === 'Int') return [30];
  return [];
}

interface Outcome {
  field: string;
  /** Why the field checked nothing, when it did not. */
  skipped?: string;
  /** Statements that ran more often for the larger pages (with their counts), or whose text changed with the page. */
  perRow?: string[];
  variables?: Record<string, unknown>;
}

/** Who asks, and the page sizes asked in turn. */
interface Asking {
  askers: readonly (Caller | undefined)[];
  pages: readonly number[];
}

/**
 * Whether a statement's counts for growing pages tell a read per row: it ran for a smaller page
 * and runs at least two more times for the larger one, or more often at two steps. A single step
 * of one is a batch gone in two, which a row per row does not explain: a scoped caller's place
 * checks finish at different turns for rows whose places are already known and rows whose are
 * not (a board page's did), and two answers of one round trip may reach the gateway at different
 * turns, their rows' reads then asked apart.
 */
function readsPerRow(counts: readonly number[]): boolean {
  const steps = counts.slice(1).map((n, i) => (counts[i] >= 1 ? n - counts[i] : 0));
  return steps.some((step) => step >= 2) || steps.filter((step) => step > 0).length >= 2;
}

/**
 * Statements a query sent without a name, with the fields that sent them: PostgreSQL parses and
 * plans each of them on every call, where a named one is parsed once per connection. The platform
 * names every statement but those with a list or a JSON object written into their text (by the
 * ORM, which has no bound form for them) and several statements sent as one text.
 */
const unnamedStatements = new Map<string, Set<string>>();
const sentUnnamed = () => [...unnamedStatements].map(([text, fields]) => `${text} (${[...fields].join(', ')})`);
beforeEach(() => unnamedStatements.clear());

async function check(field: GraphQLField<unknown, unknown>, { askers, pages }: Asking): Promise<Outcome> {
  const inner = selection(getNamedType(field.type), 1);
  const args = field.args.filter(required).filter((arg) => !PAGE_ARGS.has(arg.name));
  const pageArg = field.args.find((arg) => PAGE_ARGS.has(arg.name));
  const rootArgs = [...args.map((arg) => `${arg.name}: $${arg.name}`), ...(pageArg ? [`${pageArg.name}: $page`] : [])];
  const document = `${field.name}${rootArgs.length ? `(${rootArgs.join(', ')})` : ''} ${inner}`;
  const usesPage = document.includes('$page');
  const declared = [...args.map((arg) => `$${arg.name}: ${String(arg.type)}`), ...(usesPage ? ['$page: Int!'] : [])];
  const source = `query ${declared.length ? `(${declared.join(', ')})` : ''} { ${document} }`;
  if (!usesPage) return { field: field.name, skipped: 'nothing in it is paged' };
  // Each required argument's candidates, tried in turn with the others at their first.
  const options = args.map(candidates);
  const missing = args.find((_, i) => options[i].length === 0);
  if (missing) return { field: field.name, skipped: `no value for ${missing.name}` };
  const tries: Record<string, unknown>[] = [];
  const first = Object.fromEntries(args.map((arg, i) => [arg.name, options[i][0]]));
  tries.push(first);
  args.forEach((arg, i) => options[i].slice(1).forEach((value) => tries.push({ ...first, [arg.name]: value })));
  let why = '';
  for (const [variables, caller] of tries.flatMap((v) => askers.map((c) => [v, c] as const))) {
    const runs: { data: unknown; counts: Map<string, number> }[] = [];
    let errors: readonly Error[] | undefined;
    for (const page of pages) {
      let result: Awaited<ReturnType<TestApp['execute']>> | undefined;
      let texts: string[] = [];
      const unnamed = await app.unnamedStatements(async () => {
        texts = await app.recordStatements(async () => {
          result = await app.execute(source, { ...variables, page }, caller && { caller });
        });
      });
      for (const text of unnamed) {
        const key = text.replace(/\s+/g, ' ').slice(0, 160);
        (unnamedStatements.get(key) ?? unnamedStatements.set(key, new Set()).get(key)!).add(field.name);
      }
      errors ??= result!.errors;
      runs.push({ data: result!.data, counts: texts.reduce((m, t) => m.set(t, (m.get(t) ?? 0) + 1), new Map<string, number>()) });
    }
    if (errors) {
      why ||= `errors: ${errors.map((e) => e.message).join('; ')}`;
      continue;
    }
    const objects = runs.map((run) => collect(run.data));
    if (objects[objects.length - 1] <= objects[0]) {
      why ||= `the answer holds ${objects[0]} objects for every page`;
      continue;
    }
    const texts = new Set(runs.flatMap((run) => [...run.counts.keys()]));
    const perRow = [...texts].flatMap((text) => {
      const counts = runs.map((run) => run.counts.get(text) ?? 0);
      return readsPerRow(counts)
        ? [`${counts.join(' → ')} for pages ${pages.join(' → ')}: ${text.replace(/\s+/g, ' ').slice(0, 160)}`]
        : [];
    });
    // A batch whose keys are written into its text as a list is a new text (parsed and planned
    // anew) for every number of rows: the same statement with lists of other lengths.
    const byShape = new Map<string, string[]>();
    for (const text of texts) {
      const shape = text.replace(/\(\?(, \?)*\)/g, '(…)');
      byShape.set(shape, [...(byShape.get(shape) ?? []), text]);
    }
    for (const variants of byShape.values())
      if (variants.length > 1)
        perRow.push(`its list written into its text, ${variants.length} texts: ${variants[0].replace(/\s+/g, ' ').slice(0, 160)}`);
    return { field: field.name, perRow, variables };
  }
  return { field: field.name, skipped: why };
}

/** Every query field checked, in rounds: a field whose references no answer has shown yet waits for a later one. */
async function checkSchema(asking: Asking): Promise<Outcome[]> {
  const outcomes = new Map<string, Outcome>();
  for (let round = 0; round < 3; round++) {
    for (const field of queryFields()) if (!outcomes.get(field.name)?.perRow) outcomes.set(field.name, await check(field, asking));
  }
  return [...outcomes.values()];
}

const queryFields = () => Object.values(app.platform.schema.getQueryType()!.getFields());
const readingPerRow = (outcomes: readonly Outcome[]) =>
  outcomes.filter((o) => o.perRow?.length).map(({ field, perRow }) => ({ field, perRow }));

test('no query reads per row as the system: no statement runs more often (bar one batch gone in two), or with another text, for a larger page; none goes unnamed', async () => {
  const checked = await checkSchema({ askers: callers, pages: [1, 3, 9] });
  expect(readingPerRow(checked)).toEqual([]);
  expect(sentUnnamed()).toEqual([]);
  // Every list query was asked with rows enough to grow: otherwise it checked nothing.
  const lists = queryFields()
    .filter((field) => field.args.some((arg) => PAGE_ARGS.has(arg.name)))
    .map((field) => field.name);
  expect(checked.filter((o) => lists.includes(o.field) && !o.perRow)).toEqual([]);
  // And so were most of the others (whatever is paged inside them).
  expect(checked.filter((o) => o.perRow).length).toBeGreaterThan(queryFields().length / 2);
}, 600_000);

test('nor as a social worker of the canary communities, whose rows the place rules check one by one', async () => {
  // Pages of one row more each time: the few rows this caller may see suffice.
  const checked = await checkSchema({ askers: [socialWorker], pages: [1, 2, 3] });
  expect(readingPerRow(checked)).toEqual([]);
  expect(sentUnnamed()).toEqual([]);
  expect(checked.filter((o) => o.perRow).length).toBeGreaterThan(10);
}, 600_000);
