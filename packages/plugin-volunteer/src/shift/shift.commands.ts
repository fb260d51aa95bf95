import {
  type CrossScope,
  addDays,
  defineCommand,
  isTimeZone,
  localDate,
  type Named,
  type Place,
  placeSummary,
  PlaceType,
  refId,
  requireIsoDate,
  type UnitOfWork,
} from '@gongzhi/core';
import { requireCommunityOf } from '../community.js';
import { t } from '../db.js';
import { requireText } from '../text.js';
import { VolunteerTeam } from '../team/team.entity.js';
import { requireLeader } from '../team/team.queries.js';
import { VolunteerShift, VolunteerShiftSchedule } from './shift.entity.js';
import { slotsOfSchedule } from './shift.queries.js';
import { volunteerMessages, volunteerPhrases } from '../messages.js';

/**
 * The rota: recurring rules and the slots made from them, and one-off slots. Sign-ups to the
 * slots are in `signup.commands.ts`.
 */

/** The longest date range one materialisation covers. */
export const MAX_MATERIALIZE_DAYS = 92;

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Where a team's shifts may be: anywhere in its community. */
const ACROSS_THE_TEAMS_COMMUNITY: CrossScope = {
  to: PlaceType.COMMUNITY,
  reason: "A team takes its turn at any checkpoint of its community: a building's team also stands at the compound gate.",
};

function checkCapacity(capacity: number, field: string): void {
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 1000) {
    throw volunteerMessages.wholeNumberFrom.error({ field, capacity }, field);
  }
}

/** A recurring shift rule, as a leader gives it. */
export interface NewShiftSchedule {
  team: Named<VolunteerTeam>;
  place: Named<Place>;
  title: string;
  weekdays: number[];
  /** HH:MM, local. */
  startTime: string;
  endTime: string;
  capacity: number;
  validFrom: string;
  validUntil?: string | null;
  /** IANA; the plugin's `timeZone` when omitted. */
  timeZone?: string | null;
}

/** The rule's days and times checked: ISO weekdays, HH:MM times, a real duration, validity in order, a known time zone. */
function checkRule(input: NewShiftSchedule): { weekdays: number[]; validFrom: string; validUntil: string | null } {
  const weekdays = [...new Set(input.weekdays)].sort();
  if (weekdays.length === 0 || weekdays.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw volunteerMessages.inputWeekdaysListIso.error({ weekdays: input.weekdays.join(', ') }, 'input.weekdays');
  }
  for (const [field, value] of [
    ['input.startTime', input.startTime],
    ['input.endTime', input.endTime],
  ] as const) {
    if (!HH_MM.test(value)) throw volunteerMessages.timeWrittenHhMm.error({ field, value }, field);
  }
  if (input.startTime === input.endTime) {
    throw volunteerMessages.inputEndtimeDifferFrom.error('input.endTime');
  }
  checkCapacity(input.capacity, 'input.capacity');
  const validFrom = requireIsoDate(input.validFrom, 'input.validFrom');
  const validUntil = input.validUntil ? requireIsoDate(input.validUntil, 'input.validUntil') : null;
  if (validUntil && validUntil < validFrom) {
    throw volunteerMessages.inputValiduntilAfterInput.error({ validUntil, validFrom }, 'input.validUntil');
  }
  if (input.timeZone != null && !isTimeZone(input.timeZone)) {
    throw volunteerMessages.inputTimezoneIanaTime.error({ timeZone: input.timeZone }, 'input.timeZone');
  }
  return { weekdays, validFrom, validUntil };
}

/** Creates a recurring shift rule (leaders only); its slots appear with {@link materializeShifts}. */
export const createShiftSchedule = defineCommand<NewShiftSchedule, VolunteerShiftSchedule>({
  name: 'volunteer.createShiftSchedule',
  links: { place: { to: 'team', widen: ACROSS_THE_TEAMS_COMMUNITY } },
  async run(uow, input) {
    const actor = await uow.actingPerson();
    const title = requireText(input.title, 'input.title');
    const rule = checkRule(input);
    await requireLeader(uow.em, input.team, actor, volunteerPhrases.createSchedules, 'input.teamId');
    await requireCommunityOf(uow, input.place, 'input.placeId');
    const schedule = uow.em.create(VolunteerShiftSchedule, {
      team: input.team,
      place: input.place,
      title,
      ...rule,
      startTime: `${input.startTime}:00`,
      endTime: `${input.endTime}:00`,
      timeZone: input.timeZone ?? uow.services.get('volunteer').options.timeZone,
      capacity: input.capacity,
    });
    await uow.em.flush();
    // Its slots in the rota window are open at once; the rota round opens each later day's.
    await openAhead(uow, schedule, uow.services.get('volunteer').options.shiftsAheadDays);
    return schedule;
  },
});

/** Opens `schedule`'s slots from today to `days` days after, in its time zone; answers how many it added. */
async function openAhead(uow: UnitOfWork, schedule: VolunteerShiftSchedule, days: number): Promise<number> {
  if (days <= 0) return 0;
  const from = localDate(uow.now(), schedule.timeZone);
  const to = addDays(from, days);
  const place = (await placeSummary(uow, refId(schedule.place)!))!;
  return insertScheduleSlots(uow.em, schedule.uuid, place.path, from, to);
}

/**
 * Opens a schedule's slots up to `days` days after today, as the rota round does for every
 * schedule (run as the system): what is open stays, so two rounds at once add each slot once.
 * Answers how many slots it added (0 for a schedule gone).
 */
export const openScheduleAhead = defineCommand<{ scheduleId: string; days: number }, number>({
  name: 'volunteer.openScheduleAhead',
  async run(uow, { scheduleId, days }) {
    const schedule = await uow.em.findOne(VolunteerShiftSchedule, { uuid: scheduleId });
    return schedule ? openAhead(uow, schedule, days) : 0;
  },
});

/**
 * Inserts a schedule's slots for the local days `from` to `to` within its validity, once per
 * day (the unique key schedule + start makes repeating it harmless), and answers how many it
 * added. Local date and time are read in the schedule's time zone by the database: right across
 * summer-time changes too; an end at or before the start is the next day.
 */
export async function insertScheduleSlots(
  em: UnitOfWork['em'],
  scheduleUuid: string,
  placePath: string,
  from: string,
  to: string,
): Promise<number> {
  const added = await em.execute<{ id: string }[]>(
    `INSERT INTO ${t('shift')} (id, team_id, schedule_id, place_id, place_path, title, starts_at, ends_at, capacity)
     SELECT gen_random_uuid(), s.team_id, s.id, s.place_id, ?::text, s.title,
            (d::date + s.start_time) AT TIME ZONE s.time_zone,
            (d::date + s.end_time + CASE WHEN s.end_time <= s.start_time THEN interval '1 day' ELSE interval '0' END) AT TIME ZONE s.time_zone,
            s.capacity
       FROM ${t('shift_schedule')} s
      CROSS JOIN generate_series(greatest(?::date, s.valid_from), least(?::date, coalesce(s.valid_until, ?::date)), interval '1 day') AS d
      WHERE s.id = ? AND extract(isodow FROM d)::smallint = ANY (s.weekdays)
     ON CONFLICT (schedule_id, starts_at) DO NOTHING
     RETURNING id`,
    [placePath, from, to, to, scheduleUuid],
  );
  return added.length;
}

/**
 * Creates the slots of a schedule for the days `from` to `to` (inclusive, at most
 * {@link MAX_MATERIALIZE_DAYS}, within its validity) and returns every slot of it in that range.
 */
export const materializeShifts = defineCommand<{ schedule: Named<VolunteerShiftSchedule>; from: string; to: string }, VolunteerShift[]>({
  name: 'volunteer.materializeShifts',
  async run(uow, { schedule, ...range }) {
    const actor = await uow.actingPerson();
    const from = requireIsoDate(range.from, 'from');
    const to = requireIsoDate(range.to, 'to');
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days < 1 || days > MAX_MATERIALIZE_DAYS) {
      throw volunteerMessages.afterFromMostDays.error({ MAX_MATERIALIZE_DAYS, from, to, days }, 'to');
    }
    const team = await uow.em.findOneOrFail(VolunteerTeam, { uuid: refId(schedule.team)! });
    await requireLeader(uow.em, team, actor, volunteerPhrases.openShifts, 'scheduleId');
    const place = (await placeSummary(uow, refId(schedule.place)!))!;
    await insertScheduleSlots(uow.em, schedule.uuid, place.path, from, to);
    return slotsOfSchedule(uow, schedule.uuid, from, to);
  },
});

/** A one-off slot, as a leader gives it. */
export interface NewShift {
  team: Named<VolunteerTeam>;
  place: Named<Place>;
  title: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
}

/** Creates a one-off shift slot (leaders only). */
export const createShift = defineCommand<NewShift, VolunteerShift>({
  name: 'volunteer.createShift',
  links: { place: { to: 'team', widen: ACROSS_THE_TEAMS_COMMUNITY } },
  async run(uow, input) {
    const actor = await uow.actingPerson();
    const title = requireText(input.title, 'input.title');
    const minutes = (input.endsAt.getTime() - input.startsAt.getTime()) / 60_000;
    if (minutes <= 0 || minutes > 24 * 60) {
      throw volunteerMessages.inputEndsatAfterInput.error({ minutes }, 'input.endsAt');
    }
    checkCapacity(input.capacity, 'input.capacity');
    await requireLeader(uow.em, input.team, actor, volunteerPhrases.createShifts, 'input.teamId');
    await requireCommunityOf(uow, input.place, 'input.placeId');
    const shift = uow.em.create(VolunteerShift, {
      team: input.team,
      place: input.place,
      placePath: input.place.path,
      title,
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      capacity: input.capacity,
    });
    await uow.em.flush();
    return shift;
  },
});
