import { composePlugins, CORE_VERSION, createPlatform, PluginCompositionError, Request, StartupError } from '@gongzhi/core';
import { createTestApp, createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import {
  AlphaNote,
  AlphaNoteCopy,
  bare,
  BarePayloadResolver,
  ClashAResolver,
  ClashBResolver,
  DeclaredListResolver,
  FakePlaceResolver,
  KeeperNote,
  FieldlessResolver,
  StrayEntity,
  UnboundedListResolver,
  UndeclaredIdResolver,
} from './fixtures/plugins.js';

// The running core's version: the fixtures' coreRange follows it, so a release that bumps core keeps these tests true.
const CORE = CORE_VERSION;

describe('composePlugins', () => {
  test('puts every plugin after its dependencies, otherwise in configured order', () => {
    const ordered = composePlugins(
      [
        bare('council', { dependsOn: { grid: '^1.0.0', volunteer: '^1.0.0' } }),
        bare('volunteer'),
        bare('moral-bank', { dependsOn: { volunteer: '>=1.0.0' } }),
        bare('grid'),
      ],
      CORE,
    );
    expect(ordered.map((p) => p.id)).toEqual(['grid', 'volunteer', 'council', 'moral-bank']);
  });

  test.each([
    ['a duplicate id', [bare('grid'), bare('grid')], /Plugin "grid" is configured twice.*Fix:/],
    ['an id that is not kebab-case', [bare('Grid_Plugin')], /"Grid_Plugin" is not kebab-case.*Fix:/],
    [
      'a core version outside coreRange',
      [bare('grid', { coreRange: '^2.0.0' })],
      new RegExp(
        `Plugin "grid" 1\\.0\\.0 supports @gongzhi/core \\^2\\.0\\.0, but this server runs core ${CORE.replaceAll('.', '\\.')}\\. Fix:`,
      ),
    ],
    ['an invalid coreRange', [bare('grid', { coreRange: 'soon' })], /coreRange "soon".*not a semver range/],
    [
      'a missing dependency',
      [bare('council', { dependsOn: { grid: '^1.0.0' } })],
      /Plugin "council" depends on plugin "grid" \(\^1\.0\.0\), which is not configured\. Fix:/,
    ],
    [
      'a dependency out of range',
      [bare('grid'), bare('council', { dependsOn: { grid: '^2.0.0' } })],
      /Plugin "council" needs plugin "grid" \^2\.0\.0, but 1\.0\.0 is configured\. Fix:/,
    ],
    [
      'a dependency cycle',
      [bare('a', { dependsOn: { b: '*' } }), bare('b', { dependsOn: { c: '*' } }), bare('c', { dependsOn: { a: '*' } })],
      /cycle: a → b → c → a\. Fix:/,
    ],
    [
      'two plugins in one database schema',
      [bare('grid'), bare('grid-two', { dbSchema: 'grid' })],
      /both keep their tables in database schema "grid"/,
    ],
    ['a reserved database schema', [bare('grid', { dbSchema: 'public' })], /reserved/],
  ])('refuses %s with a message naming plugin, problem and fix', (_what, plugins, message) => {
    expect(() => composePlugins(plugins, CORE)).toThrow(PluginCompositionError);
    expect(() => composePlugins(plugins, CORE)).toThrow(message);
  });
});

describe('createPlatform', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  test('refuses an entity outside its plugin schema', async () => {
    await expect(createPlatform({ databaseUrl: db.url, plugins: [bare('stray', { entities: [StrayEntity] })] })).rejects.toThrow(
      /Entity StrayEntity of plugin "stray" uses table public\.stray, outside its own schema\. Fix: declare @Entity\(\{ schema: 'stray' \}\)/,
    );
  });

  test('refuses two entities on one table', async () => {
    await expect(
      createPlatform({ databaseUrl: db.url, plugins: [bare('alpha', { entities: [AlphaNote, AlphaNoteCopy] })] }),
    ).rejects.toThrow(
      /Table alpha\.note is declared by plugin "alpha" \(entity AlphaNote\) and by plugin "alpha" \(entity AlphaNoteCopy\)\. Fix:/,
    );
  });

  test('refuses an entity that points at a person when its plugin does not say what erasing a person does to it', async () => {
    await expect(createPlatform({ databaseUrl: db.url, plugins: [bare('keeper', { entities: [KeeperNote] })] })).rejects.toThrow(
      /KeeperNote\.about of plugin "keeper" points at a person, but plugin "keeper" does not say what erasing a person does to KeeperNote\. Fix: say in the personalData\.entities of plugin "keeper"/,
    );
    const personalData = { entities: { KeeperNote: 'deleted', KeeperNotes: 'deleted' }, erase: () => Promise.resolve({}) };
    await expect(
      createPlatform({ databaseUrl: db.url, plugins: [bare('keeper', { entities: [KeeperNote], personalData })] }),
    ).rejects.toThrow(
      /The personalData\.entities of plugin "keeper" name KeeperNotes, which is not an entity of plugin "keeper"\. Fix: name the entity classes plugin "keeper" declares \(KeeperNote\)/,
    );
  });

  test("refuses a place rule whose reads name what is not a column of its entity's rows, naming the plugin", async () => {
    const rule = { entity: Request, reads: ['placePth', 'place'], place: (request: Request) => ({ path: request.placePath }) };
    await expect(createPlatform({ databaseUrl: db.url, plugins: [bare('typo', { placeRules: [rule] })] })).rejects.toThrow(
      /The place rule for Request of plugin "typo" declares reads "placePth", which is not a column of Request's rows\. Fix:/,
    );
  });

  test('refuses a GraphQL type that collides with a core type, naming the plugin', async () => {
    await expect(createPlatform({ databaseUrl: db.url, plugins: [bare('fake', { resolvers: [FakePlaceResolver] })] })).rejects.toThrow(
      /GraphQL type name "Place" is defined more than once \(by core and plugin "fake"\)\. Fix:/,
    );
  });

  test('refuses a schema that is not valid GraphQL, saying what is wrong', async () => {
    await expect(createPlatform({ databaseUrl: db.url, plugins: [bare('fieldless', { resolvers: [FieldlessResolver] })] })).rejects.toThrow(
      /Type FieldlessNote must define one or more fields/,
    );
  });

  test('prepares the schema before it waits for the database: a schema error ends the start while the database is still starting', async () => {
    const neverReady = new Promise<void>(() => undefined);
    await expect(
      createPlatform({ databaseUrl: db.url, databaseReady: neverReady, plugins: [bare('fake', { resolvers: [FakePlaceResolver] })] }),
    ).rejects.toThrow(/GraphQL type name "Place" is defined more than once/);
  });

  test('a platform whose database becomes ready later starts once it is, and fails with its start error', async () => {
    let open!: () => void;
    const later = new Promise<void>((resolve) => (open = resolve));
    let settled = false;
    const starting = createPlatform({ databaseUrl: db.url, databaseReady: later }).finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false);
    open();
    const platform = await starting;
    expect(await platform.checkDatabase(5000)).toBeUndefined();
    await platform.close();
    const failed = Promise.reject(new StartupError('The embedded PostgreSQL did not start (test).'));
    await expect(createPlatform({ databaseUrl: db.url, databaseReady: failed })).rejects.toThrow('did not start (test)');
  });

  test('refuses a GraphQL type name two plugins both define', async () => {
    await expect(
      createPlatform({
        databaseUrl: db.url,
        plugins: [bare('one', { resolvers: [ClashAResolver] }), bare('two', { resolvers: [ClashBResolver] })],
      }),
    ).rejects.toThrow(/GraphQL type name "Clash" is defined more than once \(by plugin "one" and plugin "two"\)/);
  });

  test('a plugin that throws in register stops start-up with its name', async () => {
    const broken = bare('broken', {
      register: () => {
        throw new Error('needs an API token');
      },
    });
    const failure = createPlatform({ databaseUrl: db.url, plugins: [broken] });
    await expect(failure).rejects.toBeInstanceOf(StartupError);
    await expect(failure).rejects.toThrow('Plugin "broken" failed in register: needs an API token');
  });

  test('validates plugin options against the plugin spec', async () => {
    const withOptions = bare('timed', {
      options: {
        defaults: { hours: 24 },
        validate: (o: { hours: number }) => (o.hours > 0 ? [] : [`hours must be positive, got ${o.hours}`]),
      },
    });
    await expect(createPlatform({ databaseUrl: db.url, plugins: [withOptions], pluginOptions: { timed: { hours: -1 } } })).rejects.toThrow(
      'Options of plugin "timed" are invalid: hours must be positive, got -1.',
    );
  });
});

test("a plugin's defaults may follow the host's time zone; an option given wins", async () => {
  const seen: unknown[] = [];
  const days = () =>
    bare('days', {
      options: { defaults: (host: { timeZone: string }) => ({ timeZone: host.timeZone, hours: 24 }) },
      register: ({ options }: { options: unknown }) => void seen.push(options),
    });
  const followed = await createTestApp({ plugins: [days()], timeZone: 'Asia/Urumqi' });
  await followed.close();
  const given = await createTestApp({ plugins: [days()], pluginOptions: { days: { timeZone: 'UTC' } } });
  await given.close();
  expect(seen).toEqual([
    { timeZone: 'Asia/Urumqi', hours: 24 },
    { timeZone: 'UTC', hours: 24 },
  ]);
});

describe('lifecycle and services', () => {
  test('runs register, services, bootstrap in dependency order and destroy in reverse', async () => {
    const calls: string[] = [];
    const track = (id: string, extra = {}) =>
      bare(id, {
        register: () => void calls.push(`register ${id}`),
        bootstrap: () => void calls.push(`bootstrap ${id}`),
        destroy: () => void calls.push(`destroy ${id}`),
        ...extra,
      });
    const app = await createTestApp({
      plugins: [
        track('reports', {
          dependsOn: { counter: '^1.0.0' },
          bootstrap: ({ services }: { services: { get(id: string): unknown } }) => {
            calls.push(`bootstrap reports sees ${(services.get('counter') as { next(): number }).next()}`);
          },
        }),
        track('counter', {
          services: () => {
            let n = 0;
            return { next: () => ++n };
          },
        }),
      ],
    });
    const info = await app.run('{ plugins { id version coreRange dependsOn } }');
    expect(info.plugins).toEqual([
      { id: 'counter', version: '1.0.0', coreRange: `^${CORE}`, dependsOn: {} },
      { id: 'reports', version: '1.0.0', coreRange: `^${CORE}`, dependsOn: { counter: '^1.0.0' } },
    ]);
    await app.close();
    expect(calls).toEqual([
      'register counter',
      'register reports',
      'bootstrap counter',
      'bootstrap reports sees 1',
      'destroy reports',
      'destroy counter',
    ]);
  });

  test('a plugin may only use the services of plugins it depends on', async () => {
    const app = createTestApp({
      plugins: [
        bare('counter', { services: () => ({ next: () => 1 }) }),
        bare('nosy', { bootstrap: ({ services }) => void services.get('counter') }),
      ],
    });
    await expect(app).rejects.toThrow(
      'Plugin "nosy" failed in bootstrap: Plugin "nosy" asked for the services of "counter" without depending on it. Fix: add "counter" to its dependsOn.',
    );
  });
});

describe('the command path, checked at start-up', () => {
  const start = (plugin: ReturnType<typeof bare>) => createTestApp({ plugins: [plugin] });

  test('refuses a plugin whose query takes an id that is not a declared reference, naming plugin, field and fix', async () => {
    await expect(start(bare('notices', { resolvers: [UndeclaredIdResolver] }))).rejects.toThrow(
      /Query\.noticeBoardTitle\(placeId: ID!\) of plugin "notices" names a row by id without declaring it: use @RefArg\('placeId', \(\) => TheEntity\) instead of @Arg/,
    );
  });

  test('refuses a plugin whose mutation answers without a payload', async () => {
    await expect(start(bare('notices', { resolvers: [BarePayloadResolver] }))).rejects.toThrow(
      /mutation postNotice of plugin "notices" returns NoticeReceipt!, not a payload with errors: \[UserError!\]!\. Fix: return payloadType/,
    );
  });

  test('refuses a plugin listening to another plugin it does not depend on', async () => {
    const listener = bare('notices', { register: ({ events }) => void events.on('grid.visit-recorded', () => undefined) });
    await expect(createTestApp({ plugins: [bare('grid'), listener] })).rejects.toThrow(
      /Plugin "notices" listens to "grid\.visit-recorded" of plugin "grid" without depending on it\. Fix: add "grid"/,
    );
    await expect(createTestApp({ plugins: [listener] })).rejects.toThrow(/no installed plugin is called "grid"/);
  });

  test('refuses a plugin answering a plain list of objects that is neither a connection nor declared bounded', async () => {
    await expect(start(bare('notices', { resolvers: [UnboundedListResolver] }))).rejects.toThrow(
      /A plain list of objects must be small by nature: Query\.everyNoticePlace \(\[Place!\]!\)\. Page a list that grows with the data as a connection .*@BoundedList\('why'\)/,
    );
    const declared = await start(bare('notices', { resolvers: [DeclaredListResolver] }));
    expect((await declared.run('{ noticePlaces { id } }')).noticePlaces).toEqual([]);
    await declared.close();
  });

  test('core itself passes its own checks', async () => {
    const app = await createTestApp();
    await app.close();
  });
});
