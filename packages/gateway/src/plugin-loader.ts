import { realpathSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GongzhiPlugin } from '@gongzhi/core';
import { StartupError } from '@gongzhi/core/startup';
import type { PluginSpec } from './config.js';

function looksLikePlugin(value: unknown): value is GongzhiPlugin {
  const v = value as GongzhiPlugin | undefined;
  return (
    typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.version === 'string' && typeof v.coreRange === 'string'
  );
}

/** Where a plugin module is: a path relative to the config folder, or a package installed there. */
function resolveSpecifier(name: string, baseDir: string): string {
  if (name.startsWith('.') || path.isAbsolute(name)) {
    const requireFrom = createRequire(path.join(baseDir, 'noop.js'));
    return pathToFileURL(requireFrom.resolve(path.resolve(baseDir, name))).href;
  }
  try {
    return pathToFileURL(createRequire(path.join(baseDir, 'noop.js')).resolve(name)).href;
  } catch {
    return name; // not installed beside the config: let Node resolve it from the gateway itself
  }
}

/**
 * Refuses a plugin that would import a copy of `@gongzhi/core` other than the gateway's (listed in
 * its `dependencies`, or a range the gateway's copy does not satisfy, so the package manager
 * installed another beside it). Its entities and types would be declared against that copy, and
 * the platform would meet core's tables twice ("Duplicate table names are not allowed"). Checked
 * before the plugin is imported, from where each side finds core's package.json (Node 22.14+).
 */
function requireGatewayCore(name: string, specifier: string): void {
  if (typeof module.findPackageJSON !== 'function') return;
  let theirs: string | undefined;
  try {
    // A package not installed beside the config is imported from the gateway's own folder.
    const pluginUrl = specifier.startsWith('file:') ? specifier : import.meta.resolve(specifier);
    theirs = module.findPackageJSON('@gongzhi/core', pluginUrl);
  } catch {
    return; // not installed (the import says so), or the plugin does not reach core at all
  }
  const ours = module.findPackageJSON('@gongzhi/core', import.meta.url);
  if (!theirs || !ours || realpathSync(theirs) === realpathSync(ours)) return;
  throw new StartupError(
    `Plugin "${name}" would load its own @gongzhi/core (${path.dirname(theirs)}) instead of the gateway's (${path.dirname(realpathSync(ours))}): core's tables and types would be declared twice. Fix: list @gongzhi/core in the plugin's peerDependencies (not dependencies), with a range that includes the gateway's core, and reinstall.`,
  );
}

/** A plugin module's namespace, as `import()` answers it. */
type PluginModule = Record<string, unknown>;

/** Plugin modules compiled into the server bundle, by the URL of the file their package name resolves to; empty outside it. */
const bundled = new Map<string, () => Promise<PluginModule>>();

/** Called by the server bundle's entry: these plugins are imported from the bundle, not from their files. */
export function bundlePlugins(modules: Record<string, () => Promise<PluginModule>>): void {
  for (const [name, load] of Object.entries(modules)) bundled.set(import.meta.resolve(name), load);
}

/** The bundled module that a specifier ({@link resolveSpecifier}'s answer) would import, if any. */
function bundledModule(specifier: string): (() => Promise<PluginModule>) | undefined {
  if (bundled.size === 0) return undefined;
  try {
    return bundled.get(specifier.startsWith('file:') ? specifier : import.meta.resolve(specifier));
  } catch {
    return undefined; // not installed: the import says so
  }
}

/** The configured plugins the bundle does not hold (another copy of a bundled one, or a plugin of a third party). */
export function pluginsOutsideBundle(specs: readonly PluginSpec[], baseDir: string): string[] {
  return specs.filter((spec) => !bundledModule(resolveSpecifier(spec.name, baseDir))).map((spec) => spec.name);
}

/**
 * Imports each configured plugin by its npm package name (or path) and returns its
 * definition: the module's default export or its export named `plugin`.
 */
export async function loadPlugins(specs: readonly PluginSpec[], baseDir: string): Promise<GongzhiPlugin[]> {
  const plugins: GongzhiPlugin[] = [];
  for (const spec of specs) {
    let mod: PluginModule;
    const specifier = resolveSpecifier(spec.name, baseDir);
    requireGatewayCore(spec.name, specifier);
    try {
      mod = await (bundledModule(specifier)?.() ?? (import(specifier) as Promise<PluginModule>));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const missing = /Cannot find (?:package|module) '([^']+)'/.exec((err as Error).message)?.[1];
      // The plugin itself is missing, not one of its own imports (which is a broken install of it).
      const itself =
        !missing || missing === spec.name || spec.name.endsWith(missing) || missing.startsWith(path.resolve(baseDir, spec.name));
      if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && itself) {
        throw new StartupError(
          `Plugin "${spec.name}" is not installed. Fix: run "npm install ${spec.name}" in ${baseDir}, or remove it from the plugins in gongzhi.config.json / GONGZHI_PLUGINS.`,
          { cause: err },
        );
      }
      throw new StartupError(`Plugin "${spec.name}" failed to load: ${(err as Error).message}`, { cause: err });
    }
    const candidate = looksLikePlugin(mod.default) ? mod.default : mod.plugin;
    if (!looksLikePlugin(candidate)) {
      throw new StartupError(
        `Module "${spec.name}" does not export a Gongzhi plugin. Fix: export default definePlugin({ id, version, coreRange, … }) from its entry point.`,
      );
    }
    plugins.push(candidate);
  }
  return plugins;
}

/** Options per plugin id, from the specs that carry any. */
export function pluginOptionsById(specs: readonly PluginSpec[], plugins: readonly GongzhiPlugin[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  specs.forEach((spec, i) => {
    const plugin = plugins[i];
    if (!plugin) throw new Error(`No plugin was loaded for "${spec.name}".`);
    if (spec.options) result[plugin.id] = spec.options;
  });
  return result;
}
