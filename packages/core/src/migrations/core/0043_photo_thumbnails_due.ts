import type { Migration } from '../migration.js';

/**
 * The pictures uploaded before thumbnails were made (migration 0040) get theirs from core's
 * `photo-thumbnails` task: each without one is marked due, once (one that is as small already or
 * cannot be decoded is tried and left without). An upload makes its thumbnail itself, so new rows
 * are not due. The partial index holds the due rows only: empty once they are made.
 */
export const photoThumbnailsDue: Migration = {
  name: '0043_photo_thumbnails_due',
  up: `
    ALTER TABLE photo_upload ADD COLUMN thumbnail_due boolean NOT NULL DEFAULT false;
    UPDATE photo_upload SET thumbnail_due = true WHERE thumbnail IS NULL;
    CREATE INDEX photo_upload_thumbnail_due_idx ON photo_upload (created_at, id) WHERE thumbnail_due;
  `,
};
