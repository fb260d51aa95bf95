import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CORE_VERSION, StartupError } from '@gongzhi/core/startup';

/** The names a plugin's files use, from its kebab-case id. */
interface Names {
  id: string;
  schema: string;
  /** PascalCase prefix of its GraphQL types (`ParkingPermits`). */
  pascal: string;
  /** camelCase prefix of its fields (`parkingPermits`). */
  camel: string;
}

function names(id: string): Names {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id)) {
    throw new StartupError(`"${id}" is not a plugin id: use kebab-case letters and digits, e.g. "parking-permits".`);
  }
  const words = id.split('-');
  const pascal = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return { id, schema: id.replace(/-/g, '_'), pascal, camel: pascal[0]!.toLowerCase() + pascal.slice(1) };
}

/** The files of a new plugin package, by path relative to its folder. */
export function pluginFiles(id: string): Record<string, string> {
  const n = names(id);
  const core = `^${CORE_VERSION.split('.').slice(0, 2).join('.')}.0`;
  const entry = `${n.pascal}Entry`;
  return {
    'package.json': `${JSON.stringify(
      {
        name: `gongzhi-plugin-${n.id}`,
        version: '0.1.0',
        description: `The ${n.id} plugin for Gongzhi`,
        type: 'module',
        main: './dist/index.js',
        types: './dist/index.d.ts',
        files: ['dist', 'README.md'],
        scripts: {
          build: 'tsc -p tsconfig.json',
          test: 'node --experimental-vm-modules node_modules/jest/bin/jest.js',
        },
        peerDependencies: {
          '@gongzhi/core': core,
          '@mikro-orm/core': '^7.2.1',
          '@mikro-orm/decorators': '^7.2.1',
          graphql: '^16.12.0',
          'type-graphql': '2.0.0-rc.4',
        },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          useDefineForClassFields: false,
          declaration: true,
          skipLibCheck: true,
          rootDir: 'src',
          outDir: 'dist',
          types: ['node'],
        },
        include: ['src'],
      },
      null,
      2,
    )}\n`,
    'jest.config.js': `// Jest with swc: decorators and their metadata, as the plugin's entities and resolvers need.
export default {
  testEnvironment: 'node',
  testMatch: ['**/test/**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2023', keepClassNames: true }, module: { type: 'es6' } }],
  },
  moduleNameMapper: { '^(\\\\.{1,2}/.*)\\\\.js$': '$1' },
  testTimeout: 60_000,
};
`,
    'README.md': `# gongzhi-plugin-${n.id}

A Gongzhi plugin made with \`gongzhi create-plugin ${n.id}\`. It keeps \`${entry}\` rows at places:
\`create${entry}(placeId, title)\` and \`${n.camel}Entries(under)\`. Change the aggregate in
\`src/entry/\` to what your plugin keeps; the layout is Gongzhi's (docs/architecture.md):
\`*.entity.ts\`, \`*.commands.ts\` (writes), \`*.queries.ts\` (reads), \`*.resolver.ts\` (GraphQL only).

\`\`\`sh
npm run build && npm test
\`\`\`

Install it next to \`gongzhi.config.json\` and add \`"gongzhi-plugin-${n.id}"\` to \`plugins\`.
`,
    'src/index.ts': `import { definePlugin, packageVersion, peerRange } from '@gongzhi/core';
import { DB_SCHEMA } from './db.js';
import { ${entry} } from './entry/entry.entity.js';
import { entriesExport } from './entry/entry.export.js';
import { ${entry}Resolver } from './entry/entry.resolver.js';
import { messages } from './messages.js';
import { createEntries } from './migrations/0001_entries.js';
import { ${n.camel}Permissions } from './permissions.js';
import { ${n.camel}PlaceRules } from './place-rules.js';

/** The ${n.id} plugin: everything it adds to Gongzhi, in one object. */
export default definePlugin({
  id: '${n.id}',
  version: packageVersion(import.meta.url),
  coreRange: peerRange(import.meta.url, '@gongzhi/core'),
  dbSchema: DB_SCHEMA,
  entities: [${entry}],
  migrations: [createEntries],
  resolvers: [${entry}Resolver],
  placeRules: ${n.camel}PlaceRules,
  permissions: ${n.camel}Permissions,
  messages,
  spreadsheetExports: [entriesExport],
});
`,
    'src/messages.ts': `import { defineMessages } from '@gongzhi/core';

/** Every error the plugin reports, with its text in English and Chinese (the host checks both are there). */
export const messages = defineMessages('${n.id}', {
  titleLength: { code: 'BAD_USER_INPUT', en: '"title" must have 1 to 200 characters.', 'zh-CN': '"title" 应为 1 至 200 个字符。' },
});
`,
    'src/db.ts': `import { pluginTables } from '@gongzhi/core';

/** The plugin's own PostgreSQL schema: its tables live there and nowhere else. */
export const DB_SCHEMA = '${n.schema}';

/** Names one of the plugin's own tables in SQL: \`FROM \${t('entry')}\`. */
export const t = pluginTables(DB_SCHEMA);
`,
    'src/permissions.ts': `/** What the plugin checks, and which person roles grant it at their place. */
export const ${n.camel}Permissions = {
  '${n.id}.write': { description: 'Create ${n.id} entries', roles: ['social_worker', 'grid_worker'] },
};
`,
    'src/place-rules.ts': `import { type PlaceRule, refId } from '@gongzhi/core';
import { ${entry} } from './entry/entry.entity.js';

/** Which place each row belongs to: callers see an entry when they see its place. */
export const ${n.camel}PlaceRules: PlaceRule[] = [{ entity: ${entry}, place: (entry: ${entry}) => refId(entry.place) }];
`,
    'src/migrations/0001_entries.ts': `import type { Migration } from '@gongzhi/core';

/** The plugin's tables. A foreign key to a core row is the one way its SQL may name core. */
export const createEntries: Migration = {
  name: '0001_entries',
  up: \`
    CREATE SCHEMA ${n.schema};
    CREATE TABLE ${n.schema}.entry (
      id uuid PRIMARY KEY,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      place_id uuid NOT NULL REFERENCES public.place (id),
      place_path text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX entry_place_path_idx ON ${n.schema}.entry (place_path text_pattern_ops);
  \`,
};
`,
    'src/entry/entry.entity.ts': `import { Entity, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Node, NodeEntity, Place, RelationField } from '@gongzhi/core';
import { Field, ObjectType } from 'type-graphql';

/** An entry kept at a place. */
@Entity({ schema: '${n.schema}', tableName: 'entry' })
@ObjectType({ implements: Node, description: 'An entry of the ${n.id} plugin, kept at a place.' })
export class ${entry} extends NodeEntity {
  @Property({ type: 'text' })
  @Field(() => String)
  title!: string;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @RelationField(() => Place, { description: 'Where the entry is kept.' })
  place!: Place;

  /** The place's materialized path, so "everything under a place" is one indexed query. */
  @Property({ type: 'text' })
  placePath!: string;
}
`,
    'src/entry/entry.commands.ts': `import { defineCommand, type Named, type Place } from '@gongzhi/core';
import { messages } from '../messages.js';
import { ${entry} } from './entry.entity.js';

/** Keeps a new entry at a place the caller sees (the place arrives resolved and scope-checked). */
export const create${entry} = defineCommand<{ place: Named<Place>; title: string }, ${entry}>({
  name: '${n.id}.createEntry',
  async run(uow, { place, title }) {
    uow.actor.authorize('${n.id}.write', place.path);
    const trimmed = title.trim();
    if (!trimmed || trimmed.length > 200) throw messages.titleLength.error('title');
    const entry = uow.em.create(${entry}, { title: trimmed, place, placePath: place.path });
    await uow.em.flush();
    return entry;
  },
});
`,
    'src/entry/entry.export.ts': `import type { SpreadsheetExport } from '@gongzhi/core';

/**
 * The entries as a spreadsheet: \`/export/${n.id}-entries.csv?under=<place id>\`, run as the caller,
 * a page at a time. The host checks the query against the composed schema at start.
 */
export const entriesExport: SpreadsheetExport = {
  name: '${n.id}-entries',
  description: 'Entries at a place and under it, newest first.',
  query: \`query ($under: ID!, $after: String) {
    ${n.camel}Entries(under: $under, first: 100, after: $after) { nodes { id title place { name } } pageInfo { hasNextPage endCursor } }
  }\`,
  columns: {
    id: { en: 'ID', 'zh-CN': '编号' },
    title: { en: 'Title', 'zh-CN': '标题' },
    'place.name': { en: 'Place', 'zh-CN': '地点' },
  },
};
`,
    'src/entry/entry.queries.ts': `import { type ConnectionArgs, ConnectionPage, findPage, type GongzhiContext, scopeCondition } from '@gongzhi/core';
import { ${entry} } from './entry.entity.js';

/**
 * A page of the entries at a place and under it that the caller may see, newest first: every list
 * a client can page is a connection (docs/connections.md), with the caller's scope in the SQL.
 */
export async function entriesUnder(ctx: GongzhiContext, path: string, page: ConnectionArgs): Promise<ConnectionPage<${entry}>> {
  const scope = scopeCondition<Record<string, unknown>>(await ctx.access(), (pattern) => ({ placePath: { $like: pattern } }));
  if (scope === null) return ConnectionPage.empty();
  const where = { $and: [{ placePath: { $like: \`\${path}%\` } }, ...(scope ? [scope] : [])] };
  return findPage(ctx, ${entry}, where as never, { keys: ['createdAt', 'uuid'], direction: 'desc' }, page, {
    connection: 'Query.${n.camel}Entries',
    filter: { path },
    defaultSize: 20,
  });
}
`,
    'src/entry/entry.resolver.ts': `import {
  ConnectionArgs,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { create${entry} } from './entry.commands.js';
import { ${entry} } from './entry.entity.js';
import { entriesUnder } from './entry.queries.js';

export const ${entry}Payload = payloadType('${entry}Payload', 'entry', () => ${entry});
const ${entry}Connection = connectionType(${entry});

@Resolver(() => ${entry})
export class ${entry}Resolver {
  @Query(() => ${entry}Connection, { description: 'Entries at a place and anywhere under it, newest first, a page at a time.' })
  async ${n.camel}Entries(
    @RefArg('under', () => Place) under: Ref<Place>,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<${entry}>> {
    return entriesUnder(ctx, (await requireRef(ctx, under)).path, page);
  }

  @Mutation(() => ${entry}Payload, { description: 'Keeps a new entry at a place.' })
  create${entry}(@RefArg('placeId', () => Place) place: Ref<Place>, @Arg('title', () => String) title: string, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, ${entry}Payload, create${entry}, { place, title });
  }
}
`,
    'test/entry.test.ts': `import { createTestApp, problemOf, type TestApp } from '@gongzhi/core/testing';
import plugin from '../src/index.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ plugins: [plugin] });
});
afterAll(() => app?.close());

test('keeps an entry at a place and lists it under the place', async () => {
  const district = await app.run('mutation { createPlace(input: { type: DISTRICT, code: "D", name: "丰台区" }) { place { id } } }');
  const placeId = district.createPlace.place.id;
  const created = await app.run(
    'mutation ($p: ID!) { create${entry}(placeId: $p, title: "第一条") { entry { title place { name } } errors { code } } }',
    { p: placeId },
  );
  expect(created.create${entry}).toEqual({ entry: { title: '第一条', place: { name: '丰台区' } }, errors: [] });
  const listed = await app.run('query ($p: ID!) { ${n.camel}Entries(under: $p, first: 10) { nodes { title } pageInfo { hasNextPage } } }', { p: placeId });
  expect(listed.${n.camel}Entries).toEqual({ nodes: [{ title: '第一条' }], pageInfo: { hasNextPage: false } });
  const empty = await app.execute('mutation ($p: ID!) { create${entry}(placeId: $p, title: " ") { entry { title } errors { code } } }', { p: placeId });
  expect(problemOf(empty)?.code).toBe('BAD_USER_INPUT');
});
`,
  };
}

/** Writes a new plugin package into `dir` (which must not exist yet); returns the files written. */
export async function createPlugin(id: string, dir: string): Promise<string[]> {
  const files = pluginFiles(id);
  await mkdir(dir, { recursive: false }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EEXIST') throw new StartupError(`${dir} exists already: choose another folder or remove it.`);
    throw err;
  });
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  return Object.keys(files);
}
