import { type ClockAndServices, DEFAULT_TIME_ZONE, intervalOptionProblem, localDate, timeZoneOptionProblem } from '@gongzhi/core';

/** Options of the grid plugin (`pluginOptions.grid` / `plugins: [{ name, options }]`). */
export interface GridOptions {
  /**
   * How often (ms) the automatic escalation job runs in this process; 0 turns it off (tests
   * call `escalateOverdueRequests` instead). Several processes may run it: each request
   * escalates once.
   */
  escalationIntervalMs: number;
  /** Default hours a request may stay at the grid level before it escalates to the community. */
  gridLevelHours: number;
  /** Default hours a request may stay at the community level before it escalates to the subdistrict. */
  communityLevelHours: number;
  /** Default minutes at the grid level (1 – 525600); when given, it replaces `gridLevelHours`. */
  gridLevelMinutes?: number;
  /** Default minutes at the community level (1 – 525600); when given, it replaces `communityLevelHours`. */
  communityLevelMinutes?: number;
  /** IANA time zone of the district: "today" for worker assignments and visits (the platform's, `GONGZHI_TIME_ZONE`, unless given). */
  timeZone: string;
}

export const gridOptionDefaults: GridOptions = {
  escalationIntervalMs: 60_000,
  gridLevelHours: 72,
  communityLevelHours: 168,
  timeZone: DEFAULT_TIME_ZONE, // the platform's replaces it (index.ts)
};

export function validateGridOptions(o: GridOptions): string[] {
  const problems: string[] = [];
  const interval = intervalOptionProblem('escalationIntervalMs', o.escalationIntervalMs, 'the job');
  if (interval) problems.push(interval);
  for (const key of ['gridLevelHours', 'communityLevelHours'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1 || o[key] > 8760)
      problems.push(`${key} must be a whole number of hours from 1 to 8760; got ${o[key]}`);
  }
  for (const key of ['gridLevelMinutes', 'communityLevelMinutes'] as const) {
    const minutes = o[key];
    if (minutes !== undefined && (!Number.isInteger(minutes) || minutes < 1 || minutes > 525_600))
      problems.push(`${key} must be a whole number of minutes from 1 to 525600 (a year), or left out to use the hours; got ${minutes}`);
  }
  const timeZone = timeZoneOptionProblem('timeZone', o.timeZone);
  if (timeZone) problems.push(timeZone);
  return problems;
}

/** "Today" (YYYY-MM-DD) in the district's time zone: the day worker assignments, adoptions and visits are counted by. */
export function today(scope: ClockAndServices): string {
  return localDate(scope.now(), scope.services.get('grid').options.timeZone);
}
