import { readFileSync } from 'node:fs';
import {
  addDays,
  atLocalTime,
  importHotlineOrder,
  Place,
  type Platform,
  RequestKind,
  RequestPriority,
  runCommand,
  startOfLocalDay,
  SYSTEM_CALLER,
} from '@gongzhi/core';
import { StartupError } from '@gongzhi/core/startup';
import { CsvError, parseCsv } from './csv.js';

/**
 * 12345 hotline orders loaded from a file: `gongzhi request import FILE.json | FILE.csv`. Each
 * goes through core's importHotlineOrder command, as the mutation does (same checks; an order
 * imported before is reported, not imported twice), as the system (`system: cli.request-import`).
 */

/** One hotline order as the 12345 system gives it, its place by code. */
export interface HotlineOrderLine {
  orderNo: string;
  title: string;
  description?: string;
  /** The code of the place (household, building, community…) the order is about. */
  place: string;
  kind?: string;
  category?: string;
  callbackPhone?: string;
  /** The caller's phone: matched to a resident of the order's community, who becomes the requester. */
  callerPhone?: string;
  priority?: string;
  /** ISO 8601, or the district's wall clock: `YYYY-MM-DD HH:MM`, or `YYYY-MM-DD` (by the end of that day). */
  dueAt?: string;
  /** The order's photos (its attachments), by https address: at most nine. */
  photoUrls?: string[];
}

/** A spreadsheet's column names, in English (the JSON keys) or as the export and 12345 sheets write them. */
const COLUMNS: Record<string, keyof HotlineOrderLine> = {
  orderNo: 'orderNo',
  工单编号: 'orderNo',
  工单号: 'orderNo',
  '12345工单号': 'orderNo',
  title: 'title',
  标题: 'title',
  description: 'description',
  内容: 'description',
  诉求内容: 'description',
  place: 'place',
  地点编码: 'place',
  kind: 'kind',
  类型: 'kind',
  category: 'category',
  分类: 'category',
  callbackPhone: 'callbackPhone',
  回访电话: 'callbackPhone',
  callerPhone: 'callerPhone',
  来电号码: 'callerPhone',
  priority: 'priority',
  紧急程度: 'priority',
  dueAt: 'dueAt',
  办理时限: 'dueAt',
  photoUrls: 'photoUrls',
  图片: 'photoUrls',
};
const REQUIRED: readonly (keyof HotlineOrderLine)[] = ['orderNo', 'title', 'place'];

/** Kinds and priorities in the words a sheet uses (the export's), beside their names. */
const KINDS: Record<string, RequestKind> = {
  需求: RequestKind.NEED,
  投诉: RequestKind.COMPLAINT,
  上报: RequestKind.REPORT,
  表扬: RequestKind.PRAISE,
  微心愿: RequestKind.WISH,
};
const PRIORITIES: Record<string, RequestPriority> = {
  低: RequestPriority.LOW,
  一般: RequestPriority.NORMAL,
  高: RequestPriority.HIGH,
  紧急: RequestPriority.URGENT,
};

/** The orders of a JSON file (an array) or a CSV file (a header row, then one order a row). */
export function readHotlineOrders(file: string): HotlineOrderLine[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StartupError(`Cannot read ${file}: ${(err as Error).message}`);
  }
  return file.toLowerCase().endsWith('.csv') ? ordersOfCsv(file, text) : ordersOfJson(file, text);
}

function ordersOfJson(file: string, text: string): HotlineOrderLine[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StartupError(`Cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed))
    throw new StartupError(`${file} must hold a JSON array of hotline orders ({ "orderNo", "title", "place": "<place code>", … }).`);
  return parsed as HotlineOrderLine[];
}

function ordersOfCsv(file: string, text: string): HotlineOrderLine[] {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new StartupError(`Cannot read ${file} as CSV, ${err.message}.`);
    throw err;
  }
  const [header, ...lines] = rows;
  if (!header)
    throw new StartupError(
      `${file} is empty: it needs a header row (工单编号,标题,地点编码,… or orderNo,title,place,…) and a row per order.`,
    );
  const fields = header.map((name) => {
    const field = COLUMNS[name.trim()];
    if (!field)
      throw new StartupError(`${file}: the column "${name}" is not one an order has; the columns are: ${Object.keys(COLUMNS).join(', ')}.`);
    return field;
  });
  const missing = REQUIRED.filter((field) => !fields.includes(field));
  if (missing.length) throw new StartupError(`${file} has no column for ${missing.join(', ')} (e.g. 工单编号, 标题, 地点编码).`);
  return lines.map((cells) => {
    const order: Record<string, unknown> = {};
    fields.forEach((field, i) => {
      const value = (cells[i] ?? '').trim();
      if (value === '') return;
      order[field] = field === 'photoUrls' ? value.split(/\s+/) : value;
    });
    return order as unknown as HotlineOrderLine;
  });
}

/**
 * A deadline as an order gives it: ISO 8601 with its offset, or the district's wall clock
 * (`2026-06-15 18:00`; a day alone, `2026-06-15`, means by the end of that day). Null when none;
 * undefined when it cannot be read.
 */
function deadline(given: string | undefined, timeZone: string): Date | null | undefined {
  if (!given) return null;
  const local = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?$/.exec(given.trim());
  const at = local
    ? local[2]
      ? atLocalTime(local[1]!, local[2], timeZone)
      : startOfLocalDay(addDays(local[1]!, 1), timeZone)
    : new Date(given);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** A kind or priority as its name (any case) or its word; null when none is given, undefined when it is neither. */
function named<T extends string>(given: string | undefined, words: Record<string, T>): T | null | undefined {
  if (!given?.trim()) return null;
  const text = given.trim();
  return words[text] ?? Object.values(words).find((v) => v === text.toLowerCase());
}

type Refusal = { code: string; message: string; field: string };

/**
 * Imports hotline orders as the system (`system: cli.request-import` in each timeline) through
 * core's importHotlineOrder command, one unit of work per order; prints one line per order and
 * returns how many failed.
 */
export async function importHotlineOrders(platform: Platform, orders: HotlineOrderLine[]): Promise<number> {
  let failed = 0;
  for (const [i, order] of orders.entries()) {
    const ctx = platform.createContext({ ...SYSTEM_CALLER, label: 'cli.request-import' });
    const place = typeof order.place === 'string' ? await ctx.em.findOne(Place, { code: order.place }) : null;
    const dueAt = deadline(order.dueAt, platform.info.timeZone);
    const kind = named(order.kind, KINDS);
    const priority = named(order.priority, PRIORITIES);
    const refusals: Refusal[] = [
      ...(place ? [] : [{ code: 'NOT_FOUND', message: `No place has the code "${String(order.place)}".`, field: 'place' }]),
      ...(dueAt !== undefined
        ? []
        : [
            {
              code: 'BAD_USER_INPUT',
              message: `"${String(order.dueAt)}" is no deadline: give 2026-06-15 18:00 (the district's clock), 2026-06-15 (by the end of that day) or an ISO 8601 time.`,
              field: 'dueAt',
            },
          ]),
      ...(kind !== undefined
        ? []
        : [
            {
              code: 'BAD_USER_INPUT',
              message: `"${String(order.kind)}" is no kind: give ${Object.keys(KINDS).join('、')} or ${Object.values(KINDS).join(', ')}.`,
              field: 'kind',
            },
          ]),
      ...(priority !== undefined
        ? []
        : [
            {
              code: 'BAD_USER_INPUT',
              message: `"${String(order.priority)}" is no priority: give ${Object.keys(PRIORITIES).join('、')} or ${Object.values(PRIORITIES).join(', ')}.`,
              field: 'priority',
            },
          ]),
    ];
    const outcome =
      !place || dueAt === undefined || kind === undefined || priority === undefined
        ? { ok: false as const, errors: refusals }
        : await runCommand(ctx, importHotlineOrder, {
            orderNo: String(order.orderNo ?? ''),
            title: String(order.title ?? ''),
            description: order.description ?? '',
            kind: kind ?? RequestKind.COMPLAINT,
            place,
            category: order.category ?? null,
            callbackPhone: order.callbackPhone ?? null,
            callerPhone: order.callerPhone ?? null,
            priority,
            dueAt,
            photoUrls: Array.isArray(order.photoUrls) ? order.photoUrls.map(String) : null,
          });
    if (outcome.ok) {
      const { request, created } = outcome.value;
      console.log(`${created ? 'imported' : 'already there'}: ${request.externalOrderNo} → ${request.id}`);
    } else {
      failed++;
      for (const error of outcome.errors)
        console.log(`refused: order ${i + 1} (${String(order.orderNo)}): ${error.code} ${error.field ?? ''}: ${error.message}`);
    }
  }
  return failed;
}
