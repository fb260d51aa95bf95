import type { Migration } from '@gongzhi/core';

/**
 * The grid plugin's tables, all in schema `grid`. Never released before 0.2.0, so this
 * first migration was rewritten in place rather than followed by a second one.
 *
 * Rules the database keeps: a place is covered by at most one grid of each kind
 * (`grid_place (place_id, grid_kind)` unique, the kind kept consistent with the grid by a
 * composite foreign key); a micro-grid has a parent grid and a grid has none; one open
 * assignment per worker and grid, one open adoption per unit and grid; one effective
 * escalation limit per grid or community and level; colour marks are history (append-only by
 * convention), `attention_current` holds the latest mark of each place.
 */
export const grids: Migration = {
  name: '0001_grids',
  up: `
    CREATE SCHEMA IF NOT EXISTS grid;

    CREATE TABLE grid.grid (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (length(btrim(name)) > 0),
      community_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      kind text NOT NULL DEFAULT 'grid' CHECK (kind IN ('grid', 'micro_grid')),
      parent_id uuid REFERENCES grid.grid (id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (community_id, name),
      UNIQUE (id, kind),
      CONSTRAINT grid_micro_grid_has_parent CHECK ((kind = 'micro_grid') = (parent_id IS NOT NULL))
    );
    CREATE INDEX grid_parent_id_index ON grid.grid (parent_id);

    CREATE TABLE grid.grid_place (
      id uuid PRIMARY KEY,
      grid_id uuid NOT NULL,
      grid_kind text NOT NULL,
      place_id uuid NOT NULL REFERENCES public.place (id) ON DELETE CASCADE,
      place_path text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      FOREIGN KEY (grid_id, grid_kind) REFERENCES grid.grid (id, kind) ON DELETE CASCADE,
      CONSTRAINT grid_place_one_grid_per_kind UNIQUE (place_id, grid_kind)
    );
    CREATE INDEX grid_place_grid_id_index ON grid.grid_place (grid_id);
    CREATE INDEX grid_place_path_idx ON grid.grid_place (place_path text_pattern_ops);

    CREATE TABLE grid.grid_worker (
      id uuid PRIMARY KEY,
      grid_id uuid NOT NULL REFERENCES grid.grid (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES public.person (id) ON DELETE CASCADE,
      starts_on date NOT NULL,
      ends_on date,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_on IS NULL OR ends_on >= starts_on)
    );
    CREATE UNIQUE INDEX grid_worker_one_open_uq ON grid.grid_worker (grid_id, person_id) WHERE ends_on IS NULL;
    CREATE INDEX grid_worker_person_id_index ON grid.grid_worker (person_id);

    CREATE TABLE grid.grid_adoption (
      id uuid PRIMARY KEY,
      grid_id uuid NOT NULL REFERENCES grid.grid (id) ON DELETE CASCADE,
      organization_id uuid NOT NULL REFERENCES public.organization (id) ON DELETE CASCADE,
      starts_on date NOT NULL,
      ends_on date,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_on IS NULL OR ends_on >= starts_on)
    );
    CREATE UNIQUE INDEX grid_adoption_one_open_uq ON grid.grid_adoption (grid_id, organization_id) WHERE ends_on IS NULL;
    CREATE INDEX grid_adoption_organization_id_index ON grid.grid_adoption (organization_id);

    CREATE TABLE grid.grid_visit (
      id uuid PRIMARY KEY,
      household_id uuid NOT NULL REFERENCES public.place (id) ON DELETE CASCADE,
      place_path text NOT NULL,
      worker_id uuid NOT NULL REFERENCES public.person (id) ON DELETE RESTRICT,
      visited_on date NOT NULL,
      met_person_ids jsonb NOT NULL DEFAULT '[]',
      checks jsonb NOT NULL DEFAULT '[]',
      notes text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX grid_visit_household_idx ON grid.grid_visit (household_id, visited_on DESC);
    CREATE INDEX grid_visit_path_idx ON grid.grid_visit (place_path text_pattern_ops);
    CREATE INDEX grid_visit_worker_idx ON grid.grid_visit (worker_id, visited_on);

    CREATE TABLE grid.grid_finding (
      id uuid PRIMARY KEY,
      visit_id uuid NOT NULL REFERENCES grid.grid_visit (id) ON DELETE CASCADE,
      description text NOT NULL CHECK (length(btrim(description)) > 0),
      category text,
      request_id uuid UNIQUE REFERENCES public.request (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX grid_finding_visit_id_index ON grid.grid_finding (visit_id);

    CREATE TABLE grid.attention_mark (
      id uuid PRIMARY KEY,
      place_id uuid NOT NULL REFERENCES public.place (id) ON DELETE CASCADE,
      place_path text NOT NULL,
      level text NOT NULL CHECK (level IN ('red', 'orange', 'green')),
      previous_level text CHECK (previous_level IN ('red', 'orange', 'green')),
      reason text NOT NULL CHECK (length(btrim(reason)) > 0),
      set_by_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      set_at timestamptz NOT NULL
    );
    CREATE INDEX attention_mark_place_idx ON grid.attention_mark (place_id, set_at DESC);

    CREATE TABLE grid.attention_current (
      place_id uuid PRIMARY KEY REFERENCES public.place (id) ON DELETE CASCADE,
      mark_id uuid NOT NULL REFERENCES grid.attention_mark (id) ON DELETE CASCADE,
      level text NOT NULL CHECK (level IN ('red', 'orange', 'green')),
      place_path text NOT NULL
    );
    CREATE INDEX attention_current_path_idx ON grid.attention_current (place_path text_pattern_ops);

    CREATE TABLE grid.escalation_limit (
      id uuid PRIMARY KEY,
      grid_id uuid REFERENCES grid.grid (id) ON DELETE CASCADE,
      community_id uuid REFERENCES public.place (id) ON DELETE CASCADE,
      level text NOT NULL CHECK (level IN ('grid', 'community')),
      hours integer NOT NULL CHECK (hours > 0 AND hours <= 8760),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT escalation_limit_one_scope CHECK ((grid_id IS NULL) <> (community_id IS NULL))
    );
    CREATE UNIQUE INDEX escalation_limit_grid_uq ON grid.escalation_limit (grid_id, level) WHERE grid_id IS NOT NULL;
    CREATE UNIQUE INDEX escalation_limit_community_uq ON grid.escalation_limit (community_id, level) WHERE community_id IS NOT NULL;

    CREATE TABLE grid.grid_meeting (
      id uuid PRIMARY KEY,
      grid_id uuid NOT NULL REFERENCES grid.grid (id) ON DELETE CASCADE,
      held_at timestamptz NOT NULL,
      notes text,
      recorded_by_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX grid_meeting_grid_idx ON grid.grid_meeting (grid_id, held_at DESC);
  `,
};
