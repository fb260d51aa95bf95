import type { Migration } from '@gongzhi/core';

/**
 * Little bees (小蜜蜂): couriers, riders and street cleaners registered as mobile reporters for an
 * area (a subdistrict), and their reports, each a core request (a foreign key) with where the bee
 * stood. One open registration per person and area; a request is one report at most.
 */
export const reporters: Migration = {
  name: '0003_reporters',
  up: `
    CREATE TABLE grid.reporter (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES public.person (id) ON DELETE CASCADE,
      area_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      area_path text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('courier', 'rider', 'street_cleaner', 'other')),
      employer text CHECK (employer IS NULL OR length(employer) <= 100),
      starts_on date NOT NULL,
      ends_on date CHECK (ends_on IS NULL OR ends_on >= starts_on),
      registered_by_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX reporter_one_open_uq ON grid.reporter (person_id, area_id) WHERE ends_on IS NULL;
    CREATE INDEX reporter_area_path_idx ON grid.reporter (area_path text_pattern_ops);

    CREATE TABLE grid.reporter_report (
      id uuid PRIMARY KEY,
      reporter_id uuid NOT NULL REFERENCES grid.reporter (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES public.person (id) ON DELETE CASCADE,
      request_id uuid NOT NULL UNIQUE REFERENCES public.request (id) ON DELETE CASCADE,
      place_path text NOT NULL,
      latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
      longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
      location_note text,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX reporter_report_reporter_idx ON grid.reporter_report (reporter_id, created_at);
    CREATE INDEX reporter_report_place_path_idx ON grid.reporter_report (place_path text_pattern_ops);
  `,
};
