import { uuidOf } from '@gongzhi/core/testing';
import type { GongzhiEvent } from '@gongzhi/core';
import { act, as, createWorld, failure, Q, type World } from './world.js';

let w: World;
const events: GongzhiEvent[] = [];

beforeAll(async () => {
  w = await createWorld();
  for (const name of [
    'council.decision-made',
    'council.action-item-updated',
    'council.decision-completed',
    'council.proposal-closed',
    'request.status-changed',
  ] as const) {
    w.app.platform.events.on(name, (event) => {
      events.push(event);
    });
  }
});
afterAll(() => w?.app.close());

test('five-party flow: door-access complaint → council item → decision funded by parking income → action items done → request resolved', async () => {
  const { app, orgs, residents } = w;
  const buildingHead = residents[0];

  // 1. A resident reports the broken door access; the community accepts it.
  const { submitRequest } = await app.run(
    `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id status } errors { code } } }`,
    {
      input: {
        kind: 'COMPLAINT',
        channel: 'CHAT_GROUP',
        title: '单元门禁损坏，外来人员随意进出',
        description: '社区管家转来居民反映',
        placeId: w.building.id,
        requesterId: buildingHead.id,
      },
    },
  );
  const requestId = submitRequest.request.id;
  await app.run(`mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { request { status } } }`, { id: requestId });

  // 2. The five-party council, one seat per party, deciding by consent.
  const council = await act(app, Q.createCouncil, {
    input: {
      communityId: w.community.id,
      name: '火龙园北里五方共建议事会',
      kind: 'FIVE_PARTY',
      votingRule: 'CONSENT',
      voteCounting: 'PER_SEAT',
      quorumPercent: 60,
    },
  });
  expect(council).toMatchObject({ kind: 'FIVE_PARTY', votingRule: 'CONSENT', voteCounting: 'PER_SEAT', quorumPercent: 60 });
  const seats: Record<string, string> = {};
  for (const [key, seat] of [
    ['party', 'PARTY_BRANCH'],
    ['committee', 'RESIDENTS_COMMITTEE'],
    ['owners', 'OWNERS_COMMITTEE'],
    ['property', 'PROPERTY_COMPANY'],
    ['unit', 'RESIDENT_UNIT'],
  ] as const) {
    const member = await act(app, Q.addMember, { c: council.id, s: seat, o: orgs[key].org.id });
    seats[key] = member.id;
    expect(member).toMatchObject({ seatType: seat, name: orgs[key].org.name });
  }

  // 3. A meeting with the complaint on its agenda; attendance and minutes.
  const secretary = orgs.party.people[0];
  const meeting = await act(
    app,
    Q.schedule,
    {
      input: {
        councilId: council.id,
        title: '五方共建协商会：10号楼门禁',
        placeId: w.hall.id,
        scheduledAt: new Date(Date.now() + 48 * 3_600_000).toISOString(),
      },
    },
    as(secretary),
  );
  expect(meeting).toMatchObject({ urgent: false, place: { name: '社区议事厅' }, convenedBy: { name: '党支部书记' } });
  const present = await act(app, Q.attendance, { m: meeting.id, ids: Object.values(seats) }, as(secretary));
  expect(present.attendance.nodes).toHaveLength(5);
  const item = await act(app, Q.agenda, { input: { meetingId: meeting.id, title: '10号楼单元门禁更换', requestId } }, as(secretary));
  expect(item).toMatchObject({ position: 1, kind: 'REQUEST', request: { id: requestId, status: 'ACCEPTED' } });
  await act(app, Q.minutes, { a: item.id, m: '物业报价4.8万元，业委会同意动用停车和广告收益。' }, as(secretary));
  const proposal = await act(app, Q.propose, { a: item.id, t: '更换10号楼单元门禁，费用由公共停车和广告收益支付' }, as(secretary));

  // 4. Each party votes through one of its members; the owners' committee first objects, then consents.
  await act(app, Q.vote, { p: proposal.id, c: 'FOR' }, as(orgs.party.people[0]));
  await act(app, Q.vote, { p: proposal.id, c: 'FOR' }, as(orgs.committee.people[1]));
  await act(app, Q.vote, { p: proposal.id, c: 'AGAINST' }, as(orgs.owners.people[0]));
  const changed = await act(app, Q.changeVote, { p: proposal.id, c: 'FOR' }, as(orgs.owners.people[2]));
  expect(changed).toMatchObject({ choice: 'FOR', castBy: { name: '业委会委员乙' } });
  await act(app, Q.vote, { p: proposal.id, c: 'ABSTAIN' }, as(orgs.property.people[0]));
  const closed = await act(app, Q.close, { p: proposal.id }, as(secretary));
  expect(closed).toEqual({
    id: proposal.id,
    status: 'CLOSED',
    outcome: 'PASSED',
    closedBy: { name: '党支部书记' },
    tally: {
      forWeight: 3,
      againstWeight: 0,
      abstainWeight: 1,
      eligibleWeight: 5,
      castWeight: 4,
      votingRule: 'CONSENT',
      voteCounting: 'PER_SEAT',
      quorumPercent: 60,
      quorumMet: true,
    },
  });

  // 5. The decision: the property company installs, the residents' committee informs; parking income pays.
  // It moves the complaint to in progress, which takes request.manage there: the party secretary (a party
  // member) holds none, so the director of the residents' committee (community staff) records it.
  const decide = {
    input: {
      proposalId: proposal.id,
      summary: '更换10号楼单元门禁',
      actionItems: [
        { title: '采购并安装新门禁', ownerOrganizationId: orgs.property.org.id, dueOn: '2026-12-15' },
        { title: '通知居民并登记门禁卡', ownerOrganizationId: orgs.committee.org.id, dueOn: '2026-12-20' },
      ],
      funding: [{ kind: 'PARKING_AND_ADVERTISING_INCOME', description: '公共停车和广告收益', amountFen: 4_800_000 }],
    },
  };
  expect(await failure(app, Q.decide, decide, as(secretary))).toEqual({
    code: 'FORBIDDEN',
    field: 'input.proposalId',
    message:
      'This decision is on a request, which it moves to in progress; that needs the permission "request.manage" where the request is, and 党支部书记 holds none there. A member who is community staff records it.',
  });
  const director = orgs.committee.people[0];
  const decision = await act(app, Q.decide, decide, as(director));
  expect(decision).toMatchObject({
    summary: '更换10号楼单元门禁',
    totalFundingFen: 4_800_000,
    progress: { done: 0, inProgress: 0, total: 2, ratio: 0 },
    fundingSources: { nodes: [{ kind: 'PARKING_AND_ADVERTISING_INCOME', description: '公共停车和广告收益', amountFen: 4_800_000 }] },
    actionItems: {
      nodes: [
        {
          title: '采购并安装新门禁',
          dueOn: '2026-12-15',
          status: 'TODO',
          ownerOrganization: { name: '火龙园物业服务中心' },
          ownerPerson: null,
        },
        {
          title: '通知居民并登记门禁卡',
          dueOn: '2026-12-20',
          status: 'TODO',
          ownerOrganization: { name: '火龙园北里社区居委会' },
          ownerPerson: null,
        },
      ],
    },
  });
  const [install, notify] = decision.actionItems.nodes;
  const board = `query($under: ID!) { councilActionItems(under: $under, status: [TODO, IN_PROGRESS]) { nodes { title status decision { summary } } } }`;
  expect((await app.run(board, { under: w.community.id })).councilActionItems.nodes).toEqual([
    { title: '采购并安装新门禁', status: 'TODO', decision: { summary: '更换10号楼单元门禁' } },
    { title: '通知居民并登记门禁卡', status: 'TODO', decision: { summary: '更换10号楼单元门禁' } },
  ]);
  expect((await app.run(board, { under: w.otherBuilding.id })).councilActionItems.nodes).toEqual([]);
  const status = async () =>
    (await app.run(`query($id: ID!) { node(id: $id) { ... on Request { status } } }`, { id: requestId })).node.status;
  expect(await status()).toBe('IN_PROGRESS');

  // 6. Owners move their items; someone else may not.
  const notOwner = await failure(app, Q.updateItem, { id: install.id, s: 'DONE' }, as(orgs.committee.people[0]));
  expect(notOwner.code).toBe('NOT_OWNER');
  const step = await act(app, Q.updateItem, { id: install.id, s: 'IN_PROGRESS' }, as(orgs.property.people[0]));
  expect(step.decision.progress).toEqual({ done: 0, total: 2, ratio: 0 });
  const half = await act(app, Q.updateItem, { id: install.id, s: 'DONE' }, as(orgs.property.people[0]));
  expect(half.decision).toEqual({ progress: { done: 1, total: 2, ratio: 0.5 }, completedAt: null });
  expect(await status()).toBe('IN_PROGRESS');
  // The residents' committee finishes last; its member is community staff, so the request is resolved.
  const all = await act(app, Q.updateItem, { id: notify.id, s: 'DONE' }, as(orgs.committee.people[1]));
  expect(all.decision.progress).toEqual({ done: 2, total: 2, ratio: 1 });
  expect(all.decision.completedAt).not.toBeNull();

  // 7. The request is resolved through core's workflow, each move on its timeline.
  const { node: request } = await app.run(
    `query($id: ID!) { node(id: $id) { ... on Request { status timeline { nodes { action fromStatus toStatus actor { name } note } }
       councilItems { nodes { title meeting { title council { name } } proposals { nodes { outcome decision { summary progress { ratio } } } } } } } } }`,
    { id: requestId },
  );
  expect(request.status).toBe('RESOLVED');
  expect(request.timeline.nodes.slice(2)).toEqual([
    {
      action: 'status',
      fromStatus: 'ACCEPTED',
      toStatus: 'IN_PROGRESS',
      actor: { name: '居委会主任' },
      note: '火龙园北里五方共建议事会决定：更换10号楼单元门禁',
    },
    {
      action: 'status',
      fromStatus: 'IN_PROGRESS',
      toStatus: 'RESOLVED',
      actor: { name: '居委会委员' },
      note: '火龙园北里五方共建议事会决定「更换10号楼单元门禁」的分工已全部完成',
    },
  ]);
  expect(request.councilItems.nodes).toEqual([
    {
      title: '10号楼单元门禁更换',
      meeting: { title: '五方共建协商会：10号楼门禁', council: { name: '火龙园北里五方共建议事会' } },
      proposals: { nodes: [{ outcome: 'PASSED', decision: { summary: '更换10号楼单元门禁', progress: { ratio: 1 } } }] },
    },
  ]);

  // 8. Events, small, with the community's path.
  const decisionMade = events.find((e) => e.name === 'council.decision-made')!;
  expect(decisionMade.payload).toEqual({
    councilId: uuidOf(council.id),
    placePath: w.community.path,
    decisionId: uuidOf(decision.id),
    proposalId: uuidOf(proposal.id),
    requestId: uuidOf(requestId),
    actionItemIds: [uuidOf(install.id), uuidOf(notify.id)],
  });
  const updates = events
    .filter((e) => e.name === 'council.action-item-updated')
    .map(
      (e) => e.payload as { status: string; done: number; total: number; ownerPersonId: string | null; ownerOrganizationId: string | null },
    );
  // Each names the item's owner now, for an app to tell them.
  expect(
    updates.map(({ status, done, total, ownerPersonId, ownerOrganizationId }) => [status, done, total, ownerPersonId, ownerOrganizationId]),
  ).toEqual([
    ['in_progress', 0, 2, null, uuidOf(orgs.property.org.id)],
    ['done', 1, 2, null, uuidOf(orgs.property.org.id)],
    ['done', 2, 2, null, uuidOf(orgs.committee.org.id)],
  ]);
  expect(events.filter((e) => e.name === 'council.decision-completed').map((e) => e.payload)).toEqual([
    {
      councilId: uuidOf(council.id),
      placePath: w.community.path,
      decisionId: uuidOf(decision.id),
      requestId: uuidOf(requestId),
      requestResolved: true,
    },
  ]);
  expect(events.filter((e) => e.name === 'request.status-changed').map((e) => (e.payload as { status: string }).status)).toEqual([
    'accepted',
    'in_progress',
    'resolved',
  ]);
  for (const e of events) expect(JSON.stringify(e.payload).length).toBeLessThan(1000);

  // 9. The seats and action items on core's Organization type.
  const { node: property } = await app.run(
    `query($id: ID!) { node(id: $id) { ... on Organization { councilSeats { nodes { seatType council { name } } } councilActionItems { nodes { title status } } } } }`,
    { id: orgs.property.org.id },
  );
  expect(property).toEqual({
    councilSeats: { nodes: [{ seatType: 'PROPERTY_COMPANY', council: { name: '火龙园北里五方共建议事会' } }] },
    councilActionItems: { nodes: [{ title: '采购并安装新门禁', status: 'DONE' }] },
  });
  expect((await app.run(board, { under: w.community.id })).councilActionItems.nodes).toEqual([]);
  const doneAgain = await failure(app, Q.updateItem, { id: install.id, s: 'IN_PROGRESS' }, as(orgs.property.people[0]));
  expect(doneAgain.code).toBe('ACTION_ITEM_DONE');
});
