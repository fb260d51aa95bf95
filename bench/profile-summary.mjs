#!/usr/bin/env node
// Where a V8 CPU profile (.cpuprofile, from `pnpm bench --profile`) spends its time: self time by
// package (or node internals), the hottest functions, and the busiest ones counting what they
// called (a share of the busy time: idle left out, a function counted once per stack). Given a sampling heap profile (.heapprofile,
// from card-cpu.mjs or transfer-cpu.mjs `--heap-profile`), where what it kept was allocated: bytes by
// function and by the last five frames of the stack. Usage: node bench/profile-summary.mjs FILE [top]
import { readFileSync } from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const top = Number(topArg ?? 25);
if (profile.head) {
  summariseHeap(profile.head);
  process.exit(0);
}
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
/** A call frame as the summaries name it: function, package, line. */
function frameOf(cf) {
  return `${cf.functionName || '(anonymous)'} ${where(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
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
  const fn = frameOf(cf);
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
}
const pct = (us) => `${((100 * us) / total).toFixed(1)}%`;
console.log(`total sampled: ${(total / 1e6).toFixed(1)} s`);
console.log('\nself time by package:');
for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v).padStart(6)}  ${k}`);
console.log('\nhottest functions (self time):');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v).padStart(6)}  ${k}`);

// Inclusive time: each sampled stack's time goes once to every function on it (a recursive one once).
const parentOf = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const inclusive = new Map();
let busy = 0;
for (const [id, us] of self) {
  if (byId.get(id).callFrame.functionName === '(idle)') continue;
  busy += us;
  const seen = new Set();
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const cf = byId.get(at).callFrame;
    if (cf.functionName === '(root)') continue;
    const fn = frameOf(cf);
    if (seen.has(fn)) continue;
    seen.add(fn);
    inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
  }
}
console.log('\nbusiest functions (with what they called, % of the busy time):');
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`  ${`${((100 * v) / busy).toFixed(1)}%`.padStart(6)}  ${k}`);

/** A heap profile's tree: sampled bytes still held at its end, by allocating function and by stack. */
function summariseHeap(head) {
  const byFunction = new Map();
  const byStack = new Map();
  let total = 0;
  const walk = (node, stack) => {
    const here = [frameOf(node.callFrame), ...stack].slice(0, 5);
    if (node.selfSize) {
      total += node.selfSize;
      byFunction.set(here[0], (byFunction.get(here[0]) ?? 0) + node.selfSize);
      const key = here.join('\n      < ');
      byStack.set(key, (byStack.get(key) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, here);
  };
  walk(head, []);
  const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
  console.log(`sampled bytes held: ${(total / 1024 / 1024).toFixed(2)} MB`);
  console.log('\nby allocating function:');
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${kb(v).padStart(9)}  ${k}`);
  console.log('\nby stack:');
  for (const [k, v] of [...byStack].sort((a, b) => b[1] - a[1]).slice(0, Math.ceil(top / 2))) console.log(`  ${kb(v).padStart(9)}  ${k}`);
}
