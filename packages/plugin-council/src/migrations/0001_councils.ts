import type { Migration } from '@gongzhi/core';

export const councils: Migration = {
  name: '0001_councils',
  up: `
    CREATE SCHEMA IF NOT EXISTS council;
    CREATE TYPE council.voting_rule AS ENUM ('consent', 'simple_majority', 'two_thirds');
    CREATE TABLE council.council (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      voting_rule council.voting_rule NOT NULL DEFAULT 'simple_majority',
      community_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (community_id, name)
    );
  `,
};
