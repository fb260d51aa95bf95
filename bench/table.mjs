#!/usr/bin/env node
// Prints the results of a run (bench/results/latest.json, BENCH_RESULTS's, or the file given) as a Markdown table.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RESULTS } from './results-dir.mjs';

const file = process.argv[2] ?? path.join(RESULTS, 'latest.json');
const r = JSON.parse(readFileSync(file, 'utf8'));
const w = r.workloads;
const lines = [
  `Run ${r.startedAt} · scale ${r.options.scale} · ${r.options.seconds} s per workload · ${r.options.readers} read clients, ${r.options.writers} write clients · ${r.machine.nproc} × ${r.machine.cpu}, ${r.machine.memoryGb} GB, Node ${r.machine.node}`,
  '',
  '| workload | req/s | p50 ms | p95 ms | p99 ms | SQL/req | errors | baseline req/s | baseline p99 | throughput ÷ baseline | p99 ÷ baseline | bytes |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];
for (const key of ['board', 'personCard', 'personCardScoped', 'subtreeReport', 'search']) {
  const x = w[key];
  if (!x) continue;
  const g = x.gateway;
  lines.push(
    `| ${key} | ${g.requestsPerSecond} | ${g.p50} | ${g.p95} | ${g.p99} | ${x.statementsPerRequest} | ${g.errors} | ${x.baseline.requestsPerSecond} | ${x.baseline.p99} | ${x.ratio.throughput} | ${x.ratio.p99} | ${x.identicalToBaseline ? 'identical' : '**MISMATCH**'} |`,
  );
}
for (const [key, label] of [
  ['requestWrites', 'request transitions'],
  ['transfers', 'moral-bank transfers'],
]) {
  const x = w[key];
  if (!x?.gateway) continue;
  const [g, b] = [x.gateway, x.baseline];
  lines.push(
    `| ${label} | ${g.requestsPerSecond} | ${g.p50} | ${g.p95} | ${g.p99} | ${x.statementsPerRequest ?? ''} | ${g.errors} | ${b?.requestsPerSecond ?? ''} | ${b?.p99 ?? ''} | ${x.ratio?.throughput ?? ''} | ${x.ratio?.p99 ?? ''} | |`,
  );
}
lines.push('');
// Every fan-out case the run measured (2,000 × 10/s and 10,000 × 1/s), each against bare `ws`.
for (const f of w.fanout?.cases ?? (w.fanout?.gateway ? [w.fanout] : [])) {
  lines.push(
    `Fan-out (${f.subscribers} subscribers, ${f.rate} events/s for ${f.seconds} s): delivered ${f.gateway.delivered}/${f.gateway.expected}, p50 ${f.gateway.p50} ms, p99 ${f.gateway.p99} ms, ${f.gateway.deliveriesPerSecond} deliveries/s; bare ws p50 ${f.bareWs.p50} ms, p99 ${f.bareWs.p99} ms; CPU per delivery ${f.gateway.serverCpuUsPerDelivery} µs (bare ws ${f.bareWs.serverCpuUsPerDelivery}).`,
  );
}
if (w.start) {
  // Older results started once (no `runs`); later ones report medians and every run.
  const runs = (kind) => (w.start.runs > 1 ? ` (${w.start[`${kind}RunsMs`].join(', ')})` : '');
  lines.push(
    `Start to first answered query${w.start.runs > 1 ? `, median of ${w.start.runs}` : ''}: first (empty data folder, no prepared cluster: initdb) ${w.start.firstMs ?? '–'} ms${runs('first')}, cold (empty data folder, a copy of the prepared cluster) ${w.start.coldMs} ms${runs('cold')}, warm ${w.start.warmMs} ms${runs('warm')}.`,
  );
}
lines.push(`Peak RSS of the gateway under load: ${r.peakRssMb} MB.`);
console.log(lines.join('\n'));
