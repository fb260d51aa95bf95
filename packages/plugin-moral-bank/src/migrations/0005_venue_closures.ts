import type { Migration } from '@gongzhi/core';

/**
 * A venue closed for a time (`closeMoralBankVenue`: renovation, an epidemic lockdown): no booking
 * is made in it, and those made before were called off and refunded. The community is kept on the
 * row for the place rule (residents below it see why their venue is closed).
 */
export const venueClosures: Migration = {
  name: '0005_venue_closures',
  up: `
    CREATE TABLE moral_bank.venue_closure (
      id uuid PRIMARY KEY,
      venue_id uuid NOT NULL REFERENCES moral_bank.venue_policy (venue_id) ON DELETE RESTRICT,
      community_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 200),
      called_off integer NOT NULL DEFAULT 0 CHECK (called_off >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_at > starts_at)
    );
    CREATE INDEX venue_closure_venue_ends_idx ON moral_bank.venue_closure (venue_id, ends_at);
  `,
};
