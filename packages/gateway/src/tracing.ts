import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import { type GongzhiContext, watchSendContext } from '@gongzhi/core';
import { type Attributes, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { getOperationAST, type GraphQLResolveInfo } from 'graphql';
import type pg from 'pg';
import { codeText } from './metrics.js';

/** Where traces go and what gets a span. */
export interface TracingOptions {
  /** Base URL of the OTLP/HTTP receiver; spans are POSTed as JSON to `<endpoint>/v1/traces`. */
  endpoint: string;
  serviceName: string;
  /** Resolvers below the top level that take at least this long get a span, in milliseconds. */
  slowResolverMs: number;
  /** How often finished spans are sent, in milliseconds (default 1000). */
  exportIntervalMs?: number;
}

/** Longest SQL text kept on a span. */
const MAX_STATEMENT_CHARS = 2000;

const epochMs = () => performance.timeOrigin + performance.now();

/**
 * OpenTelemetry tracing of one gateway server: spans for the HTTP request, the GraphQL operation,
 * top-level and slow resolvers, and SQL statements, exported over OTLP/HTTP (JSON). The SDK is
 * imported only by {@link GatewayTracing.start}, so a gateway without an endpoint never loads
 * it. Its own tracer provider is not registered globally and the current span travels in its
 * own AsyncLocalStorage, so several servers in one process keep apart.
 */
export class GatewayTracing {
  private readonly current = new AsyncLocalStorage<Span>();
  /** Ends {@link instrumentPool}'s request that shared reads be sent in their operation's context. */
  private unwatchSendContext: (() => void) | null = null;

  private constructor(
    private readonly tracer: Tracer,
    private readonly provider: { forceFlush(): Promise<void>; shutdown(): Promise<void> },
    readonly slowResolverMs: number,
  ) {}

  /** Loads the SDK and the OTLP exporter, and starts exporting. */
  static async start(options: TracingOptions, version: string): Promise<GatewayTracing> {
    // One after another: they share modules, and loading them at once trips Jest's ESM loader.
    const { BatchSpanProcessor, TracerProvider } = await import('@opentelemetry/sdk-trace');
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    const { defaultResource, resourceFromAttributes } = await import('@opentelemetry/resources');
    const exporter = new OTLPTraceExporter({ url: `${options.endpoint}/v1/traces` });
    const provider = new TracerProvider({
      resource: defaultResource().merge(resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': version })),
      spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: options.exportIntervalMs ?? 1000 })],
    });
    return new GatewayTracing(provider.getTracer('@gongzhi/gateway', version), provider, options.slowResolverMs);
  }

  /** The span work runs under now (the innermost one started with {@link run}). */
  active(): Span | undefined {
    return this.current.getStore();
  }

  /** Starts a span, a child of `parent` (default: the active one) or a root. */
  startSpan(name: string, options: { kind?: SpanKind; attributes?: Attributes; startTime?: number } = {}, parent = this.active()): Span {
    return this.tracer.startSpan(name, options, parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT);
  }

  /** Runs `work` with `span` as the active span (the parent of spans started inside). */
  run<T>(span: Span, work: () => T): T {
    return this.current.run(span, work);
  }

  /** Sends every finished span now. */
  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  /** Sends what is left and stops. */
  shutdown(): Promise<void> {
    this.unwatchSendContext?.();
    return this.provider.shutdown();
  }

  /**
   * Apollo's side: names the active operation span (`query Plugins`) once the operation is
   * known, marks it failed on top-level errors, and adds resolver spans: every top-level field,
   * and deeper ones that took at least `slowResolverMs` (made afterwards, with their real times).
   */
  apolloPlugin(): ApolloServerPlugin<GongzhiContext> {
    const slowMs = this.slowResolverMs;
    return {
      requestDidStart: () => {
        const span = this.active();
        if (!span) return Promise.resolve({});
        const name = (operation: { operation: string; name?: { value: string } } | null | undefined, given?: string | null) => {
          const type = operation?.operation ?? 'operation';
          const opName = operation?.name?.value ?? given;
          span.updateName(opName ? `${type} ${opName}` : type);
          span.setAttribute('graphql.operation.type', type);
          if (opName) span.setAttribute('graphql.operation.name', opName);
        };
        return Promise.resolve({
          didResolveOperation: ({ operation, operationName }) => {
            name(operation, operationName);
            return Promise.resolve();
          },
          executionDidStart: () =>
            Promise.resolve({
              willResolveField: ({ info }: { info: GraphQLResolveInfo }) => {
                const startTime = epochMs();
                return (error: Error | null) => {
                  const endTime = epochMs();
                  const topLevel = info.path.prev === undefined;
                  if (!topLevel && endTime - startTime < slowMs) return;
                  const resolver = this.startSpan(
                    `resolve ${info.parentType.name}.${info.fieldName}`,
                    {
                      startTime,
                      attributes: {
                        'graphql.field.name': info.fieldName,
                        'graphql.field.type': String(info.returnType),
                        'graphql.field.path': pathText(info.path),
                      },
                    },
                    span,
                  );
                  if (error) {
                    resolver.recordException(error);
                    resolver.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
                  }
                  resolver.end(endTime);
                };
              },
            }),
          willSendResponse: ({ operation, document, request, response }) => {
            if (!operation && document) name(getOperationAST(document, request.operationName), request.operationName);
            const body = response.body.kind === 'single' ? response.body.singleResult : null;
            const codes = [...new Set((body?.errors ?? []).map((e) => codeText(e.extensions?.code)))];
            if (codes.length) {
              span.setAttribute('graphql.error.codes', codes);
              span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') });
            }
            return Promise.resolve();
          },
        });
      },
    };
  }

  /**
   * SQL spans: every statement a client of `pool` runs inside a traced operation gets a span
   * (the statement's text, never its parameters), a child of the span active when it was sent.
   * Statements outside operations (sweeps, the board reader) are not traced.
   */
  instrumentPool(pool: pg.Pool): void {
    // A read sent in a round trip another operation opened gets its span under its own operation.
    this.unwatchSendContext ??= watchSendContext();
    const patched = new WeakSet<pg.PoolClient>();
    pool.on('acquire', (client) => {
      if (patched.has(client)) return;
      patched.add(client);
      // The original method, called with the client as `this` below.
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const original = client.query as (...args: unknown[]) => unknown;
      const active = () => this.active();
      const startSpan = (name: string, options: Parameters<GatewayTracing['startSpan']>[1], parent: Span) =>
        this.startSpan(name, options, parent);
      (client as { query: unknown }).query = function query(this: unknown, ...args: unknown[]): unknown {
        const parent = active();
        if (!parent) return original.apply(this, args);
        const first = args[0] as string | { text?: unknown } | undefined;
        const text = typeof first === 'string' ? first : typeof first?.text === 'string' ? first.text : '';
        const span = startSpan(
          sqlName(text),
          {
            kind: SpanKind.CLIENT,
            attributes: { 'db.system.name': 'postgresql', 'db.query.text': text.slice(0, MAX_STATEMENT_CHARS) },
          },
          parent,
        );
        const end = (error?: unknown) => {
          if (error) {
            const failure = error instanceof Error ? error : new Error(typeof error === 'string' ? error : 'the statement failed');
            span.recordException(failure);
            span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
          }
          span.end();
        };
        const last = args.at(-1);
        if (typeof last === 'function') {
          args[args.length - 1] = (err: unknown, ...rest: unknown[]) => {
            end(err ?? undefined);
            return (last as (...a: unknown[]) => unknown)(err, ...rest);
          };
          return original.apply(this, args);
        }
        let result: unknown;
        try {
          result = original.apply(this, args);
        } catch (err) {
          end(err);
          throw err;
        }
        const thenable = result as { then?: unknown; once?: unknown } | null;
        if (thenable && typeof thenable.then === 'function') {
          (thenable as Promise<unknown>).then(
            () => end(),
            (err: unknown) => end(err),
          );
        } else if (thenable && typeof thenable.once === 'function') {
          // A submittable (a cursor): done at its end or error.
          const emitter = thenable as { once(event: string, listener: (err?: unknown) => void): void };
          emitter.once('end', () => end());
          emitter.once('error', (err) => end(err));
        } else end();
        return result;
      };
    });
  }
}

/** `Query.people.0.name` for a resolver's path. */
function pathText(path: GraphQLResolveInfo['path']): string {
  const parts: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = path; p; p = p.prev) parts.unshift(p.key);
  return parts.join('.');
}

/** A low-cardinality span name for a statement: its first keyword (`SELECT`, `INSERT`, …). */
function sqlName(text: string): string {
  const keyword = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase();
  return keyword ? `db ${keyword}` : 'db query';
}
