// `pnpm test`: builds (tsc -b, then the server bundle), then runs Jest and, beside it, the static checks one after another
// (type-checking the tests, eslint, prettier). Jest's two workers often wait on PostgreSQL and on
// the processes they start, so the checks fill the idle time instead of running before Jest.
// Output of the checks is printed when they are done; extra arguments go to Jest. The type check
// of the tests and prettier keep caches in node_modules/.cache (both track what changed exactly:
// a fresh clone checks everything); eslint has none, because its type-aware rules read other files.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const cache = (name) => path.join(root, 'node_modules/.cache/gongzhi', name);

/** Runs a command in the repository root; resolves with its exit code (and its output when `quiet`). */
function run(command, args, { quiet = false } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd: root, stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ code: 1, output: `${output}${err.message}\n`, ms: Date.now() - started }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output, ms: Date.now() - started }));
  });
}

const build = await run(bin('tsc'), ['-b']);
if (build.code !== 0) process.exit(build.code);
// The CLI's `start` runs from the server bundle when it is current, so the tests run it as users do.
const bundle = await run(process.execPath, [path.join(root, 'packages/gateway/scripts/bundle.mjs')]);
if (bundle.code !== 0) process.exit(bundle.code);

async function checks() {
  const results = [];
  for (const [name, command, args] of [
    ['tsc (tests)', bin('tsc'), ['-p', 'tsconfig.tests.json', '--incremental', '--tsBuildInfoFile', cache('tests.tsbuildinfo')]],
    ['eslint', bin('eslint'), ['.']],
    ['prettier', bin('prettier'), ['--check', '--cache', '--cache-strategy', 'content', '--cache-location', cache('prettier'), '.']],
  ]) {
    results.push({ name, ...(await run(command, args, { quiet: true })) });
  }
  return results;
}

const [jest, checked] = await Promise.all([
  run(process.execPath, ['--experimental-vm-modules', path.join(root, 'node_modules/jest/bin/jest.js'), ...process.argv.slice(2)]),
  checks(),
]);
let failed = jest.code !== 0;
for (const check of checked) {
  const verdict = check.code === 0 ? 'passed' : `FAILED (exit ${check.code})`;
  if (check.code !== 0 || check.output.includes('warning')) process.stdout.write(check.output);
  console.log(`${check.name}: ${verdict} in ${(check.ms / 1000).toFixed(1)} s`);
  failed ||= check.code !== 0;
}
process.exit(failed ? 1 : 0);
