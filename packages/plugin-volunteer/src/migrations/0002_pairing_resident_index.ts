import type { Migration } from '@gongzhi/core';

/**
 * Who looks after a resident is asked whenever her name is shown to a volunteer (the place rule
 * of a person: the members of a team paired with her see her), so pairings are looked up by
 * resident, ended ones included. Calls are looked up by the places of a resident's line
 * (`volunteerRecruitments`).
 */
export const pairingResidentIndex: Migration = {
  name: '0002_pairing_resident_index',
  up: `
    CREATE INDEX IF NOT EXISTS pairing_resident_idx ON volunteer.pairing (resident_id);
    CREATE INDEX IF NOT EXISTS recruitment_place_idx ON volunteer.recruitment (place_id, open_until);
  `,
};
