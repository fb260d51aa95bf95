import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Platform, Place } from '@gongzhi/core';
import { StartupError } from '@gongzhi/core/startup';
import type { GatewayConfig } from './config.js';
import type { DatabaseHandle } from './database.js';
import { catchEndingSignals, type EndingSignals, endingBySignal } from './ending-signals.js';
import type { createGatewayLogger } from './logger.js';
import { saveResolutions, stopKeepingResolutions } from './resolution-cache.js';

// Only what every command needs is imported above: help, configuration errors and
// create-plugin finish without loading the platform (core's entities, MikroORM, GraphQL, the
// HTTP server), whose modules are most of a start. Each command imports what it uses.

/**
 * Opens the database while `modules` load (see `openDatabaseWhileLoading`): an embedded server in
 * a process group of its own, which ending signals stop (see `EndingSignals`).
 */
async function openDatabaseThenLoad<M>(
  config: GatewayConfig,
  logger: ReturnType<typeof createGatewayLogger>,
  modules: () => Promise<M>,
): Promise<{ database: DatabaseHandle; modules: M; signals: EndingSignals }> {
  const signals = catchEndingSignals();
  const { openDatabaseWhileLoading } = await import('./database.js');
  const opened = await openDatabaseWhileLoading(config, logger, modules, { ownProcessGroup: true });
  saveResolutions();
  signals.holding(opened.database);
  return { ...opened, signals };
}

const USAGE = `Usage: gongzhi <command> [options]

Commands:
  start              migrate, load the demo data on an empty database, serve the API
  migrate [--dry-run] apply (or list) pending migrations of core and plugins
  seed               load the demo data (idempotent)
  seed --scale N [--requests M]
                     generate a district the size of Fangzhuang × N (benchmarks)
  schema             print the composed GraphQL schema (SDL); opens no database
  plugins            list core's version and the configured plugins' (with the ranges
                     they accept), checking they compose; opens no database
  api-key create --name NAME --permissions P1,P2 [--place CODE]...
                     create an API key for a district app (scoped to the places'
                     subtrees; no --place: everywhere) and print it, once
  api-key revoke PREFIX
                     revoke the key whose public start is PREFIX (gz_xxxxxxxx)
  api-key rotate PREFIX [--grace-seconds N]
                     give that key a new secret and print it, once: the old one stops
                     working at once, or after N seconds (up to 604800, a week); the key
                     keeps its places, permissions and webhooks
  documents register MANIFEST.json [--app NAME]
                     register an app's GraphQL documents (Apollo or Relay manifest,
                     sha256 ids), each validated against this server's schema and
                     limits first: all registered, or none and every problem listed
  documents list [--app NAME]
                     list registered documents (revoked ones marked)
  documents revoke ID-PREFIX | --app NAME
                     stop serving a document (8+ hex digits of its id), or all of an app's
  token PERSON_ID    print a person token (JWT, 8 h) signed with GONGZHI_JWT_SECRET
  backup FILE        copy every row of the database to FILE (gzip) in one snapshot,
                     while the gateways serve (on the embedded database too)
  restore FILE       load a backup into an empty database (a new GONGZHI_DATA_DIR, or
                     an empty DATABASE_URL), then apply this version's later migrations
  restore --check FILE
                     read a backup through and say what it holds; opens no database
  create-plugin ID [--dir DIR]
                     scaffold a plugin package (manifest, entity, migration, command,
                     resolver, place rule, spreadsheet export, a test) in DIR (./gongzhi-plugin-ID)
  request import FILE.json | FILE.csv
                     import 12345 hotline orders (a JSON array, or a spreadsheet saved
                     as CSV with a header row, Chinese or English) through the same
                     command as the importHotlineOrder mutation: same checks, and an
                     order imported before is reported, not imported twice
  register import FILE.json
                     load a district's register: places ({ code, type, name, parent })
                     and people ({ name, phone, household, roles }) through the same
                     commands as the mutations; a second run adds only what is missing

Configuration: gongzhi.config.json and environment variables (see README).`;

/** `--grace-seconds N` of `api-key rotate`: 0 when not given; the command checks the range. */
function graceSeconds(given: string | undefined): number {
  if (given === undefined) return 0;
  if (!/^\d+$/.test(given.trim())) {
    throw new StartupError(
      `--grace-seconds takes a whole number of seconds (0 to 604800, a week), e.g. --grace-seconds 86400; got "${given}".`,
    );
  }
  return Number(given);
}
/** Opens the database and the composed platform for one command, and closes both after. */
async function withPlatform<T>(
  config: GatewayConfig,
  logger: ReturnType<typeof createGatewayLogger>,
  work: (platform: Platform) => T | Promise<T>,
): Promise<T> {
  const {
    database,
    modules: { composePlatform },
  } = await openDatabaseThenLoad(config, logger, () => import('./compose.js'));
  try {
    const platform = await composePlatform(config, database.url, logger, { databaseReady: database.ready });
    try {
      return await work(platform);
    } finally {
      await platform.close();
    }
  } finally {
    await database.stop();
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      check: { type: 'boolean' },
      scale: { type: 'string' },
      requests: { type: 'string' },
      name: { type: 'string' },
      permissions: { type: 'string' },
      place: { type: 'string', multiple: true },
      dir: { type: 'string' },
      app: { type: 'string' },
      'grace-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 1;
  }
  const { loadConfig } = await import('./config.js');
  const config = loadConfig();
  const { createGatewayLogger } = await import('./logger.js');
  const logger = createGatewayLogger(config.logLevel, undefined, command === 'start');

  switch (command) {
    case 'start': {
      const {
        database,
        modules: { startGateway },
        signals,
      } = await openDatabaseThenLoad(config, logger, () => import('./gateway.js'));
      const gateway = await startGateway(config, logger, { database });
      stopKeepingResolutions();
      await new Promise<void>((resolve) =>
        signals.onSignal((signal) => {
          logger.info({ signal }, 'shutting down');
          void gateway.stop().then(resolve);
        }),
      );
      return 0;
    }
    case 'migrate': {
      const {
        database,
        modules: [{ composePlugins, CORE_VERSION, migrate, migrationSources }, { loadPlugins }],
      } = await openDatabaseThenLoad(config, logger, () => Promise.all([import('@gongzhi/core'), import('./plugin-loader.js')]));
      try {
        const plugins = await loadPlugins(config.plugins, config.baseDir);
        const ordered = composePlugins(plugins, CORE_VERSION);
        await database.ready;
        const result = await migrate(database.url, migrationSources(ordered), { dryRun: values['dry-run'], logger });
        const verb = result.dryRun ? 'pending' : 'applied';
        if (result.applied.length === 0) console.log('Nothing to migrate: the database is up to date.');
        for (const step of result.applied) console.log(`${verb}: ${step.owner}/${step.name}`);
      } finally {
        await database.stop();
      }
      return 0;
    }
    case 'seed': {
      // Seeding is a batch job (the scale generator runs statements of many seconds): no statement time limit.
      const batch = { ...config, limits: { ...config.limits, statementTimeoutMs: 0 } };
      const { seedScale } = await import('@gongzhi/core');
      await withPlatform(batch, logger, async (platform) => {
        if (values.scale !== undefined) {
          const options = { scale: Number(values.scale), requests: values.requests === undefined ? undefined : Number(values.requests) };
          const result = await platform.orm.em.fork().transactional((em) => seedScale(em as never, options));
          console.log(
            result.created
              ? `Generated ${result.rootCode}: ${result.buildings} buildings, ${result.households} households, ${result.residents} residents, ${result.requests} requests.`
              : `${result.rootCode} is already there; nothing generated.`,
          );
        } else {
          await platform.seed();
          console.log('Demo data loaded.');
        }
      });
      return 0;
    }
    case 'schema': {
      // The schema comes from the plugins' code alone, as the schema contract builds it: no database is opened (nor an embedded one initialised).
      const [{ composeSdl }, { loadPlugins }] = await Promise.all([import('@gongzhi/core'), import('./plugin-loader.js')]);
      console.log(await composeSdl(await loadPlugins(config.plugins, config.baseDir)));
      return 0;
    }
    case 'backup': {
      const file = positionals[1];
      if (!file) throw new StartupError('backup needs the file to write, e.g. "gongzhi backup gongzhi-2026-12-01.backup".');
      const [{ CORE_VERSION, runningEmbeddedUrl }, { backupDatabase }] = await Promise.all([
        import('@gongzhi/core/startup'),
        import('./backup.js'),
      ]);
      // Beside a running gateway, from its embedded server; else from the configured database, as migrate opens it.
      const running = config.databaseUrl ? null : runningEmbeddedUrl(path.resolve(config.dataDir, 'postgres'), 'gongzhi');
      const database = running ? null : (await openDatabaseThenLoad(config, logger, () => Promise.resolve())).database;
      try {
        await database?.ready;
        const target = path.resolve(file);
        const copied = await backupDatabase(running ?? database!.url, target, CORE_VERSION);
        console.log(`Backed up ${copied.rows} rows of ${copied.tables} tables to ${target} (${(copied.bytes / 1_048_576).toFixed(1)} MB).`);
      } finally {
        await database?.stop();
      }
      return 0;
    }
    case 'restore': {
      const file = positionals[1];
      if (!file) throw new StartupError('restore needs the backup file to read, e.g. "gongzhi restore gongzhi-2026-12-01.backup".');
      if (!existsSync(file)) throw new StartupError(`${path.resolve(file)} does not exist.`);
      if (values.check) {
        const { checkBackup } = await import('./backup.js');
        const held = await checkBackup(path.resolve(file));
        console.log(
          `${path.resolve(file)} is whole: ${held.rows} rows of ${held.tables} tables, made ${held.createdAt} by core ${held.coreVersion} (${held.migrations} migrations).`,
        );
        return 0;
      }
      const {
        database,
        modules: [{ composePlugins, CORE_VERSION, migrationSources }, { loadPlugins }, { restoreDatabase }],
      } = await openDatabaseThenLoad(config, logger, () =>
        Promise.all([import('@gongzhi/core'), import('./plugin-loader.js'), import('./backup.js')]),
      );
      try {
        const sources = migrationSources(composePlugins(await loadPlugins(config.plugins, config.baseDir), CORE_VERSION));
        await database.ready;
        const restored = await restoreDatabase(database.url, path.resolve(file), sources, logger);
        const later = restored.laterMigrations ? `; then applied ${restored.laterMigrations} later migrations` : '';
        console.log(`Restored ${restored.rows} rows of ${restored.tables} tables from ${path.resolve(file)}${later}.`);
      } finally {
        await database.stop();
      }
      return 0;
    }
    case 'plugins': {
      // What an upgrade changes, checked as start checks it (a refusal is its one clear line and exit 1), before anything runs.
      const [{ composePlugins, CORE_VERSION }, { loadPlugins }] = await Promise.all([
        import('@gongzhi/core'),
        import('./plugin-loader.js'),
      ]);
      const ordered = composePlugins(await loadPlugins(config.plugins, config.baseDir), CORE_VERSION);
      console.log(`@gongzhi/core ${CORE_VERSION}`);
      for (const plugin of ordered) {
        const needs = Object.entries(plugin.dependsOn ?? {}).map(([id, range]) => `; ${id} ${range}`);
        console.log(`${plugin.id} ${plugin.version} (core ${plugin.coreRange}${needs.join('')})`);
      }
      return 0;
    }
    case 'api-key': {
      const action = positionals[1];
      if (action === 'create') {
        const permissions = (values.permissions ?? '')
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean);
        if (!values.name || permissions.length === 0)
          throw new StartupError(
            'api-key create needs --name NAME and --permissions P1,P2 (e.g. request.submit,request.manage; * for all).',
          );
        const { createApiKey, Place } = await import('@gongzhi/core');
        const secret = await withPlatform(config, logger, async (platform) => {
          const em = platform.orm.em.fork();
          const places: Place[] = [];
          for (const code of values.place ?? []) {
            const place = await em.findOne(Place, { code });
            if (!place)
              throw new StartupError(
                `No place has the code "${code}". Use a place's code (see the place query), or leave out --place for a key that sees everywhere.`,
              );
            places.push(place);
          }
          return em.transactional(
            async (tx) =>
              (await createApiKey(tx as never, { name: values.name!, placeIds: places.map((p) => p.uuid), permissions })).secret,
          );
        });
        console.log(secret);
        return 0;
      }
      if (action === 'revoke' && positionals[2]) {
        const revoked = await withPlatform(config, logger, (platform) =>
          platform.orm.em
            .fork()
            .getConnection()
            .execute<{ id: string }[]>(`UPDATE api_key SET revoked_at = now() WHERE prefix = ? AND revoked_at IS NULL RETURNING id`, [
              positionals[2],
            ]),
        );
        if (revoked.length === 0) throw new StartupError(`No live API key starts with "${positionals[2]}".`);
        console.log(`Revoked ${positionals[2]}.`);
        return 0;
      }
      if (action === 'rotate' && positionals[2]) {
        const prefix = positionals[2];
        const secret = await withPlatform(config, logger, async (platform) => {
          const { ApiKey, rotateApiKey, runCommand, SYSTEM_CALLER } = await import('@gongzhi/core');
          const ctx = platform.createContext({ ...SYSTEM_CALLER, label: 'cli.api-key-rotate' });
          const apiKey = await ctx.em.findOne(ApiKey, { prefix, revokedAt: null });
          if (!apiKey) throw new StartupError(`No live API key starts with "${prefix}".`);
          const outcome = await runCommand(ctx, rotateApiKey, { apiKey, graceSeconds: graceSeconds(values['grace-seconds']) });
          if (!outcome.ok) throw new StartupError(outcome.errors.map((e) => e.message).join(' '));
          return outcome.value.secret;
        });
        console.log(secret);
        return 0;
      }
      throw new StartupError(
        'Use "api-key create --name NAME --permissions P1,P2 [--place CODE]", "api-key revoke PREFIX" or "api-key rotate PREFIX [--grace-seconds N]".',
      );
    }
    case 'create-plugin': {
      const id = positionals[1];
      if (!id) throw new StartupError('create-plugin needs an id: gongzhi create-plugin parking-permits [--dir DIR].');
      const dir = path.resolve(values.dir ?? `gongzhi-plugin-${id}`);
      const { createPlugin } = await import('./create-plugin.js');
      const files = await createPlugin(id, dir);
      console.log(
        `Created ${dir} (${files.length} files). Next: cd ${path.relative(process.cwd(), dir) || '.'} && npm install && npm run build && npm test`,
      );
      return 0;
    }
    case 'request': {
      if (positionals[1] !== 'import' || !positionals[2])
        throw new StartupError(
          'Use "request import FILE.json" (a JSON array of hotline orders) or "request import FILE.csv" (a spreadsheet of them).',
        );
      const { importHotlineOrders, readHotlineOrders } = await import('./hotline-import.js');
      const orders = readHotlineOrders(positionals[2]);
      const failed = await withPlatform(config, logger, (platform) => importHotlineOrders(platform, orders));
      return failed ? 1 : 0;
    }
    case 'register': {
      if (positionals[1] !== 'import' || !positionals[2])
        throw new StartupError('Use "register import FILE.json" ({ "places": […], "people": […] }).');
      const { importRegister, readRegister } = await import('./register-import.js');
      const register = readRegister(positionals[2]);
      const refused = await withPlatform(config, logger, (platform) => importRegister(platform, register));
      return refused ? 1 : 0;
    }
    case 'documents': {
      const action = positionals[1];
      if (action === 'register' && positionals[2]) {
        const file = positionals[2];
        let text: string;
        try {
          text = readFileSync(file, 'utf8');
        } catch (err) {
          throw new StartupError(`Cannot read ${file}: ${(err as Error).message}`);
        }
        const { limitRules } = await import('./security.js');
        const { parseManifest, registerDocuments, registryPool } = await import('./trusted-documents.js');
        const entries = parseManifest(text, file);
        const app = values.app ?? path.basename(file).replace(/\.json$/i, '');
        const result = await withPlatform(config, logger, async (platform) =>
          registerDocuments(await registryPool(platform), entries, app, {
            schema: platform.schema,
            rules: limitRules(config.limits, config.introspection),
            maxTokens: config.limits.maxTokens,
          }),
        );
        for (const entry of result.registered) console.log(`registered: sha256:${entry.sha256} ${entry.name ?? ''}`.trimEnd());
        console.log(`${app}: ${result.registered.length} registered, ${result.unchanged.length} already registered.`);
        return 0;
      }
      if (action === 'list') {
        const { listDocuments, registryPool } = await import('./trusted-documents.js');
        const rows = await withPlatform(config, logger, async (platform) => listDocuments(await registryPool(platform)));
        const shown = rows.filter((r) => !values.app || r.app === values.app);
        if (shown.length === 0) console.log('No documents are registered.');
        for (const r of shown)
          console.log(
            `sha256:${r.sha256}  ${r.app}  ${r.operationNames.join(',') || '(anonymous)'}  registered ${r.registeredAt.toISOString()}${r.revokedAt ? `  REVOKED ${r.revokedAt.toISOString()}` : ''}`,
          );
        return 0;
      }
      if (action === 'revoke' && (positionals[2] || values.app)) {
        const target = positionals[2] ?? values.app!;
        const { registryPool, revokeDocuments } = await import('./trusted-documents.js');
        const revoked = await withPlatform(config, logger, async (platform) =>
          revokeDocuments(await registryPool(platform), target, { app: !positionals[2] }),
        );
        if (revoked.length === 0) throw new StartupError(`No live registered document matches "${target}".`);
        for (const sha256 of revoked) console.log(`revoked: sha256:${sha256}`);
        return 0;
      }
      throw new StartupError(
        'Use "documents register MANIFEST.json [--app NAME]", "documents list [--app NAME]" or "documents revoke ID-PREFIX | --app NAME".',
      );
    }
    case 'token': {
      if (!config.auth.jwtSecret)
        throw new StartupError(
          'token needs GONGZHI_JWT_SECRET (at least 32 characters) to sign with; the server must run with the same secret.',
        );
      if (!positionals[1]) throw new StartupError('token needs the person id: gongzhi token PERSON_ID.');
      const uuid = /^[0-9a-f-]{36}$/i.test(positionals[1])
        ? positionals[1]
        : Buffer.from(positionals[1], 'base64url')
            .toString('utf8')
            .replace(/^Person:/, '');
      const { signPersonToken } = await import('@gongzhi/core');
      console.log(
        await signPersonToken(uuid, { secret: config.auth.jwtSecret, issuer: config.auth.issuer, audience: config.auth.audience }),
      );
      return 0;
    }
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 1;
  }
}

/**
 * Ends the process once stdout and stderr have taken what was written to them. Writes to a pipe
 * complete asynchronously, and `process.exit` drops what is still queued: `gongzhi schema | …`
 * gave the reader its first 64 KB only.
 */
function exitOnceWritten(code: number): void {
  let open = 2;
  const written = () => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (!endingBySignal()) exitOnceWritten(code);
  },
  (err: unknown) => {
    if (endingBySignal()) return;
    if (err instanceof StartupError) {
      console.error(`gongzhi: ${err.message}`);
    } else {
      console.error('gongzhi: unexpected failure:', err);
    }
    exitOnceWritten(1);
  },
);
