import { DEFAULT_TIME_ZONE, intervalOptionProblem, rangeOptionProblem, timeZoneOptionProblem } from '@gongzhi/core';
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
  /**
   * How many minutes before a shift its signed-up volunteers are reminded (`volunteer.shift-reminder`,
   * once per sign-up; not for one made inside that time). 0: no reminders.
   */
  shiftReminderMinutes: number;
  /** How often (ms) this process looks for shifts to remind of; 0 turns the round off. */
  reminderIntervalMs: number;
  /**
   * The time zone (IANA) of service days (join dates, days served, care visits) and of new shift
   * schedules that name none: the platform's (`GONGZHI_TIME_ZONE`) unless set.
   */
  timeZone: string;
}

export const DEFAULT_OPTIONS: VolunteerOptions = {
  shiftsAheadDays: 14,
  rotaIntervalMs: 3_600_000,
  shiftReminderMinutes: 120,
  reminderIntervalMs: 60_000,
  timeZone: DEFAULT_TIME_ZONE, // the platform's replaces it (index.ts)
};

/** The longest reminder time: a week before the shift. */
export const MAX_REMINDER_MINUTES = 7 * 24 * 60;

/** What the volunteer plugin offers dependent plugins (and its own commands, through `uow.services`). */
export interface VolunteerServices {
  options: VolunteerOptions;
  /** Runs the rota round now: every schedule's slots up to `shiftsAheadDays` ahead are opened; returns how many were added. */
  openShiftsAhead(): Promise<number>;
  /** Runs the reminder round now: returns the ids of the sign-ups it reminded. */
  remindShifts(): Promise<string[]>;
}

declare module '@gongzhi/core' {
  interface GongzhiServices {
    volunteer: VolunteerServices;
  }
}

/** The problems with `options`, each saying what a right value is (none when fine). */
export function validateOptions(options: VolunteerOptions): string[] {
  const problems: string[] = [];
  problems.push(
    ...[
      rangeOptionProblem('shiftsAheadDays', options.shiftsAheadDays, {
        unit: 'days',
        max: MAX_MATERIALIZE_DAYS,
        zero: 'leaders open slots themselves',
      }),
      intervalOptionProblem('rotaIntervalMs', options.rotaIntervalMs, 'the rota round'),
      rangeOptionProblem('shiftReminderMinutes', options.shiftReminderMinutes, {
        unit: 'minutes',
        max: MAX_REMINDER_MINUTES,
        zero: 'no reminders',
        maxMeans: 'a week',
      }),
      intervalOptionProblem('reminderIntervalMs', options.reminderIntervalMs, 'the reminder round'),
      timeZoneOptionProblem('timeZone', options.timeZone),
    ].filter((p) => p !== undefined),
  );
  return problems;
}
