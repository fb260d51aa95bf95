import type { Migration } from '@gongzhi/core';

export const accounts: Migration = {
  name: '0001_accounts',
  up: `
    CREATE SCHEMA IF NOT EXISTS moral_bank;
    CREATE TYPE moral_bank.holder_kind AS ENUM ('person', 'team', 'organization');
    CREATE TABLE moral_bank.account (
      id uuid PRIMARY KEY,
      holder_kind moral_bank.holder_kind NOT NULL,
      holder_id uuid NOT NULL,
      name text NOT NULL,
      community_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (community_id, holder_kind, holder_id)
    );
  `,
};
