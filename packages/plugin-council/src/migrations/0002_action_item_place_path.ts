import type { Migration } from '@gongzhi/core';

// plugin-boundary: frozen migration. This backfill reads core's place.path once, at upgrade; it
// was applied already and its text cannot change (the migrator keeps its checksum). New
// migrations name core tables only in foreign keys (REFERENCES public.<table> (id)).
/** Copies each action item's community path from its council (exported for its test). */
export const backfillActionItemPlacePath = `
    UPDATE council.action_item ai SET place_path = p.path
      FROM council.decision d
      JOIN council.proposal pr ON pr.id = d.proposal_id
      JOIN council.agenda_item ag ON ag.id = pr.agenda_item_id
      JOIN council.meeting m ON m.id = ag.meeting_id
      JOIN council.council c ON c.id = m.council_id
      JOIN public.place p ON p.id = c.community_id
     WHERE d.id = ai.decision_id`;

/**
 * Action items keep the materialized path of their council's community, so a live task board
 * lists the items under a place with one index scan instead of joining five tables up to the
 * council. A community's path never changes once written (core places are not moved).
 */
export const actionItemPlacePath: Migration = {
  name: '0002_action_item_place_path',
  up: `
    ALTER TABLE council.action_item ADD COLUMN place_path text;
    ${backfillActionItemPlacePath};
    ALTER TABLE council.action_item ALTER COLUMN place_path SET NOT NULL;
    CREATE INDEX action_item_place_path_idx ON council.action_item (place_path text_pattern_ops);
  `,
};
