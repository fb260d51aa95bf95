import type { Migration } from '../migration.js';

/** When a person's personal data was erased (`erasePersonalData`): the row stays, pseudonymised. */
export const personErasure: Migration = {
  name: '0030_person_erasure',
  up: `ALTER TABLE person ADD COLUMN erased_at timestamptz`,
};
