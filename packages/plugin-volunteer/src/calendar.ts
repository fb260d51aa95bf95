import { DEFAULT_TIME_ZONE, localDate as districtDate } from '@gongzhi/core';

/** The plugin's calendar: days of service and membership are calendar days where the service happens. */

/** The time zone of days the plugin records (join dates, days served); shift schedules carry their own. */
export const SERVICE_TIME_ZONE = DEFAULT_TIME_ZONE;

/** The calendar date of an instant in a time zone (the service's by default), YYYY-MM-DD. */
export function localDate(at: Date, timeZone = SERVICE_TIME_ZONE): string {
  return districtDate(at, timeZone);
}
