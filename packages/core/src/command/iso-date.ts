import { coreMessages } from '../i18n/core-messages.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date argument as `YYYY-MM-DD` (how PostgreSQL `date` columns come back), or a
 * BAD_USER_INPUT error naming the argument. Rejects impossible dates such as 2024-02-30.
 */
export function requireIsoDate(value: string, argument: string): string {
  const match = ISO_DATE.exec(value.trim());
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !date || date.toISOString().slice(0, 10) !== value.trim()) {
    throw coreMessages.dateWrittenYyyyMm.error({ argument, value }, argument);
  }
  return value.trim();
}
