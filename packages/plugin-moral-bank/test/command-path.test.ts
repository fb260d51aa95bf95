import { runCommand, toGlobalId } from '@gongzhi/core';
import { createTestApp, problemOf } from '@gongzhi/core/testing';
import volunteer from '../../plugin-volunteer/src/index.js';
import moralBank from '../src/index.js';
import { creditVerifiedService } from '../src/transaction/transaction.commands.js';
import { as, countRows, createWorld, ERRORS, openAccountAs, type World } from './fixture.js';

let w: World;
beforeAll(async () => {
  w = await createWorld(2);
});
afterAll(() => w?.app.close());

const MADE_UP = '00000000-0000-4000-8000-00000000d00d';

describe('the host’s command-path checks', () => {
  test('the moral bank passes them: declared references, payloads with errors, a listener that depends on the emitter', async () => {
    const app = await createTestApp({ plugins: [volunteer, moralBank] });
    await app.close();
  });

  test('the moral bank does not start without the volunteer plugin whose event it credits', async () => {
    await expect(createTestApp({ plugins: [moralBank] })).rejects.toThrow(/volunteer/);
  });
});

describe('openMoralBankAccount: the holder is a reference, linked to the community', () => {
  const open = (
    caller: Parameters<typeof openAccountAs>[1],
    kind: 'PERSON' | 'TEAM' | 'ORGANIZATION' | 'BANK',
    holderId: string,
    communityId?: string,
  ) => openAccountAs(w, caller, kind, holderId, { communityId });

  test('a canary person answers exactly like a made-up id, to the district’s social worker and to its key with every permission', async () => {
    const before = await countRows(w);
    for (const caller of [w.districtWorker, w.districtKey]) {
      const canary = problemOf(await open(caller, 'PERSON', w.canary.person.id));
      const madeUp = problemOf(await open(caller, 'PERSON', toGlobalId('Person', MADE_UP)));
      expect(canary).toEqual({ code: 'NOT_FOUND', message: madeUp!.message, field: 'holderId' });
      expect(JSON.stringify(canary)).not.toContain('金丝雀');
    }
    expect(await countRows(w)).toEqual(before);
  });

  test.each([
    ['PERSON', () => w.canary.person.id, () => toGlobalId('Person', MADE_UP)],
    ['TEAM', () => w.canary.team.id, () => toGlobalId('VolunteerTeam', MADE_UP)],
    ['ORGANIZATION', () => w.canary.organization.id, () => toGlobalId('Organization', MADE_UP)],
  ] as const)('a %s holder: made-up and unseen ids are NOT_FOUND alike, and nothing is opened', async (kind, unseen, madeUp) => {
    const before = await countRows(w);
    const a = await open(w.districtWorker, kind, unseen());
    const b = await open(w.districtWorker, kind, madeUp());
    expect(problemOf(a)).toMatchObject({ code: 'NOT_FOUND', field: 'holderId' });
    expect(problemOf(a)).toEqual(problemOf(b));
    expect(a.data!.openMoralBankAccount.account).toBeNull();
    expect(await countRows(w)).toEqual(before);
  });

  test.each([
    ['PERSON', () => w.neighbour.id],
    ['TEAM', () => w.otherTeam.id],
    ['ORGANIZATION', () => w.otherCompany.id],
  ] as const)(
    'a %s holder of the neighbouring community, seen by the district’s social worker, is OUT_OF_SCOPE here',
    async (kind, holder) => {
      const before = await countRows(w);
      expect(problemOf(await open(w.districtWorker, kind, holder()))).toMatchObject({ code: 'OUT_OF_SCOPE', field: 'holderId' });
      expect(await countRows(w)).toEqual(before);
      // In its own community it banks.
      const own = await open(w.districtWorker, kind, holder(), w.otherCommunity.id);
      expect(problemOf(own)).toBeUndefined();
    },
  );

  test('holders on the community’s line of places bank there: residents, teams based there, an office of the subdistrict, a district worker', async () => {
    const opened = [
      await open(w.people[0], 'PERSON', w.people[0].id),
      await open(w.people[1], 'TEAM', w.team.id),
      await open(w.districtWorker, 'ORGANIZATION', w.subdistrictOffice.id),
      await open(w.districtWorker, 'PERSON', w.districtWorker.id),
    ].map((r) => {
      expect(problemOf(r)).toBeUndefined();
      return r.data!.openMoralBankAccount.account;
    });
    expect(opened.map((a) => [a.name, a.holderKind])).toEqual([
      ['刘淑珍', 'PERSON'],
      ['新城京剧票友队', 'TEAM'],
      ['方庄街道办事处', 'ORGANIZATION'],
      ['区社工', 'PERSON'],
    ]);
    expect(opened[1].holderId).toBe(w.team.id);
    // The team's keeper is the person who opened its account: a key records nobody, so it cannot open one.
    expect(problemOf(await open(w.districtKey, 'TEAM', w.team.id))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  test('the holder’s type must be the kind named; the bank’s own account and non-communities are refused', async () => {
    expect(problemOf(await open(w.people[0], 'TEAM', w.people[0].id))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'holderId' });
    expect(problemOf(await open(w.people[0], 'PERSON', w.team.id))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'holderId' });
    expect(problemOf(await open(w.staff, 'ORGANIZATION', w.staff.id))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'holderId' });
    expect(problemOf(await open(w.staff, 'BANK', w.community.id))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'holderKind' });
    expect(problemOf(await open(w.staff, 'PERSON', w.staff.id, w.hall.id))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'communityId' });
    expect(problemOf(await open(w.people[0], 'PERSON', 'not-an-id'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'holderId' });
    // A canary community does not exist for district 1, whoever the holder.
    expect(problemOf(await open(w.districtWorker, 'PERSON', w.districtWorker.id, w.canary.community.id))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'communityId',
    });
  });
});

test('the rate of a canary community is NOT_FOUND to read and to set; setting one needs moral-bank.manage', async () => {
  const set = `mutation($c: ID!) { setMoralBankRate(communityId: $c, rate: 3) { communityRate { rate } ${ERRORS} } }`;
  const read = 'query($c: ID!) { moralBankRate(communityId: $c) }';
  for (const caller of [as(w.districtWorker).caller, w.districtKey]) {
    expect(problemOf(await w.app.execute(set, { c: w.canary.community.id }, { caller }))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'communityId',
    });
  }
  expect(problemOf(await w.app.execute(read, { c: w.canary.community.id }, as(w.districtWorker)))).toMatchObject({ code: 'NOT_FOUND' });
  expect(problemOf(await w.app.execute(set, { c: w.community.id }, as(w.people[0])))).toMatchObject({ code: 'FORBIDDEN' });
  expect((await w.app.run(read, { c: w.canary.community.id })).moralBankRate).toBe(5);
});

test('verified service is credited only by the platform, never by a caller running the command', async () => {
  const ctx = w.app.platform.createContext(as(w.staff).caller);
  const service = {
    entryId: '6a0c8d1e-0000-4000-8000-00000000c0de',
    personId: w.staff.uuid,
    teamId: null,
    communityId: w.community.uuid,
    placePath: w.community.path,
    minutes: 60,
    source: 'MANUAL' as const,
    correctsEntryId: null,
    verifiedAt: new Date().toISOString(),
  };
  const outcome = await runCommand(ctx, creditVerifiedService, { service });
  expect(outcome.errors).toMatchObject([{ code: 'FORBIDDEN' }]);
});
