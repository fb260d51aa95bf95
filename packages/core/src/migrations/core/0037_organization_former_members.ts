import type { Migration } from '../migration.js';

/**
 * Memberships that ended: a member taken off an organisation is recorded here (who, role, joined,
 * left), newest first per organisation, as `Organization.formerMembers` lists them.
 */
export const organizationFormerMembers: Migration = {
  name: '0037_organization_former_members',
  up: `
    CREATE TABLE organization_former_member (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES person (id) ON DELETE CASCADE,
      role text NOT NULL,
      joined_on date NOT NULL,
      left_on date NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX organization_former_member_order_idx ON organization_former_member (organization_id, left_on DESC, created_at DESC, id DESC);
    CREATE INDEX organization_former_member_person_idx ON organization_former_member (person_id);
  `,
};
