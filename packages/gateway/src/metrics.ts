import type { ApolloServerPlugin } from '@apollo/server';
import { eventOutbox, type FoldTotals, type GongzhiContext, type OutboxDepth, type Platform, type PruneTotals } from '@gongzhi/core';
import { type FormattedExecutionResult, getOperationAST, type GraphQLFormattedError } from 'graphql';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The transports an operation arrives on. */
export type Transport = 'http' | 'websocket';

/** How an operation ended: no error, a domain outcome in a payload's `errors`, or a top-level error. */
export type Outcome = 'ok' | 'domain_error' | 'error';

/** Distinct operation names one process labels; past it they count as `(other)` (names are the client's). */
const MAX_OPERATION_NAMES = 500;
/** Distinct error codes one process labels; past it they count as `(other)`. */
const MAX_CODES = 200;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
/** How long a scrape waits for the outbox query before it reports the gauges it has. */
const OUTBOX_QUERY_TIMEOUT_MS = 1000;

/** An error's `code` extension as a label ('ERROR' when it has none). */
export function codeText(code: unknown): string {
  return typeof code === 'string' ? code : 'ERROR';
}

/** Top-level codes and payload (domain) codes of a result as it leaves the server. */
export function resultCodes(body: FormattedExecutionResult | null | undefined): { errors: string[]; domain: string[] } {
  const errors = (body?.errors ?? []).map((e: GraphQLFormattedError) => codeText(e.extensions?.code));
  const domain = Object.values(body?.data ?? {}).flatMap((v) =>
    Array.isArray((v as { errors?: unknown } | null)?.errors)
      ? (v as { errors: { code: unknown }[] }).errors.map((e) => String(e.code))
      : [],
  );
  return { errors, domain };
}

/** What the /metrics endpoint reads from outside the gateway's own counters. */
export interface MetricsSources {
  /** The operations' connection pool (its in-use, idle and waiting counts). */
  pool: pg.Pool | null;
  /** Open WebSocket connections. */
  webSocketConnections: () => number;
  /** Operations open on them. */
  webSocketOperations: () => number;
}

/**
 * The Prometheus metrics of one gateway server, in its own registry (not prom-client's global
 * one), so that several servers in one process keep apart. Counters and histograms are
 * recorded as operations run; pool, socket and outbox gauges are read at each scrape.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly names = new Set<string>();
  private readonly codes = new Set<string>();
  private sources: MetricsSources = { pool: null, webSocketConnections: () => 0, webSocketOperations: () => 0 };

  private readonly operations = new Counter({
    name: 'gongzhi_operations_total',
    help: 'GraphQL operations by name, type, transport and outcome (ok, domain_error: a payload carried errors, error: a top-level error).',
    labelNames: ['operation', 'type', 'transport', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly errors = new Counter({
    name: 'gongzhi_errors_total',
    help: 'Top-level errors sent, by code (INTERNAL for faults, RATE_LIMITED, BAD_REQUEST, DATABASE_UNAVAILABLE, …) and transport.',
    labelNames: ['code', 'transport'] as const,
    registers: [this.registry],
  });

  private readonly domainErrors = new Counter({
    name: 'gongzhi_domain_errors_total',
    help: 'Domain outcomes in mutation payloads (errors { code }), by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  private readonly duration = new Histogram({
    name: 'gongzhi_operation_duration_seconds',
    help: 'Time to answer an operation over HTTP, or to admit a subscription over WebSocket, in seconds.',
    labelNames: ['operation', 'type', 'transport'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly httpRequests = new Counter({
    name: 'gongzhi_http_requests_total',
    help: 'HTTP requests by route and status code (429 rate limited, 400 bad request, 413 too large, 503 database unavailable, …).',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly boardLag = new Histogram({
    name: 'gongzhi_board_delivery_lag_seconds',
    help: 'Time from a board event being emitted (in its committing transaction) to its message being handed to a subscriber socket, in seconds.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly collectErrors = new Counter({
    name: 'gongzhi_metrics_collect_errors_total',
    help: 'Scrapes that could not read a gauge (the database unavailable for the outbox depth, say), by source.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  constructor(platform: Platform) {
    // Inside `collect`, `this` is the gauge; the sources are read through this arrow.
    const sources = () => this.sources;
    collectDefaultMetrics({ register: this.registry, prefix: 'gongzhi_' });
    new Gauge({
      name: 'gongzhi_websocket_connections',
      help: 'Open WebSocket connections.',
      registers: [this.registry],
      collect() {
        this.set(sources().webSocketConnections());
      },
    });
    new Gauge({
      name: 'gongzhi_websocket_subscriptions',
      help: 'Operations open on WebSocket connections (subscriptions, unless queries are allowed there).',
      registers: [this.registry],
      collect() {
        this.set(sources().webSocketOperations());
      },
    });
    new Gauge({
      name: 'gongzhi_board_subscribers',
      help: "Open live-board streams in this process's board hub.",
      registers: [this.registry],
      collect() {
        this.set(platform.boards.subscriberCount);
      },
    });
    new Gauge({
      name: 'gongzhi_db_pool_connections',
      help: "Connections of the operations' database pool by state: in_use, idle.",
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = sources().pool;
        if (!pool) return;
        this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
        this.set({ state: 'idle' }, pool.idleCount);
      },
    });
    new Gauge({
      name: 'gongzhi_db_pool_waiting',
      help: "Queries waiting for a connection of the operations' database pool.",
      registers: [this.registry],
      collect() {
        const pool = sources().pool;
        if (pool) this.set(pool.waitingCount);
      },
    });
    // The count fold's and the log pruner's totals are the platform's, kept current as they work:
    // each scrape copies them, one total a sample (by a label, or alone).
    const copied = <T extends Record<keyof T, number>>(
      name: string,
      help: string,
      source: Readonly<T>,
      totals: { label: string; by: Record<string, keyof T> } | keyof T,
    ) =>
      new Counter({
        name,
        help,
        labelNames: typeof totals === 'object' ? [totals.label] : [],
        registers: [this.registry],
        collect() {
          this.reset();
          if (typeof totals !== 'object') this.inc(source[totals]);
          else for (const [value, total] of Object.entries(totals.by)) this.inc({ [totals.label]: value }, source[total]);
        },
      });
    const folds: Readonly<FoldTotals> = platform.countFolds;
    const placesHelp =
      'Places whose kept request counts this process folded (folded), or left to a later round because a writer held their rows (busy).';
    copied('gongzhi_request_count_fold_places_total', placesHelp, folds, { label: 'outcome', by: { folded: 'folded', busy: 'busy' } });
    const roundsHelp = 'Rounds of the kept request counts fold this process ran, by outcome (ok, failed: the database unavailable, say).';
    copied('gongzhi_request_count_fold_rounds_total', roundsHelp, folds, {
      label: 'outcome',
      by: { ok: 'rounds', failed: 'failedRounds' },
    });
    const rowsHelp = 'Kept request count rows this process folded away (a subtree report reads them all).';
    copied('gongzhi_request_count_fold_rows_removed_total', rowsHelp, folds, 'removed');
    const prunes: Readonly<PruneTotals> = platform.logPrunes;
    const prunedHelp = 'Log entries this process deleted past their retention period (GONGZHI_*_LOG_RETENTION_DAYS), by log.';
    copied('gongzhi_log_entries_pruned_total', prunedHelp, prunes, {
      label: 'log',
      by: { audit_log: 'auditLog', sensitive_access_log: 'sensitiveAccessLog' },
    });
    const prunesHelp =
      'Prunes of the audit and sensitive-access logs this process ran, by outcome (ok, failed); none without a retention period.';
    copied('gongzhi_log_prune_rounds_total', prunesHelp, prunes, { label: 'outcome', by: { ok: 'rounds', failed: 'failedRounds' } });
    // Each plugin's scheduled tasks (those turned off included, at zero, so an alert sees them).
    new Counter({
      name: 'gongzhi_scheduled_task_rounds_total',
      help: "Rounds of the plugins' scheduled tasks this process ran, by task (<plugin>.<task>) and outcome (ok, failed, skipped: another process held the task's lease).",
      labelNames: ['task', 'outcome'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const t of platform.scheduledTasks) {
          this.inc({ task: t.task, outcome: 'ok' }, t.rounds);
          this.inc({ task: t.task, outcome: 'failed' }, t.failedRounds);
          this.inc({ task: t.task, outcome: 'skipped' }, t.skippedRounds);
        }
      },
    });
    new Gauge({
      name: 'gongzhi_scheduled_task_last_success_timestamp_seconds',
      help: 'When the last round of a scheduled task that ended without a fault ended in this process (Unix time); absent before one did. A round runs in one process at a time: alert on the latest over all processes.',
      labelNames: ['task'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const t of platform.scheduledTasks) if (t.lastSucceededAt) this.set({ task: t.task }, t.lastSucceededAt.getTime() / 1000);
      },
    });
    // The three outbox gauges share one query per scrape.
    let depth: Promise<OutboxDepth | null> | null = null;
    const readDepth = () =>
      (depth ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        try {
          return await Promise.race([
            eventOutbox.depth(platform.orm.em.fork()),
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`the outbox query took longer than ${OUTBOX_QUERY_TIMEOUT_MS} ms`)),
                OUTBOX_QUERY_TIMEOUT_MS,
              );
            }),
          ]);
        } catch (err) {
          platform.logger.warn({ err }, 'metrics: reading the event outbox depth failed');
          this.collectErrors.inc({ source: 'event_outbox' });
          return null;
        } finally {
          clearTimeout(timer);
          // The next scrape queries again.
          setImmediate(() => (depth = null));
        }
      })());
    new Gauge({
      name: 'gongzhi_event_outbox_pending',
      help: 'Event deliveries to after-commit handlers not made yet (failed ones included), across all processes.',
      registers: [this.registry],
      async collect() {
        const d = await readDepth();
        if (d) this.set(d.pending);
      },
    });
    new Gauge({
      name: 'gongzhi_event_outbox_failing',
      help: 'Event deliveries that failed at least once and wait for a retry.',
      registers: [this.registry],
      async collect() {
        const d = await readDepth();
        if (d) this.set(d.failing);
      },
    });
    new Gauge({
      name: 'gongzhi_event_outbox_oldest_age_seconds',
      help: 'Age of the oldest delivery in the event outbox, in seconds (0 when it is empty).',
      registers: [this.registry],
      async collect() {
        const d = await readDepth();
        if (d) this.set(d.oldestAgeSeconds);
      },
    });
  }

  /** Where the gauges read the pool and the sockets (set once the server has them). */
  attach(sources: Partial<MetricsSources>): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** An operation name as a label: bounded in form and number, since clients choose names. */
  private name(operation: string | null | undefined): string {
    if (!operation) return '(anonymous)';
    if (!NAME.test(operation)) return '(invalid)';
    if (this.names.has(operation)) return operation;
    if (this.names.size >= MAX_OPERATION_NAMES) return '(other)';
    this.names.add(operation);
    return operation;
  }

  private code(code: string): string {
    if (this.codes.has(code)) return code;
    if (this.codes.size >= MAX_CODES || !NAME.test(code)) return '(other)';
    this.codes.add(code);
    return code;
  }

  /** Records one operation: its outcome from the codes of its result, and (when given) its duration. */
  operation(entry: {
    operation: string | null | undefined;
    type: string | null | undefined;
    transport: Transport;
    errors: readonly string[];
    domain?: readonly string[];
    seconds?: number;
  }): void {
    const operation = this.name(entry.operation);
    const type = entry.type ?? 'unknown';
    const domain = entry.domain ?? [];
    const outcome: Outcome = entry.errors.length ? 'error' : domain.length ? 'domain_error' : 'ok';
    this.operations.inc({ operation, type, transport: entry.transport, outcome });
    for (const code of new Set(entry.errors)) this.errors.inc({ code: this.code(code), transport: entry.transport });
    for (const code of new Set(domain)) this.domainErrors.inc({ code: this.code(code) });
    if (entry.seconds !== undefined) this.duration.observe({ operation, type, transport: entry.transport }, entry.seconds);
  }

  /** Records an HTTP request once its response is sent. */
  httpRequest(route: string, status: number): void {
    this.httpRequests.inc({ route, status: String(status) });
  }

  /** Records the lag of a live board event handed to a socket. */
  boardDelivered(occurredAt: Date): void {
    this.boardLag.observe(Math.max(0, (Date.now() - occurredAt.getTime()) / 1000));
  }

  /** The exposition text and its content type. */
  async expose(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  /** Apollo's side (HTTP): every operation counted with its outcome and timed. */
  apolloPlugin(): ApolloServerPlugin<GongzhiContext> {
    return {
      requestDidStart: () => {
        const startedAt = performance.now();
        return Promise.resolve({
          willSendResponse: ({ operationName, operation, document, request, response }) => {
            const body = response.body.kind === 'single' ? response.body.singleResult : null;
            const { errors, domain } = resultCodes(body);
            // A document that parsed but failed validation still names its operation.
            const named = operation ?? (document ? getOperationAST(document, request.operationName) : null);
            this.operation({
              operation: operationName ?? named?.name?.value ?? request.operationName,
              type: named?.operation ?? 'unknown',
              transport: 'http',
              errors,
              domain,
              seconds: (performance.now() - startedAt) / 1000,
            });
            return Promise.resolve();
          },
        });
      },
    };
  }
}

/** The route label of an HTTP path: a few known ones, everything else `other`. */
export function routeOf(pathname: string): string {
  if (pathname === '/graphql') return 'graphql';
  if (pathname === '/healthz' || pathname === '/readyz' || pathname === '/metrics') return pathname.slice(1);
  if (pathname === '/board' || pathname.startsWith('/board/')) return 'board';
  if (pathname.startsWith('/open311/')) return 'open311';
  if (pathname.startsWith('/export/')) return 'export';
  if (pathname === '/photos' || pathname.startsWith('/photos/')) return 'photos';
  return 'other';
}
