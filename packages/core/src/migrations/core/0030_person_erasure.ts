import type { Migration } from '../migration.js';

/**
 * When a person's personal data was erased (`erasePersonalData`): the row stays, pseudonymised.
 * An erasure is announced like a change of the person's grants (0024), so every process drops
 * what it keeps of them at once and refuses their sign-in, roles and household or not.
 */
export const personErasure: Migration = {
  name: '0030_person_erasure',
  up: `
    ALTER TABLE person ADD COLUMN erased_at timestamptz;
    CREATE TRIGGER person_erased AFTER UPDATE OF erased_at ON person
      FOR EACH ROW WHEN (OLD.erased_at IS NULL AND NEW.erased_at IS NOT NULL) EXECUTE FUNCTION person_household_notice();
  `,
};
