import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createPlugin, loadPlugins } from '@gongzhi/gateway';
import { CORE_VERSION } from '@gongzhi/core';
import { createTestApp } from '@gongzhi/core/testing';

/**
 * `gongzhi create-plugin` makes a package that builds, passes its own test and loads into the
 * gateway at once. It is made inside this package's test folder so that it finds the workspace's
 * @gongzhi/core, type-graphql, TypeScript and Jest the way an installed plugin finds its own.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const run = promisify(execFile);

test('a scaffolded plugin builds, passes its own test and loads into the gateway', async () => {
  const parent = await mkdtemp(path.join(here, 'artifacts-create-plugin-'));
  const dir = path.join(parent, 'gongzhi-plugin-parking-permits');
  try {
    const files = await createPlugin('parking-permits', dir);
    expect(files).toEqual(expect.arrayContaining(['src/index.ts', 'src/entry/entry.commands.ts', 'test/entry.test.ts']));
    await run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.json')]);
    const tested = await run(
      process.execPath,
      ['--experimental-vm-modules', path.join(root, 'node_modules/jest/bin/jest.js'), '--rootDir', dir, '--ci'],
      { cwd: dir, env: process.env },
    );
    expect(tested.stderr).toMatch(/Tests:\s+1 passed, 1 total/);

    const [plugin] = await loadPlugins([{ name: './gongzhi-plugin-parking-permits' }], parent);
    // Its coreRange is its package.json's peer range on core, which the scaffold sets to the running core's minor.
    const { peerDependencies } = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
    };
    expect(peerDependencies['@gongzhi/core']).toBe(`^${CORE_VERSION.replace(/\.\d+$/, '.0')}`);
    expect(plugin).toMatchObject({ id: 'parking-permits', version: '0.1.0', coreRange: peerDependencies['@gongzhi/core'] });
    const app = await createTestApp({ plugins: [plugin] });
    try {
      const { plugins } = await app.run('{ plugins { id } }');
      expect(plugins).toEqual([{ id: 'parking-permits' }]);
      expect(app.platform.schema.getMutationType()?.getFields().createParkingPermitsEntry).toBeDefined();
      // Its list as a spreadsheet, checked against the composed schema as the app started.
      expect(app.platform.spreadsheetExports.find((e) => e.name === 'parking-permits-entries')).toMatchObject({
        owner: 'plugin "parking-permits"',
        path: ['parkingPermitsEntries'],
      });
    } finally {
      await app.close();
    }
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}, 180_000);

test('create-plugin refuses an id that is not kebab-case', async () => {
  await expect(createPlugin('Parking_Permits', '/nonexistent/x')).rejects.toThrow(/kebab-case/);
});
