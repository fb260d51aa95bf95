/**
 * The condition that `keys` (an `int[]` of a text's word pieces, `text_search_keys`: core
 * migrations 0038, 0041, 0042) holds every piece of `text`, which is bound as its one parameter:
 * the two-character pieces of `text`, or for a single character the character itself. A longer
 * text's characters are implied by its pairs, and asking for them too would only make the index
 * read the long lists of common characters' holders.
 */
export function piecesCondition(keys: string, text: string): string {
  return `${keys} @> ${[...text].length === 1 ? 'text_search_keys' : 'text_bigram_keys'}(?)`;
}
