import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { composePlugins, CORE_VERSION, migrationSources } from '@gongzhi/core';
import { createTestDatabase, freePort, type TestDatabase } from '@gongzhi/core/testing';
import council from '@gongzhi/plugin-council';
import grid from '@gongzhi/plugin-grid';
import moralBank from '@gongzhi/plugin-moral-bank';
import volunteer from '@gongzhi/plugin-volunteer';
import { buildSchema } from 'graphql';
import pg from 'pg';
import { type CliRun, must, runCli, startReady, stop, until } from './cli-process.js';
import { TEST_ADMIN_KEY } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

test.each([
  [
    'a malformed DATABASE_URL',
    { DATABASE_URL: 'postgres//nohost' },
    /^gongzhi: DATABASE_URL is not a valid URL .* Use postgres:\/\/USER:PASSWORD@HOST:PORT\/DATABASE/,
  ],
  ['a DATABASE_URL of another kind', { DATABASE_URL: 'mysql://root@127.0.0.1/x' }, /^gongzhi: DATABASE_URL must start with postgres:\/\//],
  [
    'an unreachable database',
    { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/gongzhi' },
    /^gongzhi: Cannot reach the database at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/gongzhi: .*ECONNREFUSED/,
  ],
  [
    'an unknown plugin',
    { GONGZHI_PLUGINS: 'gongzhi-plugin-nope' },
    /^gongzhi: Plugin "gongzhi-plugin-nope" is not installed\. Fix: run "npm install gongzhi-plugin-nope"/,
  ],
  [
    'a plugin that throws in register',
    { GONGZHI_PLUGINS: './fixtures/throwing-plugin.js' },
    /^gongzhi: Plugin "throwing" failed in register: the SMS gateway key is missing$/,
  ],
  ['a bad PORT', { PORT: 'eighty' }, /^gongzhi: PORT must be a whole number from 0 to 65535, got "eighty"\.$/],
  [
    'production without a token secret',
    { NODE_ENV: 'production' },
    /^gongzhi: NODE_ENV is production but no GONGZHI_JWT_SECRET or GONGZHI_JWKS_URL is set/,
  ],
  [
    'an audit log kept less than six months',
    { GONGZHI_AUDIT_LOG_RETENTION_DAYS: '90' },
    /^gongzhi: GONGZHI_AUDIT_LOG_RETENTION_DAYS must be a whole number from 180 to 36500, got "90"\.$/,
  ],
  [
    'a time zone that does not exist',
    { GONGZHI_TIME_ZONE: 'Asia/Beijing' },
    /^gongzhi: GONGZHI_TIME_ZONE must be an IANA time zone, such as "Asia\/Shanghai" or "Asia\/Urumqi", got "Asia\/Beijing"\.$/,
  ],
  [
    'a token secret too short to be safe',
    { GONGZHI_JWT_SECRET: 'short' },
    /^gongzhi: GONGZHI_JWT_SECRET must be text of at least 32 characters\.$/,
  ],
])('start with %s ends with one clear line and a non-zero exit', async (_what, env, message) => {
  const result = await runCli(['start'], { DATABASE_URL: db.url, ...env });
  expect(result.code).toBe(1);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(message);
});

test('start on a port in use says so and exits non-zero', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as net.AddressInfo;
  try {
    const result = await runCli(['start'], { DATABASE_URL: db.url, PORT: String(port), GONGZHI_PLUGINS: '' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(`gongzhi: Port ${port} is already in use. Stop the other process or set PORT to a free port.`);
  } finally {
    blocker.close();
  }
});

test('migrate --dry-run lists, migrate applies, a second migrate changes nothing', async () => {
  const fresh = await createTestDatabase();
  try {
    const dry = await runCli(['migrate', '--dry-run'], { DATABASE_URL: fresh.url });
    expect(dry.code).toBe(0);
    // Every migration core and the default plugins declare, in the order they are applied
    // (derived from the declarations, so a new migration needs no edit here).
    const declared = migrationSources(composePlugins([grid, volunteer, moralBank, council], CORE_VERSION)).flatMap((source) =>
      source.migrations.map((m) => `pending: ${source.owner}/${m.name}`),
    );
    expect(declared[0]).toBe('pending: core/0001_places');
    expect(dry.stdout.trim().split('\n')).toEqual(declared);
    const applied = await runCli(['migrate'], { DATABASE_URL: fresh.url });
    expect(applied.stdout).toContain('applied: council/0001_councils');
    expect(applied.stdout).toContain('applied: council/0002_action_item_place_path');
    const again = await runCli(['migrate'], { DATABASE_URL: fresh.url });
    expect(again.stdout.trim()).toBe('Nothing to migrate: the database is up to date.');
  } finally {
    await fresh.drop();
  }
});

test('schema prints the composed SDL, third-party plugin included, without opening a database', async () => {
  // No DATABASE_URL: the embedded server would be initialised in GONGZHI_DATA_DIR if the command opened one.
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'gongzhi-schema-')), 'data');
  try {
    const result = await runCli(['schema'], { GONGZHI_DATA_DIR: dataDir }, path.join(here, 'fixtures/third-party'));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('type Notice implements Node');
    expect(result.stdout).toContain('): GridConnection!');
    expect(existsSync(dataDir)).toBe(false);
  } finally {
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
});

test('schema gives a slow pipe the whole SDL', async () => {
  // A pipe takes writes asynchronously: exiting at once left such a reader the first 64 KB.
  const result = await runCli(['schema'], {}, here, 1_000);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  expect(result.stdout.length).toBeGreaterThan(65_536);
  expect(() => buildSchema(result.stdout)).not.toThrow();
});

test('plugins lists the versions that compose, third-party plugin included, and refuses a plugin made for another core', async () => {
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'gongzhi-plugins-')), 'data');
  try {
    const listed = await runCli(['plugins'], { GONGZHI_DATA_DIR: dataDir }, path.join(here, 'fixtures/third-party'));
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const [core, ...plugins] = listed.stdout.trim().split('\n');
    expect(core).toBe(`@gongzhi/core ${CORE_VERSION}`);
    expect(plugins).toEqual([expect.stringMatching(/^grid \d+\.\d+\.\d+ \(core \S+\)$/), 'noticeboard 1.2.0 (core >=0.4.0 <1.0.0)']);
    expect(existsSync(dataDir)).toBe(false);

    // A plugin made for an older core: the same one line as start gives, before anything runs.
    const dir = path.dirname(dataDir);
    writeFileSync(path.join(dir, 'old-plugin.js'), "export default { id: 'old', version: '1.0.0', coreRange: '^0.1.0' };\n");
    const refused = await runCli(['plugins'], { GONGZHI_DATA_DIR: dataDir, GONGZHI_PLUGINS: './old-plugin.js' }, dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^gongzhi: Plugin "old" 1\\.0\\.0 supports @gongzhi/core \\^0\\.1\\.0, but this server runs core ${CORE_VERSION.replaceAll('.', '\\.')}\\. Fix:`,
        ),
      ),
    ]);
  } finally {
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  }
});

test('a plugin installed with its own copy of core is refused in one line, before it loads', async () => {
  const dir = path.join(here, 'fixtures/third-party');
  const refused = await runCli(['plugins'], { GONGZHI_PLUGINS: 'gongzhi-plugin-own-core' }, dir);
  expect(refused.code).toBe(1);
  expect(refused.stderr.trim().split('\n')).toEqual([
    `gongzhi: Plugin "gongzhi-plugin-own-core" would load its own @gongzhi/core (${path.join(dir, 'node_modules/gongzhi-plugin-own-core/node_modules/@gongzhi/core')}) instead of the gateway's (${path.resolve(here, '../../core')}): core's tables and types would be declared twice. Fix: list @gongzhi/core in the plugin's peerDependencies (not dependencies), with a range that includes the gateway's core, and reinstall.`,
  ]);
});

test('api-key create prints a key once; api-key rotate gives it a new one; api-key revoke ends it; token signs a person token', async () => {
  const created = await runCli(['api-key', 'create', '--name', '区级应用', '--permissions', 'request.submit,audit'], {
    DATABASE_URL: db.url,
    GONGZHI_PLUGINS: '',
  });
  expect(created.code).toBe(0);
  const secret = created.stdout.trim();
  expect(secret).toMatch(/^gz_[a-z0-9]{8}_[A-Za-z0-9_-]{32}$/);
  const unknownPlace = await runCli(['api-key', 'create', '--name', 'x', '--permissions', 'audit', '--place', 'NOPE'], {
    DATABASE_URL: db.url,
    GONGZHI_PLUGINS: '',
  });
  expect(unknownPlace.stderr.trim()).toBe(
    'gongzhi: No place has the code "NOPE". Use a place\'s code (see the place query), or leave out --place for a key that sees everywhere.',
  );
  // A grace is a whole number of seconds up to a week; a refusal changes nothing.
  for (const [grace, said] of [
    ['soon', '--grace-seconds takes a whole number of seconds (0 to 604800, a week), e.g. --grace-seconds 86400; got "soon".'],
    ['604801', '"graceSeconds" must be a whole number from 0 to 604800 (7 days), got 604801.'],
  ]) {
    const refused = await runCli(['api-key', 'rotate', secret.slice(0, 11), '--grace-seconds', grace], {
      DATABASE_URL: db.url,
      GONGZHI_PLUGINS: '',
    });
    expect([refused.code, refused.stderr.trim()]).toEqual([1, `gongzhi: ${said}`]);
  }
  // A new secret for the same key: the old prefix names no live key any more.
  const rotated = await runCli(['api-key', 'rotate', secret.slice(0, 11)], { DATABASE_URL: db.url, GONGZHI_PLUGINS: '' });
  expect(rotated.code).toBe(0);
  const renewed = rotated.stdout.trim();
  expect(renewed).toMatch(/^gz_[a-z0-9]{8}_[A-Za-z0-9_-]{32}$/);
  expect(renewed).not.toBe(secret);
  const stale = await runCli(['api-key', 'rotate', secret.slice(0, 11)], { DATABASE_URL: db.url, GONGZHI_PLUGINS: '' });
  expect(stale.stderr.trim()).toBe(`gongzhi: No live API key starts with "${secret.slice(0, 11)}".`);
  // With a grace the secret it replaces works on for it (the key's row says until when).
  const graced = await runCli(['api-key', 'rotate', renewed.slice(0, 11), '--grace-seconds', '3600'], {
    DATABASE_URL: db.url,
    GONGZHI_PLUGINS: '',
  });
  expect(graced.code).toBe(0);
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  try {
    const { rows } = await sql.query(
      `SELECT previous_prefix, round(extract(epoch FROM previous_expires_at - now()) / 60) AS minutes FROM api_key WHERE prefix = $1`,
      [graced.stdout.trim().slice(0, 11)],
    );
    expect(rows).toEqual([{ previous_prefix: renewed.slice(0, 11), minutes: '60' }]);
  } finally {
    await sql.end();
  }
  const prefix = graced.stdout.trim().slice(0, 11);
  const revoked = await runCli(['api-key', 'revoke', prefix], { DATABASE_URL: db.url, GONGZHI_PLUGINS: '' });
  expect(revoked.stdout.trim()).toBe(`Revoked ${prefix}.`);
  const again = await runCli(['api-key', 'revoke', prefix], { DATABASE_URL: db.url, GONGZHI_PLUGINS: '' });
  expect(again.code).toBe(1);

  const secretEnv = { GONGZHI_JWT_SECRET: 'cli-test-secret-long-enough-0123456789abcdef' };
  const token = await runCli(['token', '7d9a1f2e-4c1b-4d5e-9f00-123456789abc'], { ...secretEnv, DATABASE_URL: db.url });
  expect(token.code).toBe(0);
  const { createAuthenticator } = await import('@gongzhi/core');
  const caller = await createAuthenticator(
    () => {
      throw new Error('no database needed for tokens');
    },
    { secret: secretEnv.GONGZHI_JWT_SECRET },
  )(token.stdout.trim());
  expect(caller).toEqual({ id: '7d9a1f2e-4c1b-4d5e-9f00-123456789abc', kind: 'person' });
});

/**
 * Runs an import test on a database of its own: `file` to write the import to, the CLI's `env` for
 * that database, and `sql`, a connection to it, to read what the import wrote; all gone after.
 */
async function onFreshDatabase(work: (run: { file: string; env: Record<string, string>; sql: pg.Client }) => Promise<void>): Promise<void> {
  const fresh = await createTestDatabase();
  const dir = mkdtempSync(path.join(tmpdir(), 'gongzhi-import-'));
  const sql = new pg.Client({ connectionString: fresh.url });
  await sql.connect();
  try {
    await work({ file: path.join(dir, 'import.json'), env: { DATABASE_URL: fresh.url, GONGZHI_PLUGINS: '' }, sql });
  } finally {
    await sql.end();
    rmSync(dir, { recursive: true, force: true });
    await fresh.drop();
  }
}

test(
  'request import: hotline orders through the same command as the mutation, idempotent, each refusal on its own line',
  () =>
    onFreshDatabase(async ({ file, env, sql }) => {
      expect((await runCli(['seed'], env)).code).toBe(0);
      writeFileSync(
        file,
        JSON.stringify([
          // 苍爷爷 of the demo calls from his own number: he becomes the requester.
          {
            orderNo: '12345-CLI-1',
            title: '楼道积水',
            place: 'DEMO-CYL',
            category: '市政',
            callerPhone: '139-0000-0502',
            photoUrls: ['https://oss.example.org/12345/cli-1.jpg'],
          },
          { orderNo: '12345-CLI-2', title: '   ', place: 'DEMO-CYL' },
          { orderNo: '12345-CLI-3', title: '噪音扰民', place: 'NO-SUCH-PLACE' },
        ]),
      );
      const first = await runCli(['request', 'import', file], env);
      expect(first.code).toBe(1);
      const lines = first.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^imported: 12345-CLI-1 → \S+$/);
      expect(lines[1]).toBe('refused: order 2 (12345-CLI-2): BAD_USER_INPUT title: title must have 1 to 200 characters, got 0.');
      expect(lines[2]).toBe('refused: order 3 (12345-CLI-3): NOT_FOUND place: No place has the code "NO-SUCH-PLACE".');
      const again = await runCli(['request', 'import', file], env);
      expect(again.stdout.split('\n')[0]).toBe(lines[0].replace('imported', 'already there'));
      const { rows } = await sql.query(
        `SELECT r.channel, t.action, t.actor_label, p.name AS requester FROM request r JOIN request_timeline t ON t.request_id = r.id
         LEFT JOIN person p ON p.id = r.requester_id WHERE r.external_order_no LIKE '12345-CLI-%'`,
      );
      expect(rows).toEqual([
        { channel: 'hotline_12345', action: 'imported', actor_label: 'system: cli.request-import', requester: '苍爷爷' },
      ]);
      // The order's attachment came with it, added by the import.
      const photos = await sql.query(
        `SELECT f.url, f.added_by_label FROM request_photo f JOIN request r ON r.id = f.request_id WHERE r.external_order_no = '12345-CLI-1'`,
      );
      expect(photos.rows).toEqual([{ url: 'https://oss.example.org/12345/cli-1.jpg', added_by_label: 'system: cli.request-import' }]);
    }),
  120_000,
);

test(
  'request import FILE.csv: a 12345 spreadsheet with Chinese columns, words for kinds, deadlines on the district’s clock',
  () =>
    onFreshDatabase(async ({ file, env, sql }) => {
      expect((await runCli(['seed'], env)).code).toBe(0);
      const csv = file.replace(/\.json$/, '.csv');
      writeFileSync(
        csv,
        '\uFEFF工单编号,标题,内容,地点编码,类型,紧急程度,办理时限,图片\r\n' +
          '12345-CSV-1,楼道积水,"三楼漏水，""很急""\n已两天",DEMO-CYL,投诉,紧急,2026-06-15 18:00,https://oss.example.org/a.jpg https://oss.example.org/b.jpg\r\n' +
          '12345-CSV-2,噪音扰民,,DEMO-CYL,REPORT,,2026-06-16,\r\n' +
          '12345-CSV-3,路灯不亮,,DEMO-CYL,灯,,,\r\n',
      );
      const run = await runCli(['request', 'import', csv], env);
      expect(run.code).toBe(1);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^imported: 12345-CSV-1 → \S+$/);
      expect(lines[1]).toMatch(/^imported: 12345-CSV-2 → \S+$/);
      expect(lines[2]).toMatch(
        /^refused: order 3 \(12345-CSV-3\): BAD_USER_INPUT kind: "灯" is no kind: give 需求、投诉、上报、表扬、微心愿 or need, /,
      );
      const { rows } = await sql.query(
        `SELECT r.external_order_no, r.kind, r.priority, r.description, r.due_at, (SELECT count(*)::int FROM request_photo f WHERE f.request_id = r.id) AS photos
           FROM request r WHERE r.external_order_no LIKE '12345-CSV-%' ORDER BY r.external_order_no`,
      );
      expect(rows).toEqual([
        {
          external_order_no: '12345-CSV-1',
          kind: 'complaint',
          priority: 'urgent',
          description: '三楼漏水，"很急"\n已两天',
          due_at: new Date('2026-06-15T10:00:00Z'),
          photos: 2,
        },
        // A day alone: by the end of that day in Beijing.
        {
          external_order_no: '12345-CSV-2',
          kind: 'report',
          priority: 'normal',
          description: '',
          due_at: new Date('2026-06-16T16:00:00Z'),
          photos: 0,
        },
      ]);
      writeFileSync(csv, '工单编号,标题,地点编码\r\n12345-CSV-4,"未闭合的引号,DEMO-CYL\r\n');
      const broken = await runCli(['request', 'import', csv], env);
      expect(broken.code).not.toBe(0);
      expect(broken.stderr).toContain('Cannot read');
      expect(broken.stderr).toContain('line 2: a quoted cell is not closed');
    }),
  120_000,
);

test(
  "register import: a district's places and people through the commands, idempotent, each refusal on its own line",
  () =>
    onFreshDatabase(async ({ file, env, sql }) => {
      writeFileSync(
        file,
        JSON.stringify({
          places: [
            { code: 'R-D', type: 'DISTRICT', name: '丰台区' },
            { code: 'R-S', type: 'subdistrict', name: '方庄街道', parent: 'R-D' },
            { code: 'R-C', type: 'community', name: '芳星园三区社区', parent: 'R-S' },
            { code: 'R-B', type: 'building', name: '20号楼', parent: 'R-C', latitude: 39.8612, longitude: 116.4421 },
            { code: 'R-H1', type: 'household', name: '1单元101', parent: 'R-B' },
            { code: 'R-H2', type: 'household', name: '1单元102', parent: 'R-NOWHERE' },
            { code: 'R-X', type: 'castle', name: '城堡', parent: 'R-C' },
          ],
          people: [
            {
              name: '王秀英',
              phone: '13800000001',
              household: 'R-H1',
              roles: [{ role: 'RESIDENT', place: 'R-H1', startsOn: '2020-01-01' }],
            },
            { name: '刘社工', phone: '13800000002', roles: [{ role: 'social_worker', place: 'R-C', startsOn: '2024-03-01' }] },
            { name: '无处可寻' },
            { name: '李四', household: 'R-H1', roles: [{ role: 'mayor', place: 'R-C', startsOn: '2024-01-01' }] },
          ],
        }),
      );
      const first = await runCli(['register', 'import', file], env);
      expect(first.code).toBe(1);
      const lines = first.stdout.trim().split('\n');
      expect(lines.slice(0, 5)).toEqual(
        ['R-D', 'R-S', 'R-C', 'R-B', 'R-H1'].map((code) => expect.stringMatching(new RegExp(`^imported: ${code} → \\S+$`))),
      );
      expect(lines[5]).toBe(
        'refused: place 6 (R-H2): NOT_FOUND parent: No place has the code "R-NOWHERE" (in the file, a place comes after its parent).',
      );
      expect(lines[6]).toMatch(
        /^refused: place 7 \(R-X\): BAD_USER_INPUT type: "castle" is not a place type; the types are district, subdistrict, /,
      );
      expect(lines[7]).toMatch(/^imported: 王秀英 → \S+ \(1 role given\)$/);
      expect(lines[8]).toMatch(/^imported: 刘社工 → \S+ \(1 role given\)$/);
      expect(lines[9]).toBe(
        'refused: person 3 (无处可寻): BAD_USER_INPUT household: Give a "household" (its code) or a "phone": a second import finds the person again by them.',
      );
      // A bad role refuses the whole line: 李四 is not half imported.
      expect(lines[10]).toMatch(
        /^refused: person 4 \(李四\): BAD_USER_INPUT roles.0.role: "mayor" is not a role; the roles are resident, /,
      );
      expect(lines).toHaveLength(11);

      // Again: nothing twice; what is already there is said so.
      const again = await runCli(['register', 'import', file], env);
      const second = again.stdout.trim().split('\n');
      expect(second.slice(0, 5)).toEqual(lines.slice(0, 5).map((line) => line.replace('imported', 'already there')));
      expect(second[7]).toBe(lines[7].replace('imported', 'already there').replace(' (1 role given)', ''));
      expect(second[8]).toBe(lines[8].replace('imported', 'already there').replace(' (1 role given)', ''));

      const people = await sql.query(
        `SELECT p.name, h.code AS household, r.role::text AS role, rp.code AS at FROM person p LEFT JOIN place h ON h.id = p.household_id
         JOIN person_role r ON r.person_id = p.id JOIN place rp ON rp.id = r.place_id ORDER BY p.name`,
      );
      expect(people.rows).toEqual([
        { name: '刘社工', household: null, role: 'social_worker', at: 'R-C' },
        { name: '王秀英', household: 'R-H1', role: 'resident', at: 'R-H1' },
      ]);
      const audit = await sql.query(`SELECT DISTINCT actor_name, action, via FROM audit_log WHERE entity_type = 'Person'`);
      expect(audit.rows).toEqual([{ actor_name: 'system: cli.register-import', action: 'register.importPerson', via: 'person.create' }]);
    }),
  120_000,
);

test('start refuses a configuration with wrong types, unknown keys and misspelt variables, listing every problem', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gongzhi-config-'));
  try {
    const file = path.join(dir, 'gongzhi.config.json');
    writeFileSync(
      file,
      JSON.stringify({ introspection: 'false', plugins: '@gongzhi/plugin-grid', introspecton: false, limits: { maxDepht: 5 } }),
    );
    const result = await runCli(['start'], { GONGZHI_CONFIG: file, GONGZHI_RATE_LIMTI: '5', DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'gongzhi: The configuration has 5 problems:',
      '  - gongzhi.config.json: "introspecton" is not a setting; did you mean "introspection"?',
      '  - gongzhi.config.json: "limits.maxDepht" is not a setting; did you mean "limits.maxDepth"?',
      '  - GONGZHI_RATE_LIMTI is not a setting; did you mean "GONGZHI_RATE_LIMIT"?',
      '  - gongzhi.config.json: "plugins" must be a list of package names or { "name": …, "options": {…} }, got the string "@gongzhi/plugin-grid".',
      '  - gongzhi.config.json: "introspection" must be true or false (a JSON boolean, without quotes), got the string "false".',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a malformed development key is refused before anything starts, naming the variable and not echoing it', async () => {
  const result = await runCli(['start'], { GONGZHI_DEV_ADMIN_KEY: 'gz_short', DATABASE_URL: db.url });
  expect(result.code).toBe(1);
  expect(result.stderr.trim()).toBe(
    'gongzhi: GONGZHI_DEV_ADMIN_KEY must have the form gz_<8 lowercase letters or digits>_<32 or more letters, digits, - or _>; leave it unset to get a fresh key at each start.',
  );
});

test('start serves from the process it was started as, with the server heap and malloc settings; a heap flag the user set is kept', async () => {
  const own = await createTestDatabase();
  let run: CliRun | undefined;
  try {
    // The user's own young generation size (not the server's), through NODE_OPTIONS as a deployment would set it.
    run = await startReady({ DATABASE_URL: own.url, PORT: String(await freePort()), NODE_OPTIONS: '--max-semi-space-size=64' });
    const args = readFileSync(`/proc/${run.child.pid}/cmdline`, 'utf8').replace(/\0$/, '').split('\0');
    expect(args).toContain('--heap-growing-percent=50');
    expect(args).toContain('--no-allocation-site-pretenuring');
    expect(args.filter((a) => a.startsWith('--max-semi-space-size'))).toEqual([]);
    expect(args.slice(-2)).toEqual([path.resolve(here, '../dist/cli.js'), 'start']);
    expect(readFileSync(`/proc/${run.child.pid}/environ`, 'utf8').split('\0')).toContain('MALLOC_ARENA_MAX=2');
  } finally {
    await stop(run);
    await own.drop();
  }
});

test('a gateway started with log retention deletes the entries past it, as its audit API shows; it counts days where GONGZHI_TIME_ZONE says', async () => {
  const own = await createTestDatabase({
    migrations: migrationSources(composePlugins([grid, volunteer, moralBank, council], CORE_VERSION)),
  });
  let run: CliRun | null = null;
  try {
    const sql = new pg.Client({ connectionString: own.url });
    await sql.connect();
    for (const days of [800, 500, 1]) {
      await sql.query(
        `INSERT INTO audit_log (at, actor_kind, actor_name, action, entity_type, operation, changes)
         VALUES (now() - $1 * interval '1 day', 'system', $1 || ' days', 'test.retention', 'Place', 'write', '{}')`,
        [days],
      );
    }
    await sql.end();
    const env = { DATABASE_URL: own.url, PORT: String(await freePort()), GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY };
    run = await startReady({ ...env, GONGZHI_AUDIT_LOG_RETENTION_DAYS: '730', GONGZHI_TIME_ZONE: 'Asia/Urumqi', LOG_LEVEL: 'info' });
    const url = run.url;
    expect(await must(url, '{ timeZone }', {}, TEST_ADMIN_KEY)).toEqual({ timeZone: 'Asia/Urumqi' });
    // The ready line may reach the pipe a moment after /readyz answers.
    const started = run;
    const readyLine = await until('the ready line', 10_000, () =>
      Promise.resolve(
        started
          .stdout()
          .split('\n')
          .find((line) => line.includes('Gongzhi is ready')),
      ),
    );
    expect(JSON.parse(readyLine)).toMatchObject({ timeZone: 'Asia/Urumqi' });
    const kept = () =>
      must(url, '{ auditLog(filter: { action: "test.retention" }) { nodes { actorName } } }', {}, TEST_ADMIN_KEY).then(
        (data: { auditLog: { nodes: { actorName: string }[] } }) => data.auditLog.nodes.map((n) => n.actorName),
      );
    // The first prune runs right after the start.
    expect(await until('the 800-day entry deleted', 10_000, async () => ((await kept()).length === 2 ? kept() : undefined))).toEqual([
      '1 days',
      '500 days',
    ]);
  } finally {
    await stop(run);
    await own.drop();
  }
});
