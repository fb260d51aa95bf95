import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { type Authenticator, type Caller, type GongzhiContext, type Platform, StartupError } from '@gongzhi/core';
import { GraphQLError, parse, specifiedRules, validate } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Limits } from './config.js';
import { hideSuggestions, limitRules, RateLimiter, rateLimitedError } from './security.js';

export interface GatewayServerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  introspection: boolean;
  /** Turns the credential of a request or connection into a caller. */
  authenticate: Authenticator;
  limits: Limits;
  /** Answers `/readyz`: true when the database answers and no migration is pending. */
  ready: () => Promise<boolean>;
}

export interface GatewayServer {
  httpServer: Server;
  /** The address it listens on, e.g. http://127.0.0.1:4000 */
  url: string;
  /** Stops taking requests, lets running ones finish, closes sockets. */
  stop(): Promise<void>;
}

export const GRAPHQL_PATH = '/graphql';

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
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
  const rules = limitRules(options.limits);
  const rateLimiter = new RateLimiter(options.limits.ratePerMinute);
  let apollo: ApolloServer<GongzhiContext> | undefined;
  const httpServer = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      platform.logger.error({ err }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error' }] });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/readyz') {
      const ok = await options.ready().catch(() => false);
      return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready' });
    }
    if (url.pathname !== GRAPHQL_PATH) {
      return sendJson(res, 404, { errors: [{ message: `Not found. The GraphQL API is at ${GRAPHQL_PATH}.` }] });
    }
    let body: unknown;
    try {
      const text = await readBody(req, options.maxBodyBytes);
      const type = req.headers['content-type'] ?? '';
      body = text && type.includes('json') ? JSON.parse(text) : text;
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        return sendJson(res, 413, { errors: [{ message: `Request body is larger than ${options.maxBodyBytes} bytes.` }] });
      }
      return sendJson(res, 400, { errors: [{ message: 'Request body is not valid JSON.' }] });
    }
    let caller: Caller | null;
    try {
      caller = await options.authenticate(req.headers.authorization);
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      return sendJson(res, 401, { errors: [{ message: err.message, extensions: err.extensions }] }, { 'www-authenticate': 'Bearer' });
    }
    const retryAfter = rateLimiter.take(rateKey(caller, req.socket.remoteAddress));
    if (retryAfter > 0) {
      const error = rateLimitedError(retryAfter);
      return sendJson(res, 429, { errors: [{ message: error.message, extensions: error.extensions }] }, { 'retry-after': String(retryAfter) });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await apollo!.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => platform.createContext(caller),
    });
    res.statusCode = response.status ?? 200;
    for (const [key, value] of response.headers) res.setHeader(key, value);
    if (response.body.kind === 'complete') {
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
  const wsCleanup = useServer<Record<string, unknown> | undefined, { caller?: Caller | null; credential?: string }>(
    {
      schema: platform.schema,
      // The token travels in connection_init: { authorization: "Bearer …" }.
      onConnect: async (ctx) => {
        const credential = typeof ctx.connectionParams?.authorization === 'string' ? ctx.connectionParams.authorization : undefined;
        try {
          ctx.extra.caller = await options.authenticate(credential);
          ctx.extra.credential = credential;
          return true;
        } catch {
          return false;
        }
      },
      // Same limits as HTTP: tokens at parse, depth/aliases/directives/cost at validation,
      // the rate limit per caller, and the credential checked again (a revoked key stops here).
      onSubscribe: async (ctx, _id, payload) => {
        try {
          ctx.extra.caller = await options.authenticate(ctx.extra.credential);
        } catch (err) {
          return [err as GraphQLError];
        }
        const retryAfter = rateLimiter.take(rateKey(ctx.extra.caller ?? null, ctx.extra.request.socket.remoteAddress));
        if (retryAfter > 0) return [rateLimitedError(retryAfter)];
        let document;
        try {
          document = parse(payload.query, { maxTokens: options.limits.maxTokens });
        } catch (err) {
          return [err as GraphQLError];
        }
        const errors = validate(platform.schema, document, [...specifiedRules, ...rules]);
        if (errors.length > 0) return errors;
        return {
          schema: platform.schema,
          document,
          variableValues: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
          contextValue: platform.createContext(ctx.extra.caller ?? null),
        };
      },
    },
    wsServer,
  );

  apollo = new ApolloServer<GongzhiContext>({
    schema: platform.schema,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    validationRules: rules,
    parseOptions: { maxTokens: options.limits.maxTokens },
    formatError: options.introspection ? undefined : hideSuggestions,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

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
    await apollo!.stop().catch(() => undefined);
    throw err;
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    httpServer,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    async stop() {
      await apollo!.stop();
    },
  };
}
