import { uuidOf } from '@gongzhi/core/testing';
/**
 * Linking rules and the canary issues: a second district (金丝雀) beside the world's, and a
 * neighbouring community in the world's own subdistrict. Callers of district 1 (a social worker,
 * an API key with `*`) cannot name a canary row at all: it answers exactly like a made-up id. A
 * caller who sees both (the system, or a person with roles in both) names it, and the linking rule
 * refuses it (OUT_OF_SCOPE); nothing is written either way. Organisations may come from the whole
 * subdistrict (the declared widening).
 */
import {
  type Caller,
  createApiKey,
  createAuthenticator,
  Organization,
  OrganizationKind,
  Person,
  PersonRole,
  PersonRoleKind,
  Place,
  PlaceType,
  toGlobalId,
} from '@gongzhi/core';
import { act, as, createWorld, failure, Q, type World } from './world.js';

let w: World;
/** A social worker of the world's community (district 1). */
let worker: Person;
/** A social worker with roles in the world's community, the neighbouring community and the canary community: sees all three. */
let bridge: Person;
/** An API key of district 1 holding every permission. */
let key: { caller: Caller };
let council: { id: string };
let meeting: { id: string };
let ownRequest: string;
const at: Record<string, Place> = {};
const people: Record<string, Person> = {};
const orgs: Record<string, Organization> = {};
const requests: Record<string, string> = {};

const MADE_UP = '0f0e0d0c-0b0a-4000-8000-000000000000';
const sql = async (query: string, params: unknown[] = []) => w.app.platform.orm.em.fork().getConnection().execute(query, params);
const count = async (table: string) => Number((await sql(`SELECT count(*) AS n FROM council.${table}`))[0].n);

async function submit(place: Place, requester: Person): Promise<string> {
  const { submitRequest } = await w.app.run(
    `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { code } } }`,
    { input: { kind: 'COMPLAINT', channel: 'PHONE', title: `${place.name}的诉求`, placeId: place.id, requesterId: requester.id } },
  );
  return submitRequest.request.id;
}

beforeAll(async () => {
  w = await createWorld();
  const em = w.app.platform.orm.em.fork();
  const place = (type: PlaceType, code: string, name: string, parent: Place | null): Place => {
    const p = em.create(Place, { type, code, name, parent, path: '', depth: parent ? parent.depth + 1 : 0 });
    p.path = `${parent?.path ?? '/'}${p.uuid}/`;
    return (at[code] = p);
  };
  // The neighbouring community, in the world's subdistrict.
  const nb = place(PlaceType.COMMUNITY, 'T-FCY', '芳城园社区', w.subdistrict);
  place(PlaceType.VENUE, 'T-FCY-HALL', '芳城园活动室', nb);
  const nbHome = place(PlaceType.HOUSEHOLD, 'T-FCY-1-101', '芳城园1号楼101', place(PlaceType.BUILDING, 'T-FCY-1', '芳城园1号楼', nb));
  people.neighbourCommunity = em.create(Person, { name: '芳城园居民', household: nbHome });
  orgs.neighbourCommunity = em.create(Organization, { name: '芳城园物业', kind: OrganizationKind.PROPERTY_COMPANY, place: nb });
  // The canary district.
  const kc = place(
    PlaceType.COMMUNITY,
    'K-C',
    '金丝雀社区',
    place(PlaceType.SUBDISTRICT, 'K-S', '金丝雀街道', place(PlaceType.DISTRICT, 'K-D', '金丝雀区', null)),
  );
  place(PlaceType.VENUE, 'K-V', '金丝雀活动室', kc);
  const kb = place(PlaceType.BUILDING, 'K-B', '金丝雀楼', kc);
  people.canary = em.create(Person, { name: '金丝雀居民', household: place(PlaceType.HOUSEHOLD, 'K-H', '金丝雀户', kb) });
  orgs.canary = em.create(Organization, { name: '金丝雀单位', kind: OrganizationKind.RESIDENT_UNIT, place: kc });
  worker = w.orgs.committee.people[0];
  bridge = em.create(Person, { name: '跨区社工' });
  for (const community of [w.community, nb, kc]) {
    em.create(PersonRole, { person: bridge, place: community, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  }
  await em.flush();
  const { secret } = await em
    .fork()
    .transactional((tx) => createApiKey(tx as never, { name: '一区全权钥匙', placeIds: [w.district.uuid], permissions: ['*'] }));
  key = { caller: (await createAuthenticator(() => w.app.platform.orm.em.fork(), {})(`Bearer ${secret}`))! };

  requests.canary = await submit(at['K-H'], people.canary);
  requests.neighbourCommunity = await submit(nbHome, people.neighbourCommunity);
  ownRequest = await submit(w.building, w.residents[0]);
  council = await act(w.app, Q.createCouncil, {
    input: { communityId: w.community.id, name: '双区议事会', votingRule: 'CONSENT', quorumPercent: 0 },
  });
  for (const person of [worker, bridge]) await act(w.app, Q.addMember, { c: council.id, s: 'SOCIAL_WORKER', p: person.id });
  const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
  meeting = await act(w.app, Q.schedule, { input: { councilId: council.id, title: '议事', scheduledAt, urgent: true } }, as(worker));
}, 60_000);
afterAll(() => w?.app.close());

/** A proposal of the council, passed, on a topic. */
async function passedProposal(): Promise<{ id: string }> {
  const item = await act(w.app, Q.agenda, { input: { meetingId: meeting.id, title: '议题' } }, as(worker));
  const proposal = await act(w.app, Q.propose, { a: item.id, t: '提案' }, as(worker));
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(worker));
  return act(w.app, Q.close, { p: proposal.id }, as(worker));
}

describe('addCouncilMember: a person of the council’s community, an organisation of its subdistrict', () => {
  const seat = (extra: Record<string, unknown>) => ({ c: council.id, s: 'OTHER', ...extra });

  test('to district 1 (a social worker, a key with *), a canary person or organisation is a made-up id', async () => {
    for (const caller of [as(worker), key]) {
      const madePerson = await failure(w.app, Q.addMember, seat({ p: toGlobalId('Person', MADE_UP) }), caller);
      expect(madePerson).toEqual({ code: 'NOT_FOUND', field: 'personId', message: 'No Person has the id given in "personId".' });
      expect(await failure(w.app, Q.addMember, seat({ p: people.canary.id }), caller)).toEqual(madePerson);
      const madeOrg = await failure(w.app, Q.addMember, seat({ o: toGlobalId('Organization', MADE_UP) }), caller);
      expect(await failure(w.app, Q.addMember, seat({ o: orgs.canary.id }), caller)).toEqual(madeOrg);
    }
  });

  test('to a caller who sees both, a canary or neighbouring-community person is OUT_OF_SCOPE; an organisation of the subdistrict sits', async () => {
    const before = await count('member');
    for (const [extra, field] of [
      [{ p: people.canary.id }, 'personId'],
      [{ o: orgs.canary.id }, 'organizationId'],
      [{ p: people.neighbourCommunity.id }, 'personId'],
    ] as const) {
      expect(await failure(w.app, Q.addMember, seat(extra))).toMatchObject({ code: 'OUT_OF_SCOPE', field });
    }
    expect(await count('member')).toBe(before);
    // The property company of the neighbouring community serves this one too (the declared widening).
    expect(await act(w.app, Q.addMember, seat({ s: 'PROPERTY_COMPANY', o: orgs.neighbourCommunity.id }))).toMatchObject({
      name: '芳城园物业',
    });
  });
});

describe('addCouncilAgendaItem: a request (or grid finding) of the council’s community', () => {
  const agenda = (requestId: string) => ({ input: { meetingId: meeting.id, title: '议题', requestId } });

  test('a council of district 1 cannot put a district-2 request on its agenda', async () => {
    const before = await count('agenda_item');
    const madeUp = await failure(w.app, Q.agenda, agenda(toGlobalId('Request', MADE_UP)), as(worker));
    expect(madeUp).toEqual({ code: 'NOT_FOUND', field: 'input.requestId', message: 'No Request has the id given in "input.requestId".' });
    expect(await failure(w.app, Q.agenda, agenda(requests.canary), as(worker))).toEqual(madeUp);
    expect(await failure(w.app, Q.agenda, agenda(requests.canary), key)).toEqual(madeUp);
    // A member who sees both districts names it, and the linking rule refuses it; a neighbouring community's too.
    for (const request of [requests.canary, requests.neighbourCommunity]) {
      expect(await failure(w.app, Q.agenda, agenda(request), as(bridge))).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'input.requestId' });
    }
    expect(await count('agenda_item')).toBe(before);
    expect(await act(w.app, Q.agenda, agenda(ownRequest), as(bridge))).toMatchObject({ kind: 'REQUEST', request: { id: ownRequest } });
  });

  test('a decision never moves a request in a district the decider cannot see, even one linked before this rule', async () => {
    // An agenda item linking the canary request, as the old code let one be written.
    const [item] = await sql(
      `INSERT INTO council.agenda_item (id, meeting_id, position, kind, title, request_id)
       SELECT gen_random_uuid(), ?::uuid, coalesce(max(position), 0) + 1, 'request', '旧链接', ?::uuid
         FROM council.agenda_item WHERE meeting_id = ?::uuid RETURNING id`,
      [uuidOf(meeting.id), uuidOf(requests.canary), uuidOf(meeting.id)],
    );
    const proposal = await act(w.app, Q.propose, { a: toGlobalId('CouncilAgendaItem', item.id), t: '旧提案' }, as(worker));
    await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(worker));
    await act(w.app, Q.close, { p: proposal.id }, as(worker));
    const before = await sql(`SELECT status, version FROM public.request WHERE id = ?`, [uuidOf(requests.canary)]);
    const input = {
      proposalId: proposal.id,
      summary: '决定',
      actionItems: [{ title: '事', ownerPersonId: worker.id, dueOn: '2030-01-01' }],
    };
    expect(await failure(w.app, Q.decide, { input }, as(worker))).toMatchObject({ code: 'FORBIDDEN', field: 'input.proposalId' });
    expect(await sql(`SELECT status, version FROM public.request WHERE id = ?`, [uuidOf(requests.canary)])).toEqual(before);
    expect(before[0].status).toBe('submitted');
  });
});

describe('recordCouncilDecision: action item owners of the council’s community (organisations: its subdistrict)', () => {
  const decide = (proposalId: string, owner: Record<string, string>) => ({
    input: {
      proposalId,
      summary: '决定',
      actionItems: [
        { title: '正事', ownerPersonId: worker.id, dueOn: '2030-01-01' },
        { title: '分工', dueOn: '2030-01-01', ...owner },
      ],
    },
  });

  test('to district 1, a canary owner is a made-up id; to a caller who sees both, OUT_OF_SCOPE; nothing is written', async () => {
    const proposal = await passedProposal();
    const before = await Promise.all(['decision', 'action_item'].map(count));
    const field = 'input.actionItems.1.ownerPersonId';
    for (const caller of [as(worker), key]) {
      const madeUp = await failure(w.app, Q.decide, decide(proposal.id, { ownerPersonId: toGlobalId('Person', MADE_UP) }), caller);
      expect(madeUp).toEqual({ code: 'NOT_FOUND', field, message: `No Person has the id given in "${field}".` });
      expect(await failure(w.app, Q.decide, decide(proposal.id, { ownerPersonId: people.canary.id }), caller)).toEqual(madeUp);
      const madeOrg = await failure(
        w.app,
        Q.decide,
        decide(proposal.id, { ownerOrganizationId: toGlobalId('Organization', MADE_UP) }),
        caller,
      );
      expect(await failure(w.app, Q.decide, decide(proposal.id, { ownerOrganizationId: orgs.canary.id }), caller)).toEqual(madeOrg);
    }
    for (const [owner, ownerField] of [
      [{ ownerPersonId: people.canary.id }, field],
      [{ ownerOrganizationId: orgs.canary.id }, 'input.actionItems.1.ownerOrganizationId'],
      [{ ownerPersonId: people.neighbourCommunity.id }, field],
    ] as const) {
      expect(await failure(w.app, Q.decide, decide(proposal.id, owner), as(bridge))).toMatchObject({
        code: 'OUT_OF_SCOPE',
        field: ownerField,
      });
    }
    expect(await Promise.all(['decision', 'action_item'].map(count))).toEqual(before);
    // The neighbouring community's property company takes a share (the declared widening).
    const decision = await act(w.app, Q.decide, decide(proposal.id, { ownerOrganizationId: orgs.neighbourCommunity.id }), as(bridge));
    const owners = decision.actionItems.nodes.map((a: { ownerOrganization: { name: string } | null }) => a.ownerOrganization?.name ?? null);
    expect(owners).toHaveLength(2);
    expect(owners).toEqual(expect.arrayContaining(['芳城园物业', null]));
  });
});

describe('openCouncilResidentPoll: places inside the council’s community', () => {
  const open = (p: string, places: string[]) => ({ p, q: '同意吗？', places });

  test('to district 1, a canary building is a made-up id; to a caller who sees both, OUT_OF_SCOPE; nothing is written', async () => {
    const proposal = await passedProposal();
    const madeUp = await failure(w.app, Q.openPoll, open(proposal.id, [w.building.id, toGlobalId('Place', MADE_UP)]), as(worker));
    expect(madeUp).toEqual({ code: 'NOT_FOUND', field: 'placeIds.1', message: 'No Place has the id given in "placeIds.1".' });
    for (const caller of [as(worker), key]) {
      expect(await failure(w.app, Q.openPoll, open(proposal.id, [w.building.id, at['K-B'].id]), caller)).toEqual(madeUp);
    }
    for (const place of [at['K-B'], at['T-FCY-1'], w.subdistrict]) {
      expect(await failure(w.app, Q.openPoll, open(proposal.id, [place.id]), as(bridge))).toMatchObject({
        code: 'OUT_OF_SCOPE',
        field: 'placeIds',
      });
    }
    expect(await count('resident_poll')).toBe(0);
    expect(await act(w.app, Q.openPoll, open(proposal.id, [w.building.id]), as(bridge))).toMatchObject({ places: [{ name: '10号楼' }] });
  });
});

describe('scheduleCouncilMeeting: a place on the line of the council’s community', () => {
  const schedule = (placeId: string) => ({
    input: { councilId: council.id, title: '会', placeId, scheduledAt: new Date(Date.now() + 3_600_000).toISOString(), urgent: true },
  });

  test("another community's venue is refused; the community's own hall and the subdistrict above it are on its line", async () => {
    const before = await count('meeting');
    expect((await failure(w.app, Q.schedule, schedule(at['K-V'].id), as(worker))).code).toBe('NOT_FOUND');
    for (const venue of [at['K-V'], at['T-FCY-HALL']]) {
      expect(await failure(w.app, Q.schedule, schedule(venue.id), as(bridge))).toMatchObject({
        code: 'OUT_OF_SCOPE',
        field: 'input.placeId',
      });
    }
    expect(await count('meeting')).toBe(before);
    expect(await act(w.app, Q.schedule, schedule(w.hall.id), as(bridge))).toMatchObject({ place: { name: '社区议事厅' } });
    expect(await act(w.app, Q.schedule, schedule(w.subdistrict.id), as(bridge))).toMatchObject({ place: { name: '方庄街道' } });
  });
});
