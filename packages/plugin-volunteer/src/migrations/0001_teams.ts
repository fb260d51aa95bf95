import type { Migration } from '@gongzhi/core';

export const teams: Migration = {
  name: '0001_teams',
  up: `
    CREATE SCHEMA IF NOT EXISTS volunteer;
    CREATE TABLE volunteer.team (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      kind text NOT NULL DEFAULT 'mutual_aid',
      home_place_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX team_home_place_id_index ON volunteer.team (home_place_id);
  `,
};
