import { constants } from 'node:os';
import type { DatabaseHandle } from './database.js';

const ENDING = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * What SIGINT, SIGTERM and SIGHUP do to a CLI command that opens a database. The CLI's embedded
 * PostgreSQL runs in a process group of its own (core's `ownProcessGroup`): a terminal's Ctrl-C,
 * sent to the whole foreground group, reaches this process alone, so `start` can drain its
 * requests before it stops the server instead of losing them to a server already shutting down.
 * This process must then stop the server on every such signal: the first one runs the command's
 * action (by default: stop the database, then end as the signal would, whatever the command was
 * doing; see {@link endingBySignal}); a second one ends the process at once (core asks the server
 * for a fast shutdown as the process exits).
 */
export interface EndingSignals {
  /** The database the command opened: the default action stops it (a signal received before it was open acts now). */
  holding(database: DatabaseHandle): void;
  /** Replaces the default action for the first signal (`start`: drain, then stop). */
  onSignal(action: (signal: NodeJS.Signals) => void): void;
}

let database: DatabaseHandle | null = null;
let action: ((signal: NodeJS.Signals) => void) | null = null;
let received = false;
let pending: NodeJS.Signals | null = null;
let ending = false;
let installed = false;

function stopThenEnd(opened: DatabaseHandle, signal: NodeJS.Signals): void {
  ending = true;
  void opened
    .stop()
    .catch(() => undefined)
    .finally(() => {
      for (const name of ENDING) process.off(name, handleSignal);
      process.kill(process.pid, signal);
    });
}

function handleSignal(signal: NodeJS.Signals): void {
  if (received) process.exit(128 + constants.signals[signal]);
  received = true;
  if (action) action(signal);
  else if (database) stopThenEnd(database, signal);
  else pending = signal;
}

/** Takes over SIGINT, SIGTERM and SIGHUP for the rest of the process (see {@link EndingSignals}). */
export function catchEndingSignals(): EndingSignals {
  if (!installed) for (const name of ENDING) process.on(name, handleSignal);
  installed = true;
  return {
    holding(opened) {
      database = opened;
      if (pending) stopThenEnd(opened, pending);
    },
    onSignal(given) {
      action = given;
    },
  };
}

/**
 * Whether a signal's default action is stopping the database, after which the process ends as
 * the signal would: the command's own outcome (an error from a database that went away under
 * it, say) is then no longer news.
 */
export function endingBySignal(): boolean {
  return ending;
}
