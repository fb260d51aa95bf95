import { intervalOptionProblem, type ServiceRegistry } from '@gongzhi/core';

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
  /** IANA time zone of the district: "today" for worker assignments and visits. */
  timeZone: string;
}

export const gridOptionDefaults: GridOptions = {
  escalationIntervalMs: 60_000,
  gridLevelHours: 72,
  communityLevelHours: 168,
  timeZone: 'Asia/Shanghai',
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
  if (!isTimeZone(o.timeZone)) problems.push(`timeZone must be an IANA time zone such as "Asia/Shanghai"; got "${o.timeZone}"`);
  return problems;
}

/**
 * Whether `zone` names a time zone. A canonical name is found in the runtime's list (about 2 ms);
 * any other (an alias, another spelling) is tried on a formatter, whose first construction loads
 * the zone data (30–55 ms, a start's), which a request needs only once it asks for "today".
 */
function isTimeZone(zone: string): boolean {
  if (Intl.supportedValuesOf('timeZone').includes(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Date formats by time zone: making one costs far more than formatting with it (every routing and claim asks for today). */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(at);
}

/** Anything that knows the clock and the plugins' services: an operation's context or a unit of work. */
export interface ClockAndServices {
  now: () => Date;
  services: ServiceRegistry;
}

/** "Today" (YYYY-MM-DD) in the district's time zone: the day worker assignments, adoptions and visits are counted by. */
export function today(scope: ClockAndServices): string {
  return localDate(scope.now(), scope.services.get('grid').options.timeZone);
}
