import { createWorld, verifyService, accountOf } from './fixture.js';
test('debug', async () => {
  const w = await createWorld(2);
  await verifyService(w, w.people[0]!, 60);
  console.log(JSON.stringify(w.logs.map((l) => ({ ...l, obj: String((l.obj as any)?.err?.stack ?? JSON.stringify(l.obj)) })), null, 1));
  console.log(await accountOf(w, w.people[0]!));
  await w.app.close();
});
