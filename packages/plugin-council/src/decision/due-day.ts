/** Due dates are community dates in Beijing time (UTC+8, no daylight saving). */
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The end of an item's due day (`YYYY-MM-DD`): an open item is overdue from then on. */
export function endOfDueDay(dueOn: string): Date {
  return new Date(new Date(`${dueOn}T00:00:00Z`).getTime() - BEIJING_OFFSET_MS + 24 * 3600_000);
}

/** The community date (`YYYY-MM-DD`, Beijing time) at `now`: items due before it are past their due day. */
export function communityDate(now: Date): string {
  return new Date(now.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}
