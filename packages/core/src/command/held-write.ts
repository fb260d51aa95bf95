import type { EntityManager } from '@mikro-orm/postgresql';
import { executePreparedLater } from '../database/prepared-statements.js';
import { type ReadContext, readContext } from '../graphql/loaders.js';
import type { UnitOfWork } from './command.js';
import { Attached } from '../attached.js';

/**
 * The SQLSTATE `expect_written` (core migration 0027) raises when a conditional write wrote
 * nothing: its DETAIL names the write, so the command can say why after the rollback.
 */
export const NOTHING_WRITTEN = 'GZ409';

/**
 * Says, after the rollback, why a conditional write wrote nothing: reads the row as committed
 * (through `read`: outside any transaction, nothing cached) and throws the domain error that
 * tells the caller what it is now ("just claimed by 王阿姨").
 */
export type WhyNothingWritten = (read: ReadContext) => Promise<never>;

/** The explanations of a transaction's held writes, by the key its statement names (per transaction EntityManager). */
const explanations = new Attached<EntityManager, Map<string, WhyNothingWritten>>('core.heldWriteExplanations');
let written = 0;

/**
 * Sends a conditional write (one winner of two concurrent changes) with the transaction's next
 * query, usually the audit entry and COMMIT, in one round trip, instead of waiting for its answer.
 *
 * `ctes` is the statement's WITH list, with `?` placeholders for `params`; the rows of the common
 * table expression named `written` are what the write must produce, e.g.
 * `moved AS (UPDATE task SET … WHERE id = ? AND version = ? RETURNING id), written AS (INSERT … FROM moved RETURNING task_id)`.
 * When `written` is empty (someone else changed the row since it was read), the statement fails,
 * so the transaction cannot commit: nothing the command wrote is kept, and the command's caller
 * gets what `whyNot` throws, read after the rollback.
 *
 * The answer is not awaited: the command goes on as though the write won, so use this only for a
 * write whose loss should undo the whole unit of work, and not where the command chooses what to
 * do next by whether it won (there, await `executePrepared` and look at its rows).
 */
export async function writeOrUndo(uow: UnitOfWork, ctes: string, params: readonly unknown[], whyNot: WhyNothingWritten): Promise<void> {
  const key = `write ${++written}`;
  let known = explanations.get(uow.em);
  if (!known) explanations.set(uow.em, (known = new Map<string, WhyNothingWritten>()));
  known.set(key, whyNot);
  // Its failure comes back with the transaction's next query and its COMMIT.
  await holdWrite(uow.em, ctes, params, key).sent;
}

/**
 * The statement of a held write, sent with the transaction's next query: `ctes` as for
 * {@link writeOrUndo}, failing with {@link NOTHING_WRITTEN} (DETAIL `key`) when `written` is empty.
 * `rows` settles once it has answered.
 */
export function holdWrite(
  em: EntityManager,
  ctes: string,
  params: readonly unknown[],
  key: string,
): { sent: Promise<void>; rows: Promise<unknown[]> } {
  return executePreparedLater(em, `WITH ${ctes} SELECT expect_written((SELECT count(*) FROM written), ?::text)`, [...params, key]);
}

/** Whether `err` is a held write's "nothing written" (SQLSTATE {@link NOTHING_WRITTEN}), its DETAIL naming the write. */
export function isNothingWritten(err: unknown): err is { code: typeof NOTHING_WRITTEN; detail: string } {
  const failure = err as { code?: unknown; detail?: unknown } | null;
  return failure?.code === NOTHING_WRITTEN && typeof failure.detail === 'string';
}

/**
 * What the caller of a unit of work over `em` should get for `err`, the error that ended it: when
 * one of its held writes ({@link writeOrUndo}) wrote nothing, the domain error its explanation
 * throws (read now, after the rollback, on a fresh fork of `readEm`); otherwise `err` itself.
 */
export async function explainNothingWritten(err: unknown, em: EntityManager, readEm: EntityManager): Promise<unknown> {
  if (!isNothingWritten(err)) return err;
  const whyNot = explanations.get(em)?.get(err.detail);
  if (!whyNot) return err;
  try {
    return await whyNot(readContext(readEm.fork()));
  } catch (explained) {
    return explained;
  }
}
