import type { Migration } from '../migration.js';

/**
 * A smaller copy of each picture uploaded, made at its upload, for lists (`RequestPhoto.thumbnailUrl`):
 * a page of reports with nine photos each should not fetch megabytes a picture. Null when the
 * picture is as small already or could not be decoded (the picture itself serves); uploads from
 * before this migration have none. A JPEG already, so stored out of line without compression.
 */
export const photoThumbnails: Migration = {
  name: '0040_photo_thumbnails',
  up: `
    ALTER TABLE photo_upload ADD COLUMN thumbnail bytea;
    ALTER TABLE photo_upload ALTER COLUMN thumbnail SET STORAGE EXTERNAL;
  `,
};
