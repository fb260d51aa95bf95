import { DEFAULT_TIME_ZONE, intervalOptionProblem, rangeOptionProblem, type ServiceRegistry, timeZoneOptionProblem } from '@gongzhi/core';

/** What the plugin's options say: the default rate, the time zone of venues and reports, the automatic allocation. */
export interface MoralBankOptions {
  /** Venue minutes earned per service minute where a community set no rate ("5 for 1"). */
  defaultRate: number;
  /** IANA time zone for opening hours and monthly summaries (the platform's, `GONGZHI_TIME_ZONE`, unless given). */
  timeZone: string;
  /**
   * How many hours before a day begins (the venue's time) the requests for that day's priority
   * windows are served automatically, most activity points first, as staff would with
   * `allocateMoralBankPriorityRequests`: 24 serves Saturday's requests from Friday 00:00. 0: only staff allocate.
   */
  priorityAllocationHours: number;
  /** How often (ms) this process looks for requests due to be served; 0 turns the round off. */
  priorityAllocationIntervalMs: number;
}

export const DEFAULT_OPTIONS: MoralBankOptions = {
  defaultRate: 5,
  timeZone: DEFAULT_TIME_ZONE, // the platform's replaces it (index.ts)
  priorityAllocationHours: 24,
  priorityAllocationIntervalMs: 10 * 60_000,
};

/** The longest lead of the automatic allocation: a month before the day. */
export const MAX_PRIORITY_ALLOCATION_HOURS = 31 * 24;

/** The problems of a set of options (empty when fine), each saying what a right value is. */
export function validateOptions(options: MoralBankOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(options.defaultRate) || options.defaultRate < 1 || options.defaultRate > 100)
    problems.push('defaultRate must be a whole number from 1 to 100 (5 means "5 for 1")');
  problems.push(
    ...[
      timeZoneOptionProblem('timeZone', options.timeZone),
      rangeOptionProblem('priorityAllocationHours', options.priorityAllocationHours, {
        unit: 'hours',
        max: MAX_PRIORITY_ALLOCATION_HOURS,
        zero: 'only staff allocate',
        maxMeans: 'a month',
      }),
      intervalOptionProblem('priorityAllocationIntervalMs', options.priorityAllocationIntervalMs, 'the allocation round'),
    ].filter((p) => p !== undefined),
  );
  return problems;
}

/** What the plugin offers to its own commands and resolvers, and to plugins that depend on it. */
export interface MoralBankService {
  options: MoralBankOptions;
  /** Runs the automatic allocation round now: answers the ids of the bookings it served (confirmed or declined). */
  allocateDuePriorityRequests(): Promise<string[]>;
}

declare module '@gongzhi/core' {
  interface GongzhiServices {
    'moral-bank': MoralBankService;
  }
}

/** The plugin's resolved options, from its service (commands and resolvers both hold a registry). */
export function bankOptions(services: ServiceRegistry): MoralBankOptions {
  return services.get('moral-bank').options;
}
