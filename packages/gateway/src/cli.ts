#!/usr/bin/env node
import module from 'node:module';

// `gongzhi start` loads several hundred modules, and compiling them was the largest part of a
// start. V8's compiled code is kept on disk (NODE_COMPILE_CACHE, else the OS temp folder), so
// only the first start after an install or upgrade compiles; the commands load after this.
// Node 22.1+; on older versions a start simply compiles as before.
module.enableCompileCache?.();
await import('./commands.js');
