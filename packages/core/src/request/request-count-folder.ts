import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';
import { PeriodicWork } from '../periodic-work.js';

/** How this process keeps the kept request counts compact (see {@link RequestCountFolder}). */
export interface RequestCountOptions {
  /** How often this process folds the counts of the places whose rows spread the most. Default 5 min; 0 turns it off. */
  foldIntervalMs?: number;
  /** Most places folded in one round, those with the most rows first. Default 100. */
  foldPlaces?: number;
}

const DEFAULTS: Readonly<Required<RequestCountOptions>> = Object.freeze({ foldIntervalMs: 5 * 60_000, foldPlaces: 100 });

/** The first round comes this soon after the start (or the interval, if shorter): a data load may have left many stripes. */
const FIRST_ROUND_MS = 10_000;

/** lock_not_available: a writer held a row the fold needed for longer than the fold waits (migration 0029). */
const LOCK_NOT_AVAILABLE = '55P03';

/** What one round did. */
export interface FoldRound {
  /** Places whose counts were folded. */
  folded: number;
  /** Count rows removed. */
  removed: number;
  /** Places skipped because a writer held their rows; the next round tries them again. */
  busy: number;
}

/** What a process's folder has done since it started, its rounds' sums (its `/metrics` counters). */
export interface FoldTotals extends FoldRound {
  /** Rounds that ended, and rounds that failed (the database unavailable, say). */
  rounds: number;
  failedRounds: number;
}

/**
 * Folds the kept request counts of the places with the most rows into one row per status and
 * level (`request_count_fold`, core migration 0029), a place per transaction. Writers spread their
 * changes over 16 stripes, so a place being written fills its stripes again within seconds; what
 * folding takes away is the stripes of the statuses and levels no longer written there (finished
 * requests, a data load's transactions), up to 16 rows each that a subtree report would otherwise
 * read on every call. Any number of processes may run it: a fold that meets another's locks gives way.
 */
export class RequestCountFolder {
  private readonly options: Readonly<Required<RequestCountOptions>>;
  private readonly work: PeriodicWork;
  /** Kept up to date as places are folded, so a round that fails counts the places it did fold. */
  readonly totals: FoldTotals = { rounds: 0, failedRounds: 0, folded: 0, busy: 0, removed: 0 };

  constructor(
    private readonly em: () => EntityManager,
    private readonly logger: Logger,
    options: RequestCountOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.work = new PeriodicWork(
      async () => {
        const round = await this.foldOnce();
        if (round.folded > 0) this.logger.debug(round, 'folded kept request counts');
      },
      (err) => this.logger.warn({ err }, 'folding the kept request counts failed; the next round tries again'),
    );
  }

  /** Schedules the rounds (none when the interval is 0). */
  start(): void {
    const interval = this.options.foldIntervalMs;
    if (interval > 0) this.work.start(Math.min(FIRST_ROUND_MS, interval), interval);
  }

  /** Stops scheduling and waits for a round under way. */
  stop(): Promise<void> {
    return this.work.stop();
  }

  /**
   * Folds the counts of up to `foldPlaces` places that have places under them and hold more than
   * one row for some status and level (or a row counting nothing), those with the most rows first.
   * A household's rows are left as they are: only its own few requests count there, so they stay
   * few, and skipping the households makes the search look at one place in thirty (at 10× the
   * data: 0.3 s against 1.1 s for a search through every place's rows).
   */
  async foldOnce(): Promise<FoldRound> {
    try {
      const round = await this.runRound();
      this.totals.rounds++;
      return round;
    } catch (err) {
      this.totals.failedRounds++;
      throw err;
    }
  }

  private async runRound(): Promise<FoldRound> {
    const connection = this.em().getConnection();
    const places = await connection.execute<{ id: string }[]>(
      `SELECT p.id FROM (SELECT DISTINCT parent_id AS id FROM place WHERE parent_id IS NOT NULL) p
        CROSS JOIN LATERAL (SELECT count(*) AS rows, count(DISTINCT (status, level)) AS kinds, bool_or(n = 0) AS empty
                              FROM request_count WHERE place_id = p.id) c
        WHERE c.rows > c.kinds OR c.empty
        ORDER BY c.rows DESC LIMIT ?`,
      [this.options.foldPlaces],
    );
    const round: FoldRound = { folded: 0, removed: 0, busy: 0 };
    for (const { id } of places) {
      if (this.work.isStopped) break;
      try {
        const rows = await connection.execute<{ removed: number }[]>('SELECT request_count_fold(?) AS removed', [id]);
        round.folded++;
        this.totals.folded++;
        for (const { removed } of rows) {
          round.removed += removed;
          this.totals.removed += removed;
        }
      } catch (err) {
        if ((err as { code?: unknown }).code !== LOCK_NOT_AVAILABLE) throw err;
        round.busy++;
        this.totals.busy++;
      }
    }
    return round;
  }
}
