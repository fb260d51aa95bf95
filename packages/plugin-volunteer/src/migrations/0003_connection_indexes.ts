import type { Migration } from '@gongzhi/core';

/**
 * The nested connections page a parent's rows in their order with a keyset ending with the id
 * (`VolunteerTeam.pairings`, `.recruitments`, `.shiftSchedules`, `VolunteerPairing.visits`,
 * `VolunteerRecruitment.applications`, `Request.volunteerTasks`, `Query.volunteerShifts`): each
 * foreign key's index now carries the order, so a page reads its rows in index order. The indexes
 * they replace were on the foreign key (and part of the order) alone.
 */
export const connectionIndexes: Migration = {
  name: '0003_connection_indexes',
  up: `
    CREATE INDEX IF NOT EXISTS recruitment_team_created_idx ON volunteer.recruitment (team_id, created_at, id);
    DROP INDEX IF EXISTS volunteer.recruitment_team_idx;
    CREATE INDEX IF NOT EXISTS application_recruitment_seq_idx ON volunteer.application (recruitment_id, seq, id);
    CREATE INDEX IF NOT EXISTS shift_schedule_team_created_idx ON volunteer.shift_schedule (team_id, created_at, id);
    DROP INDEX IF EXISTS volunteer.shift_schedule_team_idx;
    CREATE INDEX IF NOT EXISTS shift_team_starts_id_idx ON volunteer.shift (team_id, starts_at, id);
    DROP INDEX IF EXISTS volunteer.shift_team_starts_idx;
    CREATE INDEX IF NOT EXISTS pairing_team_starts_idx ON volunteer.pairing (team_id, starts_on, id);
    DROP INDEX IF EXISTS volunteer.pairing_team_idx;
    CREATE INDEX IF NOT EXISTS pairing_visit_pairing_visited_idx ON volunteer.pairing_visit (pairing_id, visited_at, id);
    DROP INDEX IF EXISTS volunteer.pairing_visit_pairing_idx;
    CREATE INDEX IF NOT EXISTS task_request_created_idx ON volunteer.task (request_id, created_at, id);
    DROP INDEX IF EXISTS volunteer.task_request_idx;
  `,
};
