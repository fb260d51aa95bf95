/**
 * The volunteer plugin's event contract for the plugins that listen to it: the payload types,
 * published as the type-only subpath `@gongzhi/plugin-volunteer/events`. A listener imports
 * them from here (never copies them) and declares `dependsOn: { volunteer: '<range>' }`; a change
 * to a payload here is a breaking change of this plugin.
 */

/** `volunteer.service-verified`: a service-hour entry was verified by community staff. */
export interface VolunteerServiceVerified {
  /** uuid of the verified entry: the idempotency key of whatever follows from it. */
  entryId: string;
  /** uuid of the volunteer (a core Person). */
  personId: string;
  /** uuid of the volunteer team the service was done for, or null. */
  teamId: string | null;
  /** uuid of the community (a core Place of type COMMUNITY) where the service was done. */
  communityId: string;
  /** Signed whole minutes, never 0: positive for service, negative for a verified correction. */
  minutes: number;
  /** Where the hours came from. */
  source: 'SHIFT' | 'TASK' | 'MANUAL' | 'CORRECTION';
  /** uuid of the entry a correction corrects, else null. */
  correctsEntryId: string | null;
  /** ISO-8601 time of verification. */
  verifiedAt: string;
}
