import { type ClockAndServices, localDate } from '@gongzhi/core';

/**
 * The service day (YYYY-MM-DD) of an instant, `now` unless given: days of service and membership
 * (join dates, days served, care visits) are calendar days in the plugin's `timeZone`, the
 * district's unless set. Shift schedules carry a time zone of their own.
 */
export function serviceDay(scope: ClockAndServices, at: Date = scope.now()): string {
  return localDate(at, scope.services.get('volunteer').options.timeZone);
}
