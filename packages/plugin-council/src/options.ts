/** The plugin's options. */
export interface CouncilOptions {
  /** Hours of notice a meeting needs unless it is urgent (紧急议事). */
  noticeHours: number;
  /**
   * How often (ms) this process looks for unfinished action items past their due day and
   * announces each once (`council.action-item-overdue`); 0 turns the round off (tests do).
   */
  overdueCheckIntervalMs: number;
}

export const DEFAULT_OPTIONS: CouncilOptions = { noticeHours: 24, overdueCheckIntervalMs: 10 * 60_000 };

/** What the council plugin offers dependent plugins (and its own commands, through `uow.services`). */
export interface CouncilServices {
  options: CouncilOptions;
  /** Runs the overdue round now: every unfinished item past its due day not announced yet is announced once; returns their ids. */
  announceOverdueActionItems(): Promise<string[]>;
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
  if (!Number.isSafeInteger(options.overdueCheckIntervalMs) || options.overdueCheckIntervalMs < 0) {
    problems.push(
      `overdueCheckIntervalMs must be a whole number of milliseconds, 0 to turn the overdue round off; got ${JSON.stringify(options.overdueCheckIntervalMs)}`,
    );
  }
  return problems;
}
