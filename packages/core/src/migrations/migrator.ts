import { createHash } from 'node:crypto';
import type pg from 'pg';
import { oneOffClient } from '../database/pool.js';
import { StartupError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MigrationSource } from './migration.js';

export interface MigrationStep {
  owner: string;
  name: string;
}

export interface MigrateResult {
  /** What was applied (or, with `dryRun`, what would be). */
  applied: MigrationStep[];
  dryRun: boolean;
}

const LOCK_KEY = 7_412_020; // pg_advisory_lock key shared by every process migrating this database

/** The checksum recorded for a migration's text: an applied migration whose checksum changes is refused. */
export function migrationChecksum(up: unknown): string {
  return createHash('sha256')
    .update(typeof up === 'string' ? up : String(up))
    .digest('hex')
    .slice(0, 16);
}

async function migrationsTableExists(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ t: string | null }>(`SELECT to_regclass('public.gongzhi_migrations')::text AS t`);
  return rows[0]?.t != null;
}

/**
 * Applies pending migrations of every source, in the given order (core first, then plugins
 * in dependency order). Each migration runs in its own transaction together with its record
 * in `public.gongzhi_migrations`, so a failing one leaves nothing half-applied. An advisory
 * lock makes concurrent starts safe. An applied migration whose text changed is refused.
 */
export async function migrate(
  databaseUrl: string,
  sources: readonly MigrationSource[],
  options: { dryRun?: boolean; logger?: Logger } = {},
): Promise<MigrateResult> {
  const client = oneOffClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    // A dry run only reads, so it never waits for a migration running elsewhere.
    if (!options.dryRun) {
      await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
      await client.query(`CREATE TABLE IF NOT EXISTS public.gongzhi_migrations (
        owner text NOT NULL,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (owner, name))`);
    }
    const rows = (await migrationsTableExists(client))
      ? (
          await client.query<{ owner: string; name: string; checksum: string }>(
            'SELECT owner, name, checksum FROM public.gongzhi_migrations',
          )
        ).rows
      : [];
    const done = new Map(rows.map((r) => [`${r.owner}/${r.name}`, r.checksum]));
    const applied: MigrationStep[] = [];
    for (const source of sources) {
      for (const migration of source.migrations) {
        const key = `${source.owner}/${migration.name}`;
        const sum = migrationChecksum(migration.up);
        const previous = done.get(key);
        if (previous !== undefined) {
          if (previous !== sum) {
            throw new StartupError(
              `Migration ${key} was changed after it was applied. Migrations are forward-only: restore its text and add a new migration for the change.`,
            );
          }
          continue;
        }
        applied.push({ owner: source.owner, name: migration.name });
        if (options.dryRun) continue;
        options.logger?.info({ migration: key }, 'applying migration');
        try {
          // Not waiting for each migration's WAL flush is safe: a crash loses the latest ones
          // together with their rows in gongzhi_migrations, and the next start applies them again.
          await client.query('BEGIN; SET LOCAL synchronous_commit = off');
          if (typeof migration.up === 'string') await client.query(migration.up);
          else await migration.up(client as unknown as pg.PoolClient);
          await client.query('INSERT INTO public.gongzhi_migrations (owner, name, checksum) VALUES ($1, $2, $3)', [
            source.owner,
            migration.name,
            sum,
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new StartupError(`Migration ${key} failed and was rolled back: ${(err as Error).message}`, { cause: err });
        }
      }
    }
    return { applied, dryRun: options.dryRun ?? false };
  } finally {
    if (!options.dryRun) await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

/** The migrations recorded as applied, in the order they were applied. */
export async function appliedMigrations(databaseUrl: string): Promise<MigrationStep[]> {
  const client = oneOffClient({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (!(await migrationsTableExists(client))) return [];
    const { rows } = await client.query<MigrationStep>(
      'SELECT owner, name FROM public.gongzhi_migrations ORDER BY applied_at, owner, name',
    );
    return rows;
  } finally {
    await client.end();
  }
}
