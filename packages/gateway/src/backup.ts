import { once } from 'node:events';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Logger, MigrationSource } from '@gongzhi/core';
import { oneOffClient, StartupError } from '@gongzhi/core/startup';
import type pg from 'pg';

// `gongzhi backup` and `gongzhi restore`: a logical copy of the whole database in one file, made
// in one snapshot while the gateways serve, without pg_dump (a single machine on the embedded
// PostgreSQL 18 has none of its version, and its socket folder is private).

/** The file's first line says which format follows. */
const FORMAT = 'gongzhi-backup/1';
/** Written by the migrations a restore runs, so not copied. */
const MIGRATIONS_TABLE = 'public.gongzhi_migrations';
const FETCH_ROWS = 1_000;
const INSERT_ROWS = 500;

interface Column {
  name: string;
  /** As `format_type` names it (schema-qualified where needed): a value is cast back to it. */
  type: string;
}

interface TableInfo {
  /** Schema-qualified and quoted, as SQL takes it. */
  name: string;
  columns: Column[];
}

interface SequenceValue {
  name: string;
  lastValue: string;
  isCalled: boolean;
}

/** The first line of a backup: what it holds and what made it. */
interface Manifest {
  format: string;
  createdAt: string;
  coreVersion: string;
  migrations: { owner: string; name: string }[];
  tables: TableInfo[];
  sequences: SequenceValue[];
}

/** What a backup or a restore copied. */
export interface CopySummary {
  tables: number;
  rows: number;
  /** The backup file's size in bytes. */
  bytes: number;
}

// Every table of the application (core's and every plugin's schema), leaf tables only, without
// extensions' tables, generated columns (computed again on insert) or the migration record.
const TABLES_SQL = `
  SELECT format('%I.%I', n.nspname, c.relname) AS name,
         json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum) AS columns
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
   WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
     AND format('%I.%I', n.nspname, c.relname) <> '${MIGRATIONS_TABLE}'
   GROUP BY 1 ORDER BY 1`;

const SEQUENCES_SQL = `
  SELECT format('%I.%I', n.nspname, c.relname) AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
   ORDER BY 1`;

// Values travel as their text form, as COPY's: the same in both sessions whatever the server's defaults.
const SESSION = `SET DateStyle = ISO, YMD; SET IntervalStyle = postgres; SET extra_float_digits = 3; SET TimeZone = 'UTC'`;

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

async function connect(url: string): Promise<pg.Client> {
  const client = oneOffClient({ connectionString: url });
  await client.connect();
  await client.query(SESSION);
  return client;
}

/**
 * Writes every row of the database at `url` to `file` (gzip; JSON lines: the manifest, then per
 * table its rows as arrays of text values), read in one repeatable-read snapshot so the copy is
 * consistent while the gateways write. Written beside `file` first and renamed at the end: a
 * backup that fails leaves no half file under its name.
 */
export async function backupDatabase(url: string, file: string, coreVersion: string): Promise<CopySummary> {
  const partial = `${file}.partial-${process.pid}`;
  await access(path.dirname(file), constants.W_OK).catch(() => {
    throw new StartupError(`Cannot write ${file}: its folder ${path.dirname(file)} does not exist or is not writable.`);
  });
  const client = await connect(url);
  let rows = 0;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const migrated = await client.query<{ t: string | null }>(`SELECT to_regclass('${MIGRATIONS_TABLE}')::text AS t`);
    if (!migrated.rows[0]?.t) throw new StartupError('The database holds no Gongzhi data (it was never migrated): nothing to back up.');
    const migrations = (
      await client.query<{ owner: string; name: string }>(`SELECT owner, name FROM ${MIGRATIONS_TABLE} ORDER BY applied_at, owner, name`)
    ).rows;
    const tables = (await client.query<TableInfo>(TABLES_SQL)).rows;
    const sequences: SequenceValue[] = [];
    for (const { name } of (await client.query<{ name: string }>(SEQUENCES_SQL)).rows) {
      const [value] = (await client.query<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${name}`))
        .rows;
      sequences.push({ name, lastValue: value!.last_value, isCalled: value!.is_called });
    }
    const manifest: Manifest = { format: FORMAT, createdAt: new Date().toISOString(), coreVersion, migrations, tables, sequences };

    const gzip = createGzip();
    // Rejects when the file cannot be written (a full disk), which then ends the backup.
    const written = pipeline(gzip, createWriteStream(partial, { mode: 0o600 }));
    written.catch(() => undefined);
    const write = async (line: string) => {
      if (!gzip.write(`${line}\n`)) await Promise.race([once(gzip, 'drain'), written]);
    };
    await write(JSON.stringify(manifest));
    for (const table of tables) {
      await write(JSON.stringify({ table: table.name }));
      const values = table.columns.map((c) => `${quote(c.name)}::text`).join(', ');
      await client.query(`DECLARE backup_rows NO SCROLL CURSOR FOR SELECT to_json(ARRAY[${values}])::text AS r FROM ONLY ${table.name}`);
      let count = 0;
      for (;;) {
        const batch = await client.query<{ r: string }>(`FETCH ${FETCH_ROWS} FROM backup_rows`);
        for (const { r } of batch.rows) await write(r);
        count += batch.rows.length;
        if (batch.rows.length < FETCH_ROWS) break;
      }
      await client.query('CLOSE backup_rows');
      await write(JSON.stringify({ end: table.name, rows: count }));
      rows += count;
    }
    gzip.end();
    await written;
    await client.query('COMMIT');
    await rename(partial, file);
    return { tables: tables.length, rows, bytes: (await stat(file)).size };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The migrations the backup's data was written under, for each owner a prefix of this build's:
 * refused, naming the owner, when the backup holds a plugin this build does not compose or
 * migrations it does not have (made by a newer version).
 */
function migrationsAsBackedUp(manifest: Manifest, sources: readonly MigrationSource[]): MigrationSource[] {
  const byOwner = new Map<string, string[]>();
  for (const { owner, name } of manifest.migrations) byOwner.set(owner, [...(byOwner.get(owner) ?? []), name]);
  for (const owner of byOwner.keys()) {
    if (!sources.some((s) => s.owner === owner)) {
      throw new StartupError(
        `The backup holds the data of plugin "${owner}", which this configuration does not load. Add it to GONGZHI_PLUGINS (or "plugins" in the configuration file) and restore again.`,
      );
    }
  }
  return sources.map((source) => {
    const names = new Set(byOwner.get(source.owner) ?? []);
    const count = source.migrations.findIndex((m) => !names.has(m.name));
    const prefix = count === -1 ? source.migrations.length : count;
    if (names.size !== prefix || source.migrations.slice(prefix).some((m) => names.has(m.name))) {
      const unknown = [...names].filter((n) => !source.migrations.some((m) => m.name === n));
      throw new StartupError(
        `The backup was made by a version of ${source.owner} with migrations this one does not have (${unknown.join(', ') || 'in another order'}). Restore it with that version (core ${manifest.coreVersion}), then upgrade.`,
      );
    }
    return { owner: source.owner, migrations: source.migrations.slice(0, prefix) };
  });
}

/**
 * Reads the backup `file` through: its manifest, then each table's rows in batches of
 * {@link INSERT_ROWS} (JSON array texts) handed to `rows`, checking that every table the manifest
 * names comes in order with as many rows as it says. Anything else (not gzip, not a backup, cut
 * short) is refused in one line; with no `rows`, it only checks.
 */
async function readBackup(
  file: string,
  rows?: (table: TableInfo, batch: string[]) => Promise<void>,
): Promise<{ manifest: Manifest; rows: number }> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next().catch((err: unknown) => {
      throw new StartupError(`${file} cannot be read to its end (${(err as Error).message}): the backup is damaged. Use another backup.`);
    });
    if (line.done) throw new StartupError(`${file} ends early: the backup is incomplete. Use another backup.`);
    return line.value;
  };
  try {
    let manifest: Manifest;
    try {
      const first = await lines.next();
      manifest = JSON.parse(first.done ? '' : first.value) as Manifest;
    } catch (err) {
      throw new StartupError(`${file} is not a Gongzhi backup (made by "gongzhi backup"): ${(err as Error).message}`);
    }
    if (manifest.format !== FORMAT) throw new StartupError(`${file} is not a Gongzhi backup of format ${FORMAT}.`);
    let total = 0;
    for (const table of manifest.tables) {
      const header = JSON.parse(await next()) as { table?: string };
      if (header.table !== table.name) {
        throw new StartupError(`${file} is damaged: ${table.name} was expected, not ${JSON.stringify(header)}.`);
      }
      let batch: string[] = [];
      let count = 0;
      for (;;) {
        const line = await next();
        if (line.startsWith('{')) {
          // The table's end, with the number of rows the backup wrote.
          const end = JSON.parse(line) as { end?: string; rows?: number };
          if (batch.length) await rows?.(table, batch);
          if (end.end !== table.name || end.rows !== count) {
            throw new StartupError(`${file} is damaged: ${table.name} should hold ${end.rows} rows, ${count} were read.`);
          }
          break;
        }
        batch.push(line);
        count++;
        if (batch.length === INSERT_ROWS) {
          await rows?.(table, batch);
          batch = [];
        }
      }
      total += count;
    }
    return { manifest, rows: total };
  } finally {
    await lines.return?.();
  }
}

/**
 * Reads the backup `file` through without a database (`gongzhi restore --check`): what it holds,
 * or the one line saying why it could not be restored.
 */
export async function checkBackup(
  file: string,
): Promise<{ tables: number; rows: number; createdAt: string; coreVersion: string; migrations: number }> {
  const { manifest, rows } = await readBackup(file);
  return {
    tables: manifest.tables.length,
    rows,
    createdAt: manifest.createdAt,
    coreVersion: manifest.coreVersion,
    migrations: manifest.migrations.length,
  };
}

/**
 * Restores `file` into the empty database at `url`: migrates it as far as the backup's data was
 * (so an older backup restores into a newer version), loads every row in one transaction as a
 * replica does, without triggers or foreign-key checks (the rows were checked when they were
 * written; tables load in any order, and the triggers that keep counts and balances would count
 * the loaded rows twice), sets every sequence where it was, then applies this version's later
 * migrations. Needs a
 * superuser (the embedded server's is). Refuses a database that holds anything.
 */
export async function restoreDatabase(
  url: string,
  file: string,
  sources: readonly MigrationSource[],
  logger: Logger,
): Promise<CopySummary & { laterMigrations: number }> {
  // Loaded here: a backup needs none of the platform.
  const { migrate } = await import('@gongzhi/core');
  // Read through once first: a damaged file is refused before anything is written.
  const { manifest } = await readBackup(file);
  const asBackedUp = migrationsAsBackedUp(manifest, sources);

  const client = await connect(url);
  let rows: number;
  try {
    const record = await client.query<{ t: string | null }>(`SELECT to_regclass('${MIGRATIONS_TABLE}')::text AS t`);
    const migrated = record.rows[0]?.t ? (await client.query(`SELECT 1 FROM ${MIGRATIONS_TABLE} LIMIT 1`)).rowCount : 0;
    // Gongzhi's migrations applied, or any table of another application.
    if (migrated || (await client.query(TABLES_SQL)).rowCount) {
      throw new StartupError(
        'The database is not empty: a restore would mix two districts. Restore into a new data folder (GONGZHI_DATA_DIR) or an empty database (DATABASE_URL).',
      );
    }
    await migrate(url, asBackedUp, { logger });
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL session_replication_role = replica');
    } catch (err) {
      throw new StartupError(
        `Restoring needs a superuser of the database (${(err as Error).message}). The embedded database's user is one; on an external server, restore as one, or use pg_restore with a pg_dump backup.`,
      );
    }
    const here = new Map((await client.query<TableInfo>(TABLES_SQL)).rows.map((t) => [t.name, t]));
    for (const table of manifest.tables) {
      const own = here.get(table.name);
      if (!own || JSON.stringify(own.columns) !== JSON.stringify(table.columns)) {
        throw new StartupError(`Table ${table.name} is not as the backup has it, though the migrations are the same. Use another backup.`);
      }
      // Rows the migrations wrote (a counter's first row, say) make way for the backup's.
      await client.query(`DELETE FROM ONLY ${table.name}`);
    }
    const inserts = new Map<string, string>();
    ({ rows } = await readBackup(file, async (table, batch) => {
      let insert = inserts.get(table.name);
      if (!insert) {
        const columns = table.columns.map((c) => quote(c.name)).join(', ');
        const casts = table.columns.map((c, i) => `(r->>${i})::${c.type}`).join(', ');
        insert = `INSERT INTO ${table.name} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${casts} FROM json_array_elements($1::json) r`;
        inserts.set(table.name, insert);
      }
      await client.query(insert, [`[${batch.join(',')}]`]);
    }));
    for (const sequence of manifest.sequences) {
      await client.query('SELECT setval($1::regclass, $2::bigint, $3)', [sequence.name, sequence.lastValue, sequence.isCalled]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
  const later = await migrate(url, sources, { logger });
  return { tables: manifest.tables.length, rows, bytes: (await stat(file)).size, laterMigrations: later.applied.length };
}
