/**
 * Checks of the options plugins commonly take, worded alike in every plugin: each answers the
 * problem (what is wrong and what would be right) or undefined when the value is fine, for a
 * plugin's `options.validate` to collect.
 */

import { isTimeZone } from '../calendar.js';

/** An interval of a scheduled task: `<name> must be a whole number of milliseconds, 0 to turn <what> off; got …`. */
export function intervalOptionProblem(name: string, value: unknown, what: string): string | undefined {
  if (Number.isSafeInteger(value) && (value as number) >= 0) return undefined;
  return `${name} must be a whole number of milliseconds, 0 to turn ${what} off; got ${JSON.stringify(value)}`;
}

/** A whole number from 0 to `max`: `<name> must be a whole number of <unit> from 0 (<zero>) to <max> (<maxMeans>); got …`. */
export function rangeOptionProblem(
  name: string,
  value: unknown,
  rule: { unit: string; max: number; zero: string; maxMeans?: string },
): string | undefined {
  if (Number.isInteger(value) && (value as number) >= 0 && (value as number) <= rule.max) return undefined;
  const max = rule.maxMeans ? `${rule.max} (${rule.maxMeans})` : String(rule.max);
  return `${name} must be a whole number of ${rule.unit} from 0 (${rule.zero}) to ${max}; got ${JSON.stringify(value)}`;
}

/** A time zone: `<name> must be an IANA time zone such as "Asia/Shanghai"; got "…"`. */
export function timeZoneOptionProblem(name: string, value: unknown): string | undefined {
  if (typeof value === 'string' && isTimeZone(value)) return undefined;
  return `${name} must be an IANA time zone such as "Asia/Shanghai"; got ${JSON.stringify(value)}`;
}
