import type { VolunteerPairingCreated, VolunteerPairingVisited } from '../events.js';

/** What pairings announce: a pairing made, a visit logged. */
export type VolunteerPairingEventName = 'volunteer.pairing-created' | 'volunteer.pairing-visited';

declare module '@gongzhi/core' {
  interface GongzhiEvents {
    'volunteer.pairing-created': VolunteerPairingCreated;
    'volunteer.pairing-visited': VolunteerPairingVisited;
  }
}
