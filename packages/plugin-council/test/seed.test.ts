import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import plugin from '../src/index.js';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ plugins: [plugin], seed: true });
});
afterAll(() => app?.close());

const DOC = `{ councils { nodes { name kind votingRule voteCounting community { name } members { nodes { seatType name } }
  meetings { nodes { title attendance { nodes { member { name } } } agenda { nodes { title kind minutes request { title status }
    proposals { nodes { text outcome tally { forWeight abstainWeight eligibleWeight quorumMet }
      residentPoll { question status agreeCount disagreeCount answerCount places { name } }
      decision { summary totalFundingFen progress { done total } completedAt
        actionItems { nodes { title status ownerOrganization { name } ownerPerson { name } } }
        fundingSources { nodes { kind description amountFen } } } } } } } } } } } }`;

test('the demo councils: the five-party council on the door access and 山畔议事会 with its benches', async () => {
  const councils = (await app.run(DOC)).councils.nodes;
  expect(councils.map((c: { name: string }) => c.name)).toEqual(['山畔议事会', '火龙园北里五方共建议事会']);
  const [shanpan, fiveParty] = councils;
  expect(fiveParty).toMatchObject({ kind: 'FIVE_PARTY', votingRule: 'CONSENT', community: { name: '火龙园北里社区' } });
  expect(fiveParty.members.nodes.map((m: { seatType: string }) => m.seatType)).toEqual([
    'PARTY_BRANCH',
    'RESIDENTS_COMMITTEE',
    'OWNERS_COMMITTEE',
    'PROPERTY_COMPANY',
    'RESIDENT_UNIT',
  ]);
  const item = fiveParty.meetings.nodes[0].agenda.nodes[0];
  expect(item).toMatchObject({ kind: 'REQUEST', request: { title: '单元门禁损坏，外来人员随意进出', status: 'IN_PROGRESS' } });
  expect(item.proposals.nodes[0]).toMatchObject({
    outcome: 'PASSED',
    tally: { forWeight: 4, abstainWeight: 1, eligibleWeight: 5, quorumMet: true },
    decision: {
      summary: '更换10号楼单元门禁',
      totalFundingFen: 4_800_000,
      progress: { done: 0, total: 2 },
      fundingSources: { nodes: [{ kind: 'PARKING_AND_ADVERTISING_INCOME', amountFen: 4_800_000 }] },
    },
  });
  expect(shanpan).toMatchObject({ kind: 'NAMED', voteCounting: 'PER_PERSON', community: { name: '芳星园三区社区' } });
  const benches = shanpan.meetings.nodes[0].agenda.nodes[0].proposals.nodes[0];
  expect(benches).toMatchObject({
    text: '新长椅替换旧沙发',
    outcome: 'PASSED',
    residentPoll: { status: 'CLOSED', agreeCount: 36, disagreeCount: 4, answerCount: 40, places: [{ name: '20号楼' }] },
    decision: {
      summary: '新长椅替换旧沙发',
      progress: { done: 1, total: 1 },
      actionItems: { nodes: [{ status: 'DONE', ownerPerson: { name: '王小丽' } }] },
    },
  });
  expect(benches.decision.completedAt).not.toBeNull();
});

test('seeding again adds nothing', async () => {
  const before = await app.run(DOC);
  const em = app.platform.orm.em.fork();
  const counts = async () =>
    em.execute(`SELECT (SELECT count(*) FROM council.council) c, (SELECT count(*) FROM council.ballot) b, (SELECT count(*) FROM public.person) p,
    (SELECT count(*) FROM public.request_timeline) t, (SELECT count(*) FROM council.resident_poll_answer) a`);
  const was = await counts();
  await app.platform.seed();
  expect(await counts()).toEqual(was);
  expect(await app.run(DOC)).toEqual(before);
});

test("the seed's own rows are audited under its name, as the system job it is", async () => {
  const { auditLog } = await app.run(
    `{ auditLog(filter: { entityType: "CouncilMeeting" }, first: 5) { nodes { actorKind actorName action } } }`,
  );
  expect(auditLog.nodes.length).toBeGreaterThan(0);
  for (const entry of auditLog.nodes)
    expect(entry).toEqual({ actorKind: 'system', actorName: 'system: council.seed', action: 'council.seed' });
});
