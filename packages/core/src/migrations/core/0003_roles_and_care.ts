import type { Migration } from '../migration.js';

export const rolesAndCare: Migration = {
  name: '0003_roles_and_care',
  up: `
    CREATE TYPE person_role_kind AS ENUM ('resident', 'social_worker', 'auxiliary_social_worker', 'grid_worker', 'building_head', 'courtyard_head', 'party_member', 'volunteer', 'property_staff', 'courier_reporter');
    CREATE TABLE person_role (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
      place_id uuid NOT NULL REFERENCES place (id) ON DELETE RESTRICT,
      role person_role_kind NOT NULL,
      starts_on date NOT NULL,
      ends_on date,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_on IS NULL OR ends_on >= starts_on)
    );
    CREATE INDEX person_role_person_id_index ON person_role (person_id);
    CREATE INDEX person_role_place_id_index ON person_role (place_id);
    CREATE TABLE care_profile (
      person_id uuid PRIMARY KEY REFERENCES person (id) ON DELETE CASCADE,
      lives_alone boolean NOT NULL,
      elderly boolean NOT NULL,
      chronic_illness text,
      disability text,
      notes text,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `,
};
