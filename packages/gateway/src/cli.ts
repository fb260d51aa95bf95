#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { printSchema } from 'graphql';
import { migrate, migrationSources, seedScale, StartupError } from '@gongzhi/core';
import { loadConfig } from './config.js';
import { composePlatform, openDatabase, startGateway } from './gateway.js';
import { createGatewayLogger } from './logger.js';
import { loadPlugins } from './plugin-loader.js';

const USAGE = `Usage: gongzhi <command> [options]

Commands:
  start              migrate, load the demo data on an empty database, serve the API
  migrate [--dry-run] apply (or list) pending migrations of core and plugins
  seed               load the demo data (idempotent)
  seed --scale N [--requests M]
                     generate a district the size of Fangzhuang × N (benchmarks)
  schema             print the composed GraphQL schema (SDL)

Configuration: gongzhi.config.json and environment variables (see README).`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      scale: { type: 'string' },
      requests: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 1;
  }
  const config = loadConfig();
  const logger = createGatewayLogger(config.logLevel);

  switch (command) {
    case 'start': {
      const gateway = await startGateway(config, logger);
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          logger.info({ signal }, 'shutting down');
          void gateway.stop().then(resolve);
        };
        process.once('SIGINT', shutdown);
        process.once('SIGTERM', shutdown);
      });
      return 0;
    }
    case 'migrate': {
      const database = await openDatabase(config, logger);
      try {
        const plugins = await loadPlugins(config.plugins, config.baseDir);
        const { composePlugins, CORE_VERSION } = await import('@gongzhi/core');
        const ordered = composePlugins(plugins, CORE_VERSION);
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
      const database = await openDatabase(config, logger);
      try {
        const platform = await composePlatform(config, database.url, logger);
        try {
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
        } finally {
          await platform.close();
        }
      } finally {
        await database.stop();
      }
      return 0;
    }
    case 'schema': {
      const database = await openDatabase(config, logger);
      try {
        const platform = await composePlatform(config, database.url, logger, { migrate: false });
        console.log(printSchema(platform.schema));
        await platform.close();
      } finally {
        await database.stop();
      }
      return 0;
    }
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof StartupError) {
      console.error(`gongzhi: ${err.message}`);
    } else {
      console.error('gongzhi: unexpected failure:', err);
    }
    process.exit(1);
  },
);
