import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Change, CriticalityLevel, diff, DiffRule } from '@graphql-inspector/core';
import { eventReference, schemaContract } from '@gongzhi/gateway';
import { buildSchema, type FieldDefinitionNode, Kind, type ObjectTypeExtensionNode, parse, print, visit } from 'graphql';
import semver from 'semver';

/**
 * The schema contract: the SDL of core, of each bundled plugin's contribution and of the composed
 * schema is committed (schema/current/, written by `pnpm schema`), and a change that breaks
 * clients of the last released contract (schema/released/) must come with a breaking version of
 * the package that owns what changed. Removing something needs it deprecated in the release before.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string) => readFile(path.join(root, file), 'utf8');

/** The package whose contribution defines `path` (`Type` or `Type.field`), by the released SDL files. */
function ownerOf(changePath: string, contributions: { package: string; sdl: string }[]): string {
  const [type, field] = changePath.split('.');
  const defines = new RegExp(`^(?:type|input|interface|enum|union|scalar) ${type}\\b`, 'm');
  const extension = new RegExp(`^extend (?:type|input|interface|enum) ${type} \\{([\\s\\S]*?)^\\}`, 'm');
  if (field) {
    for (const c of contributions) {
      const block = extension.exec(c.sdl)?.[1];
      if (block && new RegExp(`^\\s+${field}\\b`, 'm').test(block)) return c.package;
    }
  }
  return contributions.find((c) => defines.test(c.sdl))?.package ?? '@gongzhi/core';
}

/** A version bump that may break clients: a major, or a minor while below 1.0. */
function isBreakingBump(from: string, to: string): boolean {
  if (!semver.gt(to, from)) return false;
  return semver.major(to) > semver.major(from) || (semver.major(from) === 0 && semver.minor(to) > semver.minor(from));
}

/**
 * The breaking changes from `released` to `current` that their owners' versions do not allow;
 * `versionOf` overrides a package's version (its package.json's otherwise).
 */
async function unreleasedBreaks(released: string, current: string, versionOf: Record<string, string> = {}): Promise<string[]> {
  const versions = JSON.parse(await read('schema/released/versions.json')) as Record<string, string>;
  const contributions = await Promise.all(
    Object.keys(versions).map(async (name) => ({
      package: name,
      sdl: await read(`schema/released/${name === '@gongzhi/core' ? 'core' : name.replace('@gongzhi/', '')}.graphql`),
    })),
  );
  const changes: Change[] = await diff(buildSchema(released), buildSchema(current), [DiffRule.suppressRemovalOfDeprecatedField]);
  const refused: string[] = [];
  for (const change of changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking)) {
    const owner = ownerOf(change.path ?? '', contributions);
    const dir = owner === '@gongzhi/core' ? 'core' : owner.replace('@gongzhi/', '');
    const version = versionOf[owner] ?? (JSON.parse(await read(`packages/${dir}/package.json`)) as { version: string }).version;
    if (!isBreakingBump(versions[owner] ?? '0.0.0', version)) {
      refused.push(`${owner} ${version} (released ${versions[owner]}): ${change.message}`);
    }
  }
  return refused;
}

test('the committed schema contract is current (run "pnpm schema" after changing the API)', async () => {
  const { composed, contributions } = await schemaContract(root);
  expect(await read('schema/current/composed.graphql')).toBe(composed);
  for (const c of contributions) expect([c.file, await read(c.file)]).toEqual([c.file, c.sdl]);
}, 120_000);

test('docs/events.md lists every event and payload field the catalogs describe (run "pnpm schema" after changing an event)', async () => {
  const reference = await eventReference(root);
  expect(reference).toContain('### `grid.created`');
  expect(await read('docs/events.md')).toBe(reference);
}, 60_000);

test('no breaking change against the released contract without a breaking version of its owner', async () => {
  expect(await unreleasedBreaks(await read('schema/released/composed.graphql'), await read('schema/current/composed.graphql'))).toEqual([]);
});

test('the check refuses a removed field, naming the owning plugin, unless deprecated first and released as a breaking version', async () => {
  const released = await read('schema/released/composed.graphql');
  const versions = JSON.parse(await read('schema/released/versions.json')) as Record<string, string>;
  // A field a plugin adds to a core type in the released contract: the first of council's `extend type Place`
  // (found, not named, so that the test holds for whatever the last release was).
  const contribution = parse(await read('schema/released/plugin-council.graphql'));
  const placeExtension = contribution.definitions.find(
    (d): d is ObjectTypeExtensionNode => d.kind === Kind.OBJECT_TYPE_EXTENSION && d.name.value === 'Place',
  );
  const field = placeExtension?.fields?.[0]?.name.value;
  expect(field).toBeDefined();
  const removed = editField(released, 'Place', field!, () => null);
  expect(removed).not.toBe(print(parse(released)));
  // As if the plugin were still at its released version (whatever its package.json says now).
  const councilReleased = versions['@gongzhi/plugin-council'];
  const unbumped = { '@gongzhi/plugin-council': councilReleased };
  const refused = await unreleasedBreaks(released, removed, unbumped);
  const version = councilReleased.replaceAll('.', '\\.');
  expect(refused).toEqual([
    expect.stringMatching(new RegExp(`^@gongzhi/plugin-council ${version} \\(released ${version}\\): Field '${field}' .*was removed`)),
  ]);
  // Deprecated in the released contract, the removal is allowed.
  const deprecated = editField(released, 'Place', field!, (node) => ({
    ...node,
    directives: [
      ...(node.directives ?? []),
      {
        kind: Kind.DIRECTIVE,
        name: { kind: Kind.NAME, value: 'deprecated' },
        arguments: [
          { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'reason' }, value: { kind: Kind.STRING, value: 'use Query.councils' } },
        ],
      },
    ],
  }));
  expect(await unreleasedBreaks(deprecated, removed, unbumped)).toEqual([]);
});

/** `sdl` with the field `type.field` replaced by what `edit` makes of it (null: removed), printed again. */
function editField(sdl: string, type: string, field: string, edit: (node: FieldDefinitionNode) => FieldDefinitionNode | null): string {
  return print(
    visit(parse(sdl), {
      ObjectTypeDefinition: (node) =>
        node.name.value !== type
          ? undefined
          : { ...node, fields: node.fields?.flatMap((f) => (f.name.value !== field ? [f] : (edit(f) ?? []))) },
    }),
  );
}
