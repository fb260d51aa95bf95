import type { OpeningHours, PriorityWindow } from './venue.entity.js';
import { bankMessages } from '../messages.js';

const HHMM = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes since local midnight of "HH:MM" (24:00 allowed as the end of a day); null when malformed. */
export function parseHhmm(value: string): number | null {
  const m = HHMM.exec(value);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 1440 ? minutes : null;
}

export const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];

/** A moment as seen on the wall clock of `timeZone`: ISO weekday, minutes since midnight, date. */
export function localTime(at: Date, timeZone: string): { weekday: number; minutes: number; date: string } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => {
    const found = parts.find((p) => p.type === type);
    if (!found) throw new Error(`No ${type} in the date of ${at.toISOString()} in ${timeZone}.`);
    return found.value;
  };
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(part('weekday')) + 1;
  return { weekday, minutes: Number(part('hour')) * 60 + Number(part('minute')), date: `${part('year')}-${part('month')}-${part('day')}` };
}

/** A booking's local day, weekday and span in minutes since midnight; it must not cross midnight. */
export function localSpan(startsAt: Date, endsAt: Date, timeZone: string): { weekday: number; from: number; to: number } | null {
  const start = localTime(startsAt, timeZone);
  const end = localTime(endsAt, timeZone);
  const length = (endsAt.getTime() - startsAt.getTime()) / 60_000;
  // Same local day, or ending exactly at the following midnight.
  if (start.date === end.date || (end.minutes === 0 && start.minutes + length === 1440)) {
    return { weekday: start.weekday, from: start.minutes, to: start.minutes + length };
  }
  return null;
}

/** Checks and normalizes opening hours; each says what is wrong and what is right. */
export function validateOpeningHours(hours: OpeningHours[]): OpeningHours[] {
  if (hours.length === 0) throw bankMessages.openinghoursNeedsLeastOne.error('input.openingHours');
  for (const h of hours) {
    const opens = parseHhmm(h.opens);
    const closes = parseHhmm(h.closes);
    if (!Number.isInteger(h.weekday) || h.weekday < 1 || h.weekday > 7 || opens === null || closes === null || opens >= closes) {
      throw bankMessages.openingHoursNeedWeekday.error({ stringify: JSON.stringify(h) }, 'input.openingHours');
    }
  }
  return hours.map((h) => ({ weekday: h.weekday, opens: h.opens, closes: h.closes }));
}

export function validatePriorityWindows(windows: PriorityWindow[]): PriorityWindow[] {
  for (const w of windows) {
    const starts = parseHhmm(w.starts);
    const ends = parseHhmm(w.ends);
    if (!Number.isInteger(w.weekday) || w.weekday < 1 || w.weekday > 7 || starts === null || ends === null || starts >= ends) {
      throw bankMessages.priorityWindowNeedsWeekday.error({ stringify: JSON.stringify(w) }, 'input.priorityWindows');
    }
    if (!Number.isInteger(w.minPoints) || w.minPoints < 0 || !Number.isInteger(w.maxMinutes) || w.maxMinutes < 15 || w.maxMinutes > 1440) {
      throw bankMessages.priorityWindowNeedsMinpoints.error('input.priorityWindows');
    }
  }
  return windows.map((w) => ({ weekday: w.weekday, starts: w.starts, ends: w.ends, minPoints: w.minPoints, maxMinutes: w.maxMinutes }));
}

/** Whether [from, to) on `weekday` lies inside one of the day's opening intervals. */
export function withinOpeningHours(hours: OpeningHours[], weekday: number, from: number, to: number): boolean {
  return hours.some((h) => h.weekday === weekday && parseHhmm(h.opens)! <= from && to <= parseHhmm(h.closes)!);
}

/** The priority window [from, to) on `weekday` overlaps, if any. */
export function overlappingWindow(windows: PriorityWindow[], weekday: number, from: number, to: number): PriorityWindow | null {
  return windows.find((w) => w.weekday === weekday && parseHhmm(w.starts)! < to && from < parseHhmm(w.ends)!) ?? null;
}

export function describeHours(hours: OpeningHours[], weekday: number): string {
  const today = hours.filter((h) => h.weekday === weekday);
  return today.length ? today.map((h) => `${h.opens}–${h.closes}`).join(', ') : 'closed';
}
