import type { Migration } from '../migration.js';

export const organizations: Migration = {
  name: '0004_organizations',
  up: `
    CREATE TYPE organization_kind AS ENUM ('party_branch', 'residents_committee', 'owners_committee', 'property_company', 'resident_unit', 'social_organization', 'company', 'chamber_of_commerce', 'government_office');
    CREATE TABLE organization (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      kind organization_kind NOT NULL,
      place_id uuid NOT NULL REFERENCES place (id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX organization_place_id_index ON organization (place_id);
    CREATE TABLE organization_member (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
      role text NOT NULL,
      joined_on date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT organization_member_organization_id_person_id_unique UNIQUE (organization_id, person_id)
    );
    CREATE INDEX organization_member_person_id_index ON organization_member (person_id);
  `,
};
