import { MAX_MATERIALIZE_DAYS } from './shift/shift.commands.js';

/** The plugin's options. */
export interface VolunteerOptions {
  /**
   * How many days after today (in each schedule's time zone) the recurring shift schedules' slots
   * are kept open for sign-up: a new schedule's at once, then each day's as it comes into the
   * window. 0 leaves opening slots to leaders (`materializeVolunteerShifts`).
   */
  shiftsAheadDays: number;
  /** How often (ms) this process opens the slots that came into the window; 0 turns the round off. */
  rotaIntervalMs: number;
}

export const DEFAULT_OPTIONS: VolunteerOptions = { shiftsAheadDays: 14, rotaIntervalMs: 3_600_000 };

/** What the volunteer plugin offers dependent plugins (and its own commands, through `uow.services`). */
export interface VolunteerServices {
  options: VolunteerOptions;
  /** Runs the rota round now: every schedule's slots up to `shiftsAheadDays` ahead are opened; returns how many were added. */
  openShiftsAhead(): Promise<number>;
}

declare module '@gongzhi/core' {
  interface GongzhiServices {
    volunteer: VolunteerServices;
  }
}

/** The problems with `options`, each saying what a right value is (none when fine). */
export function validateOptions(options: VolunteerOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(options.shiftsAheadDays) || options.shiftsAheadDays < 0 || options.shiftsAheadDays > MAX_MATERIALIZE_DAYS) {
    problems.push(
      `shiftsAheadDays must be a whole number of days from 0 (leaders open slots themselves) to ${MAX_MATERIALIZE_DAYS}; got ${JSON.stringify(options.shiftsAheadDays)}`,
    );
  }
  if (!Number.isSafeInteger(options.rotaIntervalMs) || options.rotaIntervalMs < 0) {
    problems.push(
      `rotaIntervalMs must be a whole number of milliseconds, 0 to turn the rota round off; got ${JSON.stringify(options.rotaIntervalMs)}`,
    );
  }
  return problems;
}
