import type { Migration } from '@gongzhi/core';

/**
 * Indexes for the plugin's connections (issue #19): each serves a nested page's keyset, the parent
 * first, then the connection's order ending with the id; an older index on the parent alone (or
 * on a prefix of the new one) is replaced. The map's index orders current marks red first, in
 * tree order (C collation) within a colour, as `GridAttentionMap.marks` and `geoJson` page them.
 */
export const connectionIndexes: Migration = {
  name: '0004_connection_indexes',
  up: `
    DROP INDEX grid.grid_parent_id_index;
    CREATE INDEX grid_parent_name_idx ON grid.grid (parent_id, name, id);
    DROP INDEX grid.grid_place_grid_id_index;
    CREATE INDEX grid_place_grid_path_idx ON grid.grid_place (grid_id, place_path, id);
    CREATE INDEX grid_worker_grid_starts_idx ON grid.grid_worker (grid_id, starts_on, id);
    DROP INDEX grid.grid_worker_person_id_index;
    CREATE INDEX grid_worker_person_starts_idx ON grid.grid_worker (person_id, starts_on, id);
    CREATE INDEX grid_adoption_grid_starts_idx ON grid.grid_adoption (grid_id, starts_on, id);
    DROP INDEX grid.grid_adoption_organization_id_index;
    CREATE INDEX grid_adoption_organization_starts_idx ON grid.grid_adoption (organization_id, starts_on, id);
    DROP INDEX grid.grid_visit_household_idx;
    CREATE INDEX grid_visit_household_idx ON grid.grid_visit (household_id, visited_on DESC, created_at DESC, id DESC);
    DROP INDEX grid.grid_finding_visit_id_index;
    CREATE INDEX grid_finding_visit_created_idx ON grid.grid_finding (visit_id, created_at, id);
    DROP INDEX grid.attention_mark_place_idx;
    CREATE INDEX attention_mark_place_idx ON grid.attention_mark (place_id, set_at DESC, id DESC);
    CREATE INDEX attention_current_map_idx ON grid.attention_current
      ((CASE level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END), (place_path COLLATE "C"), mark_id);
    CREATE INDEX reporter_person_created_idx ON grid.reporter (person_id, created_at, id);
    DROP INDEX grid.reporter_report_reporter_idx;
    CREATE INDEX reporter_report_reporter_idx ON grid.reporter_report (reporter_id, created_at, id);
  `,
};
