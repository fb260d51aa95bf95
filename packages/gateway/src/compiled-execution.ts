import type { GatewayExecutor, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { type DocumentNode, type ExecutionResult, execute, GraphQLError, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Platform } from '@gongzhi/core';

/** What is known of one operation of one document: how often it ran, and its compiled form once made. */
interface Seen {
  runs: number;
  /** Compiled, or null when graphql-jit could not compile it (graphql-js runs it then). */
  compiled?: CompiledQuery | null;
}

/**
 * Runs the HTTP operations of a document with graphql-jit once the document has run `after` times
 * in this process, and with graphql-js before then (bench/README.md, "Compiled execution").
 * graphql-jit turns an operation into one JavaScript function that resolves and completes its
 * fields with the shapes known in advance, where graphql-js walks the document and the schema
 * for every field of every row: the board's 50 rows took about a quarter less CPU, the person card
 * a tenth. Resolvers, their context and their errors are the same; only the walk differs.
 *
 * Apollo Server lets an executor replace its own only through its gateway interface, which is
 * what this is: the schema is this process's, nothing is federated. Compiling costs more than a
 * run, so a document sent once (or a flood of unique documents) is never compiled; the compiled
 * functions live as long as Apollo's document cache keeps the parsed document (a WeakMap on it).
 * Subscriptions run on the WebSocket server, which does not use this.
 */
export function compiledExecution(schema: GraphQLSchema, options: { after: number; logger: Platform['logger'] }): GatewayInterface {
  const seen = new WeakMap<DocumentNode, Map<string | null, Seen>>();
  const executor: GatewayExecutor = async (request) => {
    const { document, operationName, operation } = request;
    const variables = request.request.variables ?? {};
    let operations = seen.get(document);
    if (!operations) seen.set(document, (operations = new Map()));
    let entry = operations.get(operationName);
    if (!entry) operations.set(operationName, (entry = { runs: 0 }));
    entry.runs++;
    if (entry.compiled === undefined && entry.runs >= options.after && operation.operation !== 'subscription') {
      const compiled = compileOperation(schema, document, operationName);
      if (isCompiledQuery(compiled)) {
        entry.compiled = compiled;
        options.logger.debug({ operation: operationName }, 'operation compiled');
      } else {
        entry.compiled = null;
        options.logger.warn({ operation: operationName, errors: compiled.errors }, 'operation could not be compiled; graphql-js runs it');
      }
    }
    if (entry.compiled) {
      // Invalid variables are answered by graphql-js, whose messages graphql-jit words differently.
      const invalid = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 }).errors;
      if (invalid) return { errors: invalid };
      return (await entry.compiled.query(undefined, request.context, variables)) as ExecutionResult;
    }
    return await execute({ schema, document, operationName, variableValues: variables, contextValue: request.context });
  };
  let announce: GatewaySchemaLoadOrUpdateCallback | null = null;
  return {
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
function compileOperation(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): CompiledQuery | ExecutionResult {
  try {
    return compileQuery(schema, document, operationName ?? undefined, { customJSONSerializer: false });
  } catch (err) {
    return { errors: [err instanceof GraphQLError ? err : new GraphQLError(String((err as Error).message ?? err))] };
  }
}
