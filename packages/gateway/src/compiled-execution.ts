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

/**
 * One operation of one document that Apollo parsed, validated and handed to the executor: how
 * often it ran, and its compiled form once made.
 */
export interface KnownOperation {
  document: DocumentNode;
  /** Its definition (the direct path checks variables against it, and reads its type). */
  operation: OperationDefinitionNode;
  /** Its name, as Apollo names the operation in logs and metrics (null for an anonymous one). */
  name: string | null;
  runs: number;
  /** Compiled, or null when graphql-jit could not compile it (graphql-js runs it then). */
  compiled?: CompiledQuery | null;
  /** The compilation under way, shared by the runs that arrive meanwhile. */
  compiling?: Promise<CompiledQuery | null>;
}

/** The executor Apollo runs, and the operations it ran, by their text, for the gateway's direct path (direct-execution.ts). */
export interface CompiledExecution extends GatewayInterface {
  /**
   * The query or mutation that a request with this document text and `operationName` ran last
   * (one of the `maxKnown` texts run most recently). Apollo parsed and validated that text before
   * it first ran, and the schema and the rules do not change while the process runs, so its next
   * run needs neither.
   */
  knownOperation(text: string, operationName: string | null | undefined): KnownOperation | undefined;
  /** Runs a known operation as the executor does: counted, compiled when due. `variables` must fit its definitions. */
  run(known: KnownOperation, variables: Record<string, unknown>, context: unknown): Promise<ExecutionResult>;
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
 * if it comes back): generated code is not in the cache's size bound. The last `maxKnown`
 * operations run are also kept by their text, for the direct path. Subscriptions run on the
 * WebSocket server, which does not use this.
 */
export function compiledExecution(
  schema: GraphQLSchema,
  options: { after: number; logger: Platform['logger']; maxCompiled?: number; maxKnown?: number },
): CompiledExecution {
  const maxCompiled = options.maxCompiled ?? 256;
  const maxKnown = options.maxKnown ?? 256;
  const seen = new WeakMap<DocumentNode, Map<string | null, KnownOperation>>();
  // The operations by text, least recently run first.
  const byText = new Map<string, KnownOperation>();
  const remember = (key: string, known: KnownOperation) => {
    byText.delete(key);
    byText.set(key, known);
    if (byText.size > maxKnown) byText.delete(byText.keys().next().value!);
  };
  // The compiled operations, least recently run first.
  const recent = new Set<KnownOperation>();
  const keep = (known: KnownOperation) => {
    recent.delete(known);
    recent.add(known);
    if (recent.size <= maxCompiled) return;
    const oldest = recent.values().next().value!;
    recent.delete(oldest);
    oldest.compiled = oldest.compiling = undefined;
    oldest.runs = 0;
  };
  const compile = async (known: KnownOperation): Promise<CompiledQuery | null> => {
    if (!compilable(schema, known.operation)) return null;
    const compiled = await compileOperation(schema, known.document, known.name);
    if ('query' in compiled) {
      options.logger.debug({ operation: known.name }, 'operation compiled');
      return compiled;
    }
    options.logger.warn({ operation: known.name, errors: compiled.errors }, 'operation could not be compiled; graphql-js runs it');
    return null;
  };
  const run = async (known: KnownOperation, variables: Record<string, unknown>, context: unknown): Promise<ExecutionResult> => {
    known.runs++;
    if (known.compiled === undefined && known.runs >= options.after) known.compiled = await (known.compiling ??= compile(known));
    if (known.compiled) {
      keep(known);
      const result = (await known.compiled.query(undefined, context, variables)) as ExecutionResult;
      return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
    }
    return await execute({ schema, document: known.document, operationName: known.name, variableValues: variables, contextValue: context });
  };
  const executor: GatewayExecutor = async (request) => {
    const { document, operationName, operation } = request;
    const variables = request.request.variables ?? {};
    // Apollo executes a document whose operation it could not resolve (several, none named): graphql-js's error answers it.
    if (!operation) return await execute({ schema, document, operationName: request.request.operationName, variableValues: variables });
    let operations = seen.get(document);
    if (!operations) seen.set(document, (operations = new Map<string | null, KnownOperation>()));
    let known = operations.get(operationName);
    if (!known) operations.set(operationName, (known = { document, operation, name: operationName, runs: 0 }));
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION && request.source !== undefined)
      remember(textKey(request.source, request.request.operationName), known);
    // Invalid variables are answered with graphql-js's errors (graphql-jit words them differently).
    const invalid = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 }).errors;
    if (invalid) return { errors: invalid };
    return await run(known, variables, request.context);
  };
  let announce: GatewaySchemaLoadOrUpdateCallback | null = null;
  return {
    knownOperation(text, operationName) {
      const key = textKey(text, operationName);
      const known = byText.get(key);
      if (known) remember(key, known);
      return known;
    },
    run,
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
function asGraphQLError(error: GraphQLError): GraphQLError {
  const copy = new GraphQLError(error.message, { path: error.path, originalError: error.originalError, extensions: error.extensions });
  (copy as { locations: GraphQLError['locations'] }).locations = error.locations;
  return copy;
}
