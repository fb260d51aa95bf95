import { createHash, timingSafeEqual } from 'node:crypto';
import type * as Http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { ApolloServer, type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import {
  Attached,
  type Caller,
  currentLocale,
  type GongzhiContext,
  inLocale,
  isDatabaseUnavailable,
  type Locale,
  localizedMessage,
  type Platform,
  type RevocationFeed,
  resolveLocale,
  StartupError,
} from '@gongzhi/core';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type FormattedExecutionResult, GraphQLError, OperationTypeNode } from 'graphql';
import { gatewayMessages } from './messages.js';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { DEFAULT_COMPILE_AFTER, type Limits } from './config.js';
import { boardAsset } from './board-assets.js';
import { compiledExecution } from './compiled-execution.js';
import { answerDirectly, directOperation } from './direct-execution.js';
import { BodyTooLarge, readBody } from './http-body.js';
import { isOpen311Path, open311Handler } from './open311.js';
import { EXPORT_PREFIX, exportHandler } from './export.js';
import { isPhotoPath, photoHandler } from './photos.js';
import {
  DATABASE_RETRY_AFTER_SECONDS,
  DATABASE_UNAVAILABLE,
  databaseUnavailableError,
  errorFormatter,
  inOperation,
  logOperation,
  loggedCodes,
  operationLogPlugin,
} from './operations.js';
import { limitRules, rateLimitedError, SharedRateLimiter, type RateLimiterOptions } from './security.js';
import { GatewayMetrics, resultCodes, routeOf } from './metrics.js';
import { GatewayTracing, type TracingOptions } from './tracing.js';
import { admitHttp, cacheableAnswer, TrustedDocuments, type TrustedDocumentsMode } from './trusted-documents.js';
import { anonymousCaller, type ResolveCaller, type WebSocketOptions, webSocketServerOptions } from './websocket.js';

/**
 * Loaded as CommonJS: imported as an ES module, `node:http` builds its namespace from every
 * export, one of which loads undici (about 60 ms of CPU at every start) for nothing used here.
 */
const { createServer } = createRequire(import.meta.url)('node:http') as typeof Http;

export interface GatewayServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  /** Largest picture `POST /photos` keeps, in bytes (default 5,000,000). */
  maxPhotoBytes?: number;
  introspection: boolean;
  /**
   * Answers `/readyz`: true when the process can serve (a query through the operations' pool
   * answered, no migration pending). It is given `readyTimeoutMs`; past it `/readyz` answers 503.
   */
  ready: (timeoutMs: number) => Promise<boolean>;
  /** How long `/readyz` waits for `ready` (default 2000 ms). */
  readyTimeoutMs?: number;
  /** Who is calling, from HTTP headers or WebSocket connection params (default: anonymous). */
  resolveCaller?: ResolveCaller;
  /** WebSocket limits: subscriptions only unless allowed, a cap per connection, slow-consumer bounds. */
  webSocket?: Partial<Omit<WebSocketOptions, 'resolveCaller' | 'validationRules' | 'maxTokens' | 'rateLimit' | 'formatError'>>;
  /** Abuse limits, the same on HTTP and WebSocket. */
  limits: Limits;
  /** How the rate limit uses its database count (timeouts, sweep); see {@link SharedRateLimiter}. */
  rateLimiter?: RateLimiterOptions;
  /**
   * Prometheus metrics at `GET /metrics` (null or missing: no endpoint, nothing recorded); with a
   * token, a scrape must send `Authorization: Bearer <token>`.
   */
  metrics?: { token: string | null } | null;
  /** OpenTelemetry tracing over OTLP/HTTP (null or missing: off, the SDK not loaded). */
  tracing?: TracingOptions | null;
  /**
   * Trusted documents (default mode `allow`): registered documents served by id over POST, GET and
   * WebSocket; with `revocations`, each process caches which are registered and drops a revoked one at once.
   */
  trustedDocuments?: { mode: TrustedDocumentsMode; revocations?: RevocationFeed | null };
  /** The language of error messages for requests without `Accept-Language` (default `zh-CN`). */
  defaultLocale?: Locale;
  /**
   * Runs of one document after which its HTTP operations run compiled (graphql-jit; see
   * {@link compiledExecution}); 0 never compiles. Default {@link DEFAULT_COMPILE_AFTER}. With tracing on, graphql-js runs every
   * operation: its resolver spans come from Apollo's per-field hooks, which only graphql-js calls.
   */
  compileAfter?: number;
}

/** The WebSocket limits when nothing else is configured. */
export const DEFAULT_WEBSOCKET_LIMITS: Omit<
  WebSocketOptions,
  'resolveCaller' | 'validationRules' | 'maxTokens' | 'rateLimit' | 'formatError' | 'defaultLocale'
> = {
  allowOperations: false,
  maxSubscriptionsPerConnection: 20,
  queueLimit: 200,
  maxBufferedBytes: 8 * 1024 * 1024,
  eventRetryMs: 10_000,
  recheckMs: 30_000,
};

export interface GatewayServer {
  httpServer: Server;
  /** The address it listens on, e.g. http://127.0.0.1:4000 */
  url: string;
  /** The server's metrics (its own registry), when they are on. */
  metrics: GatewayMetrics | null;
  /** The server's tracing, when it is on. */
  tracing: GatewayTracing | null;
  /** Stops taking requests, lets running ones finish, closes sockets. */
  stop(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Answers an error outside GraphQL execution (before Apollo, or in its place): a catalog
 * message's top-level error, so it carries its code and is told in the request's language.
 */
function sendError(res: ServerResponse, status: number, error: GraphQLError, headers: Record<string, string> = {}): void {
  const message = localizedMessage(error, currentLocale()) ?? error.message;
  sendJson(res, status, { errors: [{ message, extensions: error.extensions }] }, headers);
}

/** A 503 with `Retry-After`: the database cannot be reached or is restarting. */
function sendDatabaseUnavailable(res: ServerResponse): void {
  sendError(res, 503, databaseUnavailableError(), { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) });
}

/**
 * An operation that failed because the database is unavailable answers 503 with `Retry-After`
 * (not 200 or 500), so clients and load balancers retry it rather than report it.
 */
const databaseUnavailableStatus: ApolloServerPlugin<GongzhiContext> = {
  requestDidStart() {
    return Promise.resolve({
      willSendResponse({ response }) {
        const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
        if (errors.some((e) => e.extensions?.code === DATABASE_UNAVAILABLE)) {
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        }
        return Promise.resolve();
      },
    });
  },
};

/** The rate limit's verdict on an HTTP operation (seconds to wait, or 0), by its request's headers. */
const rateVerdicts = new Attached<HeaderMap, Promise<number>>('gateway.rateVerdict');

/**
 * The requests (by their headers) whose rate-limit refusal Apollo's plugins or the direct path
 * have logged and counted already (a mutation refused before it executed, a query refused once it
 * had run); the handler answers 429 without counting it again.
 */
const refusalObserved = new Attached<HeaderMap, true>('gateway.refusalObserved');

/**
 * A plugin that sees an operation's end (the operation log, the metrics, tracing) as the client
 * gets it: a query runs alongside its rate-limit count, and one refused once it has run is answered
 * 429 `RATE_LIMITED`, which the plugin then sees in place of the answer that was dropped.
 */
function asAnswered(plugin: ApolloServerPlugin<GongzhiContext>): ApolloServerPlugin<GongzhiContext> {
  return {
    ...plugin,
    async requestDidStart(requestContext) {
      const listener = await plugin.requestDidStart?.(requestContext);
      const headers = requestContext.request.http?.headers;
      const counted = headers ? rateVerdicts.get(headers) : undefined;
      const willSendResponse = listener?.willSendResponse?.bind(listener);
      if (!listener || !willSendResponse || !headers || !counted) return listener;
      return {
        ...listener,
        async willSendResponse(ended) {
          // Apollo calls every plugin's hook at once: each decides before any of them marks the request.
          const observed = refusalObserved.has(headers);
          const retryAfter = await counted;
          if (retryAfter <= 0 || observed) return willSendResponse(ended);
          refusalObserved.set(headers, true);
          const refused = { kind: 'single' as const, singleResult: { errors: [rateLimitedError(retryAfter).toJSON()] } };
          return willSendResponse({ ...ended, response: { ...ended.response, body: refused } });
        },
      };
    },
  };
}

/**
 * A mutation (or anything but a query) waits for its rate-limit verdict before it executes, so
 * one past the limit changes nothing; a query runs alongside its count (the handler holds its
 * answer until the verdict is in).
 */
const mutationsWait: ApolloServerPlugin<GongzhiContext> = {
  requestDidStart({ request }) {
    const headers = request.http?.headers;
    const counted = headers ? rateVerdicts.get(headers) : undefined;
    if (!headers || !counted) return Promise.resolve();
    return Promise.resolve({
      async didResolveOperation({ operation }) {
        if (operation?.operation === OperationTypeNode.QUERY) return;
        const retryAfter = await counted;
        if (retryAfter > 0) {
          refusalObserved.set(headers, true);
          throw rateLimitedError(retryAfter);
        }
      },
    });
  },
};

/** Compares a given credential with the expected one in constant time (hashes have one length). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Who pays for an operation in the rate limiter: the key or person, else the address. */
function rateKey(caller: Caller | null, address: string | undefined): string {
  return caller ? `${caller.kind}:${caller.id}` : `ip:${address ?? '?'}`;
}

/**
 * One HTTP server: GraphQL over HTTP (Apollo Server) and over WebSocket (graphql-ws) on the
 * same path, plus `/healthz` and `/readyz`. Each operation gets its own context and
 * EntityManager fork from the platform.
 */
export async function startGatewayServer(platform: Platform, options: GatewayServerOptions): Promise<GatewayServer> {
  const resolveCaller = options.resolveCaller ?? anonymousCaller;
  const rules = limitRules(options.limits, options.introspection);
  const format = errorFormatter(platform.logger, options.introspection);
  // Counted in the platform's database: every gateway on it spends one budget per caller.
  const rateLimiter = new SharedRateLimiter(platform.databaseUrl, options.limits.ratePerMinute, platform.logger, options.rateLimiter);
  // Open311 shares the credentials, the rate limiter and the body limit of /graphql.
  const open311 = open311Handler({
    platform,
    resolveCaller,
    rateLimit: (caller, address) => rateLimiter.take(rateKey(caller, address)),
    maxBodyBytes: options.maxBodyBytes,
  });
  const exportSpreadsheet = exportHandler({
    platform,
    resolveCaller,
    rateLimit: (caller, address) => rateLimiter.take(rateKey(caller, address)),
    formatError: format,
  });
  const photos = photoHandler({
    platform,
    resolveCaller,
    rateLimit: (caller, address) => rateLimiter.take(rateKey(caller, address)),
    maxPhotoBytes: options.maxPhotoBytes ?? 5_000_000,
    formatError: format,
  });
  const metrics = options.metrics ? new GatewayMetrics(platform) : null;
  const metricsToken = options.metrics?.token ?? null;
  const tracing = options.tracing ? await GatewayTracing.start(options.tracing, platform.info.coreVersion) : null;
  const trusted = new TrustedDocuments(
    options.trustedDocuments?.mode ?? 'allow',
    () => platform.orm.em.getConnection().getNativeClient(),
    { schema: platform.schema, rules, maxTokens: options.limits.maxTokens },
    options.trustedDocuments?.revocations ?? null,
  );
  const compileAfter = options.compileAfter ?? DEFAULT_COMPILE_AFTER;
  // Compiled execution, and with it the direct path for repeated operations; with tracing on, graphql-js runs every operation (its spans are per field).
  const compiled =
    compileAfter > 0 && !tracing ? compiledExecution(platform.schema, { after: compileAfter, logger: platform.logger }) : null;
  // Set as the server stops: from then on Apollo answers every operation (it refuses those it can no longer run).
  let stopping = false;
  const httpServer = createServer((req, res) => {
    let url: URL | null = null;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // A target no URL can be made of: handle() answers it; it is counted under `other`.
    }
    const pathname = url?.pathname ?? '';
    if (metrics) {
      const route = routeOf(pathname);
      res.once('finish', () => metrics.httpRequest(route, res.statusCode));
    }
    if (tracing && pathname === GRAPHQL_PATH) {
      const method = req.method ?? 'GET';
      const span = tracing.startSpan(`${method} ${GRAPHQL_PATH}`, {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': method, 'url.path': pathname, 'http.route': GRAPHQL_PATH },
      });
      res.once('close', () => {
        span.setAttribute('http.response.status_code', res.statusCode);
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
      tracing.run(span, () => serve(req, res, url));
    } else serve(req, res, url);
  });

  const defaultLocale = options.defaultLocale ?? 'zh-CN';
  function serve(req: IncomingMessage, res: ServerResponse, url: URL | null): void {
    // Every message of this request, from the gateway, Apollo or a command, in the language it asks for.
    const locale = resolveLocale(req.headers['accept-language'], defaultLocale);
    void inLocale(locale, () => handle(req, res, url)).catch((err) => {
      const unavailable = isDatabaseUnavailable(err);
      if (unavailable) platform.logger.warn({ err }, 'request failed: the database is unavailable');
      else platform.logger.error({ err }, 'request failed');
      if (res.headersSent) res.end();
      else if (unavailable) inLocale(locale, () => sendDatabaseUnavailable(res));
      else inLocale(locale, () => sendError(res, 500, gatewayMessages.serverError.topLevel()));
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, parsed: URL | null): Promise<void> {
    // A target no URL can be made of throws again here, and is answered as any fault (500).
    const url = parsed ?? new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const timeoutMs = options.readyTimeoutMs ?? 2000;
      const ok = await options.ready(timeoutMs).catch((err: unknown) => {
        platform.logger.warn({ err }, 'readiness check failed');
        return false;
      });
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready' });
    }
    if (url.pathname === '/metrics' && metrics) {
      if (metricsToken && !sameSecret(req.headers.authorization ?? '', `Bearer ${metricsToken}`)) {
        return sendError(res, 401, gatewayMessages.metricsTokenMissing.topLevel(), { 'www-authenticate': 'Bearer' });
      }
      const { body, contentType } = await metrics.expose();
      res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    if (url.pathname === '/board' || url.pathname.startsWith('/board/')) {
      const asset = await boardAsset(url.pathname);
      if (asset) {
        const headers = { 'cache-control': asset.cacheControl, etag: asset.etag };
        // A browser revalidating a file it already has gets a bodiless 304.
        if (req.headers['if-none-match'] === asset.etag) res.writeHead(304, headers).end();
        else res.writeHead(200, { ...headers, 'content-type': asset.type }).end(asset.body);
        return;
      }
    }
    if (isOpen311Path(url.pathname)) return open311(req, res, url);
    if (url.pathname.startsWith(EXPORT_PREFIX)) return exportSpreadsheet(req, res, url);
    if (isPhotoPath(url.pathname)) return photos(req, res, url);
    if (url.pathname !== GRAPHQL_PATH) {
      return sendError(res, 404, gatewayMessages.pathNotFound.topLevel({ path: GRAPHQL_PATH }));
    }
    let body: unknown;
    // An operation refused before it reaches Apollo still counts, under the name it gave.
    const refused = (code: string) =>
      metrics?.operation({
        operation:
          typeof (body as { operationName?: unknown } | null)?.operationName === 'string'
            ? (body as { operationName: string }).operationName
            : null,
        type: null,
        transport: 'http',
        errors: [code],
      });
    try {
      const text = await readBody(req, options.maxBodyBytes);
      const type = req.headers['content-type'] ?? '';
      body = text && type.includes('json') ? JSON.parse(text) : text;
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        refused('PAYLOAD_TOO_LARGE');
        return sendError(res, 413, gatewayMessages.bodyTooLarge.topLevel({ max: options.maxBodyBytes }));
      }
      refused('BAD_REQUEST');
      return sendError(res, 400, gatewayMessages.bodyNotJson.topLevel());
    }
    let caller: Caller | null;
    try {
      caller = await resolveCaller({ transport: 'http', headers: req.headers });
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        refused(DATABASE_UNAVAILABLE);
        return sendDatabaseUnavailable(res);
      }
      if (!(err instanceof GraphQLError)) throw err;
      refused(typeof err.extensions.code === 'string' ? err.extensions.code : 'UNAUTHENTICATED');
      return sendError(res, 401, err, { 'www-authenticate': 'Bearer' });
    }
    const rateLimited = (retryAfter: number, counted = true) => {
      const error = rateLimitedError(retryAfter);
      if (counted) refused(String(error.extensions.code));
      sendError(res, 429, error, { 'retry-after': String(retryAfter) });
    };
    const budget = rateKey(caller, req.socket.remoteAddress);
    // A caller known to be past the limit is refused before any work. Otherwise the count (a
    // statement on the limiter's own connections) runs alongside: a query starts at once and its
    // answer waits for the verdict; a mutation waits for it before it executes (mutationsWait).
    const blocked = rateLimiter.blockedFor(budget);
    if (blocked > 0) return rateLimited(blocked);
    const counted = rateLimiter.take(budget);
    const admitted = await admitHttp(trusted, req.method ?? 'GET', url, body);
    if (admitted.refused) {
      const late = await counted;
      if (late > 0) return rateLimited(late);
      refused(String(admitted.error.extensions.code));
      return sendError(res, admitted.status, admitted.error, admitted.headers);
    }
    const direct =
      compiled && !stopping
        ? directOperation(compiled, platform.schema, {
            method: admitted.method,
            body: admitted.body,
            jsonType: admitted.json,
            contentType: req.headers['content-type'],
            accept: req.headers.accept,
          })
        : undefined;
    const headers = new HeaderMap();
    if (!direct) {
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      if (admitted.json) headers.set('content-type', 'application/json');
      rateVerdicts.set(headers, counted);
    }
    // Requests arrive only once the server listens, after Apollo below has started.
    const response = await inOperation(req.headers['x-request-id'], async ({ requestId }) => {
      res.setHeader('x-request-id', requestId);
      if (direct && compiled) {
        // What Apollo's plugins would do: a mutation waits for its rate-limit verdict (mutationsWait); the operation is logged and counted (operationLogPlugin, the metrics' plugin).
        const startedAt = performance.now();
        const { name, operation } = direct.known;
        const observe = (result: FormattedExecutionResult) => {
          const codes = resultCodes(result);
          logOperation(platform.logger, { operation: name, caller, transport: 'http', startedAt, codes: loggedCodes(codes) });
          const seconds = (performance.now() - startedAt) / 1000;
          metrics?.operation({ operation: name, type: operation.operation, transport: 'http', ...codes, seconds });
        };
        const retryAfter = direct.waits ? await counted : 0;
        if (retryAfter > 0) {
          refusalObserved.set(headers, true);
          observe({ errors: [rateLimitedError(retryAfter)] });
          return null;
        }
        const { response, result } = await answerDirectly(direct, compiled, platform.createContext(caller), format);
        // A query ran alongside its count: refused now, it is logged and counted as the client gets it (429).
        const late = await counted;
        if (late > 0) refusalObserved.set(headers, true);
        observe(late > 0 ? { errors: [rateLimitedError(late)] } : result);
        return response;
      }
      const execute = () =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: admitted.method, headers, search: admitted.search, body: admitted.body },
          context: () => Promise.resolve(platform.createContext(caller)),
        });
      if (!tracing) return execute();
      // The operation's span (named by the Apollo plugin once the operation is known).
      const span = tracing.startSpan('graphql operation', { attributes: { 'gongzhi.request_id': requestId } });
      try {
        return await tracing.run(span, execute);
      } finally {
        span.end();
      }
    });
    const verdict = await counted;
    // A refusal Apollo's plugins (or the direct path) saw was logged and counted (as RATE_LIMITED) already.
    if (verdict > 0 || !response) return rateLimited(verdict, !refusalObserved.has(headers));
    res.statusCode = response.status ?? 200;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    if (response.body.kind === 'complete' && admitted.cacheable) {
      const answer = cacheableAnswer(req.headers, res.statusCode, response.body.string);
      res.statusCode = answer.status;
      for (const [key, value] of Object.entries(answer.headers)) res.setHeader(key, value);
      res.end(answer.body);
    } else if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  // Upgrades are routed by hand (noServer) so listen errors reach only the start-up code.
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: options.maxBodyBytes });
  httpServer.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== GRAPHQL_PATH) {
      socket.destroy();
      return;
    }
    wsServer.handleUpgrade(req, socket, head, (ws) => wsServer.emit('connection', ws, req));
  });
  const wsCleanup = useServer(
    webSocketServerOptions(platform, {
      ...DEFAULT_WEBSOCKET_LIMITS,
      ...options.webSocket,
      resolveCaller,
      validationRules: rules,
      maxTokens: options.limits.maxTokens,
      trustedDocuments: trusted,
      rateLimit: (caller, address) => rateLimiter.take(rateKey(caller, address)),
      formatError: format,
      defaultLocale,
      metrics,
      tracing,
    }),
    wsServer,
  );

  const apollo = new ApolloServer<GongzhiContext>({
    ...(compiled ? { gateway: compiled } : { schema: platform.schema }),
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // The CLI owns shutdown (drain, then the database); Apollo's own handler would stop only
    // itself and then re-raise the signal, killing the process mid-drain.
    stopOnTerminationSignals: false,
    // Documents by hash are the registry's (trusted-documents.ts), shared by every process, not a per-process cache.
    persistedQueries: false,
    validationRules: rules,
    parseOptions: { maxTokens: options.limits.maxTokens },
    formatError: format,
    plugins: [
      // Apollo's default cache-control plugin wraps every field of every response (a hook and a
      // promise callback per field) to compute HTTP cache hints this API never gives.
      ApolloServerPluginCacheControlDisabled(),
      // Federation's inline traces are for subgraphs (this server is none); left on, Apollo loads
      // the plugin and its protobuf module (~0.6 MB of heap) only to switch it off at start.
      ApolloServerPluginInlineTraceDisabled(),
      asAnswered(operationLogPlugin(platform.logger)),
      ...(metrics ? [asAnswered(metrics.apolloPlugin())] : []),
      ...(tracing ? [asAnswered(tracing.apolloPlugin())] : []),
      databaseUnavailableStatus,
      mutationsWait,
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        serverWillStart() {
          return Promise.resolve({
            async drainServer() {
              await wsCleanup.dispose();
            },
          });
        },
      },
    ],
  });
  await Promise.all([apollo.start(), rateLimiter.open()]).catch(async (err) => {
    await rateLimiter.close().catch(() => undefined);
    throw err;
  });
  const pool = await platform.orm.em.getConnection().getNativeClient();
  tracing?.instrumentPool(pool);
  metrics?.attach({
    pool,
    webSocketConnections: () => wsServer.clients.size,
  });

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new StartupError(
          err.code === 'EADDRINUSE'
            ? `Port ${options.port} is already in use. Stop the other process or set PORT to a free port.`
            : `Cannot listen on ${options.host}:${options.port}: ${err.message}.`,
        ),
      );
    });
    httpServer.listen(options.port, options.host, () => resolve());
  }).catch(async (err) => {
    await apollo.stop().catch(() => undefined);
    await rateLimiter.close().catch(() => undefined);
    await tracing?.shutdown().catch(() => undefined);
    throw err;
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    httpServer,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    metrics,
    tracing,
    async stop() {
      stopping = true;
      try {
        await apollo.stop();
      } finally {
        await rateLimiter.close();
        await tracing?.shutdown().catch((err: unknown) => platform.logger.warn({ err }, 'sending the last traces failed'));
      }
    },
  };
}
