import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Caller, isDatabaseUnavailable } from '@gongzhi/core';
import { GraphQLError } from 'graphql';
import { type errorFormatter, formatResult } from './operations.js';
import type { ResolveCaller } from './websocket.js';

/** What the routes beside /graphql (exports, photos) answer with: the caller's check, errors as /graphql words them. */

/**
 * Answers an error of a route beside /graphql (an export, a photo) as /graphql would, formatted
 * once (a fault masked); its status from its code unless given.
 */
export function sendOperationError(
  res: ServerResponse,
  formatError: ReturnType<typeof errorFormatter>,
  status: number | null,
  error: GraphQLError,
  headers: Record<string, string> = {},
): void {
  const formatted = formatResult({ errors: [error] }, formatError).errors?.at(0) ?? error;
  res.writeHead(status ?? statusOf(formatted), { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify({ errors: [{ message: formatted.message, extensions: formatted.extensions }] }));
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
 * The caller a route beside /graphql needs: signed in with an API key or a person token. A wrong
 * credential, or none, is answered 401 (with `missing` for none) and gives null.
 */
export async function signedInCaller(
  req: IncomingMessage,
  res: ServerResponse,
  options: { resolveCaller: ResolveCaller; formatError: ReturnType<typeof errorFormatter> },
  missing: GraphQLError,
): Promise<Caller | null> {
  let caller: Caller | null;
  try {
    caller = await options.resolveCaller({ transport: 'http', headers: req.headers });
  } catch (err) {
    if (isDatabaseUnavailable(err) || !(err instanceof GraphQLError)) throw err;
    sendOperationError(res, options.formatError, 401, err, { 'www-authenticate': 'Bearer' });
    return null;
  }
  if (!caller) sendOperationError(res, options.formatError, 401, missing, { 'www-authenticate': 'Bearer' });
  return caller;
}
