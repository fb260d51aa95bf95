/**
 * Background work of one process, run in rounds: the first `firstMs` after {@link start}, each next
 * one `intervalMs` after the last ended (never two at once, however long one takes). A round that
 * fails is handed to `failed` and the next comes all the same. The timer does not keep the process
 * alive; {@link stop} waits for a round under way.
 */
export class PeriodicWork {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private intervalMs = 0;
  private stopped = false;

  constructor(
    private readonly round: () => Promise<unknown>,
    private readonly failed: (err: unknown) => void,
  ) {}

  /** Whether {@link stop} was called: a long round checks it between its steps. */
  get isStopped(): boolean {
    return this.stopped;
  }

  start(firstMs: number, intervalMs: number): void {
    this.intervalMs = intervalMs;
    this.schedule(firstMs);
  }

  /** Stops scheduling and waits for a round under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private schedule(afterMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.round()
        .catch(this.failed)
        .finally(() => {
          this.running = null;
          this.schedule(this.intervalMs);
        });
    }, afterMs);
    this.timer.unref();
  }
}
