import {
  type Caller,
  localDate,
  Organization,
  OrganizationKind,
  OrganizationMember,
  Person,
  PersonRole,
  PersonRoleKind,
  type Place,
  PlaceType,
} from '@gongzhi/core';
import { apiKeyCaller, asPerson, createTestApp, placeWriter, problemOf, type TestApp } from '@gongzhi/core/testing';

/**
 * The three orders (三单制) and whistle-and-report (吹哨报到), played by the people in them with
 * person tokens: a resident places an order (点单), the community worker dispatches it to a
 * partner unit (下单), a member of that unit takes it (接单). The unit's members see the requests
 * given to their unit and nothing else of the community.
 */
let app: TestApp;
const place: Record<string, Place> = {};
const person: Record<string, Person> = {};
let hospital: Organization;
let otherUnit: Organization;
const as = (p: Person): Caller => asPerson(p).caller;

beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  const district = write(PlaceType.DISTRICT, 'TO-D', '丰台区', null);
  place.sub = write(PlaceType.SUBDISTRICT, 'TO-S', '方庄街道', district);
  place.community = write(PlaceType.COMMUNITY, 'TO-C', '芳星园三区社区', place.sub);
  const building = write(PlaceType.BUILDING, 'TO-B', '20号楼', place.community);
  place.home = write(PlaceType.HOUSEHOLD, 'TO-H1', '20号楼101', building);
  place.neighbour = write(PlaceType.HOUSEHOLD, 'TO-H2', '20号楼102', building);
  place.otherCommunity = write(PlaceType.COMMUNITY, 'TO-C2', '成仪路社区', place.sub);
  person.resident = em.create(Person, { name: '宋阿姨', household: place.home });
  person.neighbour = em.create(Person, { name: '董桂芳', household: place.neighbour });
  person.worker = em.create(Person, { name: '社区书记' });
  em.create(PersonRole, { person: person.worker, place: place.community, role: PersonRoleKind.SOCIAL_WORKER, startsOn: '2020-01-01' });
  person.volunteer = em.create(Person, { name: '楼门志愿者', household: place.neighbour });
  em.create(PersonRole, { person: person.volunteer, place: place.community, role: PersonRoleKind.VOLUNTEER, startsOn: '2020-01-01' });
  // A partner unit (共建单位) of the subdistrict; its staff live elsewhere and hold no role in the community.
  hospital = em.create(Organization, { name: '方庄社区卫生服务中心', kind: OrganizationKind.RESIDENT_UNIT, place: place.sub });
  person.doctor = em.create(Person, { name: '张医生', phone: '13900000046' });
  person.nurse = em.create(Person, { name: '李护士', phone: '13900000047' });
  em.create(OrganizationMember, { organization: hospital, person: person.doctor, role: '医生', joinedOn: '2024-01-01' });
  em.create(OrganizationMember, { organization: hospital, person: person.nurse, role: '护士', joinedOn: '2024-01-01' });
  otherUnit = em.create(Organization, { name: '成仪路物业', kind: OrganizationKind.PROPERTY_COMPANY, place: place.otherCommunity });
  await em.flush();
});
afterAll(() => app?.close());

async function mutate(doc: string, variables: Record<string, unknown>, caller: Caller): Promise<any> {
  const result = await app.execute(doc, variables, { caller });
  const problem = problemOf(result);
  if (problem) throw new Error(`${problem.code}: ${problem.message}`);
  return Object.values(result.data!)[0];
}

const SUBMIT = `mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id status requester { name } } errors { code message field } } }`;
const DISPATCH = `mutation($id: ID!, $o: ID!, $n: String) {
  dispatchRequest(id: $id, organizationId: $o, note: $n) { request { id status dispatchedTo { name } } errors { code message field } } }`;
const CLAIM = `mutation($id: ID!) { claimRequest(id: $id) { request { status assignee { name } } errors { code message field } } }`;
const VISIBLE = `query($id: ID!) { request(id: $id) { title } requests(first: 50) { edges { node { title } } } }`;

describe('three orders: 点单 → 下单 → 接单', () => {
  let order: string;
  let other: string;

  test('the resident places an order (点单) from home; a neighbour reports something else', async () => {
    const placed = await mutate(
      SUBMIT,
      { i: { kind: 'NEED', channel: 'CHAT_GROUP', title: '老人需要上门测血压', placeId: place.home.id } },
      as(person.resident),
    );
    expect(placed.request).toMatchObject({ status: 'SUBMITTED', requester: { name: '宋阿姨' } });
    order = placed.request.id;
    other = (
      await mutate(
        SUBMIT,
        { i: { kind: 'COMPLAINT', channel: 'PHONE', title: '楼道堆物', placeId: place.neighbour.id } },
        as(person.neighbour),
      )
    ).request.id;
  });

  test('before dispatch the partner unit sees nothing of the community', async () => {
    const seen = await app.run(VISIBLE, { id: order }, { caller: as(person.doctor) });
    expect(seen).toEqual({ request: null, requests: { edges: [] } });
    // And cannot take it: an unseen request answers like a made-up id.
    expect(problemOf(await app.execute(CLAIM, { id: order }, { caller: as(person.doctor) }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('the community dispatches it (下单) to the partner unit; only staff may', async () => {
    const refused = await app.execute(DISPATCH, { id: order, o: hospital.id }, { caller: as(person.volunteer) });
    expect(problemOf(refused)).toMatchObject({ code: 'FORBIDDEN' });
    // A unit outside the request's line of places (another community's) is refused.
    const far = await app.execute(DISPATCH, { id: order, o: otherUnit.id }, { caller: as(person.worker) });
    expect(problemOf(far)).toMatchObject({ code: 'NOT_FOUND' }); // outside the worker's places: not even seen
    const outOfLine = await app.execute(DISPATCH, { id: order, o: otherUnit.id }); // the system sees it, but may not link it
    expect(problemOf(outOfLine)).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'organizationId' });

    const dispatched = await mutate(DISPATCH, { id: order, o: hospital.id, n: '请本周内上门' }, as(person.worker));
    expect(dispatched.request).toEqual({ id: order, status: 'ACCEPTED', dispatchedTo: { name: '方庄社区卫生服务中心' } });
  });

  test("the unit's members see exactly the requests dispatched to their unit", async () => {
    for (const member of [person.doctor, person.nurse]) {
      const seen = await app.run(VISIBLE, { id: order }, { caller: as(member) });
      expect(seen).toEqual({ request: { title: '老人需要上门测血压' }, requests: { edges: [{ node: { title: '老人需要上门测血压' } }] } });
      const rest = await app.run(VISIBLE, { id: other }, { caller: as(member) });
      expect(rest.request).toBeNull();
    }
    const mine = await app.run(
      `query($o: ID!) { requests(filter: { dispatchedToId: $o }) { edges { node { title dispatchedTo { name } } } } }`,
      { o: hospital.id },
      { caller: as(person.doctor) },
    );
    expect(mine.requests.edges).toEqual([{ node: { title: '老人需要上门测血压', dispatchedTo: { name: '方庄社区卫生服务中心' } } }]);
    // Not a member: a volunteer of the community sees it (by place), the other community's unit does not exist for them.
    expect((await app.run(VISIBLE, { id: order }, { caller: as(person.volunteer) })).request).not.toBeNull();
  });

  test('a member takes it (接单); the rest of the community may not, and of two members one wins', async () => {
    const volunteer = await app.execute(CLAIM, { id: order }, { caller: as(person.volunteer) });
    expect(problemOf(volunteer)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('方庄社区卫生服务中心') });
    const [a, b] = await Promise.all([
      app.execute(CLAIM, { id: order }, { caller: as(person.doctor) }),
      app.execute(CLAIM, { id: order }, { caller: as(person.nurse) }),
    ]);
    const outcomes = [a, b].map((r) => problemOf(r)?.code ?? 'OK').sort();
    expect(outcomes).toEqual(['ALREADY_CLAIMED', 'OK']);
    const winner = problemOf(a) ? b : a;
    expect((winner.data as any).claimRequest.request.status).toBe('CLAIMED');
    // A taken request cannot be dispatched again.
    const again = await app.execute(DISPATCH, { id: order, o: hospital.id }, { caller: as(person.worker) });
    expect(problemOf(again)).toMatchObject({ code: 'ALREADY_CLAIMED' });
  });

  test('a member who took an order gives it back (退回) with the reason; it waits for the unit again and the other member takes it', async () => {
    const third = (
      await mutate(SUBMIT, { i: { kind: 'NEED', channel: 'PHONE', title: '上门换药', placeId: place.home.id } }, as(person.resident))
    ).request.id;
    await mutate(DISPATCH, { id: third, o: hospital.id }, as(person.worker));
    await mutate(CLAIM, { id: third }, as(person.doctor));
    const RELEASE = `mutation($id: ID!, $why: String!) { releaseRequest(id: $id, reason: $why) {
      request { status assignee { name } dispatchedTo { name } } errors { code message field } } }`;
    // Only its holder, or staff: the other member sees it but may not give back what is not theirs.
    expect(problemOf(await app.execute(RELEASE, { id: third, why: '没空' }, { caller: as(person.nurse) }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    const released = await mutate(RELEASE, { id: third, why: '本周出诊排满' }, as(person.doctor));
    expect(released.request).toEqual({ status: 'ACCEPTED', assignee: null, dispatchedTo: { name: '方庄社区卫生服务中心' } });
    expect(problemOf(await app.execute(RELEASE, { id: third, why: '再退' }, { caller: as(person.worker) }))).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      field: 'id',
    });
    expect((await mutate(CLAIM, { id: third }, as(person.nurse))).request).toEqual({ status: 'CLAIMED', assignee: { name: '李护士' } });
    const story = await app.run(`query($id: ID!) { request(id: $id) { timeline { nodes { action actor { name } note } } } }`, {
      id: third,
    });
    expect(story.request.timeline.nodes.slice(2)).toEqual([
      { action: 'claimed', actor: { name: '张医生' }, note: '张医生' },
      { action: 'released', actor: { name: '张医生' }, note: '张医生: 本周出诊排满' },
      { action: 'claimed', actor: { name: '李护士' }, note: '李护士' },
    ]);
    // Work begun is not given back; it is reassigned.
    await mutate(
      `mutation($id: ID!) { changeRequestStatus(id: $id, to: IN_PROGRESS) { request { status } errors { code message field } } }`,
      { id: third },
      as(person.worker),
    );
    expect(problemOf(await app.execute(RELEASE, { id: third, why: '太忙' }, { caller: as(person.nurse) }))).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      message: expect.stringContaining('reassignRequest'),
    });
    await mutate(
      `mutation($id: ID!) { changeRequestStatus(id: $id, to: RESOLVED) { request { status } errors { code message field } } }`,
      { id: third },
      as(person.worker),
    );
  });

  test('the community closes the loop; the timeline tells the whole story and the resident rates it', async () => {
    for (const to of ['IN_PROGRESS', 'RESOLVED']) {
      await mutate(
        `mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { request { status } errors { code message field } } }`,
        { id: order, to },
        as(person.worker),
      );
    }
    await mutate(
      `mutation($id: ID!) { rateRequest(id: $id, rating: 5, thanks: "张医生很耐心") { request { rating } errors { code message field } } }`,
      { id: order },
      as(person.resident),
    );
    const story = await app.run(
      `query($id: ID!) { request(id: $id) { status rating timeline { nodes { action actor { name } actorLabel note } } } }`,
      { id: order },
      { caller: as(person.worker) },
    );
    expect(story.request).toMatchObject({ status: 'RESOLVED', rating: 5 });
    // The unit's member holds no place in the community, but staff see who took the order.
    expect(story.request.timeline.nodes.map((e: any) => [e.action, e.actor?.name ?? null])).toEqual([
      ['created', '宋阿姨'],
      ['dispatched', '社区书记'],
      ['claimed', story.request.timeline.nodes[2].note],
      ['status', '社区书记'],
      ['status', '社区书记'],
      ['rated', '宋阿姨'],
    ]);
    expect(story.request.timeline.nodes[1].note).toBe('方庄社区卫生服务中心: 请本周内上门');
    expect(['张医生', '李护士']).toContain(story.request.timeline.nodes[2].note);
    // The member who took it sees it as theirs; the community's worker and the resident see who took it.
    const taker = story.request.timeline.nodes[2].note === '张医生' ? person.doctor : person.nurse;
    for (const caller of [taker, person.worker, person.resident]) {
      const seen = await app.run(`query($id: ID!) { request(id: $id) { assignee { name phone } } }`, { id: order }, { caller: as(caller) });
      // The taker's name, never their phone number: that stays with their own places.
      expect(seen.request.assignee).toEqual({ name: taker.name, phone: caller === taker ? taker.phone : null });
    }
    // Every step is in the audit log, under the community's places.
    const log = await app.run(`query($id: String!) { auditLog(filter: { entityId: $id }) { nodes { action } } }`, { id: order });
    expect(new Set(log.auditLog.nodes.map((e: any) => e.action))).toEqual(
      new Set(['request.submit', 'request.dispatch', 'request.claim', 'request.changeStatus', 'request.rate']),
    );
  });

  test('a member who leaves the unit no longer sees what was dispatched to it; the log keeps who was one', async () => {
    const taker = (await app.run(`query($id: ID!) { request(id: $id) { assignee { name } } }`, { id: order })).request.assignee.name;
    const leaver = taker === '张医生' ? person.nurse : person.doctor;
    const members = await app.run(`query($o: ID!) { node(id: $o) { ... on Organization { members { nodes { id person { name } } } } } }`, {
      o: hospital.id,
    });
    const membership = members.node.members.nodes.find((m: any) => m.person.name === leaver.name).id;
    const REMOVE = `mutation($id: ID!) { removeOrganizationMember(id: $id) { member { person { name } organization { name } } errors { code message field } } }`;

    // Only who manages people where the unit is: a volunteer of the community does not even see the membership.
    expect(problemOf(await app.execute(REMOVE, { id: membership }, { caller: as(person.volunteer) }))).toMatchObject({ code: 'NOT_FOUND' });
    const subdistrictReporter = await apiKeyCaller(app, { name: '街道报事', placeIds: [place.sub.uuid], permissions: ['request.submit'] });
    expect(problemOf(await app.execute(REMOVE, { id: membership }, { caller: subdistrictReporter }))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await app.run(VISIBLE, { id: order }, { caller: as(leaver) })).request).not.toBeNull();

    // The community's worker sees the unit (it serves the community), not its memberships: they are the subdistrict's.
    expect(problemOf(await app.execute(REMOVE, { id: membership }, { caller: as(person.worker) }))).toMatchObject({ code: 'NOT_FOUND' });
    // While they hold work given to the unit they stay: it would be left with someone who no longer sees it.
    const second = (
      await mutate(SUBMIT, { i: { kind: 'NEED', channel: 'PHONE', title: '代取药品', placeId: place.home.id } }, as(person.resident))
    ).request.id;
    await mutate(DISPATCH, { id: second, o: hospital.id }, as(person.worker));
    await mutate(CLAIM, { id: second }, as(leaver));
    expect(problemOf(await app.execute(REMOVE, { id: membership }))).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('This member holds 1 open request(s) dispatched to 方庄社区卫生服务中心'),
    });
    for (const to of ['IN_PROGRESS', 'RESOLVED']) {
      await mutate(
        `mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { request { status } errors { code message field } } }`,
        { id: second, to },
        as(person.worker),
      );
    }
    const left = await app.run(REMOVE, { id: membership });
    expect(left.removeOrganizationMember).toEqual({
      member: { person: { name: leaver.name }, organization: { name: '方庄社区卫生服务中心' } },
      errors: [],
    });
    expect(await app.run(VISIBLE, { id: order }, { caller: as(leaver) })).toEqual({ request: null, requests: { edges: [] } });
    expect(problemOf(await app.execute(REMOVE, { id: membership }))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const log = await app.run(`query($id: String!) { auditLog(filter: { entityId: $id }) { nodes { action operation } } }`, {
      id: membership,
    });
    expect(log.auditLog.nodes).toEqual([{ action: 'organization.removeMember', operation: 'delete' }]);

    // Who was a member, from when to when, stays on record: for the unit's managers, and the leaver sees their own.
    const FORMER = `query($o: ID!) { node(id: $o) { ... on Organization { formerMembers { nodes { id person { name } role joinedOn leftOn } } } } }`;
    const today = localDate(new Date(), 'Asia/Shanghai');
    const record = {
      id: expect.any(String),
      person: { name: leaver.name },
      role: expect.any(String),
      joinedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      leftOn: today,
    };
    const [former] = (await app.run(FORMER, { o: hospital.id })).node.formerMembers.nodes;
    expect(former).toEqual(record);
    const OWN = `query($id: ID!) { node(id: $id) { ... on OrganizationFormerMember { leftOn organization { name } } } }`;
    expect((await app.run(OWN, { id: former.id }, { caller: as(leaver) })).node).toEqual({ leftOn: today, organization: null });
    expect((await app.run(OWN, { id: former.id }, { caller: as(person.volunteer) })).node).toBeNull();
    // Joining again is a membership of its own; the one that ended stays where it was.
    const rejoined = await app.run(
      `mutation($o: ID!, $p: ID!) { addOrganizationMember(organizationId: $o, personId: $p, role: "护士", joinedOn: "${today}") {
        member { joinedOn } errors { code message field } } }`,
      { o: hospital.id, p: leaver.id },
    );
    expect(rejoined.addOrganizationMember).toEqual({ member: { joinedOn: today }, errors: [] });
    expect((await app.run(FORMER, { o: hospital.id })).node.formerMembers.nodes).toEqual([record]);
  });
});

test('the resident is not satisfied (不满意): she sends resolved work back to be done again; closed work is final', async () => {
  const leak = (
    await mutate(SUBMIT, { i: { kind: 'NEED', channel: 'PHONE', title: '厨房漏水', placeId: place.home.id } }, as(person.resident))
  ).request.id;
  const STATUS = `mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { request { status } errors { code message field } } }`;
  await mutate(STATUS, { id: leak, to: 'ACCEPTED' }, as(person.worker));
  await mutate(CLAIM, { id: leak }, as(person.worker));
  for (const to of ['IN_PROGRESS', 'RESOLVED']) await mutate(STATUS, { id: leak, to }, as(person.worker));
  const REOPEN = `mutation($id: ID!, $why: String!) { reopenRequest(id: $id, reason: $why) {
    request { status rating assignee { name } timeline { nodes { action note actor { name } } } } errors { code message field } } }`;

  // Only she (or staff) may: a volunteer who sees it may not; with what is still wrong.
  expect(problemOf(await app.execute(REOPEN, { id: leak, why: '不行' }, { caller: as(person.volunteer) }))).toMatchObject({
    code: 'FORBIDDEN',
  });
  expect(problemOf(await app.execute(REOPEN, { id: leak, why: ' ' }, { caller: as(person.resident) }))).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'reason',
  });
  await mutate(
    `mutation($id: ID!) { rateRequest(id: $id, rating: 2, thanks: "还在漏") { request { rating } errors { code message field } } }`,
    { id: leak },
    as(person.resident),
  );
  const reopened = await mutate(REOPEN, { id: leak, why: '漏水又出现了' }, as(person.resident));
  // Its rating was of the resolution sent back: it goes, the rated entry stays on the timeline.
  expect(reopened.request).toMatchObject({ status: 'IN_PROGRESS', assignee: { name: '社区书记' }, rating: null });
  expect(reopened.request.timeline.nodes.map((n: { action: string }) => n.action)).toContain('rated');
  expect(reopened.request.timeline.nodes.at(-1)).toEqual({ action: 'reopened', note: '漏水又出现了', actor: { name: '宋阿姨' } });
  expect(problemOf(await app.execute(REOPEN, { id: leak, why: '再来' }, { caller: as(person.resident) }))).toMatchObject({
    code: 'ILLEGAL_TRANSITION',
  });
  for (const to of ['RESOLVED', 'CLOSED']) await mutate(STATUS, { id: leak, to }, as(person.worker));
  expect(problemOf(await app.execute(REOPEN, { id: leak, why: '又漏了' }, { caller: as(person.resident) }))).toMatchObject({
    code: 'ILLEGAL_TRANSITION',
    message: expect.stringContaining('closed request is final'),
  });
});
