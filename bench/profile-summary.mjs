#!/usr/bin/env node
// Where a V8 CPU profile (.cpuprofile, from `pnpm bench --profile`) spends its time: self time by
// package (or node internals) and the hottest functions. Usage: node bench/profile-summary.mjs FILE [top]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
// samples[i] ran for timeDeltas[i] µs
for (let i = 0; i < profile.samples.length; i++)
  self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url) {
  if (!url) return '(native / V8)';
  const pnpm = /node_modules\/\.pnpm\/([^/]+)\//.exec(url);
  if (pnpm) return pnpm[1].replace(/@(\d[^_]*)(_.*)?$/, '').replace(/\+/g, '/');
  const pkg = /packages\/([^/]+)\//.exec(url);
  if (pkg) return `@gongzhi/${pkg[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url;
}
const byPackage = new Map();
const byFunction = new Map();
for (const [id, us] of self) {
  const node = byId.get(id);
  const cf = node.callFrame;
  const pkg =
    cf.functionName === '(garbage collector)'
      ? '(garbage collector)'
      : cf.functionName === '(idle)'
        ? '(idle)'
        : cf.functionName === '(program)'
          ? '(program)'
          : where(cf.url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  const fn = `${cf.functionName || '(anonymous)'} ${where(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1)}%`;
console.log(`total sampled: ${(total / 1e6).toFixed(1)} s`);
console.log('\nself time by package:');
for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v).padStart(6)}  ${k}`);
console.log('\nhottest functions (self time):');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v).padStart(6)}  ${k}`);
