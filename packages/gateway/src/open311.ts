import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  canSee,
  type Caller,
  currentLocale,
  fromGlobalId,
  type GongzhiContext,
  isDatabaseUnavailable,
  localizedMessage,
  type Message,
  Permission,
  Person,
  Place,
  PlaceType,
  type Platform,
  readSensitive,
  Request as ServiceRequest,
  RequestChannel,
  requestIdOfClientToken,
  RequestKind,
  RequestLevel,
  RequestPriority,
  RequestStatus,
  runCommand,
  checkPhotoUrl,
  scopeCondition,
  submitRequestOnce,
  toGlobalId,
} from '@gongzhi/core';
import { GraphQLError } from 'graphql';
import { BodyTooLarge, readBody } from './http-body.js';
import { gatewayMessages, open311Messages } from './messages.js';
import { DATABASE_RETRY_AFTER_SECONDS, inOperation } from './operations.js';
import type { ResolveCaller } from './websocket.js';

/** Where the Open311 GeoReport v2 façade answers. */
export const OPEN311_PATH = '/open311/v2';

/** GeoReport v2's default window of `GET requests` and its widest allowed range. */
export const OPEN311_MAX_DAYS = 90;
/** GeoReport v2's most rows in one `GET requests` answer. */
export const OPEN311_MAX_ROWS = 1000;
/** How far (metres) from `lat`/`long` a place with coordinates may be to take a request. */
export const OPEN311_NEAREST_PLACE_METRES = 1000;

const DAY_MS = 86_400_000;

/** Whether `pathname` belongs to the Open311 façade. */
export function isOpen311Path(pathname: string): boolean {
  return pathname === OPEN311_PATH || pathname.startsWith(`${OPEN311_PATH}/`);
}

export interface Open311Options {
  platform: Platform;
  /** The same credential check as /graphql (an API key is looked up by its hash). */
  resolveCaller: ResolveCaller;
  /** The same rate limiter as /graphql: seconds to wait, or 0. */
  rateLimit: (caller: Caller | null, address: string | undefined) => number | Promise<number>;
  /** The same body limit as /graphql. */
  maxBodyBytes: number;
}

type Format = 'json' | 'xml';

/** An answer in GeoReport's error format: `[{ code, description }]` with the HTTP status as code. */
class Open311Error extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The parameters of a catalog message, none when its text has no placeholder. */
type ParamsOf<P> = [keyof P] extends [never] ? [] : [params: P];

/**
 * An error told in the request's language: the HTTP server runs every request in the locale its
 * `Accept-Language` negotiates (`GONGZHI_DEFAULT_LOCALE` without one), as for /graphql.
 */
function open311Error<P extends object>(status: number, message: Message<P>, params: P, headers?: Record<string, string>): Open311Error {
  return new Open311Error(status, message.render(currentLocale(), params), headers);
}

const withStatus =
  (status: number) =>
  <P extends object>(message: Message<P>, ...params: ParamsOf<P>): Open311Error =>
    open311Error(status, message, (params[0] ?? {}) as P);
const bad = withStatus(400);
const forbidden = withStatus(403);
const notFound = withStatus(404);

const SERVICE_CODES = Object.values(RequestKind).join(', ');

// ---------------------------------------------------------------------------------------------
// Services: one per request kind.

interface ServiceAttribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string | null;
  order: number;
  description: string;
  values?: { key: string; name: string }[];
}

const SERVICES: Record<RequestKind, { name: string; description: string; keywords: string }> = {
  [RequestKind.NEED]: {
    name: '需求 Need',
    description: '居民需要帮忙的事：取药、维修、陪诊。Something a resident needs done.',
    keywords: '需求, need, help',
  },
  [RequestKind.COMPLAINT]: {
    name: '投诉 Complaint',
    description: '对环境、设施、服务的投诉。A complaint about surroundings, facilities or services.',
    keywords: '投诉, complaint',
  },
  [RequestKind.REPORT]: {
    name: '上报 Report',
    description: '发现的问题：安全隐患、环境卫生、纠纷。A problem seen: a hazard, litter, a dispute.',
    keywords: '上报, report, hazard',
  },
  [RequestKind.PRAISE]: {
    name: '表扬 Praise',
    description: '表扬信：感谢帮助过你的人。A praise letter for someone who helped.',
    keywords: '表扬, praise, thanks',
  },
  [RequestKind.WISH]: {
    name: '微心愿 Wish',
    description: '心愿墙上的微心愿，由党员认领。A micro-wish for the wish wall.',
    keywords: '微心愿, wish',
  },
};

const LEVEL_NAMES: Record<RequestLevel, string> = {
  [RequestLevel.GRID]: '网格 grid',
  [RequestLevel.COMMUNITY]: '社区 community',
  [RequestLevel.SUBDISTRICT]: '街道 subdistrict',
};

/** Statuses GeoReport calls closed; every other status is open. */
const CLOSED_STATUSES: readonly RequestStatus[] = [RequestStatus.RESOLVED, RequestStatus.CLOSED, RequestStatus.REJECTED];
const OPEN_STATUSES = Object.values(RequestStatus).filter((s) => !CLOSED_STATUSES.includes(s));

function attributesOf(kind: RequestKind): ServiceAttribute[] {
  const attributes: ServiceAttribute[] = [
    {
      variable: true,
      code: 'category',
      datatype: 'string',
      required: false,
      datatype_description: 'Free text, e.g. 环境卫生, 设施维修.',
      order: 1,
      description: '分类 Category',
    },
    {
      variable: true,
      code: 'priority',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: null,
      order: 2,
      description: '紧急程度 Priority (normal when not given)',
      values: [
        { key: RequestPriority.LOW, name: '低 low' },
        { key: RequestPriority.NORMAL, name: '一般 normal' },
        { key: RequestPriority.HIGH, name: '高 high' },
        { key: RequestPriority.URGENT, name: '紧急 urgent' },
      ],
    },
  ];
  if (kind === RequestKind.PRAISE) {
    attributes.push({
      variable: true,
      code: 'praised_person_id',
      datatype: 'string',
      required: false,
      datatype_description: 'The id of a Person, as the GraphQL API returns it.',
      order: 3,
      description: '被表扬的人 The person praised',
    });
  }
  return attributes;
}

function serviceList(): Record<string, unknown>[] {
  return Object.values(RequestKind).map((kind) => ({
    service_code: kind,
    service_name: SERVICES[kind].name,
    description: SERVICES[kind].description,
    metadata: true,
    type: 'realtime',
    keywords: SERVICES[kind].keywords,
    group: '诉求 requests',
  }));
}

/** The request kind a service code names, if any. */
function findKind(code: string): RequestKind | undefined {
  return Object.values(RequestKind).find((k) => (k as string) === code);
}

function kindOf(code: string, parameter = 'service_code'): RequestKind {
  const kind = findKind(code);
  if (!kind) throw bad(open311Messages.unknownServiceCode, { parameter, code, services: SERVICE_CODES });
  return kind;
}

// ---------------------------------------------------------------------------------------------
// Formats.

function escapeXml(text: string): string {
  // Element text only (no attributes are written), so quotes stay as they are.
  return text.replace(/[&<>]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt' }[c]};`);
}

/** The element name of one item of a list element (`attributes` › `attribute`). */
const ITEM_NAMES: Record<string, string> = {
  attributes: 'attribute',
  values: 'value',
  endpoints: 'endpoint',
  formats: 'format',
};

function xmlElement(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<${name}/>`;
  if (Array.isArray(value)) return `<${name}>${value.map((item) => xmlElement(ITEM_NAMES[name] ?? 'item', item)).join('')}</${name}>`;
  if (typeof value === 'object') {
    return `<${name}>${Object.entries(value)
      .map(([key, inner]) => xmlElement(key, inner))
      .join('')}</${name}>`;
  }
  return `<${name}>${escapeXml(typeof value === 'string' ? value : JSON.stringify(value))}</${name}>`;
}

/** The root element and item element of each answer in XML, as the spec's examples name them. */
interface XmlShape {
  root: string;
  item?: string;
}

function send(
  res: ServerResponse,
  format: Format,
  status: number,
  body: unknown,
  xml: XmlShape,
  headers: Record<string, string> = {},
): void {
  if (format === 'json') {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
    return;
  }
  const content = Array.isArray(body)
    ? `<${xml.root}>${body.map((item) => xmlElement(xml.item ?? 'item', item)).join('')}</${xml.root}>`
    : xmlElement(xml.root, body);
  res.writeHead(status, { 'content-type': 'text/xml; charset=utf-8', ...headers });
  res.end(`<?xml version="1.0" encoding="utf-8"?>${content}`);
}

function sendError(res: ServerResponse, format: Format, error: Open311Error): void {
  send(res, format, error.status, [{ code: error.status, description: error.message }], { root: 'errors', item: 'error' }, error.headers);
}

const REQUESTS_XML: XmlShape = { root: 'service_requests', item: 'request' };

// ---------------------------------------------------------------------------------------------
// Parameters.

type Params = Map<string, string>;

function param(params: Params, name: string): string | undefined {
  const value = params.get(name)?.trim();
  return value ? value : undefined;
}

function parseDate(params: Params, name: string): Date | undefined {
  const text = param(params, name);
  if (text === undefined) return undefined;
  const date = new Date(text);
  // W3C date-times (ISO 8601 with a time zone), as the spec asks.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(date.getTime())) {
    throw bad(open311Messages.dateMalformed, { name, given: text });
  }
  return date;
}

function parseNumber(params: Params, name: string, min: number, max: number): number | undefined {
  const text = param(params, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || value > max) throw bad(open311Messages.numberOutOfRange, { name, min, max, given: text });
  return value;
}

function list(params: Params, name: string): string[] {
  return (param(params, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// The handler.

/**
 * The Open311 GeoReport v2 façade (https://wiki.open311.org/GeoReport_v2) over core requests:
 * services are request kinds; `api_key` is a Gongzhi API key with its places and permissions;
 * `jurisdiction_id` is a district's place code. See docs/open311.md for the field mapping.
 */
export function open311Handler(options: Open311Options): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { platform } = options;

  return async (req, res, url) => {
    const rest = url.pathname.slice(OPEN311_PATH.length);
    const match = /^\/(.+)\.(json|xml)$/.exec(rest);
    const format: Format = match?.[2] === 'xml' ? 'xml' : 'json';
    let requestId: string | undefined;
    try {
      if (!match) {
        throw notFound(open311Messages.notAResource, { path: OPEN311_PATH });
      }
      const resource = match[1]!;
      const method = req.method ?? 'GET';
      const allowed = resource === 'requests' ? ['GET', 'POST'] : ['GET'];
      if (!allowed.includes(method)) {
        const allow = allowed.join(', ');
        throw open311Error(405, open311Messages.methodNotAllowed, { method, allowed: allow }, { allow });
      }
      const params: Params = new Map(url.searchParams);
      if (method === 'POST') {
        const type = req.headers['content-type'] ?? '';
        if (!type.includes('application/x-www-form-urlencoded')) {
          throw bad(open311Messages.formRequired);
        }
        for (const [key, value] of new URLSearchParams(await readBody(req, options.maxBodyBytes))) params.set(key, value);
        // Clients that cannot add a form field may send the token as an Idempotency-Key header (IETF draft).
        const header = req.headers['idempotency-key'];
        if (typeof header === 'string' && !param(params, 'client_token')) params.set('client_token', header);
      }
      const caller = await callerOf(req, params);
      const retryAfter = await options.rateLimit(caller, req.socket.remoteAddress);
      if (retryAfter > 0) {
        throw open311Error(429, open311Messages.rateLimited, { retryAfter }, { 'retry-after': String(retryAfter) });
      }
      await inOperation(req.headers['x-request-id'], async ({ requestId: id }) => {
        requestId = id;
        res.setHeader('x-request-id', id);
        const started = Date.now();
        await route(res, format, resource, method, params, publicBase(req, url), platform.createContext(caller));
        platform.logger.info(
          { requestId: id, open311: `${method} ${resource}.${format}`, status: res.statusCode, ms: Date.now() - started },
          'open311',
        );
      });
    } catch (err) {
      if (err instanceof Open311Error) return sendError(res, format, err);
      if (err instanceof BodyTooLarge)
        return sendError(res, format, open311Error(413, gatewayMessages.bodyTooLarge, { max: options.maxBodyBytes }));
      if (isDatabaseUnavailable(err)) {
        platform.logger.warn({ err }, 'open311: the database is unavailable');
        const retryAfter = DATABASE_RETRY_AFTER_SECONDS;
        return sendError(
          res,
          format,
          open311Error(503, gatewayMessages.databaseUnavailable, { retryAfter }, { 'retry-after': String(retryAfter) }),
        );
      }
      platform.logger.error({ err, requestId }, 'open311 request failed');
      return sendError(
        res,
        format,
        requestId ? open311Error(500, open311Messages.internal, { requestId }) : open311Error(500, gatewayMessages.serverError, {}),
      );
    }
  };

  /** The address clients reach this server at (the Host they asked), for discovery. */
  function publicBase(req: IncomingMessage, url: URL): string {
    const host = req.headers.host && /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host) ? req.headers.host : url.host;
    return `http://${host}${OPEN311_PATH}`;
  }

  /** `api_key` (a Gongzhi API key), else the Authorization header; a wrong credential is a 403. */
  async function callerOf(req: IncomingMessage, params: Params): Promise<Caller | null> {
    const apiKey = param(params, 'api_key');
    if (apiKey !== undefined && !apiKey.startsWith('gz_')) {
      throw forbidden(open311Messages.apiKeyMalformed);
    }
    try {
      return await options.resolveCaller({
        transport: 'http',
        headers: apiKey === undefined ? req.headers : { ...req.headers, authorization: `Bearer ${apiKey}` },
      });
    } catch (err) {
      // A credential error from the catalogs, told in the request's language.
      if (err instanceof GraphQLError) throw new Open311Error(403, localizedMessage(err, currentLocale()) ?? err.message);
      throw err;
    }
  }
}

async function route(
  res: ServerResponse,
  format: Format,
  resource: string,
  method: string,
  params: Params,
  endpoint: string,
  ctx: GongzhiContext,
): Promise<void> {
  const jurisdiction = await jurisdictionOf(ctx, params);
  if (resource === 'discovery') {
    return send(res, format, 200, discovery(endpoint), { root: 'discovery' });
  }
  if (resource === 'services') return send(res, format, 200, serviceList(), { root: 'services', item: 'service' });
  const service = /^services\/([^/]+)$/.exec(resource);
  if (service) {
    const code = decodeURIComponent(service[1]!);
    const kind = findKind(code);
    if (!kind) throw notFound(open311Messages.serviceNotFound, { code, services: SERVICE_CODES });
    return send(res, format, 200, { service_code: kind, attributes: attributesOf(kind) }, { root: 'service_definition' });
  }
  if (resource === 'requests' && method === 'POST') {
    const { body, created } = await postRequest(ctx, params, jurisdiction);
    return send(res, format, created ? 201 : 200, [body], REQUESTS_XML);
  }
  if (resource === 'requests') {
    const rows = await findRequests(ctx, params, jurisdiction);
    return send(res, format, 200, await describeAll(ctx, rows, endpoint), REQUESTS_XML);
  }
  const one = /^requests\/([^/]+)$/.exec(resource);
  if (one) {
    const id = decodeURIComponent(one[1]!);
    const [row] = await loadRequests(ctx, [id], jurisdiction);
    if (!row) throw notFound(open311Messages.requestNotFound, { id });
    return send(res, format, 200, await describeAll(ctx, [row], endpoint), REQUESTS_XML);
  }
  const token = /^tokens\/([^/]+)$/.exec(resource);
  if (token) {
    const text = decodeURIComponent(token[1]!);
    if (!ctx.caller) throw forbidden(open311Messages.tokensNeedKey);
    const uuid = await requestIdOfClientToken(ctx, ctx.caller.id, text);
    const [row] = uuid ? await loadRequests(ctx, [toGlobalId('Request', uuid)], jurisdiction) : [];
    if (!row) throw notFound(open311Messages.tokenNotFound, { token: text });
    return send(res, format, 200, [{ service_request_id: toGlobalId('Request', row.uuid), token: text }], REQUESTS_XML);
  }
  throw notFound(open311Messages.unknownResource, { resource: `${resource}.${format}` });
}

function discovery(endpoint: string): Record<string, unknown> {
  const changeset = '2026-12-01T00:00:00Z';
  return {
    changeset,
    contact: 'Gongzhi 共治: ask the operator of this server.',
    key_service: 'API keys are issued by an administrator of this server (gongzhi api-key create, or the createApiKey mutation).',
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: endpoint,
        changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

/** `jurisdiction_id`: the district with that place code, or 404. */
async function jurisdictionOf(ctx: GongzhiContext, params: Params): Promise<Place | null> {
  const code = param(params, 'jurisdiction_id');
  if (code === undefined) return null;
  const district = await ctx.em.findOne(Place, { code, type: PlaceType.DISTRICT });
  if (!district) throw notFound(open311Messages.jurisdictionNotFound, { code });
  return district;
}

// ---------------------------------------------------------------------------------------------
// Reading requests.

async function findRequests(ctx: GongzhiContext, params: Params, jurisdiction: Place | null): Promise<ServiceRequest[]> {
  const ids = list(params, 'service_request_id');
  // The spec: with service_request_id every other filter is ignored.
  if (ids.length) {
    if (ids.length > OPEN311_MAX_ROWS) throw bad(open311Messages.tooManyIds, { max: OPEN311_MAX_ROWS });
    return loadRequests(ctx, ids, jurisdiction);
  }
  const where: Record<string, unknown>[] = [];
  const kinds = list(params, 'service_code').map((code) => kindOf(code));
  if (kinds.length) where.push({ kind: { $in: kinds } });
  const statuses = list(params, 'status');
  for (const status of statuses) {
    if (status !== 'open' && status !== 'closed') throw bad(open311Messages.statusInvalid, { given: status });
  }
  if (statuses.length === 1) where.push({ status: { $in: statuses[0] === 'open' ? OPEN_STATUSES : CLOSED_STATUSES } });
  let start = parseDate(params, 'start_date');
  let end = parseDate(params, 'end_date');
  if (!start && !end) end = ctx.now();
  if (!start) start = new Date(end!.getTime() - OPEN311_MAX_DAYS * DAY_MS);
  if (!end) end = new Date(start.getTime() + OPEN311_MAX_DAYS * DAY_MS);
  if (end < start) throw bad(open311Messages.endBeforeStart);
  if (end.getTime() - start.getTime() > OPEN311_MAX_DAYS * DAY_MS) {
    throw bad(open311Messages.rangeTooLong, { max: OPEN311_MAX_DAYS });
  }
  where.push({ createdAt: { $gte: start, $lte: end } });
  return scopedFind(ctx, where, jurisdiction);
}

/** Requests by their ids (global ids; others find nothing), as the caller may see them. */
async function loadRequests(ctx: GongzhiContext, ids: string[], jurisdiction: Place | null): Promise<ServiceRequest[]> {
  const uuids = ids
    .map((id) => fromGlobalId(id))
    .filter((g) => g?.type === 'Request' && /^[0-9a-f-]{36}$/i.test(g.id))
    .map((g) => g!.id);
  if (!uuids.length) return [];
  return scopedFind(ctx, [{ uuid: { $in: uuids } }], jurisdiction);
}

/** The requests matching `where` within the caller's places (and the jurisdiction), newest first, at most 1000. */
async function scopedFind(ctx: GongzhiContext, where: Record<string, unknown>[], jurisdiction: Place | null): Promise<ServiceRequest[]> {
  const access = await ctx.access();
  // As the GraphQL `requests` query: the caller's places, and a signed-in person's own requests.
  const scope = scopeCondition<Record<string, unknown>>(
    access,
    (pattern) => ({ placePath: { $like: pattern } }),
    ...(access.personId ? [{ requester: access.personId }] : []),
  );
  if (scope === null) return [];
  if (scope) where.push(scope);
  if (jurisdiction) where.push({ placePath: { $like: `${jurisdiction.path}%` } });
  return ctx.em.find(
    ServiceRequest,
    { $and: where },
    { populate: ['place'], orderBy: [{ createdAt: 'desc' }, { uuid: 'desc' }], limit: OPEN311_MAX_ROWS },
  );
}

/**
 * The GeoReport view of requests. A household is where someone lives: unless the caller may read
 * personal data there (`sensitive.read`), a request at a household shows its building instead.
 * The callback phone is shown (as `phone`) only with `sensitive.read`, and each read is logged.
 */
async function describeAll(ctx: GongzhiContext, rows: ServiceRequest[], endpoint: string): Promise<Record<string, unknown>[]> {
  const access = await ctx.access();
  const hidden = new Set(rows.filter((r) => r.place.type === PlaceType.HOUSEHOLD && !access.can(Permission.SENSITIVE_READ, r.placePath)));
  // The ancestors of hidden households, in one statement, to show the nearest building (or the parent).
  const ancestorIds = [...new Set([...hidden].flatMap((r) => r.placePath.split('/').filter(Boolean)))];
  const ancestors = ancestorIds.length ? await ctx.em.find(Place, { uuid: { $in: ancestorIds } }) : [];
  const byId = new Map(ancestors.map((p) => [p.uuid, p]));
  const shownPlace = (request: ServiceRequest): Place => {
    if (!hidden.has(request)) return request.place;
    const chain = request.placePath
      .split('/')
      .filter(Boolean)
      .slice(0, -1)
      .map((id) => byId.get(id))
      .filter((p): p is Place => !!p);
    return chain.findLast((p) => p.type === PlaceType.BUILDING) ?? chain.at(-1) ?? request.place;
  };
  // GeoReport's one picture: each request's first photo, all in one statement; an uploaded one by
  // its signed link on this server (the caller sees the request, as RequestPhoto.url's reader does).
  const firstPhotos = rows.length
    ? await ctx.em.execute<{ request_id: string; url: string | null; upload_id: string | null }[]>(
        `SELECT DISTINCT ON (request_id) request_id, url, upload_id FROM request_photo WHERE request_id = ANY (string_to_array(?, ',')::uuid[]) ORDER BY request_id, at, seq`,
        [rows.map((r) => r.uuid).join(',')],
      )
    : [];
  const origin = endpoint.slice(0, -OPEN311_PATH.length);
  const mediaUrls = new Map(firstPhotos.map((p) => [p.request_id, p.url ?? `${origin}${ctx.photoLinks.path(p.upload_id!, ctx.now())}`]));
  const phones = await Promise.all(
    rows.map(async (r) =>
      r.callbackPhone && (await readSensitive(ctx, r.uuid, 'request.callbackPhone', [r.placePath])) ? r.callbackPhone : null,
    ),
  );
  return rows.map((request, i) => {
    const place = shownPlace(request);
    const closed = CLOSED_STATUSES.includes(request.status);
    return {
      service_request_id: toGlobalId('Request', request.uuid),
      status: closed ? 'closed' : 'open',
      status_notes: request.duplicateOf
        ? 'Gongzhi status: closed as a duplicate (重复件), merged into another request and handled there'
        : `Gongzhi status: ${request.status}`,
      service_name: SERVICES[request.kind].name,
      service_code: request.kind,
      description: descriptionOf(request),
      agency_responsible: LEVEL_NAMES[request.level],
      service_notice: null,
      requested_datetime: request.createdAt.toISOString(),
      updated_datetime: request.updatedAt.toISOString(),
      expected_datetime: request.dueAt ? request.dueAt.toISOString() : null,
      address: place.address ?? place.name,
      address_id: place.code,
      zipcode: null,
      lat: place.latitude ?? null,
      long: place.longitude ?? null,
      media_url: mediaUrls.get(request.uuid) ?? null,
      ...(phones[i] ? { phone: phones[i] } : {}),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Posting a request.

/** GeoReport has one text: the description, with the title first unless the description already starts with it. */
function descriptionOf(request: ServiceRequest): string {
  if (!request.description) return request.title;
  const title = request.title.replace(/…$/, '');
  return request.description.startsWith(title) ? request.description : `${request.title}\n${request.description}`;
}

/** The request's place: `address_id` (a place code), else the nearest place with coordinates to `lat`/`long`. */
async function placeOf(ctx: GongzhiContext, params: Params, jurisdiction: Place | null): Promise<Place> {
  const code = param(params, 'address_id');
  const lat = parseNumber(params, 'lat', -90, 90);
  const long = parseNumber(params, 'long', -180, 180);
  let place: Place | null;
  if (code !== undefined) {
    const found = await ctx.em.findOne(Place, { code });
    // A place the key may not see answers as one that does not exist.
    place = found && (await canSee(ctx, found)) ? found : null;
    if (!place) throw bad(open311Messages.addressIdUnknown, { code });
  } else if (lat !== undefined && long !== undefined) {
    place = await nearestPlace(ctx, lat, long, jurisdiction);
    if (!place) {
      throw bad(open311Messages.noPlaceNear, { metres: OPEN311_NEAREST_PLACE_METRES, lat, long });
    }
  } else {
    throw bad(open311Messages.locationRequired);
  }
  if (jurisdiction && !place.path.startsWith(jurisdiction.path)) {
    throw bad(open311Messages.outsideJurisdiction, { code: jurisdiction.code });
  }
  return place;
}

async function nearestPlace(ctx: GongzhiContext, lat: number, long: number, jurisdiction: Place | null): Promise<Place | null> {
  const access = await ctx.access();
  const params: unknown[] = [lat, lat, long];
  let scope = '';
  if (!access.everywhere) {
    if (!access.paths.length) return null;
    // One text parameter: the driver would spread an array into a list of values.
    scope = " AND path LIKE ANY (string_to_array(?, '|'))";
    params.push(access.paths.map((p) => `${p}%`).join('|'));
  }
  if (jurisdiction) {
    scope += ' AND path LIKE ?';
    params.push(`${jurisdiction.path}%`);
  }
  params.push(OPEN311_NEAREST_PLACE_METRES);
  // Haversine distance in metres.
  const [row] = await ctx.em.execute<{ id: string }[]>(
    `SELECT id FROM (
       SELECT id, 2 * 6371000 * asin(sqrt(
                power(sin(radians(latitude - ?) / 2), 2) +
                cos(radians(?)) * cos(radians(latitude)) * power(sin(radians(longitude - ?) / 2), 2))) AS metres
         FROM place WHERE latitude IS NOT NULL AND longitude IS NOT NULL${scope}) d
      WHERE metres <= ? ORDER BY metres LIMIT 1`,
    params,
  );
  return row ? ctx.em.findOne(Place, { uuid: row.id }) : null;
}

/** `attribute[code]` fields, checked against the service's attributes. */
function attributeValues(kind: RequestKind, params: Params): Map<string, string> {
  const known = attributesOf(kind);
  const values = new Map<string, string>();
  for (const [key, value] of params) {
    const match = /^attribute\[(.+)\]$/.exec(key);
    if (!match) continue;
    const attribute = known.find((a) => a.code === match[1]);
    if (!attribute) {
      const attributes = known.map((a) => a.code).join(', ');
      throw bad(open311Messages.attributeUnknown, { attribute: match[1], service: kind, attributes });
    }
    if (attribute.values && value.trim() && !attribute.values.some((v) => v.key === value.trim())) {
      const values = attribute.values.map((v) => v.key).join(', ');
      throw bad(open311Messages.attributeValueInvalid, { attribute: attribute.code, values, given: value });
    }
    if (value.trim()) values.set(attribute.code, value.trim());
  }
  return values;
}

/** A title for the request: the first line of the description, shortened, or the service's name. */
function titleOf(description: string, kind: RequestKind): string {
  const line = description.split('\n')[0]!.trim();
  if (!line) return SERVICES[kind].name;
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

async function postRequest(
  ctx: GongzhiContext,
  params: Params,
  jurisdiction: Place | null,
): Promise<{ body: Record<string, unknown>; created: boolean }> {
  if (!ctx.caller) throw forbidden(open311Messages.postNeedsKey);
  const code = param(params, 'service_code');
  if (code === undefined) throw bad(open311Messages.serviceCodeRequired);
  const kind = kindOf(code);
  const attributes = attributeValues(kind, params);
  const description = param(params, 'description') ?? '';
  if (description.length > 4000) throw bad(open311Messages.descriptionTooLong, { max: 4000, length: description.length });
  const phone = param(params, 'phone');
  if (!phone && ctx.caller.kind !== 'person') {
    throw bad(open311Messages.phoneRequired);
  }
  const place = await placeOf(ctx, params, jurisdiction);
  const address = param(params, 'address_string');
  const praised = attributes.get('praised_person_id');
  const praisedUuid = praised ? fromGlobalId(praised) : null;
  if (praised && (praisedUuid?.type !== 'Person' || !/^[0-9a-f-]{36}$/i.test(praisedUuid.id))) {
    throw bad(open311Messages.praisedNotAPerson, { given: praised });
  }
  const praisedPerson = praisedUuid ? await ctx.em.findOne(Person, { uuid: praisedUuid.id }) : null;
  if (praised && (!praisedPerson || !(await canSee(ctx, praisedPerson)))) {
    throw bad(open311Messages.praisedNotVisible, { given: praised });
  }
  // The client's token makes the POST idempotent; without one, a fresh token still lets tokens/{token} find it.
  const clientToken = param(params, 'client_token') ?? randomUUID();
  // GeoReport's one picture: the request's first photo (checked as any photo's address).
  const mediaUrl = param(params, 'media_url')?.trim() || null;
  if (mediaUrl) {
    try {
      checkPhotoUrl(mediaUrl, 'media_url');
    } catch {
      throw bad(open311Messages.mediaUrlInvalid, { given: mediaUrl.slice(0, 200) });
    }
  }
  const outcome = await runCommand(ctx, submitRequestOnce, {
    kind,
    channel: RequestChannel.MOBILE_REPORT,
    title: titleOf(description, kind),
    description: address ? `${description}\n地址：${address}`.trim() : description,
    place,
    category: attributes.get('category') ?? null,
    priority: (attributes.get('priority') as RequestPriority | undefined) ?? null,
    callbackPhone: phone ?? null,
    praisedPerson,
    photoUrls: mediaUrl ? [mediaUrl] : null,
    clientToken,
  });
  if (!outcome.ok) {
    const [first] = outcome.errors;
    // runCommand has told them in the request's language already.
    const message = outcome.errors.map((e) => e.message).join(' ');
    throw new Open311Error(first?.code === 'FORBIDDEN' ? 403 : 400, message);
  }
  const { request, created } = outcome.value;
  return {
    body: {
      service_request_id: toGlobalId('Request', request.uuid),
      token: clientToken,
      service_notice: created ? null : 'This client_token was sent before: this is the request it made then.',
      account_id: null,
    },
    created,
  };
}
