/** Digits only, so "138-0013 8000" and "13800138000" are one number. */
export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, '');
}

/** The fewest digits a number is looked up by: fewer would match by accident. */
export const MIN_PHONE_DIGITS = 5;

/** SQL true when `column` holds the number whose digits are the next bound value. */
export const phoneMatches = (column: string): string => `regexp_replace(${column}, '\\D', '', 'g') = ?`;
