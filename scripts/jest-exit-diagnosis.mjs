// Why does a Jest worker not exit? Preload it into Jest's workers (they inherit the node flags):
//   node --experimental-vm-modules --import ./scripts/jest-exit-diagnosis.mjs node_modules/jest/bin/jest.js …
// Each worker writes $TMPDIR/jest-exit-<pid>.txt when Jest tells it to end: its memory, the handles
// still open 250 ms later (if it is still alive then), and when its own exit ran.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

if (process.env.JEST_WORKER_ID) {
  const out = path.join(os.tmpdir(), `jest-exit-${process.pid}.txt`);
  let endAt = 0;
  const CHILD_MESSAGE_END = 2; // jest-worker's message
  const onMessage = (message) => {
    if (!Array.isArray(message) || message[0] !== CHILD_MESSAGE_END) return;
    endAt = Date.now();
    process.removeListener('message', onMessage); // a listener of ours would keep the IPC channel open
    const { rss, heapUsed } = process.memoryUsage();
    fs.writeFileSync(
      out,
      `worker ${process.env.JEST_WORKER_ID}: end asked; rss ${Math.round(rss / 2 ** 20)} MB, heap ${Math.round(heapUsed / 2 ** 20)} MB\n`,
    );
    setTimeout(() => {
      const handles = process
        ._getActiveHandles()
        .map((h) => `  ${h?.constructor?.name} ${h?.constructor?.name === 'ChildProcess' ? h.spawnargs.join(' ') : ''}`);
      fs.appendFileSync(out, `still alive after 250 ms: ${JSON.stringify(process.getActiveResourcesInfo())}\n${handles.join('\n')}\n`);
    }, 250).unref();
  };
  process.on('message', onMessage);
  process.on('exit', () => endAt && fs.appendFileSync(out, `exit ran ${Date.now() - endAt} ms after the end was asked\n`));
}
