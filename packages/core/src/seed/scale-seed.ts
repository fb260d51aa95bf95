import type { EntityManager } from '@mikro-orm/postgresql';
import { expectRow } from '../database/rows.js';

export interface ScaleSeedOptions {
  /** 1 is the size of Fangzhuang: 223 buildings, ~30,000 households, ~75,000 residents. */
  scale: number;
  /** Requests to create, each with its first timeline entry (default 200,000 × scale). */
  requests?: number;
}

export interface ScaleSeedResult {
  rootCode: string;
  created: boolean;
  buildings: number;
  households: number;
  residents: number;
  requests: number;
}

/**
 * What residents write, for the generated requests' descriptions: a few things are written often
 * (the first phrases are drawn most), so a search meets words many requests hold and words few do.
 * None holds 断网 or 鼠: searches that find nothing.
 */
const SCALE_PHRASES = [
  '楼上漏水，墙面发霉',
  '楼道堆放杂物，影响通行',
  '路灯不亮，晚上出行不便',
  '独居老人需要上门探访',
  '垃圾分类点气味大',
  '电梯经常停运',
  '小区停车位不足',
  '深夜施工噪音扰民',
  '下水道堵塞，污水外溢',
  '暖气不热，室温偏低',
  '树枝遮挡窗户',
  '楼道灯损坏',
  '外墙瓷砖脱落，存在隐患',
  '共享单车乱停放',
  '宠物狗未拴绳',
  '希望增设健身器材',
  '老人助餐点排队久',
  '快递柜不够用',
  '楼顶防水层老化，雨天漏水',
  '消防通道被占用',
  '社区活动室开放时间短',
  '想报名志愿服务',
  '水管冻裂',
  '门禁系统故障',
  '绿化带被踩坏',
  '广场舞音量太大',
  '自行车棚漏雨',
  '井盖缺失',
];

/**
 * A generated request's description, in SQL over `i`: three phrases drawn (skewed to the first
 * ones) by hashes of `i`, and on one request in 20,011 a problem nobody else reports (井盖松动).
 */
const SCALE_DESCRIPTION = (() => {
  const phrases = `ARRAY[${SCALE_PHRASES.map((p) => `'${p}'`).join(', ')}]`;
  const drawn = (salt: string) =>
    `(${phrases})[1 + floor(${SCALE_PHRASES.length} * power((hashtext(i || '${salt}') & 2147483647) / 2147483648.0, 2))::int]`;
  return `CASE WHEN i % 20011 = 17 THEN '井盖松动，雨天有危险。' ELSE '' END || ${drawn(':a')} || '。' || ${drawn(':b')} || '。' || ${drawn(':c')}`;
})();

/**
 * Builds a synthetic district with the shape of Fangzhuang, of any size, for benchmarks:
 * one subdistrict, 10 communities per unit of scale, 2 compounds each, 223 buildings per
 * unit of scale, 4 units per building, ~134 households per building, 2.5 residents per
 * household, and requests spread over households. Generated in SQL (`generate_series`), so
 * a scale of 1 takes seconds. Idempotent per scale: a second run finds the root and stops.
 */
export async function seedScale(em: EntityManager, options: ScaleSeedOptions): Promise<ScaleSeedResult> {
  const scale = options.scale;
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100)
    throw new Error(`--scale must be a number above 0 and at most 100, got ${scale}.`);
  const rootCode = `SCALE-${scale}`;
  const communities = Math.max(1, Math.round(10 * scale));
  const buildings = Math.max(1, Math.round(223 * scale));
  const householdsPerUnit = 34; // 4 units × 34 ≈ 134 households per building ≈ 30,000 per 223 buildings
  const requests = options.requests ?? Math.round(200_000 * scale);
  const conn = em.getConnection();
  const exists = await conn.execute<{ n: string }[]>('SELECT count(*) AS n FROM place WHERE code = ?', [rootCode]);
  if (Number(exists[0]?.n ?? 0) > 0) {
    return { rootCode, created: false, buildings: 0, households: 0, residents: 0, requests: 0 };
  }
  const sql = (text: string, params: unknown[] = []) => conn.execute(text, params, 'run');
  // district and subdistrict
  await sql(
    `WITH d AS (
      INSERT INTO place (id, type, code, name, path, depth)
      SELECT x.id, 'district', ?, '规模测试区', '/' || x.id || '/', 0 FROM (SELECT gen_random_uuid() AS id) x RETURNING id, path)
    INSERT INTO place (id, type, code, name, parent_id, path, depth)
    SELECT y.id, 'subdistrict', ? || '-S', '规模测试街道', d.id, d.path || y.id || '/', 1 FROM d, (SELECT gen_random_uuid() AS id) y`,
    [rootCode, rootCode],
  );
  const child = (type: string, parentType: string, perParent: string, codeExpr: string, nameExpr: string) =>
    sql(
      `INSERT INTO place (id, type, code, name, parent_id, path, depth)
      SELECT x.id, '${type}', ${codeExpr}, ${nameExpr}, x.parent_id, x.parent_path || x.id || '/', x.depth + 1
      FROM (SELECT gen_random_uuid() AS id, p.id AS parent_id, p.path AS parent_path, p.depth, p.code AS parent_code, g
            FROM place p, ${perParent} g
            WHERE p.type = '${parentType}' AND p.path LIKE (SELECT path FROM place WHERE code = ?) || '%') x`,
      [rootCode],
    );
  await child('community', 'subdistrict', `generate_series(1, ${communities})`, `x.parent_code || '-C' || g`, `'第' || g || '社区'`);
  await child('compound', 'community', 'generate_series(1, 2)', `x.parent_code || '-Y' || g`, `'第' || g || '小区'`);
  // Buildings are spread over all compounds: compound k gets the buildings numbered ≡ k.
  await sql(
    `INSERT INTO place (id, type, code, name, parent_id, path, depth)
    SELECT x.id, 'building', x.code || '-B' || x.b, x.b || '号楼', x.parent_id, x.path || x.id || '/', x.depth + 1
    FROM (SELECT gen_random_uuid() AS id, c.id AS parent_id, c.path, c.depth, c.code, b
          FROM (SELECT p.*, row_number() OVER (ORDER BY p.code) - 1 AS k, count(*) OVER () AS n
                FROM place p WHERE p.type = 'compound' AND p.path LIKE (SELECT path FROM place WHERE code = ?) || '%') c
          JOIN generate_series(1, ${buildings}) b ON (b - 1) % c.n = c.k) x`,
    [rootCode],
  );
  await child('unit', 'building', 'generate_series(1, 4)', `x.parent_code || '-U' || g`, `g || '单元'`);
  await child(
    'household',
    'unit',
    `generate_series(1, ${householdsPerUnit})`,
    `x.parent_code || '-H' || g`,
    `(g / 3 + 1) || '0' || (g % 3 + 1)`,
  );
  // 2 or 3 residents per household: 2.5 on average.
  await sql(
    `INSERT INTO person (id, name, household_id)
    SELECT gen_random_uuid(), '居民' || h.code || '-' || r, h.id
    FROM place h, generate_series(1, 3) r
    WHERE h.type = 'household' AND h.path LIKE (SELECT path FROM place WHERE code = ?) || '%' AND (r < 3 OR hashtext(h.code) % 2 = 0)`,
    [rootCode],
  );
  if (requests > 0) {
    // Request i goes to resident (i mod residents): an equality join, not a scan per request.
    await sql(
      `WITH p AS (
        SELECT p.id, p.household_id, h.path, row_number() OVER (ORDER BY p.id) AS rn
        FROM person p JOIN place h ON h.id = p.household_id
        WHERE h.path LIKE (SELECT path FROM place WHERE code = ?) || '%'),
      n AS (SELECT count(*) AS n FROM p)
      INSERT INTO request (id, kind, channel, title, description, requester_id, place_id, place_path, level, status, created_at, updated_at)
      SELECT gen_random_uuid(),
             (ARRAY['need','complaint','report','praise','wish'])[1 + i % 5]::request_kind,
             (ARRAY['hotline_12345','phone','chat_group','household_visit','mobile_report','wish_wall'])[1 + i % 6]::request_channel,
             '诉求 ' || i, ${SCALE_DESCRIPTION}, p.id, p.household_id, p.path,
             (ARRAY['grid','community','subdistrict'])[1 + i % 3]::request_level,
             (ARRAY['submitted','accepted','claimed','in_progress','resolved','closed'])[1 + i % 6]::request_status,
             -- milliseconds, as the API's dates and cursors hold them (see core migration 0021)
             date_trunc('milliseconds', now()) - (i || ' minutes')::interval, date_trunc('milliseconds', now())
      FROM generate_series(1, ?) i CROSS JOIN n JOIN p ON p.rn = (i - 1) % n.n + 1`,
      [rootCode, requests],
    );
    await sql(
      `INSERT INTO request_timeline (id, request_id, action, to_status, actor_id, at)
      SELECT gen_random_uuid(), r.id, 'created', 'submitted', r.requester_id, r.created_at
      FROM request r WHERE r.place_path LIKE (SELECT path FROM place WHERE code = ?) || '%'`,
      [rootCode],
    );
  }
  const counts = expectRow(
    await conn.execute<{ b: string; h: string; r: string; q: string }[]>(
      `SELECT (SELECT count(*) FROM place WHERE type = 'building' AND path LIKE x.path || '%') AS b,
            (SELECT count(*) FROM place WHERE type = 'household' AND path LIKE x.path || '%') AS h,
            (SELECT count(*) FROM person p JOIN place hh ON hh.id = p.household_id WHERE hh.path LIKE x.path || '%') AS r,
            (SELECT count(*) FROM request WHERE place_path LIKE x.path || '%') AS q
     FROM place x WHERE x.code = ?`,
      [rootCode],
    ),
    `the counts under ${rootCode}`,
  );
  return {
    rootCode,
    created: true,
    buildings: Number(counts.b),
    households: Number(counts.h),
    residents: Number(counts.r),
    requests: Number(counts.q),
  };
}
