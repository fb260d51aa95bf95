import { act, as, councilWithProposal, createWorld, failure, Q, type World } from './world.js';

/**
 * A seat falls vacant (`vacateCouncilSeat`): a representative resigns or moves away, a unit leaves
 * the council. Nobody acts for the seat any more, it no longer counts towards a vote it did not
 * cast, its record stays, and its holder may be seated again. Community staff do it.
 */
let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.app.close());

const VACATE = `mutation($id: ID!) { vacateCouncilSeat(id: $id) { member { name vacatedAt } errors { code message field } } }`;

test('a vacated seat acts no more and counts no more; its ballot stays; its holder may sit again', async () => {
  const [first, second, third] = w.residents;
  const owners = w.orgs.owners;
  const { council, members, proposal } = await councilWithProposal(w, '楼院议事会', 'SIMPLE_MAJORITY', 'PER_SEAT', 50, [
    { person: first, seat: 'RESIDENT_REPRESENTATIVE' },
    { person: second, seat: 'RESIDENT_REPRESENTATIVE' },
    { person: third, seat: 'RESIDENT_REPRESENTATIVE' },
    { org: owners.org, seat: 'OWNERS_COMMITTEE' },
  ]);
  const [, secondSeat, thirdSeat, ownersSeat] = members;
  // The second representative voted before resigning: the ballot stays and counts.
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(second));

  const staff = as(w.orgs.committee.people[0]);
  for (const seat of [secondSeat, thirdSeat, ownersSeat]) {
    const vacated = await w.app.run(VACATE, { id: seat }, staff);
    expect(vacated.vacateCouncilSeat).toEqual({ member: { name: expect.any(String), vacatedAt: expect.any(String) }, errors: [] });
  }

  // Nobody acts for a vacated seat: neither its person nor the organisation's members.
  expect((await failure(w.app, Q.vote, { p: proposal.id, c: 'AGAINST' }, as(third))).code).toBe('NOT_A_MEMBER');
  expect((await failure(w.app, Q.vote, { p: proposal.id, c: 'AGAINST' }, as(owners.people[0]))).code).toBe('NOT_A_MEMBER');
  expect((await failure(w.app, Q.changeVote, { p: proposal.id, c: 'AGAINST' }, as(second))).code).toBe('NOT_A_MEMBER');

  // Two seats eligible (the first, and the second, which voted); quorum 50 %: one ballot is enough.
  const closed = await act(w.app, Q.close, { p: proposal.id }, as(first));
  expect(closed).toMatchObject({ outcome: 'PASSED', tally: { forWeight: 1, eligibleWeight: 2, castWeight: 1, quorumMet: true } });

  // Seated again: a new seat beside the vacated one, which keeps its record.
  const again = await act(w.app, Q.addMember, { c: council.id, s: 'RESIDENT_REPRESENTATIVE', p: third.id });
  expect(again.id).not.toBe(thirdSeat);
  const seats = await w.app.run(
    `query($c: ID!) { node(id: $c) { ... on Council { members(first: 10) { nodes { id name vacatedAt } } } } }`,
    {
      c: council.id,
    },
  );
  expect(seats.node.members.nodes.filter((m: { vacatedAt: string | null }) => m.vacatedAt === null)).toHaveLength(2);
  expect(seats.node.members.nodes).toHaveLength(5);
});

test('vacating is for community staff, once; an unseen seat is like a made-up one', async () => {
  const [first, second] = w.residents;
  const { members } = await councilWithProposal(w, '第二议事会', 'SIMPLE_MAJORITY', 'PER_SEAT', 50, [
    { person: first, seat: 'RESIDENT_REPRESENTATIVE' },
    { person: second, seat: 'RESIDENT_REPRESENTATIVE' },
  ]);
  const [, seat] = members;
  const refused = await w.app.run(VACATE, { id: seat }, as(first));
  expect(refused.vacateCouncilSeat.errors).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  const unseen = await w.app.run(VACATE, { id: seat }, as(w.outsider));
  const madeUp = await w.app.run(
    VACATE,
    { id: Buffer.from('CouncilMember:00000000-0000-4000-8000-000000000000').toString('base64url') },
    as(w.outsider),
  );
  expect(unseen.vacateCouncilSeat.errors).toEqual(madeUp.vacateCouncilSeat.errors);
  expect(unseen.vacateCouncilSeat.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);

  await w.app.run(VACATE, { id: seat });
  const twice = await w.app.run(VACATE, { id: seat });
  expect(twice.vacateCouncilSeat.errors).toEqual([
    {
      code: 'CONFLICT',
      message: expect.stringMatching(
        /^This seat on 第二议事会 was vacated at 20\d\d-.*; to seat its holder again, add them as a member\.$/,
      ),
      field: 'id',
    },
  ]);
});
