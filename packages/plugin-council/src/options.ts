/** The plugin's options. */
export interface CouncilOptions {
  /** Hours of notice a meeting needs unless it is urgent (紧急议事). */
  noticeHours: number;
}

export const DEFAULT_OPTIONS: CouncilOptions = { noticeHours: 24 };

/** What the council plugin offers dependent plugins (and its own commands, through `uow.services`). */
export interface CouncilServices {
  options: CouncilOptions;
}

declare module '@gongzhi/core' {
  interface GongzhiServices {
    council: CouncilServices;
  }
}

/** The problems with `options`, each saying what a right value is (none when fine). */
export function validateOptions(options: CouncilOptions): string[] {
  return Number.isFinite(options.noticeHours) && options.noticeHours >= 0
    ? []
    : [`noticeHours must be a number of hours ≥ 0 (e.g. 24), got ${JSON.stringify(options.noticeHours)}`];
}
