/**
 * The boundary between core's tables and the plugins (DESIGN §3 isolation, §8): a plugin asks
 * core for core's data through core's read API (`*.queries.ts`) and never names a core table
 * in SQL, so a core migration cannot break a plugin at run time. The one allowed mention is a
 * foreign key from a plugin's table to a core id, in the plugin's migrations. Plugins name
 * their own tables through one helper (`pluginTables`), never by a schema literal.
 *
 * Nothing here is a hand-kept list: core's tables come from its entity metadata plus every
 * `CREATE TABLE` in core's source (board log, migrations table), the plugins are the
 * workspace packages that take @gongzhi/core as a peer, and the plugin schemas are those
 * their migrations create. No database needed.
 */
import 'reflect-metadata';
import { EntitySchema, MetadataStorage, UnderscoreNamingStrategy } from '@mikro-orm/core';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreModule } from '../src/core-module.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const packagesDir = path.join(root, 'packages');
const CORE_PACKAGE = '@gongzhi/core';

/** A migration file may exempt itself with this comment when it was applied already and cannot change (its checksum is kept). */
const FROZEN_MARKER = 'plugin-boundary: frozen migration';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|js|mts|mjs|cts|cjs)$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const packages = readdirSync(packagesDir)
  .filter((dir) => statSync(path.join(packagesDir, dir, 'package.json'), { throwIfNoEntry: false })?.isFile())
  .map((dir) => ({
    dir: path.join(packagesDir, dir),
    json: JSON.parse(readFileSync(path.join(packagesDir, dir, 'package.json'), 'utf8')) as PackageJson,
  }));

/** Plugins: every workspace package that takes core as a peer dependency. */
const plugins = packages.filter((p) => p.json.peerDependencies?.[CORE_PACKAGE]);
const core = packages.find((p) => p.json.name === CORE_PACKAGE)!;

/** Core's tables: its entities' tables (as the host computes them) and every table core's source creates. */
function coreTables(): string[] {
  const naming = new UnderscoreNamingStrategy();
  const decorated = Object.values(MetadataStorage.getMetadata());
  const fromEntities = coreModule.entities.map((entity) => {
    const meta = entity instanceof EntitySchema ? entity.meta : decorated.find((m) => m.class === entity);
    if (!meta) throw new Error(`core entity ${(entity as { name?: string }).name} has no MikroORM metadata`);
    return meta.tableName ?? naming.classToTableName(meta.className);
  });
  const created = sourceFiles(path.join(core.dir, 'src')).flatMap((file) =>
    [
      ...readFileSync(file, 'utf8').matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"?public"?\s*\.\s*)?"?([a-z_][a-z0-9_]*)"?/gi),
    ].map((m) => m[1].toLowerCase()),
  );
  return [...new Set([...fromEntities, ...created])].sort();
}

/** The schemas plugins keep their tables in: those their migrations create. */
function pluginSchemas(): string[] {
  const schemas = plugins.flatMap((plugin) =>
    sourceFiles(path.join(plugin.dir, 'src'))
      .filter(isMigration)
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?"?([a-z_][a-z0-9_]*)"?/gi)].map((m) =>
          m[1].toLowerCase(),
        ),
      ),
  );
  return [...new Set(schemas)].sort();
}

function isMigration(file: string): boolean {
  return file.split(path.sep).includes('migrations');
}

const SQL_BEFORE_TABLE = String.raw`\b(?:FROM|JOIN|INTO|UPDATE|TABLE|REFERENCES|USING)\s+(?:ONLY\s+)?`;

interface Line {
  file: string;
  number: number;
  text: string;
  migration: boolean;
}

/** The lines of every plugin's source (src only: not tests, not dist), comment lines left out. */
function pluginLines(): Line[] {
  return plugins.flatMap((plugin) =>
    sourceFiles(path.join(plugin.dir, 'src')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const migration = isMigration(file);
      if (migration && text.includes(FROZEN_MARKER)) return [];
      return text.split('\n').flatMap((line, i) => {
        const trimmed = line.trim();
        if (trimmed.startsWith('//') || trimmed.startsWith('*') || trimmed.startsWith('/*')) return [];
        return [{ file: path.relative(root, file), number: i + 1, text: line, migration }];
      });
    }),
  );
}

/** Every mention of a core table in SQL, outside foreign keys in migrations: `file:line: … names core table X`. */
function coreTableMentions(tables: readonly string[], lines: readonly Line[]): string[] {
  const names = tables.join('|');
  const foreignKey = new RegExp(String.raw`\bREFERENCES\s+(?:"?public"?\s*\.\s*)?"?(?:${names})"?(?![\w$])`, 'gi');
  const tableRef = new RegExp(String.raw`${SQL_BEFORE_TABLE}(?:"?public"?\s*\.\s*)?"?(${names})"?(?![\w.$])`, 'gi');
  const publicRef = /\b"?public"?\s*\.\s*"?([a-z_][a-z0-9_]*)/gi;
  const core = new Set(tables);
  const found: string[] = [];
  for (const line of lines) {
    const text = line.migration ? line.text.replace(foreignKey, '') : line.text;
    const hits = new Set([...text.matchAll(tableRef)].map((m) => `core table ${m[1].toLowerCase()}`));
    for (const m of text.matchAll(publicRef)) {
      const name = m[1].toLowerCase();
      hits.add(core.has(name) ? `core table ${name}` : `core's schema (public.${name})`);
    }
    for (const hit of hits) {
      found.push(
        `${line.file}:${line.number}: ${line.text.trim()}\n  names ${hit}; use core's read API (the *.queries.ts functions ` +
          `exported by ${CORE_PACKAGE}: placeSummary, personSummary, residentCountUnder, requestCountUnder…)` +
          (line.migration ? ' or, in a migration, a foreign key (REFERENCES public.<table> (id))' : ''),
      );
    }
  }
  return found;
}

/** Every schema literal in plugin SQL outside migrations: plugins name tables through `pluginTables`. */
function schemaLiterals(schemas: readonly string[], lines: readonly Line[]): string[] {
  const schemaRef = new RegExp(String.raw`${SQL_BEFORE_TABLE}"?(${schemas.join('|')})"?\s*\.`, 'gi');
  return lines
    .filter((line) => !line.migration)
    .flatMap((line) =>
      [...line.text.matchAll(schemaRef)].map(
        (m) =>
          `${line.file}:${line.number}: ${line.text.trim()}\n  names schema ${m[1]} by a literal; name the plugin's own tables through its one ` +
          `helper (\`export const t = pluginTables('…')\`, then \${t('table')}); another plugin's tables not at all`,
      ),
    );
}

function fail(found: readonly string[]): void {
  if (found.length) throw new Error(`${found.length} violation(s) of the plugin boundary:\n\n${found.join('\n\n')}`);
}

test('the lists are derived: core tables from entity metadata and core source, plugins from the workspace', () => {
  const tables = coreTables();
  for (const table of [
    'place',
    'person',
    'person_role',
    'organization_member',
    'request',
    'request_timeline',
    'board_event',
    'gongzhi_migrations',
  ]) {
    expect(tables).toContain(table);
  }
  expect(plugins.map((p) => p.json.name)).toEqual(expect.arrayContaining(['@gongzhi/plugin-grid', '@gongzhi/plugin-council']));
  expect(plugins.map((p) => p.json.name)).not.toContain(CORE_PACKAGE);
  expect(pluginSchemas()).toEqual(expect.arrayContaining(['grid', 'moral_bank', 'volunteer', 'council']));
});

test('the scan finds a core table named in SQL, and allows foreign keys only in migrations', () => {
  const tables = coreTables();
  const line = (text: string, migration = false): Line => ({ file: 'x.ts', number: 7, text, migration });
  expect(coreTableMentions(tables, [line('`SELECT 1 FROM public.place p JOIN person_role r ON r.place_id = p.id`')])).toEqual([
    expect.stringMatching(/^x\.ts:7: `SELECT 1 FROM public\.place p .*\n {2}names core table place; use core's read API/),
    expect.stringMatching(/^x\.ts:7: .*\n {2}names core table person_role;/),
  ]);
  expect(coreTableMentions(tables, [line("`SELECT 1 FROM public.some_view WHERE x = 'a'`")])).toEqual([
    expect.stringMatching(/names core's schema \(public\.some_view\)/),
  ]);
  expect(coreTableMentions(tables, [line(`'UPDATE request SET status = ?'`), line('`INSERT INTO "public"."person" …`')])).toHaveLength(2);
  expect(coreTableMentions(tables, [line('person_id uuid REFERENCES public.person (id)', true)])).toEqual([]);
  expect(coreTableMentions(tables, [line('person_id uuid REFERENCES public.person (id)')])).toHaveLength(1);
  expect(coreTableMentions(tables, [line('JOIN public.place p ON p.id = c.community_id', true)])).toHaveLength(1);
  // Ordinary words and columns are not tables.
  const innocent = [
    line('const request = await requireEntity(ctx.em, Request, "Request", id, "requestId");'),
    line("`SELECT trim(both '/' from r.place_path) FROM grid.grid_place gp WHERE gp.place_id = ?`"),
    line('`FROM ${t("grid_place")} gp JOIN ${t("grid")} g ON g.id = gp.grid_id`'),
    line('"Removes a place from the grid (its requests route elsewhere)."'),
  ];
  expect(coreTableMentions(tables, innocent)).toEqual([]);
  expect(
    schemaLiterals(['grid'], [line('`FROM grid.grid_place gp`'), line('`JOIN grid.${target} t1`'), line("'grid.places-added'")]),
  ).toHaveLength(2);
});

test('no plugin names a core table in SQL (only foreign keys in its migrations)', () => {
  fail(coreTableMentions(coreTables(), pluginLines()));
});

test("plugins name their own tables through one helper, never by a schema literal, and no other plugin's", () => {
  fail(schemaLiterals(pluginSchemas(), pluginLines()));
});
