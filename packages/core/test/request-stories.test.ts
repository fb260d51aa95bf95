import { Person, PersonRole, PersonRoleKind, type Place, PlaceType } from '@gongzhi/core';
import { asPerson, createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';

// The seeds' stories in core requests (issue 17 items 1–3): a resident rates her own 12345
// order, a party member fulfils the micro-wish she claimed, a deadline moved is on the record.
let app: TestApp;
let community: Place;
let other: Place;
let household: Place;
let song: Person; // 宋阿姨, resident, calls 12345
let namesake: Person; // same number, other community: must not be matched
let wang: Person; // social worker, imports orders
let li: Person; // party member
let zhao: Person; // party member
let bees: Person[]; // party members racing for one wish

beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  const place = placeWriter(em);
  const district = place(PlaceType.DISTRICT, 'JK', '京口区', null);
  community = place(PlaceType.COMMUNITY, 'ZS', '正东路社区', district);
  other = place(PlaceType.COMMUNITY, 'XM', '象山社区', district);
  const building = place(PlaceType.BUILDING, 'ZS-3', '3号楼', community);
  household = place(PlaceType.HOUSEHOLD, 'ZS-3-201', '3号楼201', building);
  const otherHousehold = place(PlaceType.HOUSEHOLD, 'XM-1-101', '1号楼101', other);
  song = em.create(Person, { name: '宋阿姨', household, phone: '138 0013 8000' });
  namesake = em.create(Person, { name: '宋大姐', household: otherHousehold, phone: '13800138000' });
  wang = em.create(Person, { name: '王社工' });
  li = em.create(Person, { name: '李党员' });
  zhao = em.create(Person, { name: '赵党员' });
  bees = Array.from({ length: 6 }, (_, i) => em.create(Person, { name: `党员${i + 1}` }));
  const role = (person: Person, at: Place, kind: PersonRoleKind) =>
    em.create(PersonRole, { person, place: at, role: kind, startsOn: '2020-01-01' });
  role(song, household, PersonRoleKind.RESIDENT);
  role(namesake, otherHousehold, PersonRoleKind.RESIDENT);
  role(wang, community, PersonRoleKind.SOCIAL_WORKER);
  for (const p of [li, zhao, ...bees]) role(p, community, PersonRoleKind.PARTY_MEMBER);
  await em.flush();
});
afterAll(() => app?.close());

const REQUEST =
  'id status externalOrderNo dueAt requester { name } assignee { name } timeline { nodes { action actor { name } actorLabel note fromDueAt toDueAt } }';
const PAYLOAD = `request { ${REQUEST} } errors { code message field } created`;

async function importOrder(orderNo: string, callerPhone: string | null, as: Person = wang) {
  const result = await app.run(
    `mutation($input: HotlineOrderInput!) { importHotlineOrder(input: $input) { ${PAYLOAD} } }`,
    { input: { orderNo, title: '楼道门禁坏了', placeId: household.id, ...(callerPhone ? { callerPhone } : {}) } },
    asPerson(as),
  );
  return result.importHotlineOrder;
}

async function move(id: string, to: string, as: Person) {
  return (
    await app.run(
      `mutation($id: ID!, $to: RequestStatus!) { changeRequestStatus(id: $id, to: $to) { ${PAYLOAD} } }`,
      { id, to },
      asPerson(as),
    )
  ).changeRequestStatus;
}

describe('hotline orders have a requester', () => {
  test("the caller's phone finds the resident of the order's community, who rates her own order", async () => {
    const imported = await importOrder('12345-2026-0601-001', '138-0013-8000');
    expect(imported.errors).toEqual([]);
    expect(imported.request.requester).toEqual({ name: '宋阿姨' });
    // The importer is on the record, by name.
    expect(imported.request.timeline.nodes).toEqual([
      expect.objectContaining({ action: 'imported', actor: { name: '王社工' }, actorLabel: null }),
    ]);
    const id = imported.request.id;
    for (const to of ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED']) expect((await move(id, to, wang)).errors).toEqual([]);
    const rated = await app.run(
      `mutation($id: ID!) { rateRequest(id: $id, rating: 5, thanks: "门禁修好了，谢谢") { request { rating requester { name } } errors { code message } } }`,
      { id },
      asPerson(song),
    );
    expect(rated.rateRequest).toEqual({ request: { rating: 5, requester: { name: '宋阿姨' } }, errors: [] });
    // She finds it among her requests, by its hotline number.
    const mine = await app.run(
      `{ requests(filter: { text: "0601-001" }) { edges { node { externalOrderNo rating } } } }`,
      {},
      asPerson(song),
    );
    expect(mine.requests.edges).toEqual([{ node: { externalOrderNo: '12345-2026-0601-001', rating: 5 } }]);
  });

  test('an unknown number is kept as the callback number only; nobody else may rate the order', async () => {
    const imported = await importOrder('12345-2026-0601-002', '139 0000 0000');
    expect(imported.request.requester).toBeNull();
    const phone = await app.run(`query($id: ID!) { request(id: $id) { callbackPhone } }`, { id: imported.request.id });
    expect(phone.request.callbackPhone).toBe('139 0000 0000');
    for (const to of ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED']) await move(imported.request.id, to, wang);
    const rated = await app.execute(
      `mutation($id: ID!) { rateRequest(id: $id, rating: 1) { errors { code } } }`,
      { id: imported.request.id },
      asPerson(song),
    );
    // At her household, so she sees it; but it is not hers to rate.
    expect(rated.data?.rateRequest).toEqual({ errors: [{ code: 'FORBIDDEN' }] });
  });

  test("a number of someone in another community is not taken for the order's requester", async () => {
    const em = app.platform.orm.em.fork();
    expect((await em.findOneOrFail(Person, { uuid: namesake.uuid })).phone).toBe('13800138000');
    // 宋阿姨 and 宋大姐 share the number; the order is in 宋阿姨's community, so it is hers.
    const imported = await importOrder('12345-2026-0601-003', '13800138000');
    expect(imported.request.requester).toEqual({ name: '宋阿姨' });
  });

  test('the text filter matches hotline order numbers', async () => {
    const found = await app.run(`{ requests(filter: { text: "2026-0601-00" }) { edges { node { externalOrderNo } } } }`);
    expect(found.requests.edges.map((e: { node: { externalOrderNo: string } }) => e.node.externalOrderNo).sort()).toEqual([
      '12345-2026-0601-001',
      '12345-2026-0601-002',
      '12345-2026-0601-003',
    ]);
  });
});

describe('micro-wishes end to end', () => {
  async function postWish(title: string) {
    const result = await app.run(
      `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { ${PAYLOAD} } }`,
      { input: { kind: 'WISH', channel: 'WISH_WALL', title, placeId: household.id } },
      asPerson(song),
    );
    expect(result.submitRequest.errors).toEqual([]);
    return result.submitRequest.request.id as string;
  }
  const claim = async (id: string, as: Person) =>
    (await app.run(`mutation($id: ID!) { claimRequest(id: $id) { ${PAYLOAD} } }`, { id }, asPerson(as))).claimRequest;
  const progress = async (id: string, note: string, as: Person) =>
    (
      await app.run(
        `mutation($id: ID!, $note: String!) { reportRequestProgress(id: $id, note: $note) { ${PAYLOAD} } }`,
        { id, note },
        asPerson(as),
      )
    ).reportRequestProgress;

  test('a party member claims a wish straight from the wall, reports progress and fulfils it; staff close it', async () => {
    const id = await postWish('想要一个助行器');
    const claimed = await claim(id, li);
    expect(claimed.errors).toEqual([]);
    expect(claimed.request).toMatchObject({ status: 'CLAIMED', assignee: { name: '李党员' } });
    expect((await progress(id, '已联系残联，周六送到', li)).errors).toEqual([]);
    expect((await move(id, 'IN_PROGRESS', li)).request.status).toBe('IN_PROGRESS');
    const done = await move(id, 'RESOLVED', li);
    expect(done.errors).toEqual([]);
    expect(
      done.request.timeline.nodes.map((t: { action: string; actor: { name: string } | null; note: string | null }) => [
        t.action,
        t.actor?.name,
        t.note,
      ]),
    ).toEqual([
      ['created', '宋阿姨', null],
      ['claimed', '李党员', '李党员'],
      ['progress', '李党员', '已联系残联，周六送到'],
      ['status', '李党员', null],
      ['status', '李党员', null],
    ]);
    // Closing (verifying) is staff's.
    const close = await move(id, 'CLOSED', li);
    expect(close.errors).toEqual([
      {
        code: 'FORBIDDEN',
        field: 'to',
        message:
          'You hold this resolved request and may make it nothing else yourself; making it closed needs "request.manage" (community or grid staff).',
      },
    ]);
    expect((await move(id, 'CLOSED', wang)).request.status).toBe('CLOSED');
  });

  test('only the holder moves a claimed wish; another party member may not', async () => {
    const id = await postWish('想学用智能手机');
    await claim(id, li);
    const notHers = await move(id, 'IN_PROGRESS', zhao);
    expect(notHers.errors.map((e: { code: string }) => e.code)).toEqual(['FORBIDDEN']);
    expect((await progress(id, '我来帮忙', zhao)).errors.map((e: { code: string }) => e.code)).toEqual(['FORBIDDEN']);
    const { request } = await app.run(`query($id: ID!) { request(id: $id) { status assignee { name } } }`, { id });
    expect(request).toEqual({ status: 'CLAIMED', assignee: { name: '李党员' } });
  });

  test('a need (not a wish) still waits for acceptance before a claim', async () => {
    const result = await app.run(
      `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } } }`,
      { input: { kind: 'NEED', channel: 'PHONE', title: '买药', placeId: household.id } },
      asPerson(song),
    );
    const refused = await claim(result.submitRequest.request.id, li);
    expect(refused.errors[0]).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
  });

  test('of six truly concurrent claims of a posted wish exactly one wins', async () => {
    const id = await postWish('想要一副老花镜');
    const results = await Promise.all(bees.map((p) => claim(id, p)));
    const winners = results.filter((r) => r.errors.length === 0);
    expect(winners).toHaveLength(1);
    for (const loser of results.filter((r) => r.errors.length > 0)) {
      expect(loser.errors[0]).toMatchObject({ code: 'ALREADY_CLAIMED' });
      expect(loser.errors[0].message).toContain(winners[0].request.assignee.name);
    }
    const { request } = await app.run(`query($id: ID!) { request(id: $id) { timeline { nodes { action } } } }`, { id });
    expect(request.timeline.nodes.filter((t: { action: string }) => t.action === 'claimed')).toHaveLength(1);
  });

  test("the wish wall: a community's open wishes for its party members, with posted and fulfilled counts", async () => {
    const open = await postWish('想要一个收音机');
    const wall = async (as: Person) =>
      (
        await app.run(
          `query($p: ID!) { wishWall(placeId: $p) { place { name } posted fulfilled claimed open { nodes { id title status } } } }`,
          { p: community.id },
          asPerson(as),
        )
      ).wishWall;
    const seen = await wall(zhao);
    // Posted so far in this file: 助行器 (closed), 智能手机 (claimed), 老花镜 (claimed), 收音机 (open).
    expect(seen).toMatchObject({ place: { name: '正东路社区' }, posted: 4, fulfilled: 1, claimed: 2 });
    expect(seen.open.nodes).toEqual([{ id: open, title: '想要一个收音机', status: 'SUBMITTED' }]);
    // Claiming takes it off the wall.
    await claim(open, zhao);
    expect((await wall(zhao)).open.nodes).toEqual([]);
    // Two statements whatever the wall holds: the counts and the open page.
    expect(await app.countStatements(() => wall(zhao))).toBeLessThanOrEqual(4);
  });
});

describe('deadlines on the record', () => {
  test('a deadline moved with a reason is on the timeline with the old and new time', async () => {
    const imported = await importOrder('12345-2026-0601-099', null);
    const id = imported.request.id;
    const change = async (dueAt: string | null, reason: string, as: Person = wang) =>
      (
        await app.run(
          `mutation($id: ID!, $dueAt: DateTimeISO, $reason: String!) { changeRequestDeadline(id: $id, dueAt: $dueAt, reason: $reason) { ${PAYLOAD} } }`,
          { id, dueAt, reason },
          asPerson(as),
        )
      ).changeRequestDeadline;
    expect((await change('2026-06-21T00:00:00.000Z', '污水管维修，工期20天')).errors).toEqual([]);
    const moved = await change('2026-06-15T00:00:00.000Z', '居民急需，工期压缩到14天');
    expect(moved.request.dueAt).toBe('2026-06-15T00:00:00.000Z');
    expect(moved.request.timeline.nodes.filter((t: { action: string }) => t.action === 'deadline')).toEqual([
      expect.objectContaining({
        actor: { name: '王社工' },
        note: '污水管维修，工期20天',
        fromDueAt: null,
        toDueAt: '2026-06-21T00:00:00.000Z',
      }),
      expect.objectContaining({
        note: '居民急需，工期压缩到14天',
        fromDueAt: '2026-06-21T00:00:00.000Z',
        toDueAt: '2026-06-15T00:00:00.000Z',
      }),
    ]);
    expect((await change('2026-06-10T00:00:00.000Z', '')).errors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect((await change('2026-06-10T00:00:00.000Z', '我想改', li)).errors[0]).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('the work that runs out by a time (即将超期): dueBefore, with the open statuses', async () => {
    const due = async (orderNo: string, dueAt: string | null) => {
      const id = (await importOrder(orderNo, null)).request.id as string;
      if (!dueAt) return id;
      const set = await app.run(
        `mutation($id: ID!, $dueAt: DateTimeISO, $r: String!) { changeRequestDeadline(id: $id, dueAt: $dueAt, reason: $r) { errors { code message } } }`,
        { id, dueAt, r: '12345 办理时限' },
        asPerson(wang),
      );
      expect(set.changeRequestDeadline.errors).toEqual([]);
      return id;
    };
    const soon = await due('12345-2030-0101-001', '2030-01-02T09:00:00.000Z');
    const later = await due('12345-2030-0101-002', '2030-01-09T09:00:00.000Z');
    await due('12345-2030-0101-003', null);
    const done = await due('12345-2030-0101-004', '2030-01-02T08:00:00.000Z');
    for (const to of ['ACCEPTED', 'IN_PROGRESS', 'RESOLVED']) expect((await move(done, to, wang)).errors).toEqual([]);
    const LIST = `query($under: ID!, $by: DateTimeISO!) { requests(filter: { under: $under, text: "12345-2030", dueBefore: $by,
      status: [SUBMITTED, ACCEPTED, ASSIGNED, CLAIMED, IN_PROGRESS, ESCALATED] }) { nodes { id } } }`;
    const ids = async (by: string) =>
      (await app.run(LIST, { under: community.id, by }, asPerson(wang))).requests.nodes.map((n: { id: string }) => n.id);
    expect(await ids('2030-01-02T09:00:00.000Z')).toEqual([soon]);
    expect(await ids('2030-01-10T00:00:00.000Z')).toEqual([later, soon]);
    expect(await ids('2030-01-01T00:00:00.000Z')).toEqual([]);
  });
});
