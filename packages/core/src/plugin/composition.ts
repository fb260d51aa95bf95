import semver from 'semver';
import { PluginCompositionError } from '../errors.js';
import { type GongzhiPlugin, pluginDbSchema } from './plugin.js';

const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const RESERVED_SCHEMAS = new Set(['public', 'core', 'pg_catalog', 'information_schema']);

function fail(message: string): never {
  throw new PluginCompositionError(message);
}

/**
 * Checks that a list of plugins fits together and with this core, and returns it ordered so
 * that every plugin comes after the plugins it depends on (ties keep the configured order).
 * Every error names the plugin, the problem and the fix.
 */
export function composePlugins(plugins: readonly GongzhiPlugin[], coreVersion: string): GongzhiPlugin[] {
  const byId = new Map<string, GongzhiPlugin>();
  const schemas = new Map<string, string>();
  for (const plugin of plugins) {
    if (typeof plugin?.id !== 'string' || !ID_PATTERN.test(plugin.id)) {
      fail(
        `Plugin id ${JSON.stringify(plugin?.id)} is not kebab-case. Fix: give it an id like "noticeboard" or "elder-care" (lower-case letters, digits and dashes).`,
      );
    }
    if (byId.has(plugin.id)) {
      fail(
        `Plugin "${plugin.id}" is configured twice. Fix: list it once in the gateway configuration, or give one of the two a different id.`,
      );
    }
    if (!semver.valid(plugin.version)) {
      fail(
        `Plugin "${plugin.id}" has version ${JSON.stringify(plugin.version)}, which is not semver. Fix: use its package.json version, e.g. "1.2.0".`,
      );
    }
    if (!semver.validRange(plugin.coreRange)) {
      fail(
        `Plugin "${plugin.id}" has coreRange ${JSON.stringify(plugin.coreRange)}, which is not a semver range. Fix: use a range such as "^${coreVersion}".`,
      );
    }
    if (!semver.satisfies(coreVersion, plugin.coreRange, { includePrerelease: true })) {
      fail(
        `Plugin "${plugin.id}" ${plugin.version} supports @gongzhi/core ${plugin.coreRange}, but this server runs core ${coreVersion}. Fix: install a version of the plugin made for core ${coreVersion}, or a core in ${plugin.coreRange}.`,
      );
    }
    const schema = pluginDbSchema(plugin);
    if (RESERVED_SCHEMAS.has(schema)) {
      fail(
        `Plugin "${plugin.id}" wants database schema "${schema}", which is reserved. Fix: leave dbSchema unset (it defaults to the plugin id).`,
      );
    }
    const owner = schemas.get(schema);
    if (owner) {
      fail(
        `Plugins "${owner}" and "${plugin.id}" both keep their tables in database schema "${schema}". Fix: give one of them another dbSchema.`,
      );
    }
    schemas.set(schema, plugin.id);
    byId.set(plugin.id, plugin);
  }

  for (const plugin of plugins) {
    for (const [depId, range] of Object.entries(plugin.dependsOn ?? {})) {
      const dep = byId.get(depId);
      if (!dep) {
        fail(
          `Plugin "${plugin.id}" depends on plugin "${depId}" (${range}), which is not configured. Fix: install and add "${depId}" to the gateway's plugins, or remove "${plugin.id}".`,
        );
      }
      if (!semver.satisfies(dep.version, range, { includePrerelease: true })) {
        fail(
          `Plugin "${plugin.id}" needs plugin "${depId}" ${range}, but ${dep.version} is configured. Fix: install a version of "${depId}" in ${range}, or a version of "${plugin.id}" that supports ${dep.version}.`,
        );
      }
    }
  }

  // Depth-first topological sort; the path on the stack names a cycle when one is found.
  const ordered: GongzhiPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (plugin: GongzhiPlugin, path: string[]): void => {
    const seen = state.get(plugin.id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(plugin.id)), plugin.id].join(' → ');
      fail(
        `Plugins depend on each other in a cycle: ${cycle}. Fix: remove one of these dependencies; plugins that need each other should talk through events instead.`,
      );
    }
    state.set(plugin.id, 'visiting');
    for (const depId of Object.keys(plugin.dependsOn ?? {})) visit(byId.get(depId)!, [...path, plugin.id]);
    state.set(plugin.id, 'done');
    ordered.push(plugin);
  };
  for (const plugin of plugins) visit(plugin, []);
  return ordered;
}
