import { type Logger } from '@gongzhi/core';
import { pino } from 'pino';
import pretty from 'pino-pretty';

/** JSON lines for machines; a readable stream when a person watches a terminal. */
export function createGatewayLogger(level: string, prettyOutput = Boolean(process.stdout.isTTY)): Logger {
  if (prettyOutput) {
    return pino({ level }, pretty({ translateTime: 'HH:MM:ss', ignore: 'pid,hostname', sync: true }));
  }
  return pino({ level });
}
