import { ancestorIds, defineCommand, isTimeZone, type Named, type Place, placeSummaries, PlaceType, type Phrase } from '@gongzhi/core';
import { MoralBankPermission } from '../permissions.js';
import { requireVenue } from '../place-types.js';
import { bankOptions } from '../options.js';
import { MoralBankVenuePolicy, type OpeningHours, type PriorityWindow } from './venue.entity.js';
import { validateOpeningHours, validatePriorityWindows } from './venue-time.js';
import { t } from '../db.js';
import { bankMessages, bankPhrases } from '../messages.js';

/** How a venue is to be booked. */
export interface VenuePolicyInput {
  venue: Named<Place>;
  timeZone?: string | null;
  openingHours: OpeningHours[];
  maxMinutes: number;
  refundCutoffMinutes: number;
  noShowForfeitPercent: number;
  priorityWindows?: PriorityWindow[] | null;
}

/** Refuses a whole number outside [min, max] for an input field. */
function requireWithinRange(value: number, min: number, max: number, field: string, unit: Phrase): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw bankMessages.outOfRange.error({ field, min, max, unit, value }, `input.${field}`);
  }
}

/**
 * Sets (or replaces) how a venue is booked: opening hours, longest booking, refund cut-off,
 * no-show rule, priority windows. The venue's community is the bank that is paid. Needs
 * `moral-bank.manage` at the venue.
 */
export const configureVenue = defineCommand<VenuePolicyInput, MoralBankVenuePolicy>({
  name: 'moral-bank.configureVenue',
  async run(uow, input) {
    const { venue } = input;
    uow.actor.authorize(MoralBankPermission.MANAGE, requireVenue(venue, 'input.venueId').path);
    const enclosing = await placeSummaries(uow, ancestorIds(venue));
    const community = [...enclosing.values()].find((p) => p.type === PlaceType.COMMUNITY);
    if (!community) {
      throw bankMessages.venueInsideCommunityAttach.error({ venueName: venue.name }, 'input.venueId');
    }
    const timeZone = input.timeZone ?? bankOptions(uow.services).timeZone;
    if (!isTimeZone(timeZone)) throw bankMessages.timezoneIanaTimeZone.error({ timeZone }, 'input.timeZone');
    const hours = validateOpeningHours(input.openingHours);
    const windows = validatePriorityWindows(input.priorityWindows ?? []);
    requireWithinRange(input.maxMinutes, 15, 1440, 'maxMinutes', bankPhrases.minutes);
    requireWithinRange(input.refundCutoffMinutes, 0, 43_200, 'refundCutoffMinutes', bankPhrases.minutes30Days);
    requireWithinRange(input.noShowForfeitPercent, 0, 100, 'noShowForfeitPercent', bankPhrases.percent);
    await uow.em.execute(
      `INSERT INTO ${t('venue_policy')} (venue_id, community_id, time_zone, opening_hours, max_minutes, refund_cutoff_minutes, no_show_forfeit_percent, priority_windows, updated_at)
       VALUES (?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb, ?)
       ON CONFLICT (venue_id) DO UPDATE SET community_id = excluded.community_id, time_zone = excluded.time_zone, opening_hours = excluded.opening_hours,
         max_minutes = excluded.max_minutes, refund_cutoff_minutes = excluded.refund_cutoff_minutes,
         no_show_forfeit_percent = excluded.no_show_forfeit_percent, priority_windows = excluded.priority_windows, updated_at = excluded.updated_at`,
      [
        venue.uuid,
        community.id,
        timeZone,
        JSON.stringify(hours),
        input.maxMinutes,
        input.refundCutoffMinutes,
        input.noShowForfeitPercent,
        JSON.stringify(windows),
        uow.now(),
      ],
    );
    return uow.em.findOneOrFail(MoralBankVenuePolicy, { venueUuid: venue.uuid }, { refresh: true });
  },
});
