/**
 * The `LIKE`/`ILIKE` pattern matching values that contain `text` as typed: its `%`, `_` and `\`
 * match only themselves (a search for "50%" is not a search for "50").
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
