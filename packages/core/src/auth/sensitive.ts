import type { UnitOfWork } from '../command/command.js';
import type { GongzhiContext } from '../context.js';
import { batchLoader, executeRead } from '../graphql/loaders.js';
import { Permission } from './permission.js';
import { placesOfPerson } from './person-places.js';

/**
 * Whether the caller may read a sensitive field (a care profile, a phone number), and if
 * so, records the read in the access log. The subject is a person (whose places decide,
 * and who always reads their own), or another row with the `paths` of its places (an
 * anonymous request's callback number). The caller needs `sensitive.read` at one of those
 * places; for a subject of no place, everywhere. The system (CLI, jobs) reads without a log
 * entry. The reads of one tick (a page of people's phones) are decided together and logged in
 * one INSERT, whichever kind of subject each is: deciding each on its own let the log's INSERT
 * split as the checks' lookups finished at different ticks.
 */
export function readSensitive(ctx: GongzhiContext, subjectUuid: string, field: string, subjectPaths?: readonly string[]): Promise<boolean> {
  if (!ctx.caller || ctx.caller.kind === 'system') return Promise.resolve(ctx.caller?.kind === 'system');
  // A read asked twice in one operation is decided (and logged) once.
  const key = JSON.stringify([subjectUuid, field, subjectPaths ?? null]);
  return batchLoader<string, boolean>(ctx, 'sensitive.read', async (keys) => {
    const reads = keys.map((k) => JSON.parse(k) as [subject: string, field: string, paths: string[] | null]);
    const access = await ctx.access();
    const allowed = await Promise.all(
      reads.map(async ([subject, , paths]) => {
        if (access.personId === subject) return true;
        const known = paths ?? (await placesOfPerson(ctx, subject)).map((place) => place.path);
        // A subject of no place (a person not yet in a household) is read with a grant everywhere only.
        if (!known.length) return access.can(Permission.SENSITIVE_READ, '');
        return known.some((path) => access.can(Permission.SENSITIVE_READ, path));
      }),
    );
    await logReads(
      ctx,
      reads.filter((_, i) => allowed[i]),
    );
    return allowed;
  }).load(key);
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

/**
 * Writes the reads as one INSERT, one row per person read (with every field read of them). One
 * text however many people were read (they go as one JSON value), sent with the other reads of
 * its turn and prepared like them: every read of a phone number or a care profile writes it.
 */
async function logReads(ctx: GongzhiContext, reads: readonly (readonly [subject: string, field: string, paths: unknown])[]): Promise<void> {
  if (!reads.length) return;
  const fieldsBySubject = new Map<string, Set<string>>();
  for (const [subject, name] of reads) (fieldsBySubject.get(subject) ?? fieldsBySubject.set(subject, new Set()).get(subject)!).add(name);
  const caller = ctx.caller!;
  const rows = [...fieldsBySubject].map(([subject, names]) => ({ subject_id: subject, fields: [...names] }));
  // reader_name() is resolved in SQL so the log names the reader as they were at the time.
  await executeRead(
    ctx.em,
    `INSERT INTO sensitive_access_log (at, reader_kind, reader_id, reader_name, subject_id, fields)
     SELECT ?::timestamptz, ?::text, ?::uuid, reader_name(?::text, ?::uuid), r.subject_id, r.fields
       FROM jsonb_to_recordset(?::jsonb) AS r(subject_id uuid, fields text[])`,
    [ctx.now(), caller.kind, caller.id, caller.kind, caller.id, JSON.stringify(rows)],
    { fixedShape: true },
  );
}
