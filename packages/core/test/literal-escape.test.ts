import { PostgreSqlPlatform } from '@mikro-orm/postgresql';
import { quickLiteralEscapes } from '../src/database/literal-escape.js';

/**
 * The platform's fast path for inlined string literals writes exactly what its own escape
 * writes, for every kind of string; statements built with it are byte for byte the same.
 */
const samples = [
  '',
  'a',
  '3f2c1b1e-6cb3-4e6f-9a8b-0c1d2e3f4a5b',
  '/d7d1…/e2e2/',
  '王秀英',
  "O'Brien",
  "''",
  'C:\\path',
  "both ' and \\",
  'line\nbreak\ttab',
  '%_like_%',
  '?',
  "E'x'",
];

test('inlined string literals are the same text as the platform wrote them', () => {
  const own = new PostgreSqlPlatform();
  const quick = new PostgreSqlPlatform();
  quickLiteralEscapes(quick);
  for (const value of samples) expect(quick.escape(value)).toBe(own.escape(value));
  const sql = 'SELECT * FROM person r WHERE r.id IN (?) AND r.name = ? AND r.path LIKE ?';
  const params = [samples, "O'Brien", '/a/b/%'];
  expect(quick.formatQuery(sql, params)).toBe(own.formatQuery(sql, params));
});
