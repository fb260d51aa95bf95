import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createTestDatabase, freePort } from '@gongzhi/core/testing';
import pg from 'pg';
import { type CliRun, must, readyWithin, runCli, startCli, stop } from './cli-process.js';
import { gatewayDatabase, TEST_ADMIN_KEY, tempDir } from './helpers.js';

/** A backup's rows, in an order of their own (a restored table's rows may lie in another order). */
const rowsOf = (file: string) => gunzipSync(readFileSync(file)).toString('utf8').split('\n').slice(1).sort();

const TITLE = '楼道灯坏了\n"第二行" \\ 反斜杠 \t 制表 🏮';

test('backup copies a running gateway’s embedded database; restore loads it into an empty one, which serves it and takes new writes', async () => {
  const { dir, remove } = await tempDir('gongzhi-backup-');
  const target = await createTestDatabase();
  const env = {
    GONGZHI_DATA_DIR: path.join(dir, 'data'),
    GONGZHI_PG_PORT: String(await freePort()),
    GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY,
  };
  let source: CliRun | null = null;
  let restored: CliRun | null = null;
  try {
    source = startCli({ ...env, PORT: String(await freePort()) });
    await readyWithin(source);
    const { places } = await must(source.url, '{ places(type: HOUSEHOLD, first: 1) { nodes { id } } }', {}, TEST_ADMIN_KEY);
    const household = places.nodes[0].id as string;
    const submit = `mutation($p: ID!, $t: String!) { submitRequest(input: { kind: NEED, channel: PHONE, title: $t, placeId: $p, callbackPhone: "13800001234" }) { request { id } errors { code message } } }`;
    const id = (await must(source.url, submit, { p: household, t: TITLE }, TEST_ADMIN_KEY)).submitRequest.request.id as string;

    // While the gateway serves and writes (four residents' calls coming in, 160 at most: the key's rate limit is 1,200 a minute),
    // from its own embedded server.
    const first = path.join(dir, 'first.backup');
    let backingUp = true;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; backingUp && i < 40; i++)
        await must(source!.url, submit, { p: household, t: `备份时来电 ${w}-${i}` }, TEST_ADMIN_KEY);
    });
    const backup = await runCli(['backup', first], env).finally(() => (backingUp = false));
    await Promise.all(writers);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up \d+ rows of \d+ tables to .*first\.backup \([\d.]+ MB\)\.\n$/);
    expect(execFileSync('stat', ['-c', '%a', first]).toString().trim()).toBe('600');
    await stop(source);
    source = null;

    // Cut short (a copy that did not finish): refused before anything is written, so the same database takes the whole backup next.
    const cut = path.join(dir, 'cut.backup');
    const whole = readFileSync(first);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    // Checked without a database (none configured, and the data folder is not created).
    const unopened = { GONGZHI_DATA_DIR: path.join(dir, 'never-opened') };
    const checked = await runCli(['restore', '--check', first], unopened);
    expect(checked.stderr).toBe('');
    expect(checked.stdout).toMatch(
      /^.*first\.backup is whole: \d+ rows of \d+ tables, made 20\d\d-\d\d-\d\dT[\d:.]+Z by core [\d.]+ \(\d+ migrations\)\.\n$/,
    );
    const checkedCut = await runCli(['restore', '--check', cut], unopened);
    expect(checkedCut.code).toBe(1);
    expect(checkedCut.stderr).toMatch(/cut\.backup cannot be read to its end \(unexpected end of file\)/);
    expect(existsSync(unopened.GONGZHI_DATA_DIR)).toBe(false);
    const damaged = await runCli(['restore', cut], { DATABASE_URL: target.url });
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(
      /^gongzhi: .*cut\.backup cannot be read to its end \(unexpected end of file\): the backup is damaged\. Use another backup\.\n$/,
    );

    const restore = await runCli(['restore', first], { DATABASE_URL: target.url });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/^Restored \d+ rows of \d+ tables from .*first\.backup\.\n$/);
    // Every row as it was: a backup of the restored database holds the same rows.
    const second = path.join(dir, 'second.backup');
    expect((await runCli(['backup', second], { DATABASE_URL: target.url })).code).toBe(0);
    expect(rowsOf(second)).toEqual(rowsOf(first));

    // A second restore into it is refused: it is not empty any more.
    const again = await runCli(['restore', first], { DATABASE_URL: target.url });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'gongzhi: The database is not empty: a restore would mix two districts. Restore into a new data folder (GONGZHI_DATA_DIR) or an empty database (DATABASE_URL).\n',
    );

    // The restored database serves the request as it was, and takes new writes (its sequences carried on).
    restored = startCli({ DATABASE_URL: target.url, PORT: String(await freePort()), GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY });
    await readyWithin(restored);
    const read = await must(
      restored.url,
      'query($id: ID!) { node(id: $id) { ... on Request { title timeline { nodes { action } } } } }',
      { id },
      TEST_ADMIN_KEY,
    );
    expect(read.node.title).toBe(TITLE);
    expect(read.node.timeline.nodes.map((n: { action: string }) => n.action)).toContain('created');
    // One snapshot: every request copied has its creation in the timeline and in the kept counts, and no more.
    const consistent = new pg.Client({ connectionString: target.url });
    await consistent.connect();
    try {
      const { rows } = await consistent.query<{ requests: number; orphans: number; lonely: number; counted: number }>(
        `SELECT (SELECT count(*)::int FROM request) AS requests,
                (SELECT count(*)::int FROM request_timeline t WHERE NOT EXISTS (SELECT 1 FROM request r WHERE r.id = t.request_id)) AS orphans,
                (SELECT count(*)::int FROM request r WHERE r.title LIKE '备份时来电%'
                    AND NOT EXISTS (SELECT 1 FROM request_timeline t WHERE t.request_id = r.id AND t.action = 'created')) AS lonely,
                (SELECT sum(n)::int FROM request_count WHERE place_id IN (
                   SELECT DISTINCT split_part(btrim(place_path, '/'), '/', 1)::uuid FROM request)) AS counted`,
      );
      expect(rows[0]).toEqual({ requests: rows[0]?.counted, orphans: 0, lonely: 0, counted: rows[0]?.requests });
    } finally {
      await consistent.end();
    }

    // Its audit entries and board events are numbered on from the backup's (a number taken twice would refuse the write).
    const after = await must(restored.url, submit, { p: household, t: '恢复后的新诉求' }, TEST_ADMIN_KEY);
    expect(after.submitRequest.request.id).not.toBe(id);
    const sql = new pg.Client({ connectionString: target.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ action: string }>(`SELECT action FROM audit_log ORDER BY seq DESC LIMIT 5`);
      expect(rows.map((r) => r.action)).toContain('request.submit');
      // The logs' rules are the database's again once the restore is over.
      await expect(sql.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    } finally {
      await sql.end();
    }
  } finally {
    await stop(source);
    await stop(restored);
    await target.drop();
    await remove();
  }
}, 240_000);

test('restore refuses what is not a backup, and backup and restore say what they need', async () => {
  const { dir, remove } = await tempDir('gongzhi-backup-');
  const target = await createTestDatabase();
  try {
    const notBackup = path.join(dir, 'notes.txt');
    execFileSync('sh', ['-c', `echo hello | gzip > ${notBackup}`]);
    const refused = await runCli(['restore', notBackup], { DATABASE_URL: target.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^gongzhi: .*notes\.txt is not a Gongzhi backup \(made by "gongzhi backup"\)/);
    expect((await runCli(['restore', path.join(dir, 'missing.backup')], { DATABASE_URL: target.url })).stderr).toMatch(
      /^gongzhi: .*missing\.backup does not exist\.\n$/,
    );
    expect((await runCli(['backup'], { DATABASE_URL: target.url })).stderr).toBe(
      'gongzhi: backup needs the file to write, e.g. "gongzhi backup gongzhi-2026-12-01.backup".\n',
    );
    const nowhere = await runCli(['backup', path.join(dir, 'no-such-folder', 'x.backup')], { DATABASE_URL: target.url });
    expect(nowhere.stderr).toMatch(
      /^gongzhi: Cannot write .*x\.backup: its folder .*no-such-folder does not exist or is not writable\.\n$/,
    );
    // A database holding another application's tables is not restored into either.
    const other = new pg.Client({ connectionString: target.url });
    await other.connect();
    await other.query('CREATE TABLE parking_permit (id int PRIMARY KEY)');
    await other.end();
    const backupOf = path.join(dir, 'any.backup');
    const source = await gatewayDatabase();
    try {
      expect((await runCli(['backup', backupOf], { DATABASE_URL: source.url })).code).toBe(0);
    } finally {
      await source.drop();
    }
    expect((await runCli(['restore', backupOf], { DATABASE_URL: target.url })).stderr).toMatch(/^gongzhi: The database is not empty/);
    rmSync(backupOf);
    const empty = await runCli(['backup', path.join(dir, 'empty.backup')], { DATABASE_URL: target.url });
    expect(empty.stderr).toBe('gongzhi: The database holds no Gongzhi data (it was never migrated): nothing to back up.\n');
    expect(execFileSync('ls', [dir]).toString().trim()).toBe('notes.txt');
  } finally {
    await target.drop();
    await remove();
  }
});

test('an older backup restores into this version, which then applies its later migrations; a newer one is refused', async () => {
  const { dir, remove } = await tempDir('gongzhi-backup-');
  const source = await gatewayDatabase();
  // The database of the version before core's latest migration, whatever that migration changes.
  const behind = await gatewayDatabase({}, { coreBehind: 1 });
  const targets = [await createTestDatabase(), await createTestDatabase()];
  try {
    const file = path.join(dir, 'now.backup');
    expect((await runCli(['backup', file], { DATABASE_URL: source.url })).code).toBe(0);
    const [head, ...rest] = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const manifest = JSON.parse(head) as { migrations: { owner: string; name: string }[] };
    const rewritten = (migrations: { owner: string; name: string }[], name: string) => {
      const to = path.join(dir, name);
      writeFileSync(to, gzipSync([JSON.stringify({ ...manifest, migrations }), ...rest].join('\n')));
      return to;
    };
    const older = path.join(dir, 'older.backup');
    expect((await runCli(['backup', older], { DATABASE_URL: behind.url })).code).toBe(0);
    const restored = await runCli(['restore', older], { DATABASE_URL: targets[0].url });
    expect(restored.stderr).toBe('');
    expect(restored.stdout).toMatch(/from .*older\.backup; then applied 1 later migrations\.\n$/);

    const newer = rewritten([...manifest.migrations, { owner: 'core', name: '9999_from_the_future' }], 'newer.backup');
    const refused = await runCli(['restore', newer], { DATABASE_URL: targets[1].url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^gongzhi: The backup was made by a version of core with migrations this one does not have \(9999_from_the_future\)\. Restore it with that version \(core [\d.]+\), then upgrade\.\n$/,
    );
    const plugin = rewritten([...manifest.migrations, { owner: 'parking', name: '0001_permits' }], 'plugin.backup');
    expect((await runCli(['restore', plugin], { DATABASE_URL: targets[1].url })).stderr).toMatch(
      /^gongzhi: The backup holds the data of plugin "parking", which this configuration does not load\./,
    );
  } finally {
    for (const target of targets) await target.drop();
    await source.drop();
    await behind.drop();
    await remove();
  }
});
