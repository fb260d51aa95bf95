import type pg from 'pg';
import { oneOffClient } from '../database/pool.js';
import type { Command } from '../command/command.js';
import { StartupError } from '../errors.js';
import { PeriodicWork } from '../periodic-work.js';
import type { GongzhiPlugin, PluginRuntimeContext } from './plugin.js';

const ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** What a round of a {@link ScheduledTask} may ask of the host while it runs. */
export interface ScheduledRound {
  /** True once the platform is closing: a long round checks it between its steps and ends early. */
  readonly stopped: boolean;
}

/**
 * Background work a plugin runs in rounds: the escalation of overdue requests, a nightly
 * reminder, a cache refresh. Declared in the plugin object (`scheduledTasks`) instead of a timer
 * started in `bootstrap`, so the host runs every plugin's work the same way: the first round one
 * interval after the start, each next one an interval after the last ended, a failed round logged
 * and the next one run all the same, the rounds counted on `/metrics`
 * (`gongzhi_scheduled_task_rounds_total`), and on shutdown no new round and the one under way
 * awaited before `destroy`.
 *
 * Every serving process schedules the task, but a round runs in one process at a time across the
 * deployment: it holds a lease on the task (a PostgreSQL advisory lock, freed when the round ends
 * or its process dies), and a process whose turn finds the lease taken skips that round (counted
 * as `skipped`). Still write a round so that it is safe if it ran twice (a lease lost with its
 * connection): run its writes as commands (`ctx.runCommand`), whose locks and conditional updates
 * make a second run find nothing left to do.
 *
 * The hooks are methods, as {@link GongzhiPlugin}'s are, so that a task of a plugin with options
 * is also a task of a plugin.
 */
export interface ScheduledTask<Options = unknown> {
  /** Kebab-case, unique in its plugin. Logs and metrics name the task `<plugin id>.<id>` (`grid.escalation`). */
  id: string;
  /**
   * Milliseconds from the end of one round to the start of the next, usually one of the
   * plugin's options; 0 turns the task off in this process. Read once, at start; anything but a
   * whole number from 0 stops the start with the task's name.
   */
  intervalMs(options: Options): number;
  /** One round. A fault it throws is logged as the round's failure; the next round comes as scheduled. */
  run(ctx: PluginRuntimeContext<Options>, round: ScheduledRound): Promise<void>;
}

/**
 * Runs `command` as the system (`label` names it in timelines and the audit log) once per input,
 * each in a unit of work of its own: what a round usually does with the rows it selected. One
 * refused (a domain error) or failing is logged with its input and the next runs; once the
 * platform is closing (`round.stopped`) the rest wait for the next round. Answers each input whose
 * run ended with the value it answered.
 */
export async function runEachAsSystem<I, R>(
  ctx: Pick<PluginRuntimeContext, 'runCommand' | 'logger'>,
  label: string,
  command: Command<I, R>,
  inputs: Iterable<I>,
  round?: ScheduledRound,
): Promise<{ input: I; value: R }[]> {
  const done: { input: I; value: R }[] = [];
  for (const input of inputs) {
    if (round?.stopped) break;
    try {
      const outcome = await ctx.runCommand(label, command, input);
      if (outcome.ok) done.push({ input, value: outcome.value });
      else ctx.logger.error({ label, command: command.name, input, errors: outcome.errors }, 'a command of a scheduled round was refused');
    } catch (err) {
      ctx.logger.error({ err, label, command: command.name, input }, 'a command of a scheduled round failed; the next one runs');
    }
  }
  return done;
}

/**
 * Runs `command` as the system on every row a round selects, a batch at a time (what a reminder or
 * overdue round does): `read(after)` answers the next batch, at most `size` rows ordered by a key
 * they carry, after `after`, the last row of the batch before (null for the first), so a row refused
 * or failing (logged) is not read again in this round. Ends with a short batch or a stopping round.
 * Answers the rows whose run answered true.
 */
export async function runBatchesAsSystem<Row, I>(
  ctx: Pick<PluginRuntimeContext, 'runCommand' | 'logger'>,
  label: string,
  command: Command<I, boolean>,
  batches: { size: number; read: (after: Row | null) => Promise<Row[]>; input: (row: Row) => I },
  round?: ScheduledRound,
): Promise<Row[]> {
  const done: Row[] = [];
  let after: Row | null = null;
  for (;;) {
    const rows = await batches.read(after);
    const inputs = new Map(rows.map((row) => [batches.input(row), row]));
    for (const { input, value } of await runEachAsSystem(ctx, label, command, inputs.keys(), round))
      if (value) done.push(inputs.get(input)!);
    if (rows.length < batches.size || round?.stopped) return done;
    after = rows[rows.length - 1] ?? null;
  }
}

/** What one task's rounds have come to in this process since it started (kept current; `/metrics` copies them). */
export interface ScheduledTaskTotals {
  /** `<plugin id>.<task id>`. */
  readonly task: string;
  /** Its interval here; 0 when turned off (no rounds). */
  readonly intervalMs: number;
  /** Rounds that ended without a fault, rounds that failed, and turns skipped because another process held the task's lease. */
  rounds: number;
  failedRounds: number;
  skippedRounds: number;
  /** When the last round that ended without a fault ended (wall clock, not the platform's); null before one did. */
  lastSucceededAt: Date | null;
}

interface Scheduled {
  totals: ScheduledTaskTotals;
  work: PeriodicWork | null;
  /** One round under the task's lease. */
  round: () => Promise<void>;
}

/** Checks every plugin's `scheduledTasks` against its resolved options; the first problem stops the start. */
export function checkScheduledTasks(plugins: readonly GongzhiPlugin[], optionsOf: (plugin: GongzhiPlugin) => unknown): void {
  for (const plugin of plugins) {
    const seen = new Set<string>();
    for (const task of plugin.scheduledTasks ?? []) {
      if (typeof task?.id !== 'string' || !ID_PATTERN.test(task.id)) {
        throw new StartupError(
          `Plugin "${plugin.id}" declares a scheduled task with id ${JSON.stringify(task?.id)}, which is not kebab-case. Fix: give it an id like "escalation" or "daily-reminder".`,
        );
      }
      if (seen.has(task.id)) {
        throw new StartupError(`Plugin "${plugin.id}" declares the scheduled task "${task.id}" twice. Fix: give each task its own id.`);
      }
      seen.add(task.id);
      const interval = task.intervalMs(optionsOf(plugin));
      if (!Number.isSafeInteger(interval) || interval < 0) {
        throw new StartupError(
          `The scheduled task "${plugin.id}.${task.id}" has interval ${String(interval)} ms. Fix: a whole number of milliseconds, 0 to turn it off (it usually comes from the plugin's options).`,
        );
      }
    }
  }
}

/**
 * Takes the lease of `task` for one round: answers the function that gives it back, or null when
 * another process holds it.
 */
export type TaskLease = (task: string) => Promise<(() => Promise<void>) | null>;

/**
 * The leases of a process's tasks as session advisory locks (two keys: the tasks' space and the
 * task's name), all held on one connection of their own, opened at the first round and kept: a
 * round's commands take their connections from the pool as usual, so a lease never waits for one
 * (a pool of one would otherwise hold its only connection for the lease). PostgreSQL frees the
 * locks when the process dies or the connection drops; then the next round connects afresh.
 */
export class AdvisoryTaskLeases {
  private client: Promise<pg.Client> | null = null;
  /** The last statement sent: the tasks' rounds share the connection, so their statements go one after another. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly databaseUrl: string) {}

  /** The {@link TaskLease} for {@link ScheduledTasks}. */
  readonly take: TaskLease = async (task) => {
    const client = await this.connection();
    try {
      const { rows } = await this.send<{ got: boolean }>(
        client,
        `SELECT pg_try_advisory_lock(hashtext('gongzhi.scheduled-task'), hashtext($1)) AS got`,
        task,
      );
      if (!rows[0]?.got) return null;
    } catch (err) {
      this.drop(client);
      throw err;
    }
    return async () => {
      await this.send(client, `SELECT pg_advisory_unlock(hashtext('gongzhi.scheduled-task'), hashtext($1))`, task)
        // Not given back: the connection is gone, and the lock with it.
        .catch(() => this.drop(client));
    };
  };

  /** Sends `sql` once the statement before it has been answered. */
  private send<R extends pg.QueryResultRow>(client: pg.Client, sql: string, task: string): Promise<pg.QueryResult<R>> {
    const sent = this.last.then(() => client.query<R>(sql, [task]));
    this.last = sent.catch(() => undefined);
    return sent;
  }

  /** Closes the connection (after the rounds stopped). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await (await client.catch(() => null))?.end().catch(() => undefined);
  }

  private connection(): Promise<pg.Client> {
    return (this.client ??= (async () => {
      const client = oneOffClient({ connectionString: this.databaseUrl });
      client.on('error', () => this.drop(client));
      client.on('end', () => this.drop(client));
      try {
        await client.connect();
        return client;
      } catch (err) {
        this.client = null;
        throw err;
      }
    })());
  }

  private drop(client: pg.Client): void {
    void this.client?.then((held) => {
      if (held === client) this.client = null;
    });
    void client.end().catch(() => undefined);
  }
}

/** Whose tasks {@link ScheduledTasks} runs: core's or a plugin's, with the context their rounds get. */
export interface TaskOwner {
  /** `core` or the plugin's id: the first half of each task's name. */
  id: string;
  tasks: readonly ScheduledTask<never>[];
  ctx: PluginRuntimeContext;
}

/**
 * The scheduled tasks of a process (core's and its plugins', see {@link ScheduledTask}), each on
 * its own {@link PeriodicWork}, each round under the task's `lease`. Build it after the plugins'
 * `bootstrap`; {@link stop} before their `destroy`.
 */
export class ScheduledTasks {
  private readonly scheduled: Scheduled[] = [];

  constructor(owners: readonly TaskOwner[], lease: TaskLease) {
    for (const { id, tasks, ctx } of owners) {
      for (const task of tasks as readonly ScheduledTask[]) {
        const totals: ScheduledTaskTotals = {
          task: `${id}.${task.id}`,
          intervalMs: task.intervalMs(ctx.options),
          rounds: 0,
          failedRounds: 0,
          skippedRounds: 0,
          lastSucceededAt: null,
        };
        const entry: Scheduled = { totals, work: null, round: () => Promise.resolve() };
        const round: ScheduledRound = {
          get stopped() {
            return entry.work?.isStopped ?? false;
          },
        };
        entry.round = async () => {
          const release = await lease(totals.task).catch((err: unknown) => {
            totals.failedRounds++;
            throw err;
          });
          if (!release) {
            totals.skippedRounds++;
            return;
          }
          try {
            await task.run(ctx, round);
          } catch (err) {
            totals.failedRounds++;
            throw err;
          } finally {
            await release();
          }
          totals.rounds++;
          totals.lastSucceededAt = new Date();
        };
        if (totals.intervalMs > 0) {
          entry.work = new PeriodicWork(entry.round, (err) =>
            ctx.logger.error({ err, task: totals.task }, 'a round of a scheduled task failed; the next round comes as scheduled'),
          );
        }
        this.scheduled.push(entry);
      }
    }
  }

  /**
   * Runs a round of `task` (`<owner>.<id>`) now, under its lease (skipped, and counted so, when
   * another process holds it), turned off or not: for tests and operators. A fault is thrown.
   */
  async runNow(task: string): Promise<void> {
    const found = this.scheduled.find((s) => s.totals.task === task);
    if (!found) throw new Error(`No scheduled task "${task}"; the tasks are: ${this.scheduled.map((s) => s.totals.task).join(', ')}.`);
    await found.round();
  }

  /** Every declared task's totals, in plugin (load) order, those turned off included. */
  get totals(): readonly Readonly<ScheduledTaskTotals>[] {
    return this.scheduled.map((s) => s.totals);
  }

  /** Schedules each task's first round one interval from now. */
  start(): void {
    for (const { work, totals } of this.scheduled) work?.start(totals.intervalMs, totals.intervalMs);
  }

  /** No new rounds; waits for the rounds under way. */
  async stop(): Promise<void> {
    await Promise.all(this.scheduled.flatMap(({ work }) => (work ? [work.stop()] : [])));
  }
}
