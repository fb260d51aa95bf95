import type { UnitOfWork } from '../command/command.js';
import type { GongzhiContext } from '../context.js';
import { batchLoader } from '../graphql/loaders.js';
import { Permission } from './permission.js';
import { placeIdsOfPerson } from './person-places.js';
import { placePath } from './scope-guard.js';

/**
 * Whether the caller may read a sensitive field (a care profile, a phone number), and if
 * so, records the read in the access log. The subject is a person (whose places decide,
 * and who always reads their own), or another row with the `paths` of its places (an
 * anonymous request's callback number). The caller needs `sensitive.read` at one of those
 * places. The system (CLI, jobs) reads without a log entry.
 */
export async function readSensitive(
  ctx: GongzhiContext,
  subjectUuid: string,
  field: string,
  subjectPaths?: readonly string[],
): Promise<boolean> {
  const access = await ctx.access();
  if (!ctx.caller || ctx.caller.kind === 'system') return ctx.caller?.kind === 'system';
  if (access.personId !== subjectUuid) {
    const paths = subjectPaths ?? (await Promise.all((await placeIdsOfPerson(ctx, subjectUuid)).map((id) => placePath(ctx, id))));
    if (!paths.some((path) => path !== null && access.can(Permission.SENSITIVE_READ, path))) return false;
  }
  await logRead(ctx, subjectUuid, field);
  return true;
}

/** {@link readSensitive} inside a command: the unit of work's actor reads, and the read is logged in its transaction. */
export function readSensitiveWithin(
  uow: UnitOfWork,
  subjectUuid: string,
  field: string,
  subjectPaths?: readonly string[],
): Promise<boolean> {
  const scope = {
    em: uow.em,
    loaders: uow.loaders,
    now: uow.now,
    caller: uow.actor.caller,
    access: () => Promise.resolve(uow.actor.access),
  } as unknown as GongzhiContext;
  return readSensitive(scope, subjectUuid, field, subjectPaths);
}

/** Collects the reads of one operation tick and writes them as one INSERT, one row per person read. */
function logRead(ctx: GongzhiContext, subjectUuid: string, field: string): Promise<void> {
  return batchLoader<string, void>(ctx, 'sensitive.log', async (keys) => {
    const fieldsBySubject = new Map<string, Set<string>>();
    for (const key of keys) {
      const [subject, name] = key.split('|') as [string, string];
      (fieldsBySubject.get(subject) ?? fieldsBySubject.set(subject, new Set()).get(subject)!).add(name);
    }
    const caller = ctx.caller!;
    const values: unknown[] = [];
    const rows = [...fieldsBySubject].map(([subject, names]) => {
      values.push(ctx.now(), caller.kind, caller.id, subject, [...names]);
      return '(?, ?, ?::uuid, reader_name(?::text, ?::uuid), ?::uuid, ARRAY[?]::text[])';
    });
    // reader_name() is resolved in SQL so the log names the reader as they were at the time.
    const params: unknown[] = [];
    for (let i = 0; i < values.length; i += 5) {
      params.push(values[i], values[i + 1], values[i + 2], values[i + 1], values[i + 2], values[i + 3], values[i + 4]);
    }
    await ctx.em.execute(
      `INSERT INTO sensitive_access_log (at, reader_kind, reader_id, reader_name, subject_id, fields) VALUES ${rows.join(', ')}`,
      params,
    );
    return keys.map(() => undefined);
  }).load(`${subjectUuid}|${field}`);
}
