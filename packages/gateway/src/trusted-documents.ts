import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type Platform, type RevocationFeed, StartupError } from '@gongzhi/core';
import {
  type DocumentNode,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import type pg from 'pg';
import { gatewayMessages } from './messages.js';

/**
 * How the gateway treats GraphQL documents (`GONGZHI_TRUSTED_DOCUMENTS`):
 * - `off`: documents are sent as text; an id (`documentId`, a persisted-query hash) is refused
 *   with `PERSISTED_QUERY_NOT_SUPPORTED`, so persisted-query clients fall back to text.
 * - `allow` (the default): registered documents are served by id over POST, GET and WebSocket;
 *   any other document is still accepted as text (POST and WebSocket).
 * - `require`: only registered documents run, by id or as their exact text; anything else is
 *   refused with `TRUSTED_DOCUMENT_REQUIRED`.
 */
export type TrustedDocumentsMode = 'off' | 'allow' | 'require';

export const TRUSTED_DOCUMENTS_MODES: readonly TrustedDocumentsMode[] = ['off', 'allow', 'require'];

/** What a revocation notice names for a trusted document (core migration 0019). */
const NOTICE_PREFIX = 'trusted-document:';

/** The sha256 of a document's text, in lowercase hex: its id. */
export function documentHash(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex');
}

/** A document id as clients send it: `sha256:<hex>` (the GraphQL-over-HTTP proposal) or bare hex (APQ, manifests). */
function hashOfId(id: string): string | null {
  const hex = id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
  return /^[0-9a-fA-F]{64}$/.test(hex) ? hex.toLowerCase() : null;
}

// ---------------------------------------------------------------------------------------------
// Manifests and the registry (CLI side)
// ---------------------------------------------------------------------------------------------

/** One document of a manifest: its sha256, its text, and the name the manifest gave it. */
export interface ManifestEntry {
  sha256: string;
  body: string;
  name: string | null;
}

/**
 * Reads a persisted-document manifest: Apollo's (`{ "format": "apollo-persisted-query-manifest",
 * "version": 1, "operations": [{ "id", "name", "type", "body" }] }`) or Relay's / GraphQL Code
 * Generator's / Hive's (`{ "<id>": "<document>" }`). Every id must be the sha256 of its text
 * (bare hex or `sha256:<hex>`); anything else is refused, naming the entry.
 */
export function parseManifest(text: string, file: string): ManifestEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StartupError(`Cannot read ${file} as JSON: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new StartupError(
      `${file} is not a manifest: expected Apollo's { "format": "apollo-persisted-query-manifest", "operations": [...] } or Relay's { "<sha256>": "<document>" }.`,
    );
  const manifest = parsed as Record<string, unknown>;
  let raw: { id: unknown; body: unknown; name: unknown }[];
  if (manifest.format === 'apollo-persisted-query-manifest') {
    if (manifest.version !== 1) throw new StartupError(`${file}: only version 1 of the Apollo manifest format is known.`);
    if (!Array.isArray(manifest.operations)) throw new StartupError(`${file}: "operations" must be an array.`);
    raw = (manifest.operations as Record<string, unknown>[]).map((op) => ({ id: op?.id, body: op?.body, name: op?.name }));
  } else {
    raw = Object.entries(manifest).map(([id, body]) => ({ id, body, name: null }));
  }
  if (raw.length === 0) throw new StartupError(`${file} holds no documents.`);
  const problems: string[] = [];
  const entries: ManifestEntry[] = [];
  for (const [i, { id, body, name }] of raw.entries()) {
    const label = `entry ${i + 1}${typeof name === 'string' ? ` (${name})` : ''}`;
    if (typeof body !== 'string' || !body.trim()) {
      problems.push(`${label}: the document text is missing`);
      continue;
    }
    const sha256 = documentHash(body);
    if (typeof id !== 'string' || hashOfId(id) !== sha256) {
      problems.push(
        `${label}: its id ${JSON.stringify(id)} is not the sha256 of its text (sha256:${sha256}); generate the manifest with sha256 ids`,
      );
      continue;
    }
    entries.push({ sha256, body, name: typeof name === 'string' ? name : null });
  }
  if (problems.length) throw new StartupError(`${file} was not registered (nothing was):\n  - ${problems.join('\n  - ')}`);
  return entries;
}

/** What registering a manifest did. */
export interface RegistrationResult {
  /** Documents new to the registry, or revoked before and now back. */
  registered: ManifestEntry[];
  /** Documents that were registered already. */
  unchanged: ManifestEntry[];
}

/** The names of a document's operations (anonymous ones left out). */
function operationNames(document: DocumentNode): string[] {
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : []));
}

/** Parses and validates a document against a schema and rules; returns it, or every problem. */
function check(
  body: string,
  schema: GraphQLSchema,
  rules: readonly ValidationRule[],
  maxTokens: number,
): { document: DocumentNode; errors: readonly GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(body, { maxTokens });
  } catch (err) {
    return {
      document: { kind: Kind.DOCUMENT, definitions: [] },
      errors: [err instanceof GraphQLError ? err : new GraphQLError(String(err))],
    };
  }
  return { document, errors: validate(schema, document, [...specifiedRules, ...rules]) };
}

/** The checks a document must pass to run on this gateway: the composed schema and the abuse limits. */
export interface DocumentRules {
  schema: GraphQLSchema;
  /** The abuse-limit validation rules every operation runs under (depth, aliases, cost, introspection). */
  rules: readonly ValidationRule[];
  maxTokens: number;
}

/**
 * Registers a manifest's documents for `app`, all or none: each is validated against the
 * composed schema and the abuse limits first, and if any fails nothing is registered and every
 * failure is reported. A document revoked before is brought back.
 */
export async function registerDocuments(
  pool: pg.Pool,
  entries: readonly ManifestEntry[],
  app: string,
  checks: DocumentRules,
): Promise<RegistrationResult> {
  const problems: string[] = [];
  const names = new Map<string, string[]>();
  for (const entry of entries) {
    const { document, errors } = check(entry.body, checks.schema, checks.rules, checks.maxTokens);
    if (errors.length) {
      const where = entry.name ?? `sha256:${entry.sha256.slice(0, 12)}…`;
      problems.push(`${where}: ${errors.map((e) => e.message).join(' ')}`);
    } else names.set(entry.sha256, operationNames(document));
  }
  if (problems.length)
    throw new StartupError(
      `${problems.length} of ${entries.length} documents do not validate against this server's schema and limits; nothing was registered:\n  - ${problems.join('\n  - ')}`,
    );
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result: RegistrationResult = { registered: [], unchanged: [] };
    for (const entry of entries) {
      const { rows } = await client.query<{ changed: boolean }>(
        `INSERT INTO trusted_document (sha256, body, app, operation_names) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sha256) DO UPDATE SET revoked_at = NULL, registered_at = now(), app = EXCLUDED.app
           WHERE trusted_document.revoked_at IS NOT NULL
         RETURNING true AS changed`,
        [entry.sha256, entry.body, app, names.get(entry.sha256) ?? []],
      );
      (rows.length ? result.registered : result.unchanged).push(entry);
    }
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A registered document as `gongzhi documents list` shows it. */
export interface TrustedDocumentRow {
  sha256: string;
  app: string;
  operationNames: string[];
  registeredAt: Date;
  revokedAt: Date | null;
}

/** Every registered document (revoked ones too), by app and registration time. */
export async function listDocuments(pool: pg.Pool): Promise<TrustedDocumentRow[]> {
  const { rows } = await pool.query<Record<keyof TrustedDocumentRow, unknown>>(
    `SELECT sha256, app, operation_names AS "operationNames", registered_at AS "registeredAt", revoked_at AS "revokedAt"
       FROM trusted_document ORDER BY app, registered_at, sha256`,
  );
  // The ORM's pool may hand timestamps over as text.
  return rows.map((r) => ({
    sha256: String(r.sha256),
    app: String(r.app),
    operationNames: r.operationNames as string[],
    registeredAt: new Date(r.registeredAt as string),
    revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt as string),
  }));
}

/**
 * Revokes the live documents whose id starts with `prefix` (at least 8 hex digits, `sha256:`
 * allowed) or, with `{ app: true }`, every live document of the app named `prefix`. Returns the
 * ids revoked; every gateway stops serving them at once (the revocation notice).
 */
export async function revokeDocuments(pool: pg.Pool, prefix: string, options: { app?: boolean } = {}): Promise<string[]> {
  if (options.app) {
    const { rows } = await pool.query<{ sha256: string }>(
      `UPDATE trusted_document SET revoked_at = now() WHERE app = $1 AND revoked_at IS NULL RETURNING sha256`,
      [prefix],
    );
    return rows.map((r) => r.sha256);
  }
  const hex = prefix.replace(/^sha256:/, '').toLowerCase();
  if (!/^[0-9a-f]{8,64}$/.test(hex))
    throw new StartupError(`"${prefix}" is not a document id: give at least 8 hex digits of its sha256 (see "gongzhi documents list").`);
  const { rows } = await pool.query<{ sha256: string }>(
    `UPDATE trusted_document SET revoked_at = now() WHERE starts_with(sha256, $1) AND revoked_at IS NULL RETURNING sha256`,
    [hex],
  );
  return rows.map((r) => r.sha256);
}

// ---------------------------------------------------------------------------------------------
// Serving (gateway side)
// ---------------------------------------------------------------------------------------------

/** A registered document, parsed and validated once by this process against its schema. */
export interface TrustedDocument {
  sha256: string;
  body: string;
  document: DocumentNode;
  /** Problems against this server's schema and limits (a document registered for another schema). */
  errors: readonly GraphQLError[];
}

/** What a client sent, whatever the transport: the document text, an id, or both. */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

/** How the gateway goes on with a request: its text as sent, a registered document, or a refusal. */
export type Admission =
  { kind: 'text' } | { kind: 'trusted'; trusted: TrustedDocument } | { kind: 'refused'; error: GraphQLError; status: number };

function refusal(error: GraphQLError, status: number): Admission {
  return { kind: 'refused', error, status };
}

/** The hash of a request's `documentId` or persisted-query extension: absent, given, or malformed. */
function requestedHash(request: DocumentRequest): { sha256: string } | { malformed: GraphQLError } | null {
  const persisted = (request.extensions as { persistedQuery?: { version?: unknown; sha256Hash?: unknown } } | null | undefined)
    ?.persistedQuery;
  const given = request.documentId ?? persisted?.sha256Hash;
  if (given === undefined || given === null) return null;
  if (persisted && request.documentId === undefined && persisted.version !== 1)
    return { malformed: gatewayMessages.persistedQueryVersion.topLevel() };
  const sha256 = typeof given === 'string' ? hashOfId(given) : null;
  return sha256 ? { sha256 } : { malformed: gatewayMessages.documentIdMalformed.topLevel({ given: JSON.stringify(given) }) };
}

/**
 * The trusted documents of one gateway process: looks registered documents up in PostgreSQL
 * (shared by every process), keeps each one parsed and validated (its text never changes for its
 * hash, so this never goes stale), and remembers which are registered while the revocation feed
 * is live, dropping one the moment any process revokes it.
 */
export class TrustedDocuments {
  private readonly parsed = new Map<string, TrustedDocument>();
  private readonly registered = new Set<string>();
  /** Counts revocation notices, so a lookup that raced one does not cache what it read. */
  private notices = 0;

  constructor(
    readonly mode: TrustedDocumentsMode,
    private readonly pool: () => Promise<pg.Pool>,
    private readonly checks: DocumentRules,
    private readonly revocations: RevocationFeed | null = null,
  ) {
    revocations?.subscribe((id) => {
      this.notices++;
      if (id === null) this.registered.clear();
      else if (id.startsWith(NOTICE_PREFIX)) this.registered.delete(id.slice(NOTICE_PREFIX.length));
    });
  }

  /** The live registered document with this hash, or null (one indexed statement unless cached). */
  async find(sha256: string): Promise<TrustedDocument | null> {
    const known = this.parsed.get(sha256);
    if (known && this.registered.has(sha256)) return known;
    // Read before the statement: a notice arriving while it runs keeps its answer out of the cache.
    const cacheable = this.revocations?.live ?? false;
    const notices = this.notices;
    const { rows } = await (
      await this.pool()
    ).query<{ body: string }>(`SELECT body FROM trusted_document WHERE sha256 = $1 AND revoked_at IS NULL`, [sha256]);
    const body = rows[0]?.body;
    if (body === undefined) return null;
    let trusted = known;
    if (!trusted) {
      trusted = { sha256, body, ...check(body, this.checks.schema, this.checks.rules, this.checks.maxTokens) };
      this.parsed.set(sha256, trusted);
    }
    if (cacheable && notices === this.notices) this.registered.add(sha256);
    return trusted;
  }

  /**
   * Decides how a request goes on (HTTP and WebSocket alike). `lookUpText` also looks a document
   * sent as text up by its hash when the mode alone would not (GET serves registered ones only).
   */
  async admit(request: DocumentRequest, options: { lookUpText?: boolean } = {}): Promise<Admission> {
    const requested = requestedHash(request);
    const text = typeof request.query === 'string' && request.query !== '' ? request.query : null;
    if (this.mode === 'off') {
      if (!requested) return { kind: 'text' };
      return refusal(gatewayMessages.persistedQueryOff.topLevel(), 200);
    }
    if (requested && 'malformed' in requested) return refusal(requested.malformed, 400);
    if (requested) {
      if (text !== null && documentHash(text) !== requested.sha256)
        return refusal(gatewayMessages.documentHashMismatch.topLevel({ actual: documentHash(text), claimed: requested.sha256 }), 400);
      const trusted = await this.find(requested.sha256);
      if (trusted) return { kind: 'trusted', trusted };
      if (this.mode === 'require') return refusal(gatewayMessages.documentNotInList.topLevel({ sha256: requested.sha256 }), 400);
      // Allowed as text: an APQ client sending the text along with its hash runs it (unregistered).
      if (text !== null) return { kind: 'text' };
      return refusal(gatewayMessages.documentNotFound.topLevel({ sha256: requested.sha256 }), 200);
    }
    if (text === null || (this.mode === 'allow' && !options.lookUpText)) return { kind: 'text' };
    const trusted = await this.find(documentHash(text));
    if (trusted) return { kind: 'trusted', trusted };
    if (this.mode === 'allow') return { kind: 'text' };
    return refusal(gatewayMessages.documentRequired.topLevel(), 400);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/** A GraphQL request over HTTP as it goes on to Apollo, or the answer that refuses it. */
export type HttpAdmission =
  | {
      refused: false;
      method: string;
      search: string;
      body: unknown;
      /** JSON content type to give Apollo (a GET turned into the POST it stands for). */
      json: boolean;
      /** A GET of a registered query: its answer carries validators and cache headers. */
      cacheable: boolean;
    }
  | { refused: true; status: number; error: GraphQLError; headers: Record<string, string> };

function refusedHttp(status: number, error: GraphQLError, headers: Record<string, string> = {}): HttpAdmission {
  return { refused: true, status, error, headers };
}

/** The request without its id: Apollo gets the text (its own persisted-query cache is off). */
function withText(body: Record<string, unknown>, query: string): Record<string, unknown> {
  const { documentId: _id, extensions, ...rest } = body;
  const { persistedQuery: _pq, ...otherExtensions } = (extensions ?? {}) as Record<string, unknown>;
  return { ...rest, query, ...(Object.keys(otherExtensions).length ? { extensions: otherExtensions } : {}) };
}

/**
 * Applies the trusted-document rules to an HTTP GraphQL request. POST: an id becomes its
 * registered text; text is let through unless the mode requires registration. GET: served only
 * for a registered document (by id, or its exact text) whose operation is a query, and turned
 * into the POST it stands for (Apollo's CSRF check is for browsers' simple requests, which a
 * query of a registered document cannot abuse: it changes nothing, and credentials travel in
 * the Authorization header, never a cookie).
 */
export async function admitHttp(trusted: TrustedDocuments, method: string, url: URL, body: unknown): Promise<HttpAdmission> {
  const get = method === 'GET';
  let request: Record<string, unknown>;
  if (get) {
    const params = url.searchParams;
    // A GET without a document (the landing page) goes to Apollo as it is.
    if (!params.has('query') && !params.has('documentId') && !params.has('extensions'))
      return { refused: false, method, search: url.search, body, json: false, cacheable: false };
    request = { query: params.get('query') ?? undefined, documentId: params.get('documentId') ?? undefined };
    for (const name of ['operationName'] as const) if (params.has(name)) request[name] = params.get(name);
    for (const name of ['variables', 'extensions'] as const) {
      const raw = params.get(name);
      if (raw === null || raw === '') continue;
      try {
        request[name] = JSON.parse(raw);
      } catch {
        return refusedHttp(400, gatewayMessages.parameterNotJson.topLevel({ name }));
      }
    }
  } else {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      return { refused: false, method, search: url.search, body, json: false, cacheable: false };
    request = body as Record<string, unknown>;
  }
  const admission = await trusted.admit(request, { lookUpText: get });
  if (admission.kind === 'refused') {
    const status = admission.status;
    return {
      refused: true,
      status,
      error: admission.error,
      headers: status === 200 ? { 'cache-control': 'private, no-cache, must-revalidate' } : {},
    };
  }
  if (admission.kind === 'text') {
    if (get && trusted.mode !== 'off') return refusedHttp(405, gatewayMessages.getRegisteredOnly.topLevel(), { allow: 'POST' });
    if (get) return { refused: false, method, search: url.search, body, json: false, cacheable: false };
    return {
      refused: false,
      method,
      search: url.search,
      body: withText(request, typeof request.query === 'string' ? request.query : ''),
      json: false,
      cacheable: false,
    };
  }
  const document = admission.trusted;
  if (get) {
    const operation = getOperationAST(document.document, typeof request.operationName === 'string' ? request.operationName : null);
    if (operation && operation.operation !== OperationTypeNode.QUERY)
      return refusedHttp(
        405,
        (operation.operation === OperationTypeNode.SUBSCRIPTION ? gatewayMessages.getSubscription : gatewayMessages.getMutation).topLevel(),
        { allow: 'POST' },
      );
  }
  return { refused: false, method: 'POST', search: '', body: withText(request, document.body), json: get, cacheable: get };
}

function hasErrors(body: string): boolean {
  try {
    return (JSON.parse(body) as { errors?: unknown }).errors !== undefined;
  } catch {
    return true;
  }
}

/**
 * Cache headers of a registered query's GET answer: a strong validator (ETag) that browsers and
 * proxies revalidate with (304 when unchanged), private to the caller (answers depend on the
 * credential and the language). Answers with errors are not stored.
 */
export function cacheableAnswer(
  requestHeaders: IncomingHttpHeaders,
  status: number,
  body: string,
): { status: number; headers: Record<string, string>; body: string } {
  if (status !== 200 || hasErrors(body)) return { status, headers: { 'cache-control': 'no-store' }, body };
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = { 'cache-control': 'private, no-cache', etag, vary: 'Authorization, Accept-Language' };
  const match = requestHeaders['if-none-match'];
  if (match && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return { status: 304, headers, body: '' };
  return { status, headers, body };
}

/** Opens the registry of one platform, for the CLI. */
export function registryPool(platform: Platform): Promise<pg.Pool> {
  return platform.orm.em.getConnection().getNativeClient();
}
