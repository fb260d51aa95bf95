import type { Migration } from '../migration.js';

/**
 * When each of the platform's keys was made: the photo links' key is replaced once a day by core's
 * `photo-link-key` task (the one before it keeps checking links for a day more), so a key that got
 * out stops working within two days without anyone deleting it.
 */
export const photoLinkKeyAge: Migration = {
  name: '0039_photo_link_key_age',
  up: `ALTER TABLE platform_secret ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();`,
};
