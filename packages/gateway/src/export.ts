import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Caller,
  currentLocale,
  definePhrases,
  isDatabaseUnavailable,
  localDate,
  localDateTime,
  type Phrase,
  type Platform,
} from '@gongzhi/core';
import {
  execute,
  getNamedType,
  GraphQLError,
  GraphQLInputObjectType,
  isListType,
  isNonNullType,
  parse,
  type GraphQLInputType,
} from 'graphql';
import { csvLine } from './csv.js';
import { gatewayMessages } from './messages.js';
import { type errorFormatter, formatResult, inOperation } from './operations.js';
import { rateLimitedError } from './security.js';
import type { ResolveCaller } from './websocket.js';

/** Where a list of requests is exported as a spreadsheet (台账导出). */
export const REQUESTS_EXPORT_PATH = '/export/requests.csv';

export interface ExportOptions {
  platform: Platform;
  /** The same credential check as /graphql. */
  resolveCaller: ResolveCaller;
  /** The same rate limiter as /graphql: seconds to wait, or 0. Each page of rows costs one operation. */
  rateLimit: (caller: Caller | null, address: string | undefined) => number | Promise<number>;
  /** The same error formatter as /graphql (faults masked, messages in the request's language). */
  formatError: ReturnType<typeof errorFormatter>;
}

/**
 * The rows come from the API's own `requests` query, a page at a time, run as the caller: every
 * rule of the API (places, field visibility, filters and their errors) holds in the export
 * because it is the same code. What a row shows is the work, not the people who asked: no
 * requester, no callback phone.
 */
const PAGE_DOCUMENT = parse(`query RequestsExport($filter: RequestFilter, $after: String) {
  requests(filter: $filter, first: 100, after: $after) {
    nodes { id externalOrderNo kind channel category title description status level priority
      place { name } dispatchedTo { name } assignee { name } dueAt rating createdAt updatedAt }
    pageInfo { hasNextPage endCursor }
  }
}`);

interface Row {
  id: string;
  externalOrderNo: string | null;
  kind: string;
  channel: string;
  category: string | null;
  title: string;
  description: string;
  status: string;
  level: string;
  priority: string;
  place: { name: string } | null;
  dispatchedTo: { name: string } | null;
  assignee: { name: string } | null;
  dueAt: string | null;
  rating: number | null;
  createdAt: string;
  updatedAt: string;
}

interface Page {
  requests: { nodes: Row[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** The words of the export (column names and values), in the request's language. */
const words = definePhrases('export', {
  id: { en: 'ID', 'zh-CN': '编号' },
  externalOrderNo: { en: '12345 order no.', 'zh-CN': '12345工单号' },
  kind: { en: 'Kind', 'zh-CN': '类型' },
  channel: { en: 'Channel', 'zh-CN': '来源渠道' },
  category: { en: 'Category', 'zh-CN': '分类' },
  title: { en: 'Title', 'zh-CN': '标题' },
  description: { en: 'Description', 'zh-CN': '内容' },
  status: { en: 'Status', 'zh-CN': '状态' },
  level: { en: 'Level', 'zh-CN': '层级' },
  priority: { en: 'Priority', 'zh-CN': '紧急程度' },
  place: { en: 'Place', 'zh-CN': '地点' },
  dispatchedTo: { en: 'Dispatched to', 'zh-CN': '派往单位' },
  assignee: { en: 'Handled by', 'zh-CN': '承办人' },
  dueAt: { en: 'Due', 'zh-CN': '办理时限' },
  rating: { en: 'Rating', 'zh-CN': '评价' },
  createdAt: { en: 'Submitted', 'zh-CN': '提交时间' },
  updatedAt: { en: 'Last changed', 'zh-CN': '最后更新' },
  SUBMITTED: { en: 'submitted', 'zh-CN': '待受理' },
  ACCEPTED: { en: 'accepted', 'zh-CN': '已受理' },
  ASSIGNED: { en: 'assigned', 'zh-CN': '已派单' },
  CLAIMED: { en: 'claimed', 'zh-CN': '已认领' },
  IN_PROGRESS: { en: 'in progress', 'zh-CN': '处理中' },
  ESCALATED: { en: 'escalated', 'zh-CN': '已上报' },
  RESOLVED: { en: 'resolved', 'zh-CN': '已解决' },
  CLOSED: { en: 'closed', 'zh-CN': '已办结' },
  REJECTED: { en: 'rejected', 'zh-CN': '已驳回' },
  NEED: { en: 'need', 'zh-CN': '需求' },
  COMPLAINT: { en: 'complaint', 'zh-CN': '投诉' },
  REPORT: { en: 'report', 'zh-CN': '上报' },
  PRAISE: { en: 'praise', 'zh-CN': '表扬' },
  WISH: { en: 'wish', 'zh-CN': '微心愿' },
  GRID: { en: 'grid', 'zh-CN': '网格' },
  COMMUNITY: { en: 'community', 'zh-CN': '社区' },
  SUBDISTRICT: { en: 'subdistrict', 'zh-CN': '街道' },
  LOW: { en: 'low', 'zh-CN': '低' },
  NORMAL: { en: 'normal', 'zh-CN': '一般' },
  HIGH: { en: 'high', 'zh-CN': '高' },
  URGENT: { en: 'urgent', 'zh-CN': '紧急' },
  HOTLINE_12345: { en: '12345 hotline', 'zh-CN': '12345热线' },
  PHONE: { en: 'phone', 'zh-CN': '电话' },
  CHAT_GROUP: { en: 'chat group', 'zh-CN': '楼门群' },
  HOUSEHOLD_VISIT: { en: 'household visit', 'zh-CN': '入户走访' },
  MOBILE_REPORT: { en: 'mobile report', 'zh-CN': '随手拍' },
  WISH_WALL: { en: 'wish wall', 'zh-CN': '心愿墙' },
});

/** An enum value in words, or as it is when the export has none for it (a value added later). */
function said(value: string): string {
  const phrase = (words as Record<string, Phrase | undefined>)[value];
  return phrase ? phrase.text[currentLocale()] : value;
}

/** A moment as the district's clock shows it, `YYYY-MM-DD HH:mm`: what a spreadsheet reads as a date. */
const onDistrictClock = (iso: string | null, timeZone: string): string => (iso ? localDateTime(new Date(iso), timeZone) : '');

const COLUMNS: readonly { name: keyof typeof words; value: (row: Row, timeZone: string) => string }[] = [
  { name: 'id', value: (r) => r.id },
  { name: 'externalOrderNo', value: (r) => r.externalOrderNo ?? '' },
  { name: 'kind', value: (r) => said(r.kind) },
  { name: 'channel', value: (r) => said(r.channel) },
  { name: 'category', value: (r) => r.category ?? '' },
  { name: 'title', value: (r) => r.title },
  { name: 'description', value: (r) => r.description },
  { name: 'status', value: (r) => said(r.status) },
  { name: 'level', value: (r) => said(r.level) },
  { name: 'priority', value: (r) => said(r.priority) },
  { name: 'place', value: (r) => r.place?.name ?? '' },
  { name: 'dispatchedTo', value: (r) => r.dispatchedTo?.name ?? '' },
  { name: 'assignee', value: (r) => r.assignee?.name ?? '' },
  { name: 'dueAt', value: (r, tz) => onDistrictClock(r.dueAt, tz) },
  { name: 'rating', value: (r) => (r.rating === null ? '' : String(r.rating)) },
  { name: 'createdAt', value: (r, tz) => onDistrictClock(r.createdAt, tz) },
  { name: 'updatedAt', value: (r, tz) => onDistrictClock(r.updatedAt, tz) },
];

/** The filter's fields as query parameters: `status=ACCEPTED,CLAIMED`, `duplicate=false`, `under=<id>`. */
function filterOf(platform: Platform, url: URL): Record<string, unknown> {
  const type = platform.schema.getType('RequestFilter');
  if (!(type instanceof GraphQLInputObjectType)) throw new Error('The composed schema has no RequestFilter input.');
  const fields = type.getFields();
  const filter: Record<string, unknown> = {};
  for (const [name, given] of url.searchParams) {
    const field = fields[name];
    if (!field) {
      throw gatewayMessages.exportUnknownParameter.topLevel({ name, parameters: Object.keys(fields).join(', ') });
    }
    filter[name] = parameterValue(field.type, given);
  }
  return filter;
}

/** A parameter's text as its filter field takes it: a list by commas, a Boolean from true or false; GraphQL checks the rest. */
function parameterValue(type: GraphQLInputType, given: string): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    return given
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((item) => parameterValue(inner.ofType, item));
  }
  if (getNamedType(inner).name === 'Boolean') return given === 'true' ? true : given === 'false' ? false : given;
  return given;
}

/** Resolves once the response takes more (or the client has gone). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.once('drain', done).once('close', done);
  });
}

/** The HTTP status of an operation's first error. */
function statusOf(error: GraphQLError): number {
  switch (error.extensions.code) {
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'RATE_LIMITED':
      return 429;
    case 'DATABASE_UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
    default:
      // Input the API refuses: a filter value of the wrong kind (graphql-js says so without a code), a bad id.
      return 400;
  }
}

/**
 * `GET /export/requests.csv?under=<id>&status=…`: the requests the caller's `requests(filter:)`
 * lists, every page of them, newest first, as a CSV file a spreadsheet opens (UTF-8 with a byte
 * order mark, so Excel reads Chinese; CRLF lines; dates on the district's clock). The query's
 * parameters are `RequestFilter`'s fields. The rows are written as they are read, so an export
 * of a whole district holds one page in memory; each page of 100 rows costs one operation of the
 * caller's rate limit, and one past the limit waits its turn rather than failing. An error before
 * the first row is answered as /graphql answers it (with its HTTP status); a fault after it ends
 * the response abruptly, so a cut file is never taken for a whole one.
 */
export function requestsExportHandler(options: ExportOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { platform } = options;
  /** Answers an error as /graphql would, formatted once (a fault masked); its status from its code unless given. */
  const sendError = (res: ServerResponse, status: number | null, error: GraphQLError, headers: Record<string, string> = {}) => {
    const formatted = formatResult({ errors: [error] }, options.formatError).errors?.at(0) ?? error;
    res.writeHead(status ?? statusOf(formatted), { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify({ errors: [{ message: formatted.message, extensions: formatted.extensions }] }));
  };

  return (req, res, url) =>
    inOperation(req.headers['x-request-id'], async ({ requestId }) => {
      res.setHeader('x-request-id', requestId);
      if (req.method !== 'GET') {
        return sendError(res, 405, gatewayMessages.exportGetOnly.topLevel({ method: req.method ?? '?' }), { allow: 'GET' });
      }
      let caller: Caller | null;
      try {
        caller = await options.resolveCaller({ transport: 'http', headers: req.headers });
      } catch (err) {
        if (isDatabaseUnavailable(err) || !(err instanceof GraphQLError)) throw err;
        return sendError(res, 401, err, { 'www-authenticate': 'Bearer' });
      }
      if (!caller) return sendError(res, 401, gatewayMessages.exportNeedsCredential.topLevel(), { 'www-authenticate': 'Bearer' });
      let filter: Record<string, unknown>;
      try {
        filter = filterOf(platform, url);
      } catch (err) {
        if (!(err instanceof GraphQLError)) throw err;
        return sendError(res, 400, err);
      }
      const address = req.socket.remoteAddress;
      const refused = await options.rateLimit(caller, address);
      if (refused > 0) return sendError(res, 429, rateLimitedError(refused), { 'retry-after': String(refused) });

      let closed = false;
      res.once('close', () => (closed = true));
      const timeZone = platform.info.timeZone;
      let after: string | null = null;
      let rows = 0;
      for (;;) {
        const result = await execute({
          schema: platform.schema,
          document: PAGE_DOCUMENT,
          variableValues: { filter, after },
          contextValue: platform.createContext(caller),
        });
        const page = (result.data as Page | null | undefined)?.requests;
        if (result.errors?.length || !page) {
          const error = result.errors?.at(0) ?? gatewayMessages.serverError.topLevel();
          if (!res.headersSent) return sendError(res, null, error);
          platform.logger.warn({ requestId, rows, err: error }, 'a requests export failed after its first rows');
          res.destroy();
          return;
        }
        if (!res.headersSent) {
          const day = localDate(platform.now(), timeZone);
          res.writeHead(200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="requests-${day}.csv"`,
            'cache-control': 'no-store',
          });
          res.write(`\uFEFF${csvLine(COLUMNS.map((c) => words[c.name].text[currentLocale()]))}`);
        }
        const chunk = page.nodes.map((row) => csvLine(COLUMNS.map((c) => c.value(row, timeZone)))).join('');
        rows += page.nodes.length;
        if (!res.write(chunk)) await drained(res);
        if (closed) return;
        if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
        after = page.pageInfo.endCursor;
        // The next page is one more operation of the caller's budget: past it, the export waits its turn.
        for (let wait = await options.rateLimit(caller, address); wait > 0 && !closed; wait = await options.rateLimit(caller, address)) {
          await sleep(wait * 1000);
        }
        if (closed) return;
      }
      res.end();
      platform.logger.info({ requestId, caller: `${caller.kind}:${caller.id}`, filter, rows }, 'requests exported');
    });
}
