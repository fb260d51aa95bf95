import type { Migration } from '@gongzhi/core';

/**
 * Indexes for the plugin's connections: each serves a page of one parent's rows in the
 * connection's order, the uuid last (the keyset `(key, id) > (…, …)`). Where an index on the
 * foreign key alone existed, the new one starts with it and replaces it.
 */
export const connectionIndexes: Migration = {
  name: '0003_connection_indexes',
  up: `
    CREATE INDEX council_name_idx ON council.council (name, id);

    DROP INDEX council.member_person_idx;
    DROP INDEX council.member_organization_idx;
    CREATE INDEX member_council_created_idx ON council.member (council_id, created_at, id);
    CREATE INDEX member_person_created_idx ON council.member (person_id, created_at, id);
    CREATE INDEX member_organization_created_idx ON council.member (organization_id, created_at, id);

    DROP INDEX council.meeting_council_idx;
    CREATE INDEX meeting_council_scheduled_idx ON council.meeting (council_id, scheduled_at, id);

    CREATE INDEX attendance_meeting_created_idx ON council.attendance (meeting_id, created_at, id);

    DROP INDEX council.agenda_item_request_idx;
    CREATE INDEX agenda_item_request_created_idx ON council.agenda_item (request_id, created_at, id);

    DROP INDEX council.proposal_agenda_item_idx;
    CREATE INDEX proposal_agenda_item_created_idx ON council.proposal (agenda_item_id, created_at, id);

    CREATE INDEX ballot_proposal_created_idx ON council.ballot (proposal_id, created_at, id);

    DROP INDEX council.action_item_decision_idx;
    DROP INDEX council.action_item_owner_organization_idx;
    CREATE INDEX action_item_decision_created_idx ON council.action_item (decision_id, created_at, id);
    CREATE INDEX action_item_owner_organization_due_idx ON council.action_item (owner_organization_id, due_on, id);
    CREATE INDEX action_item_due_idx ON council.action_item (due_on, id);

    DROP INDEX council.funding_source_decision_idx;
    CREATE INDEX funding_source_decision_created_idx ON council.funding_source (decision_id, created_at, id);
  `,
};
