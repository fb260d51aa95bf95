import type { EntityManager } from '@mikro-orm/postgresql';
import { StartupError } from '../errors.js';
import type { Logger } from '../logger.js';
import { PeriodicWork } from '../periodic-work.js';

/**
 * The shortest period an audit or sensitive-access log entry is kept, in days: the six months
 * China's Cybersecurity Law (art. 21) asks network logs to be kept. The database refuses to delete
 * a younger entry (core migration 0031), whatever a process is configured with.
 */
export const LOG_RETENTION_FLOOR_DAYS = 180;

/** How long this process keeps the audit and sensitive-access logs (see {@link LogPruner}). */
export interface LogRetentionOptions {
  /** Days an audit log entry is kept, {@link LOG_RETENTION_FLOOR_DAYS} at least. Unset or null: kept for ever. */
  auditLogDays?: number | null;
  /** Days a sensitive-access log entry (who read whose phone or care profile) is kept, the floor at least. Unset or null: kept for ever. */
  sensitiveAccessLogDays?: number | null;
  /** How often this process deletes the entries past their period. Default 1 h; the first time right after the start. */
  pruneIntervalMs?: number;
}

/** The logs kept for a period, by their option. */
const LOGS = { auditLogDays: 'audit_log', sensitiveAccessLogDays: 'sensitive_access_log' } as const;
type LogOption = keyof typeof LOGS;

/** Entries deleted per statement, oldest first, so a first prune of years of entries holds no long lock. */
const PRUNE_BATCH = 1_000;

/** What one prune deleted, per log. */
export interface PruneRound {
  auditLog: number;
  sensitiveAccessLog: number;
}

/** What a process's pruner has done since it started (its `/metrics` counters). */
export interface PruneTotals extends PruneRound {
  /** Prunes that ended, and prunes that failed (the database unavailable, say). */
  rounds: number;
  failedRounds: number;
}

/**
 * Refuses a retention shorter than the floor or not a whole number of days, naming the option
 * and what would be right (the platform checks its options before it starts).
 */
export function checkLogRetention(options: LogRetentionOptions = {}): void {
  for (const option of Object.keys(LOGS) as LogOption[]) {
    const days = options[option];
    if (days === undefined || days === null) continue;
    if (!Number.isInteger(days) || days < LOG_RETENTION_FLOOR_DAYS) {
      throw new StartupError(
        `logRetention.${option} is ${days}: ${LOGS[option]} entries are kept ${LOG_RETENTION_FLOOR_DAYS} days at least ` +
          `(China's Cybersecurity Law, art. 21). Give a whole number of days from ${LOG_RETENTION_FLOOR_DAYS}, or leave it unset to keep them for ever.`,
      );
    }
  }
}

/**
 * Deletes audit and sensitive-access log entries older than their configured period, oldest
 * first in batches, once right after the start and then every `pruneIntervalMs`. Any number of
 * processes may run it (a row two of them delete is deleted once). The logs are otherwise
 * append-only: the database allows a delete only past the floor (core migration 0031).
 */
export class LogPruner {
  private readonly work: PeriodicWork;
  /** Kept up to date batch by batch, so a prune that fails counts what it did delete. */
  readonly totals: PruneTotals = { rounds: 0, failedRounds: 0, auditLog: 0, sensitiveAccessLog: 0 };

  constructor(
    private readonly em: () => EntityManager,
    private readonly logger: Logger,
    private readonly options: LogRetentionOptions = {},
  ) {
    this.work = new PeriodicWork(
      async () => {
        const round = await this.pruneOnce();
        if (round.auditLog || round.sensitiveAccessLog) {
          this.logger.info({ ...round, retention: this.options }, 'deleted log entries past their retention period');
        }
      },
      (err) => this.logger.warn({ err }, 'deleting log entries past their retention period failed; the next prune tries again'),
    );
  }

  /** Schedules the prunes, the first right away; none when no log has a period. */
  start(): void {
    if (this.kept().length) this.work.start(0, this.options.pruneIntervalMs ?? 3_600_000);
  }

  /** Stops scheduling and waits for a prune under way. */
  stop(): Promise<void> {
    return this.work.stop();
  }

  /** Deletes every entry past its log's period now. */
  async pruneOnce(): Promise<PruneRound> {
    const round: PruneRound = { auditLog: 0, sensitiveAccessLog: 0 };
    try {
      for (const [option, days] of this.kept()) await this.prune(option, days, round);
      this.totals.rounds++;
      return round;
    } catch (err) {
      this.totals.failedRounds++;
      throw err;
    }
  }

  private kept(): [LogOption, number][] {
    return (Object.keys(LOGS) as LogOption[]).flatMap((option) => {
      const days = this.options[option];
      return days === undefined || days === null ? [] : [[option, days] as [LogOption, number]];
    });
  }

  /**
   * One log: the oldest entries by number, a batch at a time, those past the period. Entries are
   * numbered about as they are written, so a batch that deletes nothing means the oldest left are
   * young (one written out of order waits for a later prune); no index on `at` is needed.
   */
  private async prune(option: LogOption, days: number, round: PruneRound): Promise<void> {
    const table = LOGS[option];
    const counted = option === 'auditLogDays' ? 'auditLog' : 'sensitiveAccessLog';
    const connection = this.em().getConnection();
    while (!this.work.isStopped) {
      const [row] = await connection.execute<{ n: number }[]>(
        `WITH gone AS (DELETE FROM ${table} WHERE seq IN (SELECT seq FROM ${table} ORDER BY seq LIMIT ?)
                          AND at < now() - ? * interval '1 day' RETURNING 1)
         SELECT count(*)::int AS n FROM gone`,
        [PRUNE_BATCH, days],
      );
      const n = row?.n ?? 0;
      round[counted] += n;
      this.totals[counted] += n;
      if (n === 0) break;
    }
  }
}
