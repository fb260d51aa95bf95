import type { Migration } from '../migration.js';

/**
 * Who made a change when it was not a signed-in person: an API key, or the system acting as a
 * named job (`system: grid.escalation`). Persons stay in `actor_id`.
 */
export const timelineActorLabel: Migration = {
  name: '0008_timeline_actor_label',
  up: `ALTER TABLE request_timeline ADD COLUMN actor_label text;`,
};
