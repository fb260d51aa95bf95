import { createRequire } from 'node:module';
import { type Logger } from '@gongzhi/core';
import { pino } from 'pino';
import type pretty from 'pino-pretty';

const require = createRequire(import.meta.url);

/** JSON lines for machines; a readable stream when a person watches a terminal. */
export function createGatewayLogger(level: string, prettyOutput = Boolean(process.stdout.isTTY)): Logger {
  if (prettyOutput) {
    // Loaded only for a terminal (~80 modules a server under a supervisor never needs); CommonJS, so synchronously.
    const prettyStream = require('pino-pretty') as typeof pretty;
    return pino({ level }, prettyStream({ translateTime: 'HH:MM:ss', ignore: 'pid,hostname', sync: true }));
  }
  return pino({ level });
}
