import { Person, type Place, PlaceType } from '@gongzhi/core';
import { createTestApp, placeWriter, type TestApp } from '@gongzhi/core/testing';

/**
 * Board numbers are given as each emitting transaction commits (docs/decisions/0003): in commit
 * order, gapless, and no writer waits for another's round trips. As the gateway runs: the
 * PostgreSQL transport, notices through the process's LISTEN connection.
 */
let app: TestApp;
let community: Place;
let household: Place;
let resident: Person;

beforeAll(async () => {
  app = await createTestApp({ boards: { transport: 'postgres', pollIntervalMs: 0 }, listen: true });
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  const district = write(PlaceType.DISTRICT, 'D', '东城区', null);
  community = write(PlaceType.COMMUNITY, 'C', '社区', write(PlaceType.SUBDISTRICT, 'S', '街道', district));
  household = write(PlaceType.HOUSEHOLD, 'H', '1号楼101', community);
  resident = em.create(Person, { name: '居民', household });
  await em.flush();
});
afterAll(() => app?.close());

async function submit(title: string): Promise<string> {
  const data = await app.run(
    `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { message } } }`,
    { input: { kind: 'NEED', channel: 'PHONE', title, description: '', placeId: household.id, requesterId: resident.id } },
  );
  expect(data.submitRequest.errors).toEqual([]);
  return data.submitRequest.request.id;
}

async function sequence(): Promise<number> {
  return (await app.run(`query($p: ID!) { taskBoard(placeId: $p) { sequence } }`, { p: community.id })).taskBoard.sequence;
}

function watch(after: number | null) {
  return app.subscribe(`subscription($p: ID!, $a: SafeInt) { taskBoardChanges(placeId: $p, after: $a) { sequence itemId } }`, {
    p: community.id,
    a: after,
  });
}

test('a transaction held open after handing over its board event neither blocks others nor takes a number before them', async () => {
  const start = await sequence();
  const live = await watch(start);
  // Hold the first emitting transaction open at its very end, after the board log's own hook.
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held = false;
  const stop = app.platform.events.onBeforeCommit(async () => {
    if (held) return;
    held = true;
    await gate;
  });
  try {
    const slow = submit('先开始，后提交');
    while (!held) await new Promise((r) => setTimeout(r, 5));
    // Under a lock taken before commit, this one would wait for the held transaction.
    const fast = await submit('后开始，先提交');
    release();
    const first = await slow;
    const changes = await live.take(2);
    expect(changes).toEqual([
      { sequence: start + 1, itemId: fast },
      { sequence: start + 2, itemId: first },
    ]);
  } finally {
    release();
    stop();
    await live.stop();
  }
});

test('concurrent writes from every pool connection get gapless numbers in commit order, live and on resume', async () => {
  const start = await sequence();
  const live = await watch(start);
  try {
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => submit(`并发诉求${i}`)));
    const changes = await live.take(40);
    expect(changes.map((c) => c.sequence)).toEqual(Array.from({ length: 40 }, (_, i) => start + i + 1));
    expect(new Set(changes.map((c) => c.itemId))).toEqual(new Set(ids));
    // A subscriber resuming from the middle gets exactly the rest, in the same order.
    const resumed = await watch(start + 15);
    try {
      expect(await resumed.take(25)).toEqual(changes.slice(15));
    } finally {
      await resumed.stop();
    }
  } finally {
    await live.stop();
  }
});
