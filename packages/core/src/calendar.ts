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

/** Wall-clock formats by time zone (for offsets), made once each as `dateFormats` are. */
const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at an instant, in ms (Beijing: 8 h). */
function offsetMs(at: number, timeZone: string): number {
  let format = wallClockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClockFormats.set(timeZone, format);
  }
  const part = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, Number(p.value)]));
  const wall = Date.UTC(part.year ?? 0, (part.month ?? 1) - 1, part.day ?? 1, part.hour ?? 0, part.minute ?? 0, part.second ?? 0);
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * The first instant of a calendar day (YYYY-MM-DD) in a time zone: Beijing's 2026-05-01 begins
 * at 2026-04-30T16:00:00Z. Where a change of clocks skips midnight, the day begins when it does.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  // The offset at midnight read as UTC is right unless the clocks change within a day of it;
  // the offset at the first guess then gives the other candidate, and the day's first instant is the earlier that lies in the day.
  const first = midnight - offsetMs(midnight, timeZone);
  const second = midnight - offsetMs(first, timeZone);
  const inDay = [first, second].filter((at) => localDate(new Date(at), timeZone) === date);
  return new Date(Math.min(...(inDay.length > 0 ? inDay : [first])));
}

/** The wall clock of `timeZone` at an instant, `YYYY-MM-DD HH:MM`: Beijing's at 2026-06-15T10:00Z is `2026-06-15 18:00`. */
export function localDateTime(at: Date, timeZone: string): string {
  return new Date(at.getTime() + offsetMs(at.getTime(), timeZone)).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The instant a wall clock of `timeZone` shows `time` (HH:MM) on `date` (YYYY-MM-DD): Beijing's
 * 2026-06-15 18:00 is 2026-06-15T10:00:00Z. A time the clocks skip is read with the offset before
 * the change; a time they repeat, as its first occurrence.
 */
export function atLocalTime(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  // The offsets half a day either side are those before and after any change of clocks near it.
  const before = wall - offsetMs(wall - 43_200_000, timeZone);
  const after = wall - offsetMs(wall + 43_200_000, timeZone);
  const shown = [before, after].filter((at) => at + offsetMs(at, timeZone) === wall);
  return new Date(shown.length ? Math.min(...shown) : before);
}

/** The calendar date (YYYY-MM-DD) `days` after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
