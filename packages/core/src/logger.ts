import { type Logger as PinoLogger, pino } from 'pino';

/** The structured logger every part of the platform writes to (pino's interface). */
export type Logger = PinoLogger;

/** A JSON-lines logger at `level` (default: `LOG_LEVEL` or `info`). */
export function createLogger(options: { level?: string } = {}): Logger {
  return pino({ level: options.level ?? process.env.LOG_LEVEL ?? 'info' });
}

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
