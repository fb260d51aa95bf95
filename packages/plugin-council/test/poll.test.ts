import { problemOf, uuidOf } from '@gongzhi/core/testing';
import { act, as, councilWithProposal, createWorld, failure, Q, type World } from './world.js';

let w: World;

beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.app.close());

const { openPoll: open, answerPoll: answer, closePoll: close } = Q;
let n = 0;

async function proposalFor() {
  const chair = w.orgs.committee.people[0];
  const made = await councilWithProposal(w, `山畔议事会${++n}`, 'CONSENT', 'PER_SEAT', 0, [{ person: chair, seat: 'RESIDENTS_COMMITTEE' }]);
  await act(w.app, Q.vote, { p: made.proposal.id, c: 'FOR' }, as(chair));
  await act(w.app, Q.close, { p: made.proposal.id }, as(chair));
  return { ...made, chair };
}

test("residents' consultation: one answer per resident of the affected places; the decision waits for it", async () => {
  const { proposal, chair } = await proposalFor();
  const poll = await act(w.app, open, { p: proposal.id, q: '用新长椅替换楼下的旧沙发，您同意吗？', places: [w.building.id] }, as(chair));
  expect(poll).toMatchObject({ status: 'OPEN', places: [{ name: '10号楼' }] });
  expect((await failure(w.app, open, { p: proposal.id, q: '再问一次', places: [w.building.id] }, as(chair))).code).toBe('CONFLICT');

  const decide = {
    input: {
      proposalId: proposal.id,
      summary: '新长椅替换旧沙发',
      actionItems: [{ title: '采购长椅', ownerOrganizationId: w.orgs.property.org.id, dueOn: '2026-12-10' }],
    },
  };
  expect((await failure(w.app, Q.decide, decide, as(chair))).code).toBe('POLL_OPEN');

  // Residents of building 10 answer; a neighbour from building 11 may not, and to a non-resident the poll does not exist.
  const [r1, r2, r3] = w.residents;
  expect(await failure(w.app, answer, { id: poll.id, a: 'AGREE' }, as(w.neighbour))).toEqual({
    code: 'NOT_A_RESIDENT',
    field: 'pollId',
    message: '邻楼居民 does not live in the places this poll asks (their household is not under any of them); only their residents answer.',
  });
  expect((await failure(w.app, answer, { id: poll.id, a: 'AGREE' }, as(w.outsider))).code).toBe('NOT_FOUND');
  await act(w.app, answer, { id: poll.id, a: 'AGREE' }, as(r1));
  expect((await failure(w.app, answer, { id: poll.id, a: 'DISAGREE' }, as(r1))).code).toBe('ALREADY_ANSWERED');
  // The same resident answering twice at once: one answer counts.
  const twice = await Promise.all([
    w.app.execute(answer, { id: poll.id, a: 'AGREE' }, as(r2)),
    w.app.execute(answer, { id: poll.id, a: 'AGREE' }, as(r2)),
  ]);
  expect(twice.filter((r) => !problemOf(r))).toHaveLength(1);
  expect(problemOf(twice.find((r) => problemOf(r))!)!.code).toBe('ALREADY_ANSWERED');
  await act(w.app, answer, { id: poll.id, a: 'DISAGREE' }, as(r3));

  expect((await failure(w.app, close, { id: poll.id }, as(w.outsider))).code).toBe('NOT_FOUND');
  expect((await failure(w.app, close, { id: poll.id }, as(r1))).code).toBe('NOT_A_MEMBER');
  const closed = await act(w.app, close, { id: poll.id }, as(chair));
  expect(closed).toMatchObject({ status: 'CLOSED', agreeCount: 2, disagreeCount: 1, eligibleCount: 4, answerCount: 3 });
  expect((await failure(w.app, answer, { id: poll.id, a: 'AGREE' }, as(w.residents[3]))).code).toBe('POLL_CLOSED');
  const decided = await act(w.app, Q.decide, decide, as(chair));
  expect(decided.summary).toBe('新长椅替换旧沙发');
});

test('residents answering while the poll closes are counted or refused, never lost', async () => {
  const { proposal, chair } = await proposalFor();
  const poll = await act(w.app, open, { p: proposal.id, q: '同意吗？', places: [w.community.id] }, as(chair));
  const announced: unknown[] = [];
  const stop = w.app.platform.events.onCommitted((events) => {
    for (const e of events) if (e.name === 'council.resident-poll-closed') announced.push(e.payload);
  });
  const answers = [...w.residents, w.neighbour].map((r) => w.app.execute(answer, { id: poll.id, a: 'AGREE' }, as(r)));
  const results = await Promise.all([...answers, w.app.execute(close, { id: poll.id }, as(chair))]);
  const closed = results.pop()!;
  expect(problemOf(closed)).toBeUndefined();
  const counted = results.filter((r) => !problemOf(r)).length;
  for (const r of results.filter((r) => problemOf(r))) expect(problemOf(r)!.code).toBe('POLL_CLOSED');
  expect(closed.data!.closeCouncilResidentPoll.poll).toMatchObject({
    agreeCount: counted,
    disagreeCount: 0,
    eligibleCount: 5,
    answerCount: counted,
  });
  stop();
  expect(announced).toEqual([expect.objectContaining({ pollId: uuidOf(poll.id), agree: counted, disagree: 0, eligible: 5 })]);
});

test("a poll asks places inside the council's community, at least one", async () => {
  const { proposal, chair } = await proposalFor();
  expect((await failure(w.app, open, { p: proposal.id, q: '同意吗？', places: [] }, as(chair))).field).toBe('placeIds');
  const em = w.app.platform.orm.em.fork();
  const elsewhere = (await em.execute("SELECT id FROM public.place WHERE code = 'T-FZ'"))[0].id as string;
  const error = await failure(
    w.app,
    open,
    { p: proposal.id, q: '同意吗？', places: [Buffer.from(`Place:${elsewhere}`).toString('base64url')] },
    as(chair),
  );
  expect(error).toEqual({
    code: 'OUT_OF_SCOPE',
    field: 'placeIds',
    message: '"placeIds" must lie in 火龙园北里社区, the council\'s community; 方庄街道 does not.',
  });
  expect(
    Number(
      (
        await em.execute('SELECT count(*) AS n FROM council.resident_poll WHERE proposal_id = ?', [
          Buffer.from(proposal.id, 'base64url').toString().split(':')[1],
        ])
      )[0].n,
    ),
  ).toBe(0);
});

test('when residents do not agree, no decision is recorded', async () => {
  const { proposal, chair } = await proposalFor();
  const poll = await act(w.app, open, { p: proposal.id, q: '拆除楼下凉亭？', places: [w.building.id] }, as(chair));
  await act(w.app, answer, { id: poll.id, a: 'AGREE' }, as(w.residents[0]));
  await act(w.app, answer, { id: poll.id, a: 'DISAGREE' }, as(w.residents[1]));
  await act(w.app, close, { id: poll.id }, as(chair));
  const decide = {
    input: { proposalId: proposal.id, summary: '拆除凉亭', actionItems: [{ title: '拆除', ownerPersonId: chair.id, dueOn: '2026-12-10' }] },
  };
  expect(await failure(w.app, Q.decide, decide, as(chair))).toMatchObject({
    code: 'RESIDENTS_DISAGREE',
    message: 'Residents did not agree (1 agree, 1 disagree); a decision needs more residents agreeing than disagreeing.',
  });
});
