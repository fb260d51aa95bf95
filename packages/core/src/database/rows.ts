/**
 * The row a statement always returns: an aggregate, `UPDATE … RETURNING` of a row that exists,
 * a row read again after it was found. Its absence is a bug, reported with what was asked.
 */
export function expectRow<T>(rows: readonly T[], what: string): T {
  const row = rows[0];
  if (row === undefined) throw new Error(`Expected a row from ${what}, got none.`);
  return row;
}
