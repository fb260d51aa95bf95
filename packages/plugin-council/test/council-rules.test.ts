import { uuidOf } from '@gongzhi/core/testing';
import { act, as, councilWithProposal, createWorld, Q, type World } from './world.js';

/**
 * A council renames itself or changes how it decides (`updateCouncil`), as its members agreed:
 * community staff record it, and how it decides never changes under an open vote.
 */
let w: World;
beforeAll(async () => {
  w = await createWorld();
});
afterAll(() => w?.app.close());

const UPDATE = `mutation($id: ID!, $input: UpdateCouncilInput!) {
  updateCouncil(id: $id, input: $input) { council { name description votingRule voteCounting quorumPercent } errors { code message field } }
}`;

test('how a council decides changes only while none of its proposals is open; a name changes any time', async () => {
  const [first, second] = w.residents;
  const { council, proposal } = await councilWithProposal(w, '楼门议事会', 'SIMPLE_MAJORITY', 'PER_SEAT', 50, [
    { person: first, seat: 'RESIDENT_REPRESENTATIVE' },
    { person: second, seat: 'RESIDENT_REPRESENTATIVE' },
  ]);
  const staff = as(w.orgs.committee.people[0]);

  const underVote = await w.app.run(UPDATE, { id: council.id, input: { quorumPercent: 100 } }, staff);
  expect(underVote.updateCouncil.errors).toEqual([
    {
      code: 'CONFLICT',
      message:
        '1 proposal(s) of 楼门议事会 are still open: close them before changing how it decides (each is decided by the rule it was voted under).',
      field: 'input.quorumPercent',
    },
  ]);
  const renamed = await w.app.run(UPDATE, { id: council.id, input: { name: ' 10号楼楼门议事会 ', description: '每月一次' } }, staff);
  expect(renamed.updateCouncil).toEqual({
    council: {
      name: '10号楼楼门议事会',
      description: '每月一次',
      votingRule: 'SIMPLE_MAJORITY',
      voteCounting: 'PER_SEAT',
      quorumPercent: 50,
    },
    errors: [],
  });

  // Closed under the rule it was voted under (one ballot of two meets 50 %), then the rule changes.
  await act(w.app, Q.vote, { p: proposal.id, c: 'FOR' }, as(first));
  const closed = await act(w.app, Q.close, { p: proposal.id }, as(first));
  expect(closed).toMatchObject({ outcome: 'PASSED', tally: { quorumPercent: 50, votingRule: 'SIMPLE_MAJORITY' } });
  const changed = await w.app.run(UPDATE, { id: council.id, input: { votingRule: 'TWO_THIRDS', quorumPercent: 100 } }, staff);
  expect(changed.updateCouncil.council).toMatchObject({ votingRule: 'TWO_THIRDS', quorumPercent: 100 });
  const recorded = await w.app.run('query($p: ID!) { node(id: $p) { ... on CouncilProposal { tally { quorumPercent votingRule } } } }', {
    p: proposal.id,
  });
  expect(recorded.node.tally).toEqual({ quorumPercent: 50, votingRule: 'SIMPLE_MAJORITY' });
});

test('changes are checked: the quorum, a name taken, who may, an unseen council', async () => {
  const [first] = w.residents;
  const { council } = await councilWithProposal(w, '第二议事会', 'CONSENT', 'PER_SEAT', 50, [
    { person: first, seat: 'RESIDENT_REPRESENTATIVE' },
  ]);
  const errors = async (input: object, options = {}) => (await w.app.run(UPDATE, { id: council.id, input }, options)).updateCouncil.errors;
  expect(await errors({ name: '10号楼楼门议事会' })).toEqual([
    expect.objectContaining({
      code: 'CONFLICT',
      message: '火龙园北里社区 already has a council named "10号楼楼门议事会"; choose another name.',
    }),
  ]);
  expect(await errors({ quorumPercent: 101 })).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.quorumPercent' })]);
  expect(await errors({ name: '  ' })).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.name' })]);
  expect(await errors({ name: '改名' }, as(first))).toEqual([expect.objectContaining({ code: 'FORBIDDEN' })]);
  expect(await errors({ name: '改名' }, as(w.outsider))).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);
  // Nothing of a refused change was written.
  const now = await w.app.run('query($c: ID!) { node(id: $c) { ... on Council { name quorumPercent } } }', { c: council.id });
  expect(now.node).toEqual({ name: '第二议事会', quorumPercent: 50 });
});

test('a proposal put while the rules are changing waits for the change, so none is voted under a rule changed beneath it', async () => {
  const [first, second] = w.residents;
  const { council, item, actor } = await councilWithProposal(w, '院落议事会', 'SIMPLE_MAJORITY', 'PER_SEAT', 50, [
    { person: first, seat: 'RESIDENT_REPRESENTATIVE' },
    { person: second, seat: 'RESIDENT_REPRESENTATIVE' },
  ]);
  const uuid = uuidOf(council.id);
  const em = w.app.platform.orm.em.fork();
  let settled = false;
  let proposing: Promise<unknown> = Promise.resolve();
  let waited = false;
  // Another transaction changes how the council decides, as updateCouncil does: the row held FOR UPDATE until commit.
  await em.transactional(async (tx) => {
    await tx.execute(`SELECT 1 FROM council.council WHERE id = ? FOR UPDATE`, [uuid]);
    proposing = act(w.app, Q.propose, { a: item.id, t: '第二个提案' }, as(actor)).finally(() => (settled = true));
    const watcher = w.app.platform.orm.em.fork();
    for (let i = 0; i < 500 && !waited && !settled; i++) {
      const [row] = await watcher.execute<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR SHARE%'`,
      );
      waited = (row?.n ?? 0) > 0;
      if (!waited) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await tx.execute(`UPDATE council.council SET quorum_percent = 100 WHERE id = ?`, [uuid]);
  });
  expect(waited).toBe(true);
  expect(await proposing).toMatchObject({ status: 'OPEN' });
  const rules = await w.app.run('query($c: ID!) { node(id: $c) { ... on Council { quorumPercent } } }', { c: council.id });
  expect(rules.node).toEqual({ quorumPercent: 100 });
});
