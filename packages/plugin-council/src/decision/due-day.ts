import { addDays, type ClockAndServices, localDate, type ServiceRegistry, startOfLocalDay } from '@gongzhi/core';

/** Due dates are community dates: calendar days in the council's time zone (the district's unless set). */
function dueDayZone(services: ServiceRegistry): string {
  return services.get('council').options.timeZone;
}

/** The end of an item's due day (`YYYY-MM-DD`): an open item is overdue from then on. */
export function endOfDueDay(dueOn: string, services: ServiceRegistry): Date {
  return startOfLocalDay(addDays(dueOn, 1), dueDayZone(services));
}

/** The community date (`YYYY-MM-DD`) now: items due before it are past their due day. */
export function communityDate(scope: ClockAndServices): string {
  return localDate(scope.now(), dueDayZone(scope.services));
}
