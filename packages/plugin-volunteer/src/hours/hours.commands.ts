import { defineCommand, type Named, type Person, Place, PlaceType, refId, requireIsoDate, type UnitOfWork } from '@gongzhi/core';
import { serviceDay } from '../calendar.js';
import { VolunteerPermission } from '../permissions.js';
import { requireText } from '../text.js';
import type { VolunteerShiftSignup } from '../shift/shift.entity.js';
import type { VolunteerTask } from '../task/task.entity.js';
import type { VolunteerTeam } from '../team/team.entity.js';
import { activeMembership } from '../team/team.queries.js';
import { VolunteerServiceEntry, VolunteerServiceSource, VolunteerServiceStatus } from './hours.entity.js';
import { updateIf } from '../db.js';
import { correctedTotal, decisionOf } from './hours.queries.js';
import { volunteerMessages, volunteerPhrases } from '../messages.js';

/**
 * Service hours: logged from shifts, tasks, by hand or as corrections, then verified once by
 * community staff. Verifying is one conditional update of a pending row, so of any number of
 * verify calls for one entry, also concurrent ones, exactly one succeeds and emits
 * `volunteer.service-verified`.
 */

/** Less than a day, in minutes: the longest single entry. */
export const MAX_ENTRY_MINUTES = 24 * 60 - 1;

/** Checks a duration in minutes: whole, not zero, and under 24 hours (negative only for corrections). */
export function checkMinutes(minutes: number, field: string, allowNegative = false): void {
  const ok = Number.isInteger(minutes) && minutes !== 0 && Math.abs(minutes) <= MAX_ENTRY_MINUTES && (allowNegative || minutes > 0);
  if (!ok) {
    const range = allowNegative ? `-${MAX_ENTRY_MINUTES} to ${MAX_ENTRY_MINUTES}, not 0` : `1 to ${MAX_ENTRY_MINUTES} (less than 24 hours)`;
    throw volunteerMessages.wholeMinutesFromLonger.error({ field, range, minutes }, field);
  }
}

/** The contract's upper-case source name. */
function contractSource(source: VolunteerServiceSource): 'SHIFT' | 'TASK' | 'MANUAL' | 'CORRECTION' {
  return source.toUpperCase() as 'SHIFT' | 'TASK' | 'MANUAL' | 'CORRECTION';
}

/** A pending entry, as the shift, task or report it comes from gives it. */
export interface NewServiceEntry {
  person: Person;
  team: VolunteerTeam | null;
  /** The community served (a core Place of type COMMUNITY). */
  community: { id: string; path: string };
  source: VolunteerServiceSource;
  minutes: number;
  servedOn: string;
  description: string;
  shiftSignup?: VolunteerShiftSignup | null;
  task?: VolunteerTask | null;
  correctsEntry?: VolunteerServiceEntry | null;
  reportedBy: Person | null;
  /** The input the minutes came from, for errors. */
  minutesField: string;
}

/** Writes a pending entry in the unit of work of a check-out, a finished task or a report, and announces it. */
export async function recordServiceEntry(uow: UnitOfWork, input: NewServiceEntry): Promise<VolunteerServiceEntry> {
  const { community, minutesField, ...entry } = input;
  checkMinutes(input.minutes, minutesField, input.source === VolunteerServiceSource.CORRECTION);
  const row = uow.em.create(VolunteerServiceEntry, {
    ...entry,
    community: uow.em.getReference(Place, community.id),
    communityPath: community.path,
    status: VolunteerServiceStatus.PENDING,
    createdAt: uow.now(),
  });
  await uow.em.flush();
  await uow.emit('volunteer.service-logged', {
    entryId: row.uuid,
    personId: input.person.uuid,
    placePath: community.path,
    minutes: row.minutes,
    source: contractSource(row.source),
  });
  return row;
}

/** Hours a volunteer reports by hand. */
export interface HoursReport {
  community: Named<Place>;
  team?: Named<VolunteerTeam> | null;
  servedOn: string;
  minutes: number;
  description: string;
}

/** The signed-in volunteer reports service hours by hand; they wait for verification. */
export const reportHours = defineCommand<HoursReport, VolunteerServiceEntry>({
  name: 'volunteer.reportHours',
  links: {
    team: {
      to: 'community',
      widen: {
        to: PlaceType.SUBDISTRICT,
        reason: 'A team also helps the other communities of its subdistrict; hours served further away are reported without the team.',
      },
    },
  },
  async run(uow, { community, team, ...report }) {
    const person = await uow.actingPerson();
    if (community.type !== PlaceType.COMMUNITY) {
      throw volunteerMessages.inputCommunityidCommunity.error(
        { communityName: community.name, communityType: community.type },
        'input.communityId',
      );
    }
    checkMinutes(report.minutes, 'input.minutes');
    const servedOn = requireIsoDate(report.servedOn, 'input.servedOn');
    const today = serviceDay(uow);
    if (servedOn > today) {
      throw volunteerMessages.inputServedonFutureReport.error({ servedOn, today }, 'input.servedOn');
    }
    const description = requireText(report.description, 'input.description');
    if (team && !(await activeMembership(uow.em, team, person))) {
      throw volunteerMessages.memberReportWithoutTeam.error({ personName: person.name, teamName: team.name }, 'input.teamId');
    }
    return recordServiceEntry(uow, {
      person,
      team: team ?? null,
      community: { id: community.uuid, path: community.path },
      source: VolunteerServiceSource.MANUAL,
      minutes: report.minutes,
      minutesField: 'input.minutes',
      servedOn,
      description,
      reportedBy: person,
    });
  },
});

/** Someone decided first (maybe at this very moment): say what stands. */
async function alreadyDecided(uow: UnitOfWork, entry: VolunteerServiceEntry): Promise<never> {
  const decided = await decisionOf(uow, entry.uuid);
  throw volunteerMessages.entryAlreadyDecidedEntry.error(
    { decidedStatus: decided.status, someone: decided.by ?? volunteerPhrases.someone, at: decided.at.toISOString() },
    'entryId',
    { status: decided.status.toUpperCase() },
  );
}

/**
 * Community staff approve (or decline, with a reason) a pending entry. Refused for one's own
 * hours (SELF_VERIFICATION) and for an entry already decided (ALREADY_VERIFIED, naming who
 * decided and when): a retried or concurrent second call changes and emits nothing.
 */
export const decideHours = defineCommand<
  { entry: Named<VolunteerServiceEntry>; approve: boolean; reason?: string | null },
  VolunteerServiceEntry
>({
  name: 'volunteer.decideHours',
  async run(uow, { entry, approve, reason }) {
    const verifier = await uow.actingPerson();
    const declineReason = approve ? null : requireText(reason ?? '', 'reason');
    uow.actor.authorize(VolunteerPermission.VERIFY_HOURS, entry.communityPath);
    if (refId(entry.person) === verifier.uuid) {
      throw volunteerMessages.nobodyVerifiesTheirOwn.error('entryId');
    }
    const now = uow.now();
    const status = approve ? VolunteerServiceStatus.APPROVED : VolunteerServiceStatus.DECLINED;
    const decided = { status, verifiedBy: verifier, verifiedAt: now, declineReason };
    if (!(await updateIf(uow, VolunteerServiceEntry, entry, { status: VolunteerServiceStatus.PENDING }, decided))) {
      return alreadyDecided(uow, entry);
    }
    if (approve) {
      await uow.emit('volunteer.service-verified', {
        entryId: entry.uuid,
        personId: refId(entry.person)!,
        teamId: refId(entry.team),
        communityId: refId(entry.community)!,
        placePath: entry.communityPath,
        minutes: entry.minutes,
        source: contractSource(entry.source),
        correctsEntryId: refId(entry.correctsEntry),
        verifiedAt: now.toISOString(),
      });
    } else {
      await uow.emit('volunteer.service-declined', {
        entryId: entry.uuid,
        personId: refId(entry.person)!,
        placePath: entry.communityPath,
      });
    }
    return entry;
  },
});

/**
 * Files a correction of an approved entry: a new entry of signed minutes that itself needs
 * verification. The corrected total (original plus its non-declined corrections) never goes
 * below zero; the original is locked while this is checked, so two corrections at once add up.
 */
export const correctHours = defineCommand<{ entry: Named<VolunteerServiceEntry>; minutes: number; reason: string }, VolunteerServiceEntry>({
  name: 'volunteer.correctHours',
  lock: ['entry'],
  async run(uow, { entry: original, minutes, reason }) {
    const actor = await uow.actingPerson();
    const description = requireText(reason, 'reason');
    checkMinutes(minutes, 'minutes', true);
    uow.actor.authorize(VolunteerPermission.VERIFY_HOURS, original.communityPath);
    if (original.source === VolunteerServiceSource.CORRECTION) {
      throw volunteerMessages.entryidNamesCorrectionCorrect.error('entryId');
    }
    if (original.status !== VolunteerServiceStatus.APPROVED) {
      throw volunteerMessages.onlyApprovedEntryCorrected.error({ originalStatus: original.status }, 'entryId');
    }
    const total = await correctedTotal(uow, original.uuid);
    if (total + minutes < 0) {
      throw volunteerMessages.correctionWouldLeaveEntry.error({ minutes: total + minutes, total }, 'minutes');
    }
    return recordServiceEntry(uow, {
      person: original.person,
      team: original.team ?? null,
      community: { id: refId(original.community)!, path: original.communityPath },
      source: VolunteerServiceSource.CORRECTION,
      minutes,
      minutesField: 'minutes',
      servedOn: original.servedOn,
      description,
      correctsEntry: original,
      reportedBy: actor,
    });
  },
});
