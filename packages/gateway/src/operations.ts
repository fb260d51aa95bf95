import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { type Caller, currentLocale, type GongzhiContext, isDatabaseUnavailable, localizedMessage, type Logger } from '@gongzhi/core';
import { type ExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { APOLLO_BAD_REQUESTS, gatewayMessages, WRAPPED_BY_CODE } from './messages.js';
import { resultCodes } from './metrics.js';

/**
 * What every operation carries on its way through the gateway, whatever the transport: its
 * request id (sent back as `x-request-id`, named in masked errors and every log line).
 */
export interface OperationScope {
  requestId: string;
}

const scope = new AsyncLocalStorage<OperationScope>();

/** Runs `work` as one operation with a request id (the client's `x-request-id` when it is sane). */
export function inOperation<T>(given: string | string[] | undefined, work: (operation: OperationScope) => T): T {
  const requestId = typeof given === 'string' && /^[A-Za-z0-9._:-]{8,100}$/.test(given) ? given : randomUUID();
  const operation = { requestId };
  return scope.run(operation, () => work(operation));
}

/** The request id of the operation running now. */
export function currentRequestId(): string {
  return scope.getStore()?.requestId ?? 'none';
}

/** The error a resolver threw, under the GraphQLError graphql-js wrapped it in. */
function thrown(error: unknown): unknown {
  let inner = error;
  while (inner instanceof GraphQLError && inner.originalError && inner.originalError !== inner) inner = inner.originalError;
  return inner;
}

/**
 * Whether an error is a fault rather than meant for the client: a GraphQLError thrown on purpose
 * is meant for the client (domain outcomes, credentials, limits, graphql-js validation);
 * anything else thrown (a driver error, a TypeError) is a fault.
 */
export function isFault(error: unknown): boolean {
  return !(thrown(error) instanceof GraphQLError);
}

/** Seconds a client is asked to wait (`Retry-After`) when the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** The error code of an operation that failed because the database is unavailable (HTTP 503). */
export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';

/** What a client is told when the database cannot be reached or is restarting. */
export function databaseUnavailableError(): GraphQLError {
  return gatewayMessages.databaseUnavailable.topLevel(
    { retryAfter: DATABASE_RETRY_AFTER_SECONDS },
    { retryAfter: DATABASE_RETRY_AFTER_SECONDS },
  );
}

/**
 * The message of an error in the language of the operation running now: a catalog message in
 * that language; Apollo's refusals of a malformed request told with the gateway's messages
 * ({@link APOLLO_BAD_REQUESTS}); graphql-js's and Apollo's other words (validation, parsing,
 * variables) as they are in English and inside a sentence of the reader's language otherwise.
 */
function localized(formatted: GraphQLFormattedError, error: unknown): string {
  const locale = currentLocale();
  const own = localizedMessage(thrown(error), locale) ?? localizedMessage(error, locale);
  if (own !== undefined) return own;
  if (formatted.extensions?.code === 'BAD_REQUEST')
    for (const { words, message, params } of APOLLO_BAD_REQUESTS) {
      const match = words.exec(formatted.message);
      if (match) return message.render(locale, params?.(match) ?? {});
    }
  const wrapper = WRAPPED_BY_CODE[formatted.extensions?.code as keyof typeof WRAPPED_BY_CODE];
  return wrapper && locale !== 'en' ? wrapper.render(locale, { detail: formatted.message }) : formatted.message;
}

/**
 * How every error leaves the server, on HTTP and WebSocket alike: a fault is masked to
 * `INTERNAL` with the request id (and logged with its stack), never its message, except that a
 * database that cannot be reached is said so (`DATABASE_UNAVAILABLE`, retryable); with
 * introspection off, "Did you mean …?" hints (they reveal the schema) are removed. Messages are
 * told in the operation's language (see {@link localized}).
 */
export function errorFormatter(logger: Logger, introspection: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (isFault(error) && isDatabaseUnavailable(thrown(error))) {
      const requestId = currentRequestId();
      logger.warn({ err: thrown(error), requestId, path: formatted.path }, 'database unavailable in an operation');
      const unavailable = databaseUnavailableError();
      return { message: localized(formatted, unavailable), path: formatted.path, extensions: { ...unavailable.extensions, requestId } };
    }
    if (isFault(error)) {
      const requestId = currentRequestId();
      logger.error({ err: thrown(error), requestId, path: formatted.path }, 'unexpected error in an operation');
      return {
        message: gatewayMessages.internal.render(currentLocale(), { requestId }),
        path: formatted.path,
        extensions: { code: 'INTERNAL', requestId },
      };
    }
    const message = introspection ? formatted.message : formatted.message.replace(/ ?Did you mean .*\?$/, '');
    return { ...formatted, message: localized({ ...formatted, message }, error) };
  };
}

/** Applies the formatter to the errors of a result graphql-js produced (the WebSocket path). */
export function formatResult(result: ExecutionResult, format: ReturnType<typeof errorFormatter>): ExecutionResult {
  if (!result.errors?.length) return result;
  const errors = result.errors.map((e) => {
    const f = format(e.toJSON(), e);
    return new GraphQLError(f.message, { path: f.path, extensions: f.extensions });
  });
  return { ...result, errors };
}

/** One log line per operation: request id, name, caller kind, transport, duration and outcome. */
export function logOperation(
  logger: Logger,
  entry: { operation: string | null; caller: Caller | null; transport: 'http' | 'websocket'; startedAt: number; codes: readonly unknown[] },
): void {
  logger.info(
    {
      requestId: currentRequestId(),
      operation: entry.operation ?? '(anonymous)',
      caller: entry.caller?.kind ?? 'anonymous',
      transport: entry.transport,
      ms: Math.round(performance.now() - entry.startedAt),
      outcome: entry.codes.length ? 'errors' : 'ok',
      ...(entry.codes.length ? { codes: [...new Set(entry.codes)] } : {}),
    },
    'operation',
  );
}

/** The codes an operation's log line names: its top-level errors' (`ERROR` for one without), then its payloads'. */
export function loggedCodes(codes: { errors: readonly string[]; domain: readonly string[] }): string[] {
  return [...codes.errors, ...codes.domain];
}

/** Apollo's side of the operation log (HTTP); the direct path (direct-execution.ts) logs with {@link logOperation} too. */
export function operationLogPlugin(logger: Logger): ApolloServerPlugin<GongzhiContext> {
  return {
    requestDidStart() {
      const startedAt = performance.now();
      return Promise.resolve({
        willSendResponse({ contextValue, operationName, response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : null;
          logOperation(logger, {
            operation: operationName ?? null,
            caller: contextValue.caller,
            transport: 'http',
            startedAt,
            codes: loggedCodes(resultCodes(body)),
          });
          return Promise.resolve();
        },
      });
    },
  };
}
