/**
 * The server bundle's entry (scripts/bundle.mjs; server-bundle.ts says when `start` runs from
 * it). The four plugins that ship with Gongzhi are compiled in; a configuration naming any other
 * plugin (or another copy of one of these) needs the modules' own `@gongzhi/core`, so the process
 * is replaced at once, before anything runs, by one that starts from the compiled modules.
 */
import { loadConfig } from './config.js';
import { bundlePlugins, pluginsOutsideBundle } from './plugin-loader.js';
import { BUNDLE_SWITCH, serverBundle } from './server-bundle.js';

// Literal imports: the bundler follows them, and each plugin is evaluated only if configured.
bundlePlugins({
  '@gongzhi/plugin-grid': () => import('@gongzhi/plugin-grid'),
  '@gongzhi/plugin-volunteer': () => import('@gongzhi/plugin-volunteer'),
  '@gongzhi/plugin-moral-bank': () => import('@gongzhi/plugin-moral-bank'),
  '@gongzhi/plugin-council': () => import('@gongzhi/plugin-council'),
});

/** Configured plugins the bundle does not hold; none when the configuration is wrong (the command reports that). */
function outside(): string[] {
  try {
    const config = loadConfig();
    return pluginsOutsideBundle(config.plugins, config.baseDir);
  } catch {
    return [];
  }
}

if (outside().length > 0) {
  process.execve!(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    ...process.env,
    [BUNDLE_SWITCH]: 'off',
  });
}
serverBundle.active = true;
await import('./commands.js');
