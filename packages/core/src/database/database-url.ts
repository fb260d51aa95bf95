import { StartupError } from '../errors.js';

/** Checks a PostgreSQL connection URL and returns it parsed, or says what a right one looks like. */
export function parseDatabaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StartupError(
      `DATABASE_URL is not a valid URL ("${redact(url)}"). Use postgres://USER:PASSWORD@HOST:PORT/DATABASE, or unset it to use the embedded database.`,
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StartupError(
      `DATABASE_URL must start with postgres:// or postgresql://, not ${parsed.protocol}//. Example: postgres://gongzhi:secret@127.0.0.1:5432/gongzhi`,
    );
  }
  if (!parsed.hostname || parsed.pathname.length <= 1) {
    throw new StartupError(
      `DATABASE_URL must name a host and a database (postgres://USER:PASSWORD@HOST:PORT/DATABASE); got "${redact(url)}".`,
    );
  }
  return parsed;
}

/** The URL with its password hidden, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** The database name a URL points at. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}
