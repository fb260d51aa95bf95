// The schema contract (`pnpm schema`): writes the SDL of core, of each bundled plugin's
// contribution and the composed schema to schema/current/. With --release, also records them as
// the released contract (schema/released/ and its versions.json), against which CI refuses
// breaking changes that come without a breaking version (gateway/test/schema-contract.test.ts).
// It also writes docs/events.md, every event and its payload's fields, from the event catalogs, and
// regenerates the district app example's typed documents (examples/district-app/codegen.mjs).
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { bundledPlugins, eventReference, schemaContract } = await import(
  pathToFileURL(path.join(root, 'packages/gateway/dist/schema-contract.js')).href
);

const { composed, contributions } = await schemaContract(root);
await mkdir(path.join(root, 'schema/current'), { recursive: true });
await writeFile(path.join(root, 'schema/current/composed.graphql'), composed);
for (const c of contributions) await writeFile(path.join(root, c.file), c.sdl);
console.log(`wrote schema/current/ (${contributions.length + 1} files)`);
await writeFile(path.join(root, 'docs/events.md'), await eventReference(root));
console.log('wrote docs/events.md');
// The district app example's typed documents are generated from the composed schema: they follow it.
execFileSync(process.execPath, [path.join(root, 'examples/district-app/codegen.mjs')], { stdio: 'inherit' });

if (process.argv.includes('--release')) {
  await mkdir(path.join(root, 'schema/released'), { recursive: true });
  const core = JSON.parse(await readFile(path.join(root, 'packages/core/package.json'), 'utf8'));
  const versions = { [core.name]: core.version };
  for (const p of await bundledPlugins(root)) versions[p.package] = p.version;
  for (const name of await readdir(path.join(root, 'schema/current'))) {
    await copyFile(path.join(root, 'schema/current', name), path.join(root, 'schema/released', name));
  }
  await writeFile(path.join(root, 'schema/released/versions.json'), `${JSON.stringify(versions, null, 2)}\n`);
  console.log('recorded schema/released/ as the released contract', versions);
}
