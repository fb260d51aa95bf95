import type { GatewayExecutor, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  getNamedType,
  GraphQLError,
  type GraphQLSchema,
  isInputObjectType,
  type NamedTypeNode,
  type OperationDefinitionNode,
  OperationTypeNode,
  typeFromAST,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import type { CompiledQuery } from 'graphql-jit';
import type { Platform } from '@gongzhi/core';

/** What is known of one operation of one document: how often it ran, and its compiled form once made. */
interface Seen {
  runs: number;
  /** Compiled, or null when graphql-jit could not compile it (graphql-js runs it then). */
  compiled?: CompiledQuery | null;
  /** The compilation under way, shared by the runs that arrive meanwhile. */
  compiling?: Promise<CompiledQuery | null>;
  /** For a compiled query: the keys ({@link textKey}) it is known by in `byText`. */
  texts?: Set<string>;
}

/** A query operation that ran compiled: what the gateway needs to run it again without Apollo. */
export interface CompiledOperation {
  compiled: CompiledQuery;
  /** Its definition (its variables are checked against it before it runs). */
  operation: OperationDefinitionNode;
  /** Its name, as Apollo names the operation in logs and metrics (null for an anonymous one). */
  name: string | null;
}

/** The executor Apollo runs, and the query operations it has compiled, by their text. */
export interface CompiledExecution extends GatewayInterface {
  /**
   * The compiled query operation that a request with this document text and `operationName` ran
   * last, if it is still compiled. Apollo parsed and validated that text before it first ran (the
   * schema and the rules do not change while the process runs), so its next run needs neither.
   */
  compiledQuery(text: string, operationName: string | null | undefined): CompiledOperation | undefined;
}

/** How `byText` names a document's text sent with an operation name (a name holds no line break). */
function textKey(text: string, operationName: string | null | undefined): string {
  return `${operationName ?? ''}\n${text}`;
}

/**
 * Runs the HTTP operations of a document with graphql-jit once the document has run `after` times
 * in this process, and with graphql-js before then (bench/README.md, "Compiled execution").
 * graphql-jit turns an operation into one JavaScript function that resolves and completes its
 * fields with the shapes known in advance, where graphql-js walks the document and the schema
 * for every field of every row: the board's page of 50 takes about a fifth less gateway CPU; a small
 * answer (the person card) gains nothing measurable. Resolvers, their context and their errors are
 * the same; only the walk differs.
 *
 * Apollo Server lets an executor replace its own only through its gateway interface, which is
 * what this is: the schema is this process's, nothing is federated. Compiling costs more than a
 * run, so a document sent once (or a flood of unique documents) is never compiled. Runs are
 * counted on the parsed document Apollo's document cache keeps (a WeakMap on it), and at most
 * `maxCompiled` operations stay compiled (the least recently run is dropped, and compiled again
 * if it comes back): generated code is not in the cache's size bound. A compiled query is also
 * kept by its text, for the gateway's direct path ({@link CompiledExecution.compiledQuery}).
 * Subscriptions run on the WebSocket server, which does not use this.
 */
export function compiledExecution(
  schema: GraphQLSchema,
  options: { after: number; logger: Platform['logger']; maxCompiled?: number },
): CompiledExecution {
  const maxCompiled = options.maxCompiled ?? 256;
  const seen = new WeakMap<DocumentNode, Map<string | null, Seen>>();
  const byText = new Map<string, CompiledOperation & { entry: Seen }>();
  // The compiled operations, least recently run first.
  const recent = new Set<Seen>();
  const keep = (entry: Seen) => {
    recent.delete(entry);
    recent.add(entry);
    if (recent.size <= maxCompiled) return;
    const oldest = recent.values().next().value!;
    recent.delete(oldest);
    for (const key of oldest.texts ?? []) byText.delete(key);
    oldest.compiled = oldest.compiling = oldest.texts = undefined;
    oldest.runs = 0;
  };
  const compile = async (
    document: DocumentNode,
    operationName: string | null,
    operation: OperationDefinitionNode,
  ): Promise<CompiledQuery | null> => {
    if (!compilable(schema, operation)) return null;
    const compiled = await compileOperation(schema, document, operationName);
    if ('query' in compiled) {
      options.logger.debug({ operation: operationName }, 'operation compiled');
      return compiled;
    }
    options.logger.warn({ operation: operationName, errors: compiled.errors }, 'operation could not be compiled; graphql-js runs it');
    return null;
  };
  const executor: GatewayExecutor = async (request) => {
    const { document, operationName, operation } = request;
    const variables = request.request.variables ?? {};
    // Apollo executes a document whose operation it could not resolve (several, none named): graphql-js's error answers it.
    if (!operation) return await execute({ schema, document, operationName: request.request.operationName, variableValues: variables });
    let operations = seen.get(document);
    if (!operations) seen.set(document, (operations = new Map<string | null, Seen>()));
    let entry = operations.get(operationName);
    if (!entry) operations.set(operationName, (entry = { runs: 0 }));
    entry.runs++;
    if (entry.compiled === undefined && entry.runs >= options.after)
      entry.compiled = await (entry.compiling ??= compile(document, operationName, operation));
    if (entry.compiled) {
      keep(entry);
      if (operation.operation === OperationTypeNode.QUERY && request.source !== undefined) {
        const key = textKey(request.source, request.request.operationName);
        if (!byText.has(key)) {
          (entry.texts ??= new Set()).add(key);
          byText.set(key, { compiled: entry.compiled, operation, name: operationName, entry });
        }
      }
      // Invalid variables are answered by graphql-js, whose messages graphql-jit words differently.
      const invalid = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 }).errors;
      if (invalid) return { errors: invalid };
      const result = (await entry.compiled.query(undefined, request.context, variables)) as ExecutionResult;
      return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
    }
    return await execute({ schema, document, operationName, variableValues: variables, contextValue: request.context });
  };
  let announce: GatewaySchemaLoadOrUpdateCallback | null = null;
  return {
    compiledQuery(text, operationName) {
      const known = byText.get(textKey(text, operationName));
      if (known) keep(known.entry);
      return known;
    },
    onSchemaLoadOrUpdate(callback) {
      announce = callback;
      return () => (announce = null);
    },
    load() {
      announce?.({ apiSchema: schema, coreSupergraphSdl: '' });
      return Promise.resolve({ executor });
    },
    stop: () => Promise.resolve(),
  };
}

/** graphql-jit's compiled form of one operation, or why it cannot make one (it may throw rather than answer errors). */
async function compileOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
): Promise<CompiledQuery | ExecutionResult> {
  // Loaded on the first compilation, not at start (it brings fast-json-stringify along).
  const { compileQuery } = await import('graphql-jit');
  try {
    return compileQuery(schema, document, operationName ?? undefined, { customJSONSerializer: false });
  } catch (err) {
    return { errors: [err instanceof GraphQLError ? err : new GraphQLError(String((err as Error).message ?? err))] };
  }
}

/**
 * Whether graphql-jit may run an operation. Not a subscription (the WebSocket server runs those),
 * and no variable of an input object type: graphql-jit 0.8.9's own variable parsing refuses an
 * input object that leaves out a field with a default (`description: String! = ""`), where
 * graphql-js fills the default in; such operations (mostly mutations, small answers) stay on graphql-js.
 */
function compilable(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  if (operation.operation === OperationTypeNode.SUBSCRIPTION) return false;
  return (operation.variableDefinitions ?? []).every((definition) => {
    const type = typeFromAST(schema, definition.type as NamedTypeNode);
    return type !== undefined && !isInputObjectType(getNamedType(type));
  });
}

/**
 * graphql-jit's errors as graphql-js makes them. Its own error objects inherit from GraphQLError
 * but leave `extensions` undefined when the original error has none (a database error), where
 * the error formatting, Apollo's and ours, expects graphql-js's `{}`.
 */
export function asGraphQLError(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions: error.extensions });
  (copy as { locations: GraphQLError['locations'] }).locations = error.locations;
  return copy;
}
