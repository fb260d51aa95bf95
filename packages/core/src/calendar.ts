/**
 * The district's calendar: the days that role dates, worker assignments, service days and due
 * dates are counted in are calendar days where the district is, not UTC days (in Beijing a UTC
 * day begins at 08:00). One place for the time-zone helpers core and the plugins share.
 */

/** The time zone a platform counts its days in unless told otherwise (`PlatformOptions.timeZone`). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * Whether `zone` names a time zone (IANA, e.g. "Asia/Shanghai"). A canonical name is found in the
 * runtime's list (about 2 ms); any other (an alias, another spelling) is tried on a formatter, whose
 * first construction loads the zone data (30–55 ms).
 */
export function isTimeZone(zone: string): boolean {
  if (Intl.supportedValuesOf('timeZone').includes(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Date formats by time zone: making one costs far more than formatting with it (every claim and sign-in asks for today). */
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
