import type { Migration } from '../migration.js';

export const people: Migration = {
  name: '0002_people',
  up: `
    CREATE TABLE person (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      phone text,
      household_id uuid REFERENCES place (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX person_household_id_index ON person (household_id);
  `,
};
