import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { parseTimestamptz } from '../src/database/timestamptz.js';

/**
 * Plain rows read `timestamptz` text with a parser of their own: for what PostgreSQL writes, in
 * zones whose offsets have minutes or seconds, with and without fractions, it gives the instant
 * the platform's parser gives; any other form is left to the platform's parser (null).
 */
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app?.close());

test("PostgreSQL's own timestamptz text, in zones of every kind of offset, parses to the platform's instant", async () => {
  const platform = app.platform.orm.em.getPlatform();
  const zones = [
    'UTC',
    'Asia/Shanghai',
    'Asia/Kathmandu',
    'America/St_Johns',
    'America/Los_Angeles',
    'Europe/Amsterdam',
    'Pacific/Kiritimati',
  ];
  let parsed = 0;
  for (const zone of zones) {
    const texts = await app.platform.orm.em.fork().transactional(async (em) => {
      await em.execute(`SELECT set_config('TimeZone', ?, true)`, [zone]);
      // Instants from 1000 to 9999, microseconds included, and fixed ones: a whole second, LMT offsets of 1900 (seconds), DST edges.
      const rows = await em.execute<{ t: string }[]>(
        `SELECT t::text AS t FROM (
           SELECT timestamptz '1000-01-01 00:00:00+00' + random() * (timestamptz '9999-12-31 00:00:00+00' - timestamptz '1000-01-01 00:00:00+00') AS t
             FROM generate_series(1, 200)
           UNION ALL SELECT unnest(ARRAY[timestamptz '2026-12-03 07:42:19+00', '1900-01-01 12:00:00.5+00', '1937-06-30 23:59:59.999999+00',
                                          '2026-03-29 01:00:00.000001+00', '2026-11-01 09:30:00.12+00', '1970-01-01 00:00:00+00'])
         ) s`,
      );
      return rows.map((row) => row.t);
    });
    for (const text of texts) {
      const mine = parseTimestamptz(text);
      const theirs = platform.parseDate(text);
      expect([text, mine?.getTime()]).toEqual([text, theirs.getTime()]);
      parsed++;
    }
  }
  expect(parsed).toBe(zones.length * 206);
  // Offsets with minutes and with seconds were among them.
  expect(parseTimestamptz('1900-01-01 12:19:32+00:19:32')?.toISOString()).toBe('1900-01-01T12:00:00.000Z');
  expect(parseTimestamptz('2026-12-03 13:27:19.5+05:45')?.toISOString()).toBe('2026-12-03T07:42:19.500Z');
});

test('other forms are left to the platform parser', () => {
  for (const text of [
    '0999-12-31 23:59:59+00',
    '2026-12-03 07:42:19+00 BC',
    'infinity',
    '2026-12-03 07:42:19',
    '2026-12-03T07:42:19Z',
    '2026-12-03 07:42:19.+00',
    '2026-12-03 07:42:1x+00',
    '2026-12-03 07:42:19+0',
    '2026-12-03',
  ])
    expect([text, parseTimestamptz(text)]).toEqual([text, null]);
});
