// Loaded into the gateway by `bench.mjs --memory` (node --import): where its resident memory goes.
// Every 250 ms it reads process.memoryUsage(), V8's heap spaces and /proc/self/status, and keeps the
// sample of the highest RSS and the highest value of each part; written to BENCH_MEMORY_PROBE_OUT
// every second and at exit. RSS = RssFile (the node binary's and libraries' pages) + RssAnon, and
// RssAnon = V8's heap (heapTotal, by space) + native (malloc: pg, zlib, libuv, V8's own tables).
import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';

const out = process.env.BENCH_MEMORY_PROBE_OUT;
if (out) {
  const mb = (bytes) => Math.round(bytes / 1048576);
  const max = {};
  let atPeak = null;
  const sample = () => {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
    const m = process.memoryUsage();
    const s = {
      rss: mb(m.rss),
      rssFile: mb(kb('RssFile')),
      rssAnon: mb(kb('RssAnon')),
      heapTotal: mb(m.heapTotal),
      heapUsed: mb(m.heapUsed),
      external: mb(m.external),
      arrayBuffers: mb(m.arrayBuffers),
    };
    for (const space of v8.getHeapSpaceStatistics()) if (space.space_size > 0) s[space.space_name] = mb(space.space_size);
    s.native = s.rssAnon - s.heapTotal;
    for (const [k, v] of Object.entries(s)) max[k] = Math.max(max[k] ?? 0, v);
    if (!atPeak || s.rss >= atPeak.rss) atPeak = s;
  };
  const write = () => writeFileSync(out, JSON.stringify({ max, atPeak }, null, 2));
  sample();
  setInterval(sample, 250).unref();
  setInterval(write, 1000).unref();
  process.on('exit', () => {
    sample();
    write();
  });
}
