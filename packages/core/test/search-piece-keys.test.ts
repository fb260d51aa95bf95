import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { searchPieceKeys } from '../src/request/search-statistics.js';

/**
 * A search chooses its read from PostgreSQL's statistics of the pieces it computes in JavaScript;
 * the index holds the pieces SQL computes (core migrations 0038, 0041). They must be the same
 * numbers, or every choice would be made on pieces the statistics never saw.
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

test('the pieces a search computes are the pieces the index holds: pairs, or one character alone', async () => {
  const words = [
    '漏水',
    '井盖松动',
    '鼠',
    '水管漏水 3199',
    'WiFi 路由器',
    '12345热线',
    'a',
    '😀表情',
    '𠀀字',
    'ＡＢ全角',
    '独居老人家中断网',
  ];
  const rows = await app.platform.orm.em
    .fork()
    .getConnection()
    .execute<{ w: string; keys: number[] }[]>(
      `SELECT w, CASE WHEN char_length(w) = 1 THEN text_search_keys(w) ELSE text_bigram_keys(w) END AS keys
         FROM unnest(string_to_array(?, '|')) AS w`,
      [words.join('|')],
    );
  expect(rows).toHaveLength(words.length);
  const ordered = (keys: number[]) => [...new Set(keys)].sort((a, b) => a - b);
  for (const { w, keys } of rows) expect({ w, keys: ordered(searchPieceKeys(w)) }).toEqual({ w, keys: ordered(keys) });
});
