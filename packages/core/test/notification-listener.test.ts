import { type ChannelHandlers, NotificationListener, silentLogger } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import pg from 'pg';

/**
 * The process's one LISTEN connection: several users and channels on one server connection, and
 * a connection ended under it (what a database restart does) re-made, with every user told to
 * resume and notifications flowing again.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A channel user that records what it was told. */
function recorder(): ChannelHandlers & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    notification: (payload) => seen.push(`n:${payload}`),
    resume: () => seen.push('resume'),
    lost: () => seen.push('lost'),
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('one connection serves every user and channel, and reconnects with a resume signal', async () => {
  const listener = new NotificationListener(db.url, silentLogger(), 200);
  const boards = recorder();
  const revocations = recorder();
  const other = recorder();
  try {
    await listener.listen('gongzhi_board', boards);
    await listener.listen('gongzhi_board', revocations);
    const stopOther = await listener.listen('gongzhi_other', other);
    expect(listener.live).toBe(true);
    expect(listener.connects).toBe(1);
    const listening = () =>
      admin(
        async (c) =>
          (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`))
            .rows[0].n as number,
      );
    expect(await listening()).toBe(1);

    await admin((c) => c.query(`SELECT pg_notify('gongzhi_board', '{"s":7}'), pg_notify('gongzhi_other', 'x')`));
    await until(() => boards.seen.length === 2 && other.seen.length === 2, 'the notifications');
    expect(boards.seen).toEqual(['resume', 'n:{"s":7}']);
    expect(revocations.seen).toEqual(['resume', 'n:{"s":7}']);
    expect(other.seen).toEqual(['resume', 'n:x']);

    // The server ends the connection: users hear it is lost, then resume on the new one.
    await admin((c) =>
      c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`),
    );
    await until(() => listener.connects === 2 && boards.seen.length === 4, 'the reconnect');
    expect(boards.seen.slice(2)).toEqual(['lost', 'resume']);
    expect(revocations.seen.slice(2)).toEqual(['lost', 'resume']);
    expect(listener.live).toBe(true);

    // A user that stopped hears nothing more; the others still do, on the new connection.
    stopOther();
    await admin((c) => c.query(`SELECT pg_notify('gongzhi_board', '{"s":8}'), pg_notify('gongzhi_other', 'y')`));
    await until(() => boards.seen.length === 5, 'the notification after the reconnect');
    expect(boards.seen.at(-1)).toBe('n:{"s":8}');
    expect(other.seen).toEqual(['resume', 'n:x', 'lost', 'resume']);
  } finally {
    await listener.close();
  }
  expect(listener.live).toBe(false);
}, 60_000);
