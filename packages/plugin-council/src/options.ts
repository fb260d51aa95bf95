import { DEFAULT_TIME_ZONE, intervalOptionProblem, rangeOptionProblem, timeZoneOptionProblem } from '@gongzhi/core';

/** The plugin's options. */
export interface CouncilOptions {
  /** Hours of notice a meeting needs unless it is urgent (紧急议事). */
  noticeHours: number;
  /**
   * How often (ms) this process looks for unfinished action items past their due day and
   * announces each once (`council.action-item-overdue`); 0 turns the round off (tests do).
   */
  overdueCheckIntervalMs: number;
  /**
   * How many minutes before a meeting its members are reminded (`council.meeting-reminder`, once
   * per meeting; not for one convened inside that time). 0: no reminders.
   */
  meetingReminderMinutes: number;
  /** How often (ms) this process looks for meetings to remind of; 0 turns the round off. */
  meetingReminderIntervalMs: number;
  /** The time zone (IANA) action items' due days end in: the platform's (`GONGZHI_TIME_ZONE`) unless set. */
  timeZone: string;
}

export const DEFAULT_OPTIONS: CouncilOptions = {
  noticeHours: 24,
  overdueCheckIntervalMs: 10 * 60_000,
  meetingReminderMinutes: 120,
  meetingReminderIntervalMs: 60_000,
  timeZone: DEFAULT_TIME_ZONE, // the platform's replaces it (index.ts)
};

/** The longest reminder time: a week before the meeting. */
export const MAX_MEETING_REMINDER_MINUTES = 7 * 24 * 60;

/** What the council plugin offers dependent plugins (and its own commands, through `uow.services`). */
export interface CouncilServices {
  options: CouncilOptions;
  /** Runs the overdue round now: every unfinished item past its due day not announced yet is announced once; returns their ids. */
  announceOverdueActionItems(): Promise<string[]>;
  /** Runs the meeting reminder round now: returns the ids of the meetings it reminded. */
  remindMeetings(): Promise<string[]>;
}

declare module '@gongzhi/core' {
  interface GongzhiServices {
    council: CouncilServices;
  }
}

/** The problems with `options`, each saying what a right value is (none when fine). */
export function validateOptions(options: CouncilOptions): string[] {
  const problems: string[] = [];
  if (!(Number.isFinite(options.noticeHours) && options.noticeHours >= 0)) {
    problems.push(`noticeHours must be a number of hours ≥ 0 (e.g. 24), got ${JSON.stringify(options.noticeHours)}`);
  }
  problems.push(
    ...[
      intervalOptionProblem('overdueCheckIntervalMs', options.overdueCheckIntervalMs, 'the overdue round'),
      rangeOptionProblem('meetingReminderMinutes', options.meetingReminderMinutes, {
        unit: 'minutes',
        max: MAX_MEETING_REMINDER_MINUTES,
        zero: 'no reminders',
        maxMeans: 'a week',
      }),
      intervalOptionProblem('meetingReminderIntervalMs', options.meetingReminderIntervalMs, 'the reminder round'),
      timeZoneOptionProblem('timeZone', options.timeZone),
    ].filter((p) => p !== undefined),
  );
  return problems;
}
