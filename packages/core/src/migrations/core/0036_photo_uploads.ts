import type { Migration } from '../migration.js';

/**
 * Photos kept by the platform itself (随手拍 from a district with no storage of its own): the
 * picture's bytes, whose upload it was (a person or an API key; null once the person is erased),
 * and a request photo that is either an address or an upload. Pictures are compressed already,
 * so their bytes are stored out of line without compression. `platform_secret` holds the key the
 * photos' links are signed with, made once by the first process to start.
 */
export const photoUploads: Migration = {
  name: '0036_photo_uploads',
  up: `
    CREATE TABLE photo_upload (
      id uuid PRIMARY KEY,
      owner_id uuid,
      content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
      size integer NOT NULL CHECK (size > 0),
      bytes bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE photo_upload ALTER COLUMN bytes SET STORAGE EXTERNAL;
    CREATE INDEX photo_upload_owner_idx ON photo_upload (owner_id, created_at) WHERE owner_id IS NOT NULL;
    ALTER TABLE request_photo ALTER COLUMN url DROP NOT NULL;
    ALTER TABLE request_photo ADD COLUMN upload_id uuid REFERENCES photo_upload (id) ON DELETE CASCADE;
    ALTER TABLE request_photo ADD CONSTRAINT request_photo_upload_once UNIQUE (upload_id);
    ALTER TABLE request_photo ADD CONSTRAINT request_photo_url_or_upload CHECK ((url IS NULL) <> (upload_id IS NULL));
    CREATE TABLE platform_secret (
      name text PRIMARY KEY,
      secret bytea NOT NULL
    );
  `,
};
