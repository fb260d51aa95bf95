/**
 * `@gongzhi/core/startup`: what a command line needs before it loads the platform (checking its
 * configuration, printing help, reporting a startup error, opening the database), without the
 * ORM, GraphQL and entities behind `@gongzhi/core`, whose loading is most of a start. The same
 * modules as the main entry's, so `instanceof StartupError` holds for errors thrown by either.
 */
export { PluginCompositionError, StartupError } from './errors.js';
export { parseDatabaseUrl, redact } from './database/database-url.js';
export { oneOffClient } from './database/pool.js';
export { isLocale, type Locale, LOCALES } from './i18n/locales.js';
export { DEFAULT_TIME_ZONE, isTimeZone } from './calendar.js';
export { CORE_VERSION } from './version.js';
export {
  type EmbeddedDatabaseOptions,
  launchEmbeddedPostgres,
  type RunningDatabase,
  runningEmbeddedUrl,
  type StartingDatabase,
  startEmbeddedPostgres,
} from './database/embedded-postgres.js';
export type { Logger } from './logger.js';
