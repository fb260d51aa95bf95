import type { IncomingHttpHeaders } from 'node:http';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  type Caller,
  type GongzhiContext,
  inLocale,
  isDatabaseUnavailable,
  type Locale,
  localizedMessage,
  type Platform,
  resolveLocale,
  type BoardDelivery,
  BoardStream,
  SlowConsumerError,
} from '@gongzhi/core';
import { closeReason, gatewayMessages } from './messages.js';
import {
  createSourceEventStream,
  type DocumentNode,
  execute,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import type { ServerOptions, SubscribePayload } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import type { WebSocket } from 'ws';
import { codeText, type GatewayMetrics } from './metrics.js';
import type { GatewayTracing } from './tracing.js';
import {
  currentRequestId,
  databaseUnavailableError,
  type errorFormatter,
  formatResult,
  inOperation,
  isFault,
  logOperation,
} from './operations.js';
import { rateLimitedError } from './security.js';
import type { TrustedDocuments } from './trusted-documents.js';

/** What a transport knows about who is calling: HTTP headers, or the socket's connection params. */
export interface CallerCredentials {
  transport: 'http' | 'websocket';
  headers: IncomingHttpHeaders;
  /** The `connection_init` payload of a WebSocket (where a token will travel). */
  connectionParams?: Readonly<Record<string, unknown>>;
}

/**
 * Turns credentials into a caller: the ONE function both HTTP and WebSocket use, so the two
 * can never disagree. Authentication plugs in here; throw to refuse the caller.
 */
export type ResolveCaller = (credentials: CallerCredentials) => Promise<Caller | null>;

/** Until authentication exists, everyone is anonymous. */
export const anonymousCaller: ResolveCaller = () => Promise.resolve(null);

/** WebSocket close code for a connection whose credential was revoked or expired since it connected. */
export const CREDENTIAL_REVOKED_CLOSE_CODE = 4401;

/** WebSocket close code for a consumer that cannot keep up; the client should reconnect and resume. */
export const SLOW_CONSUMER_CLOSE_CODE = 4503;

/**
 * WebSocket close code (the standard "Try Again Later") for a connection the server cannot serve
 * right now because the database is unavailable, or a board change it could not produce within
 * {@link WebSocketOptions.eventRetryMs}. graphql-ws clients retry on it and resume by sequence.
 */
export const TRY_AGAIN_LATER_CLOSE_CODE = 1013;

export interface WebSocketOptions {
  resolveCaller: ResolveCaller;
  /** Queries and mutations over the socket (default: refused, subscriptions only). */
  allowOperations: boolean;
  /** Most operations one connection may have open at once. */
  maxSubscriptionsPerConnection: number;
  /** Results a subscriber may have waiting (not yet written to its socket) before it is cut off. */
  queueLimit: number;
  /** Bytes a socket may have buffered before it is cut off as too slow. */
  maxBufferedBytes: number;
  /**
   * How long a board change that failed to execute (the database restarting, a fault) is tried
   * again before the socket is closed with {@link TRY_AGAIN_LATER_CLOSE_CODE}, in milliseconds:
   * a change is delivered, or the client is told to resume; it is never skipped.
   */
  eventRetryMs: number;
  /** The abuse-limit validation rules HTTP runs too (depth, aliases, directives, cost). */
  validationRules: readonly ValidationRule[];
  /** Tokens one document may have. */
  maxTokens: number;
  /** The same trusted-document rules as HTTP (none: documents are parsed from their text as sent). */
  trustedDocuments?: TrustedDocuments | null;
  /** How often open connections' credentials are checked again, in milliseconds. */
  recheckMs: number;
  /** Takes one operation from the caller's allowance; returns the seconds to wait when none is left, else 0. */
  rateLimit: (caller: Caller | null, address: string | undefined) => Promise<number>;
  /** How errors leave the server (faults masked, suggestions hidden): the same function HTTP uses. */
  formatError: ReturnType<typeof errorFormatter>;
  /**
   * The language of a connection's messages when neither `connection_init` (`acceptLanguage`,
   * as the header is written) nor the upgrade request (`Accept-Language`) asks for one.
   */
  defaultLocale: Locale;
  /** Where operations, open subscriptions and board delivery lag are counted (none when null). */
  metrics?: GatewayMetrics | null;
  /** Traces each operation's admission (none when null). */
  tracing?: GatewayTracing | null;
}

interface Connection {
  socket: WebSocket;
  caller: Caller | null;
  /** Groups subscribers whose results are the same bytes: one caller, one scope, one language. */
  callerKey: string;
  /** The language of every message this connection receives. */
  locale: Locale;
}

type Ctx = Parameters<NonNullable<ServerOptions<Record<string, unknown>, Extra>['onConnect']>>[0];

/**
 * An event executed for a group: its serialised result, encoded once, with the `next` frames
 * built from it per subscription id (many clients number their subscriptions alike, so most
 * sockets of a group are sent the very same buffer); or the fault that kept it from being produced.
 */
type SharedOutcome = { payload: Buffer; frames: Map<string, Buffer> } | { fault: unknown };

/** The end of a `next` message after its payload. */
const FRAME_END = Buffer.from('}');

/**
 * The protocol's `next` message for subscription `id` around a shared, already serialised payload,
 * as a whole WebSocket text frame (header included: {@link writeFrame}).
 */
function nextFrame(outcome: { payload: Buffer; frames: Map<string, Buffer> }, id: string): Buffer {
  let frame = outcome.frames.get(id);
  if (!frame) {
    const start = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
    frame = Buffer.concat([textFrameHeader(start.length + outcome.payload.length + FRAME_END.length), start, outcome.payload, FRAME_END]);
    // Unique ids (UUIDs) would only fill the map: keep the first few, build the rest per socket.
    if (outcome.frames.size < 8) outcome.frames.set(id, frame);
  }
  return frame;
}

/** The header of an unmasked (server to client), unfragmented text frame of `length` bytes (RFC 6455 §5.2). */
function textFrameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 65536) return Buffer.from([0x81, 126, length >> 8, length & 0xff]);
  const header = Buffer.alloc(10);
  header[0] = 0x81;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/**
 * What `writeFrame` reaches of ws's socket (ws 8's private fields): its connection, and whether its
 * sender holds frames back. Any other shape (another ws) sends through `ws.send`, as before.
 */
interface WsInternals {
  _socket?: { write(data: Buffer, cb?: (err?: Error | null) => void): boolean };
  _sender?: { _state?: number; _queue?: unknown[] };
}

/**
 * Writes a whole text frame ({@link nextFrame}) to the socket's connection: one `write` of one
 * buffer, the same bytes for every socket of a group, where `ws.send` framed the message again for
 * each socket and wrote header and payload apart (bench/socket-floor.mjs: 10–33 % less CPU per
 * delivery). Done only when it is what ws would write, in the same order: no extension negotiated
 * (no compression: the server offers none) and nothing held back by ws's sender; otherwise
 * through `ws.send`.
 */
function writeFrame(socket: WebSocket, frame: Buffer, written?: () => void): void {
  const internals = socket as unknown as WsInternals;
  const connection = internals._socket;
  const sender = internals._sender;
  if (connection && socket.extensions === '' && sender?._state === 0 && sender._queue?.length === 0) {
    connection.write(frame, written && (() => written()));
    return;
  }
  const headerLength = frame[1]! < 126 ? 2 : frame[1] === 126 ? 4 : 10;
  socket.send(frame.subarray(headerLength), { binary: false }, written && (() => written()));
}

/** One event's execution for one group: running, then its outcome once known. */
interface SharedEntry {
  running: Promise<SharedOutcome>;
  settled?: SharedOutcome;
  /** Subscribers waiting for the outcome, called in one loop once it is known. */
  waiting?: ((outcome: SharedOutcome) => void)[];
}

/**
 * Serialised results of subscription events, executed once per event and group (document,
 * variables except `after`, caller) and shared by every subscriber in the group: with
 * thousands of dashboards on one board, an event is loaded, executed, serialised and encoded
 * once, and every socket gets the same bytes (DESIGN.md §5). Events are recognised by their
 * root object, which the board hub shares between the streams of a process; entries go with
 * it. A fault is not kept: the next subscriber to ask executes the event again.
 */
class SharedResults {
  private readonly results = new WeakMap<object, Map<string, SharedEntry>>();

  constructor(private readonly logger: Platform['logger']) {}

  /** The outcome, when it is already known: the common case, taken without waiting a turn. */
  settled(root: object, groupKey: string): SharedOutcome | undefined {
    return this.results.get(root)?.get(groupKey)?.settled;
  }

  get(root: object, groupKey: string, run: () => Promise<SharedOutcome>): Promise<SharedOutcome> {
    return this.entry(root, groupKey, run).running;
  }

  /**
   * Calls `then` with the outcome: at once when known, else together with every other
   * subscriber of the group waiting for it, in one loop (no promise or turn per subscriber).
   */
  when(root: object, groupKey: string, run: () => Promise<SharedOutcome>, then: (outcome: SharedOutcome) => void): void {
    const entry = this.entry(root, groupKey, run);
    if (entry.settled) then(entry.settled);
    else (entry.waiting ??= []).push(then);
  }

  private entry(root: object, groupKey: string, run: () => Promise<SharedOutcome>): SharedEntry {
    let groups = this.results.get(root);
    if (!groups) this.results.set(root, (groups = new Map<string, SharedEntry>()));
    const known = groups.get(groupKey);
    if (known) return known;
    const entry: SharedEntry = {
      running: run().catch((fault: unknown) => ({ fault })),
    };
    groups.set(groupKey, entry);
    void entry.running.then((outcome) => {
      if (!('fault' in outcome)) entry.settled = outcome;
      else if (groups.get(groupKey) === entry) groups.delete(groupKey);
      const waiting = entry.waiting ?? [];
      entry.waiting = undefined;
      for (const then of waiting) {
        try {
          then(outcome);
        } catch (err) {
          this.logger.error({ err }, 'writing a board change to a subscriber failed');
        }
      }
    });
    return entry;
  }
}

/** Variables that name where a stream starts (`after:`), which do not change what an event looks like. */
function positionVariables(document: DocumentNode, operationName: string | null | undefined): Set<string> {
  const names = new Set<string>();
  const operation = getOperationAST(document, operationName);
  for (const selection of operation?.selectionSet.selections ?? []) {
    if (selection.kind !== Kind.FIELD) continue;
    for (const arg of selection.arguments ?? []) {
      if (arg.name.value === 'after' && arg.value.kind === Kind.VARIABLE) names.add(arg.value.name.value);
    }
  }
  return names;
}

/** A subscriber's outgoing results: bounded, so one slow socket cannot hold the process's memory. */
class Outbox implements AsyncGenerator<ExecutionResult, undefined, unknown> {
  private readonly queue: ExecutionResult[] = [];
  private waiter: ((r: IteratorResult<ExecutionResult, undefined>) => void) | null = null;
  private done = false;
  onReturn: () => void = () => {};

  get pending(): number {
    return this.queue.length;
  }

  push(result: ExecutionResult): void {
    if (this.done) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: result, done: false });
    } else this.queue.push(result);
  }

  end(): void {
    if (this.done) return;
    this.done = true;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: undefined, done: true });
    }
  }

  next(): Promise<IteratorResult<ExecutionResult, undefined>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<ExecutionResult, undefined>> {
    this.queue.length = 0;
    this.end();
    this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(): Promise<IteratorResult<ExecutionResult, undefined>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}

/**
 * Checks the credentials of open connections again every `recheckMs`, once per distinct
 * credential, and closes the sockets of one that no longer holds (a revoked key, an expired
 * token) with {@link CREDENTIAL_REVOKED_CLOSE_CODE}: their running subscriptions end too.
 * The timer runs only while connections with a credential are open.
 */
class CredentialRecheck {
  /** Each open connection's credential and language (its close reason is told in it). */
  private readonly open = new Map<Ctx, { credential: string; locale: Locale }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly options: Pick<WebSocketOptions, 'resolveCaller' | 'recheckMs'>,
    private readonly platform: Platform,
  ) {}

  add(ctx: Ctx, locale: Locale): void {
    const credential = ctx.connectionParams?.authorization ?? ctx.extra.request.headers.authorization;
    if (typeof credential !== 'string' || !credential) return;
    this.open.set(ctx, { credential, locale });
    this.timer ??= setInterval(() => void this.run(), this.options.recheckMs).unref();
  }

  remove(ctx: Ctx): void {
    this.open.delete(ctx);
    if (this.open.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private async run(): Promise<void> {
    const byCredential = new Map<string, Ctx[]>();
    for (const [ctx, { credential }] of this.open)
      (byCredential.get(credential) ?? byCredential.set(credential, []).get(credential)!).push(ctx);
    for (const [, group] of byCredential) {
      // Every group holds at least the connection that created it.
      const first = group[0]!;
      const refused = await this.options
        .resolveCaller({ transport: 'websocket', headers: first.extra.request.headers, connectionParams: first.connectionParams ?? {} })
        // Only a refused credential closes sockets; a database hiccup does not.
        .then(
          () => null,
          (err) => (err instanceof GraphQLError && err.extensions.code === 'UNAUTHENTICATED' ? err : null),
        );
      if (!refused) continue;
      this.platform.logger.info({ connections: group.length }, 'closing WebSocket connections whose credential was revoked');
      for (const ctx of group) {
        const locale = this.open.get(ctx)?.locale ?? 'en';
        this.remove(ctx);
        ctx.extra.socket.close(CREDENTIAL_REVOKED_CLOSE_CODE, errorCloseReason(refused, locale));
      }
    }
  }
}

/** A board's stream, also one made by another copy of core (a plugin's dependency). */
function isBoardStream(events: object): events is BoardStream {
  return events instanceof BoardStream || typeof (events as Partial<BoardStream>).listen === 'function';
}

/** A close reason telling an error: its code and its message in `locale` (`UNAUTHENTICATED: …`). */
function errorCloseReason(error: GraphQLError, locale: Locale): string {
  return closeReason(`${String(error.extensions.code)}: ${localizedMessage(error, locale) ?? error.message}`);
}

/** graphql-ws's close code for a refused connection (`CloseCode.Forbidden`). */
const FORBIDDEN_CLOSE_CODE = 4403;

/** Valid text documents kept per process for subscriptions (the oldest go first). */
const VALID_DOCUMENTS_KEPT = 500;

/** graphql-js's own errors carry no code; HTTP (Apollo) gives them one, and so does the socket. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return error.extensions.code ? error : new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}

/**
 * The graphql-ws server options of the gateway: the caller resolved once per connection
 * (from `connection_init`), the same validation as HTTP, subscriptions only unless allowed,
 * a cap per connection, shared execution of events, and slow sockets closed with
 * {@link SLOW_CONSUMER_CLOSE_CODE}.
 */
export function webSocketServerOptions(platform: Platform, options: WebSocketOptions): ServerOptions<Record<string, unknown>, Extra> {
  const connections = new WeakMap<Ctx, Connection>();
  const contexts = new WeakMap<GongzhiContext, { connection: Connection; id: string }>();
  // Documents sent as text that parsed and validated, by text: dashboards subscribe with the same
  // few documents, and validating one against the composed schema costs ~0.23 ms (10,000
  // reconnecting after a deploy: ~2.9 s of CPU). The rules depend on the document alone.
  const validDocuments = new Map<string, DocumentNode>();
  const shared = new SharedResults(platform.logger);
  const recheck = new CredentialRecheck(options, platform);
  const metrics = options.metrics ?? null;
  const tracing = options.tracing ?? null;
  // Connections past connection_init, for the open-operations gauge.
  const open = new Set<Ctx>();
  metrics?.attach({
    webSocketOperations: () => {
      let n = 0;
      for (const ctx of open) n += Object.keys(ctx.subscriptions).length;
      return n;
    },
  });

  // Closes told in the connection's language (`SLOW_CONSUMER: …`), as refusals are; clients retry both.
  const slow = (socket: WebSocket, locale: Locale, why: GraphQLError) => {
    platform.logger.warn({ why: why.message }, 'closing a slow WebSocket consumer');
    socket.close(SLOW_CONSUMER_CLOSE_CODE, errorCloseReason(why, locale));
  };
  // A handshake refused (a wrong credential, past the rate limit): 4403 as graphql-ws closes it,
  // with the reason in the connection's language, so a dashboard can say why (it retries 4403).
  const forbidden = (ctx: Ctx, error: GraphQLError) => {
    const socket = ctx.extra.socket;
    if (socket.readyState === socket.OPEN) socket.close(FORBIDDEN_CLOSE_CODE, errorCloseReason(error, localeOf(ctx)));
  };
  const tryAgainLater = (socket: WebSocket, locale: Locale, why: GraphQLError) => {
    platform.logger.warn({ why: why.message }, 'closing a WebSocket connection: try again later');
    if (socket.readyState === socket.OPEN) socket.close(TRY_AGAIN_LATER_CLOSE_CODE, errorCloseReason(why, locale));
  };

  // The connection's language: connection_init's `acceptLanguage`, else the upgrade request's header.
  const localeOf = (ctx: Ctx): Locale => {
    const known = connections.get(ctx)?.locale;
    if (known) return known;
    const given = ctx.connectionParams?.acceptLanguage;
    const header = typeof given === 'string' ? given : ctx.extra.request.headers['accept-language'];
    return resolveLocale(header, options.defaultLocale);
  };

  const admit = async (ctx: Ctx, payload: SubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]> => {
    const open = Object.keys(ctx.subscriptions).length; // includes this one
    if (open > options.maxSubscriptionsPerConnection) {
      const max = options.maxSubscriptionsPerConnection;
      return [gatewayMessages.tooManySubscriptions.topLevel({ max }, { max })];
    }
    // The credential is checked again at every start: a key revoked since connecting stops here.
    const connection = connections.get(ctx)!;
    try {
      connection.caller = await options.resolveCaller({
        transport: 'websocket',
        headers: ctx.extra.request.headers,
        connectionParams: ctx.connectionParams ?? {},
      });
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        tryAgainLater(ctx.extra.socket, localeOf(ctx), gatewayMessages.socketDatabaseUnavailable.topLevel());
        return [databaseUnavailableError()];
      }
      return [err instanceof GraphQLError ? err : gatewayMessages.credentialNoLongerValid.topLevel()];
    }
    const retryAfter = await options.rateLimit(connection.caller, ctx.extra.request.socket.remoteAddress);
    if (retryAfter > 0) return [rateLimitedError(retryAfter)];
    // A registered document comes parsed and validated (once per process); graphql-ws wants a
    // string `query`, so a client sending an id gives "" with `documentId` or the APQ extension.
    const admission = (await options.trustedDocuments?.admit(payload)) ?? { kind: 'text' };
    if (admission.kind === 'refused') return [admission.error];
    let document: DocumentNode;
    if (admission.kind === 'trusted') {
      if (admission.trusted.errors.length > 0) return admission.trusted.errors;
      document = admission.trusted.document;
    } else {
      const known = validDocuments.get(payload.query);
      if (known) {
        document = known;
      } else {
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens });
        } catch (err) {
          return [withCode(err instanceof GraphQLError ? err : new GraphQLError(String(err)), 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(platform.schema, document, [...specifiedRules, ...options.validationRules]);
        if (errors.length > 0) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
        if (validDocuments.size >= VALID_DOCUMENTS_KEPT) validDocuments.delete(validDocuments.keys().next().value as string);
        validDocuments.set(payload.query, document);
      }
    }
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [gatewayMessages.nameTheOperation.topLevel()];
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION && !options.allowOperations) {
      return [gatewayMessages.subscriptionsOnly.topLevel({ operation: operation.operation })];
    }
    const args: ExecutionArgs = {
      schema: platform.schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
    };
    return args;
  };

  return {
    schema: platform.schema,
    async onConnect(ctx) {
      try {
        const caller = await options.resolveCaller({
          transport: 'websocket',
          headers: ctx.extra.request.headers,
          connectionParams: ctx.connectionParams ?? {},
        });
        // A handshake costs like an operation: a flood of connections is held to the same limit.
        const retryAfter = await options.rateLimit(caller, ctx.extra.request.socket.remoteAddress);
        if (retryAfter > 0) {
          forbidden(ctx, rateLimitedError(retryAfter));
          return false;
        }
        const locale = localeOf(ctx);
        const callerKey = `${caller ? `${caller.kind}:${caller.id}` : 'anonymous'}:${locale}`;
        connections.set(ctx, { socket: ctx.extra.socket, caller, callerKey, locale });
        recheck.add(ctx, locale);
        open.add(ctx);
        return true;
      } catch (err) {
        // Not the caller's fault: the socket is closed with "try again later" rather than 4403.
        if (isDatabaseUnavailable(err))
          tryAgainLater(ctx.extra.socket, localeOf(ctx), gatewayMessages.socketDatabaseUnavailable.topLevel());
        else {
          platform.logger.info({ err: (err as Error).message }, 'WebSocket caller refused');
          if (err instanceof GraphQLError) forbidden(ctx, err);
        }
        return false;
      }
    },
    onClose(ctx) {
      recheck.remove(ctx);
      open.delete(ctx);
    },
    onNext(ctx, _id, _payload, _args, result) {
      return inLocale(localeOf(ctx), () => formatResult(result, options.formatError));
    },
    onError(ctx, _id, _payload, errors) {
      return inLocale(localeOf(ctx), () => errors.map((e) => options.formatError(e.toJSON(), e)));
    },
    // Queries and mutations (when allowed) run in the connection's language, so payload errors are in it too.
    execute(args) {
      const { connection } = contexts.get(args.contextValue as GongzhiContext)!;
      return inLocale(connection.locale, () => execute(args));
    },
    onSubscribe(ctx, _id, payload) {
      return inLocale(localeOf(ctx), () =>
        inOperation(undefined, async () => {
          const startedAt = performance.now();
          // Admission (credential, rate, parse, validation) traced as the operation's span.
          const span = tracing?.startSpan('graphql operation', {
            kind: SpanKind.SERVER,
            attributes: { 'gongzhi.transport': 'websocket', 'gongzhi.request_id': currentRequestId() },
          });
          const admitted = span ? await tracing!.run(span, () => admit(ctx, payload)) : await admit(ctx, payload);
          const codes = Array.isArray(admitted) ? (admitted as readonly GraphQLError[]).map((e) => codeText(e.extensions.code)) : [];
          const caller = connections.get(ctx)?.caller ?? null;
          logOperation(platform.logger, { operation: payload.operationName ?? null, caller, transport: 'websocket', startedAt, codes });
          const args = Array.isArray(admitted) ? null : (admitted as ExecutionArgs);
          const operation = args ? getOperationAST(args.document, args.operationName) : null;
          const name = payload.operationName ?? operation?.name?.value ?? null;
          metrics?.operation({
            operation: name,
            type: operation?.operation ?? null,
            transport: 'websocket',
            errors: codes,
            seconds: (performance.now() - startedAt) / 1000,
          });
          if (span) {
            const type = operation?.operation ?? 'operation';
            span.updateName(name ? `${type} ${name}` : type);
            if (operation) span.setAttribute('graphql.operation.type', type);
            if (name) span.setAttribute('graphql.operation.name', name);
            if (codes.length) {
              span.setAttribute('graphql.error.codes', [...new Set(codes)]);
              span.setStatus({ code: SpanStatusCode.ERROR, message: [...new Set(codes)].join(', ') });
            }
            span.end();
          }
          return admitted;
        }),
      );
    },
    context(ctx, id) {
      const connection = connections.get(ctx)!;
      const context = platform.createContext(connection.caller);
      contexts.set(context, { connection, id });
      return context;
    },
    async subscribe(args) {
      const { connection, id } = contexts.get(args.contextValue as GongzhiContext)!;
      const socket = connection.socket;
      const source = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in source)) {
        if (source.errors?.some((e) => isFault(e) && isDatabaseUnavailable(e)))
          tryAgainLater(socket, connection.locale, gatewayMessages.socketDatabaseUnavailable.topLevel());
        return source;
      }
      const events = source as AsyncGenerator<unknown>;
      const skip = positionVariables(args.document, args.operationName);
      const variables = Object.fromEntries(Object.entries(args.variableValues ?? {}).filter(([name]) => !skip.has(name)));
      const groupKey = JSON.stringify([args.operationName ?? null, args.document.loc?.source.body ?? '', variables, connection.callerKey]);
      const outbox = new Outbox();
      let stopped = false;
      // Board changes handed to the socket, and how many of them are known to be written out.
      let handed = 0;
      let writtenOut = 0;
      /** Board changes handed to the socket and not yet written out (nothing buffered: all are). */
      const unsent = () => {
        if (socket.bufferedAmount === 0) writtenOut = handed;
        return handed - writtenOut;
      };
      outbox.onReturn = () => {
        stopped = true;
        void events.return?.(undefined);
      };
      // A fresh context, so a fresh EntityManager, for every event.
      const executeEvent = (root: unknown) =>
        inLocale(connection.locale, () =>
          Promise.resolve(execute({ ...args, rootValue: root, contextValue: platform.createContext(connection.caller) })),
        );
      // One event executed for the group, serialised and encoded once.
      const produce = (root: object) => () =>
        executeEvent(root).then((result): SharedOutcome => {
          const fault = result.errors?.find((e) => isFault(e));
          if (fault) return { fault: fault.originalError ?? fault };
          return {
            payload: Buffer.from(JSON.stringify(inLocale(connection.locale, () => formatResult(result, options.formatError)))),
            frames: new Map(),
          };
        });
      // A board change whose execution hit a fault (the database restarting) is not sent: an error
      // in its place would skip it. It is executed again until it works, for up to eventRetryMs;
      // then the socket is closed so that the client resumes from the last change it has.
      const boardEventFrame = async (root: object, seq: number): Promise<Buffer | null> => {
        const deadline = Date.now() + options.eventRetryMs;
        for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
          const outcome = await shared.get(root, groupKey, produce(root));
          if ('payload' in outcome) return nextFrame(outcome, id);
          if (stopped) return null;
          if (Date.now() + wait > deadline) {
            platform.logger.error({ err: outcome.fault, seq }, 'a board change could not be produced; the client is told to resume');
            return null;
          }
          if (wait === 50) platform.logger.warn({ err: outcome.fault, seq }, 'producing a board change failed; trying again');
          await new Promise((r) => setTimeout(r, wait));
        }
      };
      const failed = (err: unknown) => {
        if (err instanceof SlowConsumerError) slow(socket, connection.locale, gatewayMessages.slowConsumerBoard.topLevel());
        else {
          platform.logger.error({ err }, 'subscription stream failed');
          const error = gatewayMessages.streamFailed.topLevel();
          outbox.push({
            errors: [inLocale(connection.locale, () => formatResult({ errors: [error] }, options.formatError).errors![0]!)],
          });
        }
      };
      if (isBoardStream(events)) {
        // Board changes are written as they come, without a turn per subscriber: the hub's reader
        // hands each change to every stream in one loop, and a change still being produced is
        // written to every waiting socket of its group in one loop once it is.
        const queue: BoardDelivery[] = []; // in order; the first may be waiting for its frame
        let producing = false;
        const stop = () => {
          stopped = true;
          void events.return();
          outbox.end();
        };
        // Writes one change's frame; false when the socket was closed (gone, or too slow).
        const write = (frame: Buffer, delivery: BoardDelivery): boolean => {
          if (stopped || socket.readyState !== socket.OPEN) {
            stop();
            return false;
          }
          // A socket that keeps up takes the frame at once. Only one that is behind gets a callback per
          // change, to count what it holds: a write's callback costs a turn of its own (~5 µs a
          // delivery, measured at 5,000 sockets), and writes complete in order.
          const behind = unsent() > 0;
          const n = ++handed;
          writeFrame(socket, frame, behind ? () => (writtenOut = Math.max(writtenOut, n)) : undefined);
          if (metrics && delivery.kind === 'event' && delivery.live === true && delivery.entry.occurredAt instanceof Date)
            metrics.boardDelivered(delivery.entry.occurredAt);
          const tooSlow =
            unsent() > options.queueLimit
              ? gatewayMessages.slowConsumerQueue.topLevel({ max: options.queueLimit })
              : socket.bufferedAmount > options.maxBufferedBytes
                ? gatewayMessages.slowConsumerBytes.topLevel({ max: options.maxBufferedBytes })
                : null;
          if (!tooSlow) return true;
          slow(socket, connection.locale, tooSlow);
          stop();
          return false;
        };
        const written = (frame: Buffer | null, delivery: BoardDelivery) => {
          producing = false;
          if (stopped) return;
          if (frame === null) {
            tryAgainLater(socket, connection.locale, gatewayMessages.boardChangeUnavailable.topLevel({ seq: delivery.seq }));
            stop();
            return;
          }
          queue.shift();
          if (write(frame, delivery)) pump();
        };
        const pump = (): void => {
          while (!producing && !stopped && queue.length > 0) {
            const head = queue[0]!;
            const known = shared.settled(head, groupKey);
            if (known && 'payload' in known) {
              queue.shift();
              if (!write(nextFrame(known, id), head)) return;
              continue;
            }
            producing = true;
            shared.when(head, groupKey, produce(head), (outcome) => {
              if ('payload' in outcome) written(nextFrame(outcome, id), head);
              else void boardEventFrame(head, head.seq).then((frame) => written(frame, head));
            });
          }
        };
        events.listen({
          delivery: (delivery) => {
            if (stopped) return;
            queue.push(delivery);
            if (unsent() + queue.length > options.queueLimit) {
              slow(socket, connection.locale, gatewayMessages.slowConsumerQueue.topLevel({ max: options.queueLimit }));
              stop();
              return;
            }
            pump();
          },
          end: (err) => {
            if (err) failed(err);
            outbox.end();
          },
        });
        return outbox;
      }
      void (async () => {
        try {
          for await (const root of events) {
            if (stopped) break;
            const executed = await executeEvent(root);
            const result = inLocale(connection.locale, () => formatResult(executed, options.formatError));
            if (stopped) break;
            outbox.push(result);
            if (outbox.pending > options.queueLimit) {
              slow(socket, connection.locale, gatewayMessages.slowConsumerQueue.topLevel({ max: options.queueLimit }));
              break;
            }
            if (socket.bufferedAmount > options.maxBufferedBytes) {
              slow(socket, connection.locale, gatewayMessages.slowConsumerBytes.topLevel({ max: options.maxBufferedBytes }));
              break;
            }
          }
        } catch (err) {
          failed(err);
        } finally {
          outbox.end();
        }
      })();
      return outbox;
    },
  };
}
