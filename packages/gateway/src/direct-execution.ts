import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { GongzhiContext } from '@gongzhi/core';
import {
  type ExecutionResult,
  type FormattedExecutionResult,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  OperationTypeNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import Negotiator from 'negotiator';
import type { CompiledExecution, KnownOperation } from './compiled-execution.js';
import { DATABASE_RETRY_AFTER_SECONDS, DATABASE_UNAVAILABLE } from './operations.js';

/**
 * The direct path: an HTTP query or mutation whose text this process already ran through Apollo
 * ({@link CompiledExecution.knownOperation}) runs again without Apollo Server's request pipeline,
 * and is answered with the same status, headers and bytes Apollo would send.
 *
 * Apollo's pipeline costs a small answer about a fifth of the gateway's CPU (bench/README.md,
 * "Repeated operations answered without Apollo's pipeline"): its request and context objects,
 * its hooks (a promise each), its document-cache look-up, its content negotiation. A repeated
 * operation needs none of what they decide: its text parsed and passed validation (the schema
 * and the rules do not change), and the plugins this server runs log the operation, count it,
 * hold a mutation until its rate-limit verdict and map a database outage to 503, which the
 * gateway's handler and this module do as they do. Anything the path is not sure to answer
 * exactly as Apollo would goes to Apollo: a first run, variables that do not fit their
 * definitions, a body Apollo would refuse, an `Accept` header no JSON type satisfies, tracing (its
 * spans are Apollo's plugin's), a server that is stopping. compiled-execution.test.ts compares
 * the two paths' answers.
 */

const JSON_TYPE = 'application/json; charset=utf-8';
/** The types Apollo answers a single result in, in its order of preference (ApolloServer.js, `chooseContentTypeForSingleResultResponse`). */
const SINGLE_RESULT_TYPES = [
  JSON_TYPE,
  'application/graphql-response+json; charset=utf-8',
  'application/json; callbackSpec=1.0; charset=utf-8',
];

/** Negotiated content types by `Accept` header: clients send few distinct ones. */
const typeByAccept = new Map<string, string | null>();

/** The content type Apollo answers a single result in for an `Accept` header; null when none fits (Apollo answers 406). */
function singleResultType(accept: string | undefined): string | null {
  if (!accept) return JSON_TYPE;
  let type = typeByAccept.get(accept);
  if (type === undefined) {
    type = new Negotiator({ headers: { accept } }).mediaType(SINGLE_RESULT_TYPES) ?? null;
    if (typeByAccept.size >= 64) typeByAccept.clear();
    typeByAccept.set(accept, type);
  }
  return type;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An operation the direct path answers: what is known of it, its variables and the content type of its answer. */
export interface DirectOperation {
  known: KnownOperation;
  variables: Record<string, unknown>;
  contentType: string;
  /** Whether it must wait for its rate-limit verdict before it runs (anything but a query, as `mutationsWait`). */
  waits: boolean;
}

/**
 * The request as a {@link DirectOperation}, when the direct path answers it exactly as Apollo
 * would; undefined sends it to Apollo. `method` and `body` are what Apollo would be given (a
 * registered document's text already in the body); `jsonType` says Apollo would be told its content
 * type is JSON (a registered GET's), else `contentType` is the request's own header.
 */
export function directOperation(
  operations: CompiledExecution,
  schema: GraphQLSchema,
  request: { method: string; body: unknown; jsonType: boolean; contentType: string | undefined; accept: string | undefined },
): DirectOperation | undefined {
  const { body } = request;
  // Apollo answers any other method 405 (a registered GET arrives here as the POST it stands for).
  if (request.method !== 'POST' || !isRecord(body) || typeof body.query !== 'string') return undefined;
  const { operationName = null, variables = null, extensions = null } = body;
  // Apollo refuses these with 400.
  if ((operationName !== null && typeof operationName !== 'string') || (variables !== null && !isRecord(variables))) return undefined;
  if (extensions !== null && !isRecord(extensions)) return undefined;
  // Apollo's CSRF check lets through a body whose type no HTML form can send (application/json).
  if (!request.jsonType && request.contentType?.split(';', 1)[0]?.trim().toLowerCase() !== 'application/json') return undefined;
  const contentType = singleResultType(request.accept);
  if (contentType === null) return undefined;
  const known = operations.knownOperation(body.query, operationName);
  if (!known) return undefined;
  // Variables that do not fit are Apollo's to answer (its status and its words).
  const given = variables ?? {};
  if (getVariableValues(schema, known.operation.variableDefinitions ?? [], given, { maxErrors: 1 }).errors) return undefined;
  return { known, variables: given, contentType, waits: known.operation.operation !== OperationTypeNode.QUERY };
}

/** What Apollo's `formatError` option is given: the normalised error and the error itself. */
type FormatError = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/**
 * Runs a {@link DirectOperation} and answers it as Apollo does (requestPipeline.js, errorNormalize.js,
 * runHttpQuery.js): errors normalised (a code, `INTERNAL_SERVER_ERROR` when there is none; an
 * `http` extension moved to the response's head) and formatted; `errors` before `data`; a JSON
 * line; a database outage answered 503 with `Retry-After` (http-server.ts's
 * `databaseUnavailableStatus`). Returns the answer and the formatted result (for the log and the metrics).
 */
export async function answerDirectly(
  direct: DirectOperation,
  operations: CompiledExecution,
  context: GongzhiContext,
  formatError: FormatError,
): Promise<{ response: HTTPGraphQLResponse; result: FormattedExecutionResult }> {
  const headers = new HeaderMap();
  let status: number | undefined;
  let result: ExecutionResult;
  try {
    result = await operations.run(direct.known, direct.variables, context);
  } catch (err) {
    // An executor that throws: Apollo answers the error alone, as a 500.
    result = {
      errors: [
        err instanceof GraphQLError ? err : new GraphQLError(String((err as Error)?.message ?? err), { originalError: err as Error }),
      ],
    };
    status = 500;
  }
  let errors: GraphQLFormattedError[] | undefined;
  if (result.errors) {
    errors = result.errors.map((original) => {
      const extensions: Record<string, unknown> = { ...original.extensions, code: original.extensions.code ?? 'INTERNAL_SERVER_ERROR' };
      const http = extensions.http as { status?: number; headers?: Map<string, string> } | undefined;
      if (
        http &&
        typeof http === 'object' &&
        (http.status === undefined || typeof http.status === 'number') &&
        (http.headers === undefined || http.headers instanceof Map)
      ) {
        if (http.status) status = http.status;
        for (const [name, value] of http.headers ?? []) headers.set(name, value);
        delete extensions.http;
      }
      try {
        return formatError({ ...original.toJSON(), extensions }, original);
      } catch {
        return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
      }
    });
    if (errors.some((e) => e.extensions?.code === DATABASE_UNAVAILABLE)) {
      status = 503;
      headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    }
  }
  if (!headers.has('content-type')) headers.set('content-type', direct.contentType);
  const formatted: FormattedExecutionResult = { errors, data: result.data, extensions: result.extensions };
  return { response: { status, headers, body: { kind: 'complete', string: `${JSON.stringify(formatted)}\n` } }, result: formatted };
}
