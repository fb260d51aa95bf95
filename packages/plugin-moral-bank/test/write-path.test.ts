import { problemOf } from '@gongzhi/core/testing';
import { accountOf, createWorld, openAccount, verifyService, type World } from './fixture.js';

let w: World;
beforeAll(async () => {
  w = await createWorld(4);
});
afterAll(() => w?.app.close());

test('print', async () => {
  const [liu, zhang] = w.people;
  await verifyService(w, liu, 60);
  const from = (await accountOf(w, liu))!;
  const to = await openAccount(w, 'PERSON', zhang.id, zhang);
  const connection = w.app.platform.orm.em.getConnection();
  const original = connection.execute.bind(connection);
  for (let k = 0; k < 2; k++) {
    const out: string[] = [];
    connection.execute = ((...args: Parameters<typeof original>) => {
      out.push(String(args[0]).replace(/\s+/g, ' ').slice(0, 200));
      return original(...args);
    }) as typeof original;
    const r = await w.app.execute(
      `mutation($input: MoralBankTransferInput!) { transferMoralBankMinutes(input: $input) { transaction { id } errors { code } } }`,
      { input: { fromAccountId: from.id, toAccountId: to.id, minutes: 3, idempotencyKey: `bench-key-${k}-abcdef` } },
      { caller: { kind: 'person', id: liu.uuid } },
    );
    connection.execute = original;
    expect(problemOf(r)).toBeUndefined();
    console.log(out.length, out.join('\n'));
  }
});
