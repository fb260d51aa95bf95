import { defineCommand, type Place, placeSummary, PlaceType, runCommand, SYSTEM_CALLER } from '@gongzhi/core';
import { createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';

/**
 * What a committed command read that is still true goes to the operation answering with its
 * result (the answer's scope checks then read it no more): the place summaries, unless the
 * command wrote a place, when the operation reads them again, as they now are.
 */
let app: TestApp;
let community: Place;
beforeAll(async () => {
  app = await createTestApp();
  const em = app.platform.orm.em.fork();
  community = placeWriter(em)(PlaceType.COMMUNITY, 'C', '团结湖社区', null);
  await em.flush();
});
afterAll(() => app?.close());

const readName = defineCommand<{ id: string }, string>({
  name: 'test.readPlaceName',
  async run(uow, { id }) {
    return (await placeSummary(uow, id))?.name ?? '';
  },
});

const rename = defineCommand<{ id: string; name: string }, string>({
  name: 'test.renamePlace',
  async run(uow, { id, name }) {
    await placeSummary(uow, id);
    await uow.em.execute('UPDATE place SET name = ? WHERE id = ?', [name, id]);
    return name;
  },
});

test('a command that wrote no place hands its place summaries to the operation', async () => {
  const ctx = app.platform.createContext(SYSTEM_CALLER);
  const outcome = await runCommand(ctx, readName, { id: community.uuid });
  expect(outcome.value).toBe('团结湖社区');
  let name: string | undefined;
  expect(await app.countStatements(async () => (name = (await placeSummary(ctx, community.uuid))?.name))).toBe(0);
  expect(name).toBe('团结湖社区');
});

test('a command that wrote a place hands over nothing: the operation reads the place as it now is', async () => {
  const ctx = app.platform.createContext(SYSTEM_CALLER);
  const outcome = await runCommand(ctx, rename, { id: community.uuid, name: '团结湖新社区' });
  expect(outcome.ok).toBe(true);
  let name: string | undefined;
  expect(await app.countStatements(async () => (name = (await placeSummary(ctx, community.uuid))?.name))).toBe(1);
  expect(name).toBe('团结湖新社区');
});
