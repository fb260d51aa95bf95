import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Caller,
  type CheckedExport,
  type ExportColumn,
  currentLocale,
  type Locale,
  localDate,
  localDateTime,
  type Platform,
} from '@gongzhi/core';
import { execute, getNamedType, GraphQLError, type GraphQLInputType, isListType, isNonNullType } from 'graphql';
import { csvLine } from './csv.js';
import { sendOperationError, signedInCaller } from './route-answers.js';
import { gatewayMessages } from './messages.js';
import { type errorFormatter, inOperation } from './operations.js';
import { rateLimitedError } from './security.js';
import type { ResolveCaller } from './websocket.js';

/** Where the spreadsheets are (台账导出): `/export/<name>.csv`, one per export core and the plugins declare. */
export const EXPORT_PREFIX = '/export/';

export interface ExportOptions {
  platform: Platform;
  /** The same credential check as /graphql. */
  resolveCaller: ResolveCaller;
  /** The same rate limiter as /graphql: seconds to wait, or 0. Each page of rows costs one operation. */
  rateLimit: (caller: Caller | null, address: string | undefined) => number | Promise<number>;
  /** The same error formatter as /graphql (faults masked, messages in the request's language). */
  formatError: ReturnType<typeof errorFormatter>;
}

/** One page of an export's answer: the rows and whether more follow. */
interface Page {
  nodes: Record<string, unknown>[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Whether a value read at an export's path is a page of its connection. */
function isPage(value: unknown): value is Page {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as Page).nodes) && typeof (value as Page).pageInfo === 'object'
  );
}

/** How a cell lists the values of a list (the people met, a visit's checks), in each locale. */
const LIST_SEPARATOR: Record<Locale, string> = { en: '; ', 'zh-CN': '；' };

/** The values at `path` of a row: one, or one per element of each list on the way (null where an element has none). */
function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(value)) return value.flatMap((element) => valuesAt(element, path));
  const [key, ...rest] = path;
  if (key === undefined || value === null || value === undefined) return [value ?? null];
  return valuesAt((value as Record<string, unknown>)[key], rest);
}

/**
 * The value at `path` of a row, as a cell: words for enum values, the district's clock for
 * moments, numbers as numbers; the values of a list one after another, each in its place (an element without one
 * leaves its place empty, so the checks' items and results line up).
 */
function cell(row: Record<string, unknown>, column: ExportColumn, spreadsheet: CheckedExport, timeZone: string): string | number {
  const values = valuesAt(row, column.path);
  // A number alone stays a number (a negative one is no formula); a fraction to four places (a rate: 0.8571).
  const [only] = values;
  if (values.length === 1 && typeof only === 'number') return Number.isInteger(only) ? only : Math.round(only * 10_000) / 10_000;
  const texts = values.map((value) => {
    if (value === null || value === undefined) return '';
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (column.moment) return localDateTime(new Date(text), timeZone);
    return (column.worded && spreadsheet.words?.[text]?.[currentLocale()]) || text;
  });
  return texts.every((text) => text === '') ? '' : texts.join(LIST_SEPARATOR[currentLocale()]);
}

/**
 * The download's parameters as the export's variables: an input object variable takes its fields
 * (`status=ACCEPTED,CLAIMED`, `duplicate=false`, `under=<id>`), any other variable its own name;
 * `after` is the export's. A list is given by commas, a Boolean as true or false, a number as digits.
 */
function variablesOf(spreadsheet: CheckedExport, url: URL): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const [name, given] of url.searchParams) {
    const slot = spreadsheet.parameters.find((p) => p.name === name);
    if (!slot) {
      const parameters = spreadsheet.parameters.map((p) => p.name).join(', ') || '—';
      throw gatewayMessages.exportUnknownParameter.topLevel({ name, parameters });
    }
    const value = parameterValue(slot.type, given);
    if (slot.field) variables[slot.variable] = { ...(variables[slot.variable] as object | undefined), [slot.field]: value };
    else variables[slot.variable] = value;
  }
  return variables;
}

/** A parameter's text as its variable or field takes it: a list by commas, a Boolean, a number; GraphQL checks the rest. */
function parameterValue(type: GraphQLInputType, given: string): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    return given
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((item) => parameterValue(inner.ofType, item));
  }
  const name = getNamedType(inner).name;
  if (name === 'Boolean') return given === 'true' ? true : given === 'false' ? false : given;
  if ((name === 'Int' || name === 'Float') && /^-?\d+(\.\d+)?$/.test(given)) return Number(given);
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

/**
 * `GET /export/<name>.csv?…`: every page of an export's query run as the caller (`requests`:
 * what `requests(filter:)` lists, newest first), as a CSV file a spreadsheet opens (UTF-8 with a
 * byte order mark, so Excel reads Chinese; CRLF lines; moments on the district's clock; headings
 * and enum values in the request's language). The parameters are the query's variables. The rows are written as they are read, so an export
 * of a whole district holds one page in memory; each page of 100 rows costs one operation of the
 * caller's rate limit, and one past the limit waits its turn rather than failing. An error before
 * the first row is answered as /graphql answers it (with its HTTP status); a fault after it ends
 * the response abruptly, so a cut file is never taken for a whole one.
 */
export function exportHandler(options: ExportOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { platform } = options;
  const sendError = (res: ServerResponse, status: number | null, error: GraphQLError, headers: Record<string, string> = {}) =>
    sendOperationError(res, options.formatError, status, error, headers);

  return (req, res, url) =>
    inOperation(req.headers['x-request-id'], async ({ requestId }) => {
      res.setHeader('x-request-id', requestId);
      const name = /^\/export\/([^/]+)\.csv$/.exec(url.pathname)?.[1];
      const spreadsheet = platform.spreadsheetExports.find((e) => e.name === name);
      if (!spreadsheet) {
        const exports = platform.spreadsheetExports.map((e) => `${EXPORT_PREFIX}${e.name}.csv`).join(', ');
        return sendError(res, 404, gatewayMessages.exportNotFound.topLevel({ path: url.pathname, exports }));
      }
      if (req.method !== 'GET') {
        return sendError(res, 405, gatewayMessages.exportGetOnly.topLevel({ method: req.method ?? '?' }), { allow: 'GET' });
      }
      const caller = await signedInCaller(req, res, options, gatewayMessages.exportNeedsCredential.topLevel());
      if (!caller) return;
      let variables: Record<string, unknown>;
      try {
        variables = variablesOf(spreadsheet, url);
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
          document: spreadsheet.document,
          variableValues: { ...variables, after },
          contextValue: platform.createContext(caller),
        });
        let page: unknown = result.data;
        for (const key of spreadsheet.path) page = page === null || page === undefined ? null : (page as Record<string, unknown>)[key];
        if (result.errors?.length || !isPage(page)) {
          // No error and no page: a row on the way (node(id:)) the caller does not see, or of another type.
          const error =
            result.errors?.at(0) ??
            (result.data
              ? gatewayMessages.exportNothingThere.topLevel({ given: url.search.slice(1) || '?' })
              : gatewayMessages.serverError.topLevel());
          if (!res.headersSent) return sendError(res, null, error);
          platform.logger.warn({ requestId, rows, err: error }, 'an export failed after its first rows');
          res.destroy();
          return;
        }
        if (!res.headersSent) {
          const day = localDate(platform.now(), timeZone);
          res.writeHead(200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${spreadsheet.name}-${day}.csv"`,
            'cache-control': 'no-store',
          });
          res.write(`\uFEFF${csvLine(spreadsheet.columnList.map((c) => c.heading[currentLocale()]))}`);
        }
        const chunk = page.nodes.map((row) => csvLine(spreadsheet.columnList.map((c) => cell(row, c, spreadsheet, timeZone)))).join('');
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
      platform.logger.info(
        { requestId, caller: `${caller.kind}:${caller.id}`, export: spreadsheet.name, variables, rows },
        'exported a spreadsheet',
      );
    });
}
