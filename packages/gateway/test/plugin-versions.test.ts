import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GongzhiPlugin } from '@gongzhi/core';

/**
 * A workspace plugin's `coreRange` and `dependsOn` ranges are its package.json's peer ranges
 * (read with `peerRange`), never written a second time: a release rewrites the peer ranges that
 * the new versions leave (changesets does), and a range kept in the definition as well would be
 * left behind, so the released plugin would refuse to start beside the core or plugin it was
 * released with. The plugins are found from the packages (every one with core as a peer), not
 * listed, so a new one is checked too.
 */
const packagesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const packages = readdirSync(packagesDir)
  .filter((dir) => statSync(path.join(packagesDir, dir, 'package.json'), { throwIfNoEntry: false })?.isFile())
  .map((dir) => JSON.parse(readFileSync(path.join(packagesDir, dir, 'package.json'), 'utf8')) as PackageJson);
const plugins = packages.filter((p) => p.peerDependencies?.['@gongzhi/core']);

interface PackageJson {
  name: string;
  peerDependencies?: Record<string, string>;
}

async function definitionOf(name: string): Promise<GongzhiPlugin> {
  const module = (await import(name)) as { default?: GongzhiPlugin; plugin?: GongzhiPlugin };
  const plugin = module.default ?? module.plugin;
  if (!plugin) throw new Error(`${name} exports no plugin`);
  return plugin;
}

test('the workspace has plugins to check', () => {
  expect(plugins.map((p) => p.name)).toEqual(expect.arrayContaining(['@gongzhi/plugin-grid', '@gongzhi/plugin-moral-bank']));
});

/** The workspace plugins' packages by plugin id. */
let packageOf: Map<string, string>;
beforeAll(async () => {
  packageOf = new Map();
  // One after another: Jest's module linker fails on concurrent first imports of one module graph.
  for (const p of plugins) packageOf.set((await definitionOf(p.name)).id, p.name);
});

test.each(plugins.map((p) => [p.name, p] as const))('%s takes its ranges from its package.json', async (name, json) => {
  const plugin = await definitionOf(name);
  expect({ coreRange: plugin.coreRange }).toEqual({ coreRange: json.peerDependencies!['@gongzhi/core'] });
  for (const [id, range] of Object.entries(plugin.dependsOn ?? {})) {
    const dependency = packageOf.get(id);
    if (!dependency) continue; // not a workspace plugin: its releases are not ours
    // Declared as a peer dependency with the same range, so that its releases move the range.
    expect({ [`dependsOn.${id}`]: range }).toEqual({ [`dependsOn.${id}`]: json.peerDependencies?.[dependency] });
  }
});
