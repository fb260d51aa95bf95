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
/** A second district: its requests share no kept-count rows (request_count) with the first's. */
let elsewhere: Place;

beforeAll(async () => {
  app = await createTestApp({ boards: { transport: 'postgres', pollIntervalMs: 0 }, listen: true });
  const em = app.platform.orm.em.fork();
  const write = placeWriter(em);
  const district = write(PlaceType.DISTRICT, 'D', '东城区', null);
  community = write(PlaceType.COMMUNITY, 'C', '社区', write(PlaceType.SUBDISTRICT, 'S', '街道', district));
  household = write(PlaceType.HOUSEHOLD, 'H', '1号楼101', community);
  resident = em.create(Person, { name: '居民', household });
  const district2 = write(PlaceType.DISTRICT, 'D2', '西城区', null);
  elsewhere = write(
    PlaceType.HOUSEHOLD,
    'H2',
    '2号楼202',
    write(PlaceType.COMMUNITY, 'C2', '社区二', write(PlaceType.SUBDISTRICT, 'S2', '街道二', district2)),
  );
  await em.flush();
});
afterAll(() => app?.close());

async function submit(title: string, place = household): Promise<string> {
  const data = await app.run(
    `mutation($input: SubmitRequestInput!) { submitRequest(input: $input) { request { id } errors { message } } }`,
    { input: { kind: 'NEED', channel: 'PHONE', title, description: '', placeId: place.id, requesterId: resident.id } },
  );
  expect(data.submitRequest.errors).toEqual([]);
  return data.submitRequest.request.id;
}

async function sequence(): Promise<number> {
  return (await app.run(`query($p: ID!) { taskBoard(placeId: $p) { sequence } }`, { p: community.id })).taskBoard.sequence;
}

function watch(after: number | null, place = community) {
  return app.subscribe(`subscription($p: ID!, $a: SafeInt) { taskBoardChanges(placeId: $p, after: $a) { sequence itemId } }`, {
    p: place.id,
    a: after,
  });
}

test('a transaction held open after handing over its board event neither blocks others nor takes a number before them', async () => {
  const start = await sequence();
  const here = await watch(start);
  const there = await watch(start, elsewhere);
  // Hold the first emitting transaction open at its very end, after its board entry was handed over.
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
    // Under a lock taken before commit, this one would wait for the held transaction. (In another
    // district, so that the two share no kept-count row, whose lock is held to commit by design.)
    const fast = await submit('后开始，先提交', elsewhere);
    release();
    const first = await slow;
    expect(await there.take(1)).toEqual([{ sequence: start + 1, itemId: fast }]);
    expect(await here.take(1)).toEqual([{ sequence: start + 2, itemId: first }]);
  } finally {
    release();
    stop();
    await here.stop();
    await there.stop();
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
