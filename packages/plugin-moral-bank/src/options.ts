import type { ServiceRegistry } from '@gongzhi/core';

/** What the plugin's options say: the default rate and the time zone of venues and reports. */
export interface MoralBankOptions {
  /** Venue minutes earned per service minute where a community set no rate ("5 for 1"). */
  defaultRate: number;
  /** IANA time zone for opening hours and monthly summaries. */
  timeZone: string;
}

export const DEFAULT_OPTIONS: MoralBankOptions = { defaultRate: 5, timeZone: 'Asia/Shanghai' };

/** The problems of a set of options (empty when fine), each saying what a right value is. */
export function validateOptions(options: MoralBankOptions): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(options.defaultRate) || options.defaultRate < 1 || options.defaultRate > 100)
    problems.push('defaultRate must be a whole number from 1 to 100 (5 means "5 for 1")');
  if (!isTimeZone(options.timeZone)) problems.push(`timeZone must be an IANA time zone such as "Asia/Shanghai", got "${options.timeZone}"`);
  return problems;
}

/** Whether `name` is an IANA time zone the runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** What the plugin offers to its own commands and resolvers, and to plugins that depend on it. */
export interface MoralBankService {
  options: MoralBankOptions;
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
