import type { Migration } from '../migration.js';

export const places: Migration = {
  name: '0001_places',
  up: `
    CREATE TYPE place_type AS ENUM ('district', 'subdistrict', 'community', 'compound', 'bungalow_area', 'building', 'unit', 'household', 'venue', 'station');
    CREATE TYPE venue_kind AS ENUM ('activity_room', 'rest_station', 'tool_room', 'checkpoint', 'other');
    CREATE TABLE place (
      id uuid PRIMARY KEY,
      type place_type NOT NULL,
      code text NOT NULL UNIQUE,
      name text NOT NULL,
      address text,
      latitude double precision,
      longitude double precision,
      venue_kind venue_kind,
      capacity integer CHECK (capacity IS NULL OR capacity >= 0),
      parent_id uuid REFERENCES place (id) ON DELETE RESTRICT,
      path text NOT NULL,
      depth smallint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX place_path_idx ON place (path text_pattern_ops);
    CREATE INDEX place_parent_id_index ON place (parent_id);
  `,
};
