import type { Migration } from '@gongzhi/core';

export const grids: Migration = {
  name: '0001_grids',
  up: `
    CREATE SCHEMA IF NOT EXISTS grid;
    CREATE TABLE grid.grid (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      community_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (community_id, name)
    );
  `,
};
