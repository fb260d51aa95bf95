import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describeEvents, type GongzhiPlugin } from '@gongzhi/core';
import {
  buildSchema,
  GraphQLInputObjectType,
  GraphQLInterfaceType,
  type GraphQLNamedType,
  GraphQLObjectType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  printType,
} from 'graphql';

/** One package's part of the schema contract: the SDL it contributes, and where it is kept. */
export interface Contribution {
  /** The npm package name (`@gongzhi/core`, `@gongzhi/plugin-grid`). */
  package: string;
  /** The file it is kept in, relative to the repository (`schema/current/core.graphql`). */
  file: string;
  sdl: string;
}

/** A bundled plugin package of the workspace. */
export interface BundledPlugin {
  package: string;
  /** Its folder under packages/ (`plugin-grid`). */
  dir: string;
  version: string;
  /** The plugin ids it depends on. */
  dependsOn: string[];
  id: string;
}

function isUserType(type: GraphQLNamedType): boolean {
  return !type.name.startsWith('__') && !isSpecifiedScalarType(type);
}

/**
 * What `schema` adds to `base`: its new types whole, and the fields (or enum values, union
 * members) it adds to types `base` has, as `extend …` blocks. The SDL of one plugin's contribution.
 */
export function contributionSdl(schema: GraphQLSchema, base: GraphQLSchema): string {
  const blocks: string[] = [];
  for (const type of Object.values(schema.getTypeMap()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!isUserType(type)) continue;
    const before = base.getType(type.name);
    if (!before) {
      blocks.push(printType(type));
    } else if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      const known = new Set(Object.keys((before as typeof type).getFields()));
      const fields = Object.fromEntries(Object.entries(type.toConfig().fields).filter(([name]) => !known.has(name)));
      if (!Object.keys(fields).length) continue;
      // The type with only the added fields, printed as an extension of the base's type.
      const partial = isObjectType(type)
        ? new GraphQLObjectType({ ...type.toConfig(), description: undefined, interfaces: [], fields: fields as never })
        : isInterfaceType(type)
          ? new GraphQLInterfaceType({ ...type.toConfig(), description: undefined, interfaces: [], fields: fields as never })
          : new GraphQLInputObjectType({ ...type.toConfig(), description: undefined, fields: fields });
      blocks.push(`extend ${printType(partial)}`);
    } else if (isEnumType(type) && isEnumType(before)) {
      const known = new Set(before.getValues().map((v) => v.name));
      const added = type.getValues().filter((v) => !known.has(v.name));
      if (added.length) blocks.push(`extend enum ${type.name} {\n${added.map((v) => `  ${v.name}`).join('\n')}\n}`);
    } else if (isUnionType(type) && isUnionType(before)) {
      const known = new Set(before.getTypes().map((t) => t.name));
      const added = type.getTypes().filter((t) => !known.has(t.name));
      if (added.length) blocks.push(`extend union ${type.name} = ${added.map((t) => t.name).join(' | ')}`);
    }
  }
  return `${blocks.join('\n\n')}\n`;
}

/** The bundled plugins: every workspace package that has `@gongzhi/core` as a peer dependency. */
export async function bundledPlugins(root: string): Promise<BundledPlugin[]> {
  const found: BundledPlugin[] = [];
  for (const dir of (await readdir(path.join(root, 'packages'))).sort()) {
    const pkg = JSON.parse(await readFile(path.join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      peerDependencies?: Record<string, string>;
    };
    if (!pkg.peerDependencies?.['@gongzhi/core']) continue;
    const plugin = (await import(pathToFileURL(path.join(root, 'packages', dir, 'dist/index.js')).href)) as {
      default: { id: string; dependsOn?: Record<string, string> };
    };
    found.push({
      package: pkg.name,
      dir,
      version: pkg.version,
      id: plugin.default.id,
      dependsOn: Object.keys(plugin.default.dependsOn ?? {}),
    });
  }
  return found;
}

/**
 * The composed SDL of core and the plugins in `dirs`, printed by a process of its own: type-graphql
 * puts every `Node` type a process has loaded into a schema, so each combination needs a clean one.
 */
async function composedSdl(root: string, dirs: readonly string[]): Promise<string> {
  const url = (file: string) => JSON.stringify(pathToFileURL(path.join(root, file)).href);
  const program = `
    const { composeSdl } = await import(${url('packages/core/dist/index.js')});
    const plugins = [];
    for (const file of ${JSON.stringify(dirs.map((d) => pathToFileURL(path.join(root, 'packages', d, 'dist/index.js')).href))}) plugins.push((await import(file)).default);
    process.stdout.write(await composeSdl(plugins));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', program], { cwd: root, maxBuffer: 1 << 26 });
  return stdout;
}

/**
 * The schema contract of the workspace: core's SDL, each bundled plugin's contribution (measured on
 * top of core and the plugins it depends on), and the composed schema of them all.
 */
export async function schemaContract(root: string): Promise<{ composed: string; contributions: Contribution[] }> {
  const plugins = await bundledPlugins(root);
  const byId = new Map(plugins.map((p) => [p.id, p]));
  const dependencies = (plugin: BundledPlugin): BundledPlugin[] => {
    const out = new Map<string, BundledPlugin>();
    const visit = (p: BundledPlugin) => {
      for (const id of p.dependsOn) {
        const dep = byId.get(id);
        if (dep && !out.has(id)) {
          out.set(id, dep);
          visit(dep);
        }
      }
    };
    visit(plugin);
    return [...out.values()];
  };
  const core = await composedSdl(root, []);
  const contributions: Contribution[] = [{ package: '@gongzhi/core', file: 'schema/current/core.graphql', sdl: core }];
  for (const plugin of plugins) {
    const deps = dependencies(plugin).map((p) => p.dir);
    const base = deps.length ? await composedSdl(root, deps) : core;
    const withIt = await composedSdl(root, [...deps, plugin.dir]);
    contributions.push({
      package: plugin.package,
      file: `schema/current/${plugin.dir}.graphql`,
      sdl: contributionSdl(buildSchema(withIt), buildSchema(base)),
    });
  }
  return {
    composed: await composedSdl(
      root,
      plugins.map((p) => p.dir),
    ),
    contributions,
  };
}

/**
 * docs/events.md: every event core and the bundled plugins emit, with each field of its payload,
 * rendered from their catalogs (`describeEvents`, what the `eventTypes` query answers). Written by
 * `pnpm schema`; the docs test keeps the file equal to it.
 */
export async function eventReference(root: string): Promise<string> {
  const plugins = await bundledPlugins(root);
  const loaded = await Promise.all(
    plugins.map(
      async (p) =>
        ((await import(pathToFileURL(path.join(root, 'packages', p.dir, 'dist/index.js')).href)) as { default: GongzhiPlugin }).default,
    ),
  );
  const events = describeEvents(loaded);
  const owners = ['core', ...plugins.map((p) => p.id)];
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const sections = owners.map((owner) => {
    const pkg = owner === 'core' ? '@gongzhi/core' : (plugins.find((p) => p.id === owner)?.package ?? owner);
    const own = events.filter((e) => e.owner === owner);
    return [
      `## ${owner} (\`${pkg}\`)`,
      ...own.map((e) =>
        [
          `### \`${e.name}\``,
          e.description,
          e.payload.length
            ? [
                '| field | holds |',
                '| --- | --- |',
                ...e.payload.map((f) => `| \`${f.name}\` | ${f.globalId ? '*global id* · ' : ''}${cell(f.description)} |`),
              ].join('\n')
            : 'No payload fields.',
        ].join('\n\n'),
      ),
    ].join('\n\n');
  });
  return `# Events

<!-- Written by \`pnpm schema\` from the event catalogs (each package's src/event-catalog.ts, core's request and person events): do not edit by hand. -->

What core and the bundled plugins emit (${events.length} events): what a webhook may subscribe to
([webhooks.md](webhooks.md)) and what plugin listeners receive. A webhook delivery's \`data\` is
the payload. Fields marked *global id* hold the global id of a row (a list of them for \`…Ids\`),
which \`node(id:)\` and every id argument take; listeners get the row's uuid instead. Every event
carries \`placePath\`, the place it is about: a webhook receives it when its key sees that place.
A running server answers the same, with its own plugins' events, to
\`{ eventTypes { name description owner payload { name description globalId } } }\`.

${sections.join('\n\n')}
`;
}
