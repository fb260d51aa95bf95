import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../logger.js';

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

/**
 * Folds the kept request counts of the places with the most rows into one row per status and
 * level (`request_count_fold`, core migration 0029), a place per transaction, so a subtree report
 * reads about as many rows at 10× the data as at 1× while writers keep spreading their changes
 * over 16 stripes. Any number of processes may run it: a fold that meets another's locks gives way.
 */
export class RequestCountFolder {
  private readonly options: Readonly<Required<RequestCountOptions>>;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly em: () => EntityManager,
    private readonly logger: Logger,
    options: RequestCountOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Schedules the rounds (none when the interval is 0). */
  start(): void {
    if (this.options.foldIntervalMs > 0) this.schedule(Math.min(FIRST_ROUND_MS, this.options.foldIntervalMs));
  }

  /** Stops scheduling and waits for a round under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round?.catch(() => undefined);
  }

  /**
   * Folds the counts of up to `foldPlaces` places holding more than one row for some status and
   * level (or a row counting nothing), those with the most rows first.
   */
  async foldOnce(): Promise<FoldRound> {
    const connection = this.em().getConnection();
    const places = await connection.execute<{ place_id: string }[]>(
      `SELECT place_id FROM request_count GROUP BY place_id
        HAVING count(*) > count(DISTINCT (status, level)) OR bool_or(n = 0)
        ORDER BY count(*) DESC LIMIT ?`,
      [this.options.foldPlaces],
    );
    const round: FoldRound = { folded: 0, removed: 0, busy: 0 };
    for (const { place_id } of places) {
      if (this.stopped) break;
      try {
        const rows = await connection.execute<{ removed: number }[]>('SELECT request_count_fold(?) AS removed', [place_id]);
        round.folded++;
        for (const { removed } of rows) round.removed += removed;
      } catch (err) {
        if ((err as { code?: unknown }).code !== LOCK_NOT_AVAILABLE) throw err;
        round.busy++;
      }
    }
    return round;
  }

  private schedule(afterMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.round = this.foldOnce()
        .then(
          (round) => round.folded > 0 && this.logger.debug(round, 'folded kept request counts'),
          (err) => this.logger.warn({ err }, 'folding the kept request counts failed; the next round tries again'),
        )
        .finally(() => {
          this.round = null;
          this.schedule(this.options.foldIntervalMs);
        });
    }, afterMs);
    this.timer.unref();
  }
}
