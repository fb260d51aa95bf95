import { createRequire } from 'node:module';
import { type Logger } from '@gongzhi/core';
import { destination as pinoDestination, pino } from 'pino';
import type pretty from 'pino-pretty';

const require = createRequire(import.meta.url);

/** How long a buffered log line waits at most before it is written, ms. */
const BUFFERED_FLUSH_MS = 250;
/** pino's level number of `error` (`fatal` is above it). */
const ERROR_LEVEL = 50;

/** Writes what is buffered now, synchronously; if a write is under way, as soon as it is done. */
function flushNow(destination: ReturnType<typeof pinoDestination>): void {
  try {
    destination.flushSync();
  } catch {
    destination.flush();
  }
}

/**
 * JSON lines for machines; a readable stream when a person watches a terminal. `buffered` (the
 * server, `gongzhi start`): lines are written in chunks of 4 KB or every 250 ms, not one system
 * call per line (one line per operation was a write per request, ~8 % of a small read's CPU);
 * pino writes what is left when the process exits, and an error line is written at once. Commands that print their own output keep
 * one write per line, so log lines and output stay in order.
 */
export function createGatewayLogger(level: string, prettyOutput = Boolean(process.stdout.isTTY), buffered = false): Logger {
  if (prettyOutput) {
    // Loaded only for a terminal (~80 modules a server under a supervisor never needs); CommonJS, so synchronously.
    const prettyStream = require('pino-pretty') as typeof pretty;
    return pino({ level }, prettyStream({ translateTime: 'HH:MM:ss', ignore: 'pid,hostname', sync: true }));
  }
  if (!buffered) return pino({ level });
  const destination = pinoDestination({ dest: 1, minLength: 4096, sync: false });
  setInterval(() => destination.flush(), BUFFERED_FLUSH_MS).unref();
  return pino(
    {
      level,
      hooks: {
        // An error is written at once, with what was buffered before it: the line an operator
        // needs survives a crash or a kill -9 that follows it (errors are rare, the cost is not).
        logMethod(args, method, lineLevel) {
          if (lineLevel < ERROR_LEVEL) return method.apply(this, args);
          // Only buffered, never handed to an asynchronous write (which a line reaching the 4 KB mark
          // would start, and which a kill -9 right after can lose): flushNow then writes it at once.
          const boom = destination as unknown as { minLength: number };
          const minLength = boom.minLength;
          boom.minLength = Number.MAX_SAFE_INTEGER;
          try {
            method.apply(this, args);
          } finally {
            boom.minLength = minLength;
          }
          flushNow(destination);
        },
      },
    },
    destination,
  );
}
