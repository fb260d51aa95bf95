import { Person } from '@gongzhi/core';
import { problemOf } from '@gongzhi/core/testing';
import { act, as, councilWithProposal, createWorld, failure, Q, type World } from './world.js';

let w: World;
let people: Person[];

beforeAll(async () => {
  w = await createWorld();
  const em = w.app.platform.orm.em.fork();
  people = Array.from({ length: 6 }, (_, i) => em.create(Person, { name: `议事代表${i + 1}` }));
  await em.flush();
});
afterAll(() => w?.app.close());

let n = 0;
/** Five person seats, quorum 60%: votes cast by seats 1…k in order. */
async function decide(rule: string, votes: string[], quorumPercent = 60) {
  const seats = people.slice(0, 5).map((person) => ({ person, seat: 'RESIDENT_REPRESENTATIVE' }));
  const { proposal } = await councilWithProposal(w, `议事会${++n}`, rule, 'PER_SEAT', quorumPercent, seats);
  for (const [i, choice] of votes.entries()) await act(w.app, Q.vote, { p: proposal.id, c: choice }, as(people[i]));
  return act(w.app, Q.close, { p: proposal.id }, as(people[0]));
}

describe.each([
  // rule, votes (5 seats, quorum 60% = 3 ballots), outcome, for, against, abstain
  ['CONSENT', ['FOR', 'FOR', 'ABSTAIN'], 'PASSED', 2, 0, 1],
  ['CONSENT', ['FOR', 'FOR', 'FOR', 'FOR', 'AGAINST'], 'REJECTED', 4, 1, 0],
  ['CONSENT', ['FOR', 'FOR'], 'NO_QUORUM', 2, 0, 0],
  ['SIMPLE_MAJORITY', ['FOR', 'FOR', 'AGAINST'], 'PASSED', 2, 1, 0],
  ['SIMPLE_MAJORITY', ['FOR', 'AGAINST', 'ABSTAIN'], 'REJECTED', 1, 1, 1],
  ['SIMPLE_MAJORITY', ['FOR', 'FOR', 'AGAINST', 'AGAINST', 'AGAINST'], 'REJECTED', 2, 3, 0],
  ['SIMPLE_MAJORITY', ['FOR'], 'NO_QUORUM', 1, 0, 0],
  ['TWO_THIRDS', ['FOR', 'FOR', 'AGAINST'], 'PASSED', 2, 1, 0],
  ['TWO_THIRDS', ['FOR', 'FOR', 'FOR', 'AGAINST', 'AGAINST'], 'REJECTED', 3, 2, 0],
  ['TWO_THIRDS', ['FOR', 'FOR', 'ABSTAIN', 'ABSTAIN'], 'PASSED', 2, 0, 2],
  ['TWO_THIRDS', ['FOR', 'FOR'], 'NO_QUORUM', 2, 0, 0],
] as const)('%s with %j', (rule, votes, expected, yes, no, abstain) => {
  test(`closes as ${expected} with the tally recorded`, async () => {
    const closed = await decide(rule, [...votes]);
    expect(closed.outcome).toBe(expected);
    expect(closed.tally).toEqual({
      forWeight: yes,
      againstWeight: no,
      abstainWeight: abstain,
      eligibleWeight: 5,
      castWeight: votes.length,
      votingRule: rule,
      voteCounting: 'PER_SEAT',
      quorumPercent: 60,
      quorumMet: expected !== 'NO_QUORUM',
    });
  });
});

test.each(['CONSENT', 'SIMPLE_MAJORITY', 'TWO_THIRDS'])(
  '%s without a quorum requirement decides on a single ballot, but not on none',
  async (rule) => {
    expect((await decide(rule, ['FOR'], 0)).outcome).toBe('PASSED');
    expect((await decide(rule, [], 0)).outcome).toBe('NO_QUORUM');
  },
);

test('per-seat and per-person counting differ when an organisation seat stands for several people', async () => {
  // The owners' committee (3 members) for, two representatives against.
  const run = async (counting: string, quorumPercent: number, withPeople: boolean) => {
    const seats = [
      { org: w.orgs.owners.org, seat: 'OWNERS_COMMITTEE' },
      { person: people[0], seat: 'RESIDENT_REPRESENTATIVE' },
      { person: people[1], seat: 'RESIDENT_REPRESENTATIVE' },
    ];
    const { proposal } = await councilWithProposal(w, `计票${++n}`, 'SIMPLE_MAJORITY', counting, quorumPercent, seats);
    await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(w.orgs.owners.people[1]));
    if (withPeople) {
      await act(w.app, Q.vote, { p: proposal.id, c: 'AGAINST' }, as(people[0]));
      await act(w.app, Q.vote, { p: proposal.id, c: 'AGAINST' }, as(people[1]));
    }
    return act(w.app, Q.close, { p: proposal.id }, as(people[0]));
  };
  const perSeat = await run('PER_SEAT', 50, true);
  expect(perSeat.outcome).toBe('REJECTED');
  expect(perSeat.tally).toMatchObject({ forWeight: 1, againstWeight: 2, eligibleWeight: 3 });
  const perPerson = await run('PER_PERSON', 50, true);
  expect(perPerson.outcome).toBe('PASSED');
  expect(perPerson.tally).toMatchObject({ forWeight: 3, againstWeight: 2, eligibleWeight: 5 });
  // Only the organisation votes: 1 of 3 seats is no quorum, 3 of 5 people is.
  expect((await run('PER_SEAT', 50, false)).outcome).toBe('NO_QUORUM');
  expect((await run('PER_PERSON', 50, false)).outcome).toBe('PASSED');
});

const count = async (sql: string, params: unknown[]) => Number((await w.app.platform.orm.em.fork().execute(sql, params))[0].n);

test('bad votes are refused with typed errors and write nothing', async () => {
  const seats = [
    { person: people[0], seat: 'RESIDENT_REPRESENTATIVE' },
    { org: w.orgs.owners.org, seat: 'OWNERS_COMMITTEE' },
  ];
  const { proposal } = await councilWithProposal(w, `坏票${++n}`, 'SIMPLE_MAJORITY', 'PER_SEAT', 50, seats);
  const uuid = Buffer.from(proposal.id, 'base64url').toString().split(':')[1];
  const ballots = () => count('SELECT count(*) AS n FROM council.ballot WHERE proposal_id = ?', [uuid]);

  // 路人 lives outside the council's community: to them the proposal does not exist (issue #9).
  expect(await failure(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(w.outsider))).toMatchObject({ code: 'NOT_FOUND' });
  expect(await failure(w.app, Q.vote, { p: proposal.id, c: 'FOR' })).toMatchObject({ code: 'UNAUTHENTICATED' });
  expect(await ballots()).toBe(0);

  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(people[0]));
  expect(await failure(w.app, Q.vote, { p: proposal.id, c: 'AGAINST' }, as(people[0]))).toMatchObject({
    code: 'ALREADY_VOTED',
    message:
      '议事代表1 (resident_representative) already voted FOR (cast by 议事代表1); one vote per seat. To change it while the vote is open, use changeCouncilVote.',
  });
  // Another member of the organisation votes for its seat; a second member may not vote again, but may change it.
  const org = await act(w.app, Q.vote, { p: proposal.id, c: 'AGAINST' }, as(w.orgs.owners.people[0]));
  expect(org).toMatchObject({
    choice: 'AGAINST',
    castBy: { name: '业委会主任' },
    member: { name: '火龙园北里业主委员会' },
  });
  expect((await failure(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(w.orgs.owners.people[1]))).code).toBe('ALREADY_VOTED');
  expect((await failure(w.app, Q.changeVote, { p: proposal.id, c: 'FOR' }, as(w.outsider))).code).toBe('NOT_FOUND'); // outside their places (issue #9)
  await act(w.app, Q.changeVote, { p: proposal.id, c: 'ABSTAIN' }, as(w.orgs.owners.people[1]));
  expect(await ballots()).toBe(2);

  const closed = await act(w.app, Q.close, { p: proposal.id }, as(people[0]));
  expect(closed.tally).toMatchObject({ forWeight: 1, againstWeight: 0, abstainWeight: 1 });
  expect(await failure(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(w.orgs.owners.people[2]))).toMatchObject({
    code: 'PROPOSAL_CLOSED',
  });
  expect((await failure(w.app, Q.changeVote, { p: proposal.id, c: 'AGAINST' }, as(people[0]))).code).toBe('PROPOSAL_CLOSED');
  expect((await failure(w.app, Q.close, { p: proposal.id }, as(people[0]))).code).toBe('PROPOSAL_CLOSED');
  expect((await failure(w.app, Q.close, { p: proposal.id }, as(w.outsider))).code).toBe('NOT_FOUND'); // outside their places, whatever its state
  expect(await ballots()).toBe(2);
});

test('a person who may act for several seats says which', async () => {
  const chair = w.orgs.owners.people[0];
  const seats = [
    { person: chair, seat: 'RESIDENT_REPRESENTATIVE' },
    { org: w.orgs.owners.org, seat: 'OWNERS_COMMITTEE' },
    { person: people[5], seat: 'RESIDENT_REPRESENTATIVE' },
  ];
  const { proposal, members } = await councilWithProposal(w, `多席${++n}`, 'SIMPLE_MAJORITY', 'PER_SEAT', 50, seats);
  const ambiguous = await failure(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(chair));
  expect(ambiguous).toMatchObject({ code: 'SEAT_AMBIGUOUS', field: 'memberId' });
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR', m: members[0] }, as(chair));
  await act(w.app, Q.vote, { p: proposal.id, c: 'AGAINST', m: members[1] }, as(chair));
  // A seat they can see but may not act for (another member's).
  expect(await failure(w.app, Q.vote, { p: proposal.id, c: 'FOR', m: members[2] }, as(chair))).toMatchObject({
    code: 'NOT_A_MEMBER',
    field: 'memberId',
    message: `业委会主任 may not act for that seat; they may act for: 业委会主任 (resident_representative), 火龙园北里业主委员会 (owners_committee).`,
  });
  // A seat of a council they neither sit on nor see: to them it does not exist.
  const other = await councilWithProposal(w, `他会${++n}`, 'SIMPLE_MAJORITY', 'PER_SEAT', 50, [{ person: people[0], seat: 'OTHER' }]);
  expect(await failure(w.app, Q.vote, { p: other.proposal.id, c: 'FOR', m: members[0] }, as(people[0]))).toMatchObject({
    code: 'NOT_FOUND',
    field: 'memberId',
  });
});

test('concurrent votes and a concurrent close: every vote is counted or refused, none lost', async () => {
  const seats = people.slice(0, 6).map((person) => ({ person, seat: 'RESIDENT_REPRESENTATIVE' }));
  for (let round = 0; round < 3; round++) {
    const { proposal } = await councilWithProposal(w, `并发${++n}`, 'SIMPLE_MAJORITY', 'PER_SEAT', 0, seats);
    const votes = people.slice(0, 6).map((p, i) => w.app.execute(Q.vote, { p: proposal.id, c: i % 2 ? 'AGAINST' : 'FOR' }, as(p)));
    const close = w.app.execute(Q.close, { p: proposal.id }, as(people[0]));
    const results = await Promise.all([...votes, close]);
    const closed = results.pop()!;
    expect(problemOf(closed)).toBeUndefined();
    const counted = results.filter((r) => !problemOf(r));
    for (const refused of results.filter((r) => problemOf(r))) expect(problemOf(refused)!.code).toBe('PROPOSAL_CLOSED');
    const tally = closed.data!.closeCouncilProposal.proposal.tally;
    expect(tally.castWeight).toBe(counted.length);
    expect(tally.forWeight).toBe(counted.filter((r) => r.data!.castCouncilVote.ballot.choice === 'FOR').length);
    const uuid = Buffer.from(proposal.id, 'base64url').toString().split(':')[1];
    expect(await count('SELECT count(*) AS n FROM council.ballot WHERE proposal_id = ?', [uuid])).toBe(counted.length);
  }
});

test('two members of one organisation casting its vote at once: exactly one counts', async () => {
  const { proposal } = await councilWithProposal(w, `同会${++n}`, 'SIMPLE_MAJORITY', 'PER_SEAT', 50, [
    { org: w.orgs.owners.org, seat: 'OWNERS_COMMITTEE' },
  ]);
  const results = await Promise.all(w.orgs.owners.people.map((p) => w.app.execute(Q.vote, { p: proposal.id, c: 'FOR' }, as(p))));
  expect(results.filter((r) => !problemOf(r))).toHaveLength(1);
  expect(results.filter((r) => problemOf(r)).map((r) => problemOf(r)!.code)).toEqual(['ALREADY_VOTED', 'ALREADY_VOTED']);
});

test('two closes at once: one records the outcome, the other is told it is closed', async () => {
  const { proposal } = await councilWithProposal(w, `双关${++n}`, 'CONSENT', 'PER_SEAT', 0, [
    { person: people[0], seat: 'OTHER' },
    { person: people[1], seat: 'OTHER' },
  ]);
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(people[1]));
  const results = await Promise.all([
    w.app.execute(Q.close, { p: proposal.id }, as(people[0])),
    w.app.execute(Q.close, { p: proposal.id }, as(people[1])),
  ]);
  expect(results.filter((r) => !problemOf(r))).toHaveLength(1);
  expect(problemOf(results.find((r) => problemOf(r))!)!.code).toBe('PROPOSAL_CLOSED');
});
