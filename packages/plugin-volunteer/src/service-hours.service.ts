import {
  authorize,
  canSee,
  expectRow,
  type GongzhiContext,
  type Person,
  personSummary,
  Place,
  placePath,
  readContext,
  refId,
  requireEntity,
  userError,
} from '@gongzhi/core';
import { VolunteerPermission } from './volunteer.permissions.js';
import { VolunteerServiceEntry } from './service-entry.entity.js';
import type { VolunteerShiftSignup } from './shift.entity.js';
import type { VolunteerTask } from './task.entity.js';
import type { VolunteerTeam } from './team.entity.js';
import { VolunteerServiceSource, VolunteerServiceStatus } from './volunteer.enums.js';
import { inTransaction, sql, type Tx } from './volunteer.support.js';
import { t } from './db.js';

/** Less than a day, in minutes: the longest single entry. */
export const MAX_ENTRY_MINUTES = 24 * 60 - 1;

export interface NewServiceEntry {
  person: Person;
  team: VolunteerTeam | null;
  community: Place;
  source: VolunteerServiceSource;
  minutes: number;
  servedOn: string;
  description: string;
  shiftSignup?: VolunteerShiftSignup | null;
  task?: VolunteerTask | null;
  correctsEntry?: VolunteerServiceEntry | null;
  reportedBy: Person | null;
}

/** The contract's upper-case source name. */
function contractSource(source: VolunteerServiceSource): 'SHIFT' | 'TASK' | 'MANUAL' | 'CORRECTION' {
  return source.toUpperCase() as 'SHIFT' | 'TASK' | 'MANUAL' | 'CORRECTION';
}

/** Checks a duration in minutes: whole, not zero, and under 24 hours (negative only for corrections). */
export function checkMinutes(minutes: number, argument: string, allowNegative = false): void {
  const ok = Number.isInteger(minutes) && minutes !== 0 && Math.abs(minutes) <= MAX_ENTRY_MINUTES && (allowNegative || minutes > 0);
  if (!ok) {
    const range = allowNegative ? `-${MAX_ENTRY_MINUTES} to ${MAX_ENTRY_MINUTES}, not 0` : `1 to ${MAX_ENTRY_MINUTES} (less than 24 hours)`;
    throw userError(
      'INVALID_DURATION',
      `"${argument}" must be whole minutes from ${range}; got ${minutes}. Longer service is logged as one entry per day.`,
      argument,
    );
  }
}

/**
 * Service hours: logging (from shifts, tasks, by hand, corrections) and verification. Verifying
 * is one conditional update of a pending row, so of any number of verify calls for one entry,
 * also concurrent ones, exactly one succeeds and emits `volunteer.service-verified`.
 */
export class ServiceHoursService {
  constructor(private readonly ctx: GongzhiContext) {}

  /** Writes a pending entry inside the caller's unit of work and announces it after commit. */
  async log(tx: Tx, input: NewServiceEntry): Promise<VolunteerServiceEntry> {
    checkMinutes(input.minutes, 'minutes', input.source === VolunteerServiceSource.CORRECTION);
    const entry = tx.em.create(VolunteerServiceEntry, {
      ...input,
      communityPath: input.community.path,
      status: VolunteerServiceStatus.PENDING,
      createdAt: this.ctx.now(),
    });
    await tx.em.flush();
    await tx.emit('volunteer.service-logged', {
      entryId: entry.uuid,
      personId: input.person.uuid,
      communityPath: input.community.path,
      minutes: entry.minutes,
      source: contractSource(entry.source),
    });
    return entry;
  }

  /**
   * Approves (or declines, with a reason) a pending entry. Refused for one's own hours
   * (SELF_VERIFICATION) and for an entry already decided (ALREADY_VERIFIED, naming who decided
   * and when): a retried or concurrent second call changes nothing and emits nothing.
   */
  /** The entry an argument names, if the caller sees it (else NOT_FOUND) and may verify hours at its community. */
  private async authorizedEntry(em: GongzhiContext['em'], entryId: string): Promise<VolunteerServiceEntry> {
    const entry = await requireEntity(em, VolunteerServiceEntry, 'VolunteerServiceEntry', entryId, 'entryId');
    if (!(await canSee(this.ctx, entry)))
      throw userError('NOT_FOUND', `No VolunteerServiceEntry has the id given in "entryId" (${entryId}).`, 'entryId');
    await authorize(this.ctx, VolunteerPermission.VERIFY_HOURS, await placePath(this.ctx, refId(entry.community)!));
    return entry;
  }

  async decide(verifier: Person, entryId: string, approve: boolean, reason: string | null): Promise<VolunteerServiceEntry> {
    return inTransaction(this.ctx, async (tx) => {
      const entry = await this.authorizedEntry(tx.em, entryId);
      if (refId(entry.person) === verifier.uuid) {
        throw userError(
          'SELF_VERIFICATION',
          'Nobody verifies their own hours: another member of community staff must verify this entry.',
          'entryId',
        );
      }
      const now = this.ctx.now();
      const status = approve ? VolunteerServiceStatus.APPROVED : VolunteerServiceStatus.DECLINED;
      const updated = await sql(
        tx.em,
        `UPDATE ${t('service_entry')} SET status = ?, verified_by_id = ?, verified_at = ?, decline_reason = ?
          WHERE id = ? AND status = 'pending' RETURNING id`,
        [status, verifier.uuid, now.toISOString(), approve ? null : reason, entry.uuid],
      );
      if (updated.length === 0) {
        // Someone decided first (maybe at this very moment): report what stands.
        const decided = expectRow(
          await sql<{ status: string; verified_at: Date; verified_by_id: string | null }>(
            tx.em,
            `SELECT e.status, e.verified_at, e.verified_by_id FROM ${t('service_entry')} e WHERE e.id = ?`,
            [entry.uuid],
          ),
          `service entry ${entry.uuid}`,
        );
        const verifier = decided.verified_by_id ? await personSummary(readContext(tx.em), decided.verified_by_id) : null;
        const current = { ...decided, name: verifier?.name ?? null };
        throw userError(
          'ALREADY_VERIFIED',
          `This entry was already ${current.status} by ${current.name ?? 'someone'} at ${new Date(current.verified_at).toISOString()}; a decided entry never changes. To change its minutes, add a correction (correctVolunteerHours).`,
          'entryId',
          { status: current.status.toUpperCase() },
        );
      }
      await tx.em.refresh(entry);
      if (approve) {
        await tx.emit('volunteer.service-verified', {
          entryId: entry.uuid,
          personId: refId(entry.person)!,
          teamId: refId(entry.team),
          communityId: refId(entry.community)!,
          minutes: entry.minutes,
          source: contractSource(entry.source),
          correctsEntryId: refId(entry.correctsEntry),
          verifiedAt: now.toISOString(),
        });
      } else {
        await tx.emit('volunteer.service-declined', {
          entryId: entry.uuid,
          personId: refId(entry.person)!,
          communityPath: entry.communityPath,
        });
      }
      return entry;
    });
  }

  /**
   * Files a correction of an approved entry: a new entry of signed minutes that itself needs
   * verification. The corrected total (original plus its non-declined corrections) never
   * goes below zero; the original row is locked while this is checked.
   */
  async correct(actor: Person, entryId: string, minutes: number, reason: string): Promise<VolunteerServiceEntry> {
    checkMinutes(minutes, 'minutes', true);
    return inTransaction(this.ctx, async (tx) => {
      const original = await this.authorizedEntry(tx.em, entryId);
      if (original.source === VolunteerServiceSource.CORRECTION) {
        throw userError('BAD_USER_INPUT', '"entryId" names a correction; correct the original entry instead.', 'entryId');
      }
      if (original.status !== VolunteerServiceStatus.APPROVED) {
        throw userError(
          'NOT_VERIFIED',
          `Only an approved entry is corrected; this one is ${original.status}. A pending entry is simply approved or declined.`,
          'entryId',
        );
      }
      const row = expectRow(
        await sql<{ total: number }>(
          tx.em,
          `SELECT o.minutes + coalesce((SELECT sum(c.minutes) FROM ${t('service_entry')} c
              WHERE c.corrects_entry_id = o.id AND c.status <> 'declined'), 0) AS total
             FROM ${t('service_entry')} o WHERE o.id = ? FOR UPDATE`,
          [original.uuid],
        ),
        `service entry ${original.uuid}`,
      );
      const total = Number(row.total);
      if (total + minutes < 0) {
        throw userError(
          'INVALID_DURATION',
          `This correction would leave the entry at ${total + minutes} minutes; it stands at ${total}, so a correction may subtract at most ${total}.`,
          'minutes',
        );
      }
      return this.log(tx, {
        person: original.person,
        team: original.team ?? null,
        community: await tx.em.findOneOrFail(Place, { uuid: refId(original.community)! }),
        source: VolunteerServiceSource.CORRECTION,
        minutes,
        servedOn: original.servedOn,
        description: reason,
        correctsEntry: original,
        reportedBy: actor,
      });
    });
  }
}
