import type { Migration } from '@gongzhi/core';

/**
 * The council schema. Rules the database keeps, so that concurrent requests cannot break them:
 * one seat per person or organisation in a council, one ballot per seat per proposal, one
 * answer per resident per poll, one decision per proposal, an action item owned by exactly one
 * organisation or person, and funding amounts that are non-negative whole fen.
 */
export const councils: Migration = {
  name: '0001_councils',
  up: `
    CREATE SCHEMA IF NOT EXISTS council;
    CREATE TYPE council.council_kind AS ENUM ('grid_meeting', 'five_party', 'named');
    CREATE TYPE council.voting_rule AS ENUM ('consent', 'simple_majority', 'two_thirds');
    CREATE TYPE council.vote_counting AS ENUM ('per_seat', 'per_person');
    CREATE TYPE council.seat_type AS ENUM (
      'party_branch', 'residents_committee', 'owners_committee', 'property_company', 'resident_unit',
      'resident_representative', 'grid_worker', 'social_worker', 'volunteer', 'other');
    CREATE TYPE council.agenda_item_kind AS ENUM ('request', 'grid_finding', 'topic');
    CREATE TYPE council.proposal_status AS ENUM ('open', 'closed');
    CREATE TYPE council.proposal_outcome AS ENUM ('passed', 'rejected', 'no_quorum');
    CREATE TYPE council.vote_choice AS ENUM ('for', 'against', 'abstain');
    CREATE TYPE council.poll_answer AS ENUM ('agree', 'disagree');
    CREATE TYPE council.action_item_status AS ENUM ('todo', 'in_progress', 'done');
    CREATE TYPE council.funding_kind AS ENUM (
      'parking_and_advertising_income', 'housing_maintenance_fund', 'subdistrict_allocation',
      'owners_contribution', 'property_company', 'donation', 'other');

    CREATE TABLE council.council (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (btrim(name) <> ''),
      kind council.council_kind NOT NULL DEFAULT 'named',
      description text,
      voting_rule council.voting_rule NOT NULL DEFAULT 'simple_majority',
      vote_counting council.vote_counting NOT NULL DEFAULT 'per_seat',
      quorum_percent smallint NOT NULL DEFAULT 50 CHECK (quorum_percent BETWEEN 0 AND 100),
      community_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (community_id, name)
    );
    CREATE INDEX council_community_idx ON council.council (community_id);

    CREATE TABLE council.member (
      id uuid PRIMARY KEY,
      council_id uuid NOT NULL REFERENCES council.council (id) ON DELETE CASCADE,
      seat_type council.seat_type NOT NULL,
      person_id uuid REFERENCES public.person (id) ON DELETE CASCADE,
      organization_id uuid REFERENCES public.organization (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (num_nonnulls(person_id, organization_id) = 1)
    );
    CREATE UNIQUE INDEX member_person_unique ON council.member (council_id, person_id) WHERE person_id IS NOT NULL;
    CREATE UNIQUE INDEX member_organization_unique ON council.member (council_id, organization_id) WHERE organization_id IS NOT NULL;
    CREATE INDEX member_person_idx ON council.member (person_id);
    CREATE INDEX member_organization_idx ON council.member (organization_id);

    CREATE TABLE council.meeting (
      id uuid PRIMARY KEY,
      council_id uuid NOT NULL REFERENCES council.council (id) ON DELETE CASCADE,
      title text NOT NULL CHECK (btrim(title) <> ''),
      place_id uuid REFERENCES public.place (id) ON DELETE RESTRICT,
      scheduled_at timestamptz NOT NULL,
      urgent boolean NOT NULL DEFAULT false,
      convened_by_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX meeting_council_idx ON council.meeting (council_id, scheduled_at);

    CREATE TABLE council.attendance (
      id uuid PRIMARY KEY,
      meeting_id uuid NOT NULL REFERENCES council.meeting (id) ON DELETE CASCADE,
      member_id uuid NOT NULL REFERENCES council.member (id) ON DELETE CASCADE,
      recorded_by_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (meeting_id, member_id)
    );

    CREATE TABLE council.agenda_item (
      id uuid PRIMARY KEY,
      meeting_id uuid NOT NULL REFERENCES council.meeting (id) ON DELETE CASCADE,
      position smallint NOT NULL,
      kind council.agenda_item_kind NOT NULL,
      title text NOT NULL CHECK (btrim(title) <> ''),
      request_id uuid REFERENCES public.request (id) ON DELETE RESTRICT,
      -- A finding of the grid plugin: another plugin's row, so an id without a foreign key.
      grid_finding_id uuid,
      minutes text,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (meeting_id, position),
      CHECK ((kind = 'request') = (request_id IS NOT NULL)),
      CHECK ((kind = 'grid_finding') = (grid_finding_id IS NOT NULL))
    );
    CREATE INDEX agenda_item_request_idx ON council.agenda_item (request_id);

    CREATE TABLE council.proposal (
      id uuid PRIMARY KEY,
      agenda_item_id uuid NOT NULL REFERENCES council.agenda_item (id) ON DELETE CASCADE,
      text text NOT NULL CHECK (btrim(text) <> ''),
      status council.proposal_status NOT NULL DEFAULT 'open',
      outcome council.proposal_outcome,
      voting_rule council.voting_rule,
      vote_counting council.vote_counting,
      quorum_percent smallint,
      for_weight integer,
      against_weight integer,
      abstain_weight integer,
      eligible_weight integer,
      closed_at timestamptz,
      closed_by_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'closed') = (outcome IS NOT NULL))
    );
    CREATE INDEX proposal_agenda_item_idx ON council.proposal (agenda_item_id);

    CREATE TABLE council.ballot (
      id uuid PRIMARY KEY,
      proposal_id uuid NOT NULL REFERENCES council.proposal (id) ON DELETE CASCADE,
      member_id uuid NOT NULL REFERENCES council.member (id) ON DELETE CASCADE,
      choice council.vote_choice NOT NULL,
      cast_by_id uuid NOT NULL REFERENCES public.person (id) ON DELETE RESTRICT,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ballot_one_per_member UNIQUE (proposal_id, member_id)
    );

    CREATE TABLE council.resident_poll (
      id uuid PRIMARY KEY,
      proposal_id uuid NOT NULL UNIQUE REFERENCES council.proposal (id) ON DELETE CASCADE,
      question text NOT NULL CHECK (btrim(question) <> ''),
      status council.proposal_status NOT NULL DEFAULT 'open',
      agree_count integer,
      disagree_count integer,
      eligible_count integer,
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE council.resident_poll_place (
      id uuid PRIMARY KEY,
      poll_id uuid NOT NULL REFERENCES council.resident_poll (id) ON DELETE CASCADE,
      place_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      UNIQUE (poll_id, place_id)
    );
    CREATE TABLE council.resident_poll_answer (
      id uuid PRIMARY KEY,
      poll_id uuid NOT NULL REFERENCES council.resident_poll (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES public.person (id) ON DELETE CASCADE,
      answer council.poll_answer NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT poll_answer_one_per_resident UNIQUE (poll_id, person_id)
    );

    CREATE TABLE council.decision (
      id uuid PRIMARY KEY,
      proposal_id uuid NOT NULL UNIQUE REFERENCES council.proposal (id) ON DELETE RESTRICT,
      summary text NOT NULL CHECK (btrim(summary) <> ''),
      decided_by_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      completed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE council.action_item (
      id uuid PRIMARY KEY,
      decision_id uuid NOT NULL REFERENCES council.decision (id) ON DELETE CASCADE,
      title text NOT NULL CHECK (btrim(title) <> ''),
      owner_organization_id uuid REFERENCES public.organization (id) ON DELETE RESTRICT,
      owner_person_id uuid REFERENCES public.person (id) ON DELETE RESTRICT,
      due_on date NOT NULL,
      status council.action_item_status NOT NULL DEFAULT 'todo',
      updated_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (num_nonnulls(owner_organization_id, owner_person_id) = 1)
    );
    CREATE INDEX action_item_decision_idx ON council.action_item (decision_id);
    CREATE INDEX action_item_owner_organization_idx ON council.action_item (owner_organization_id);

    -- Amounts in fen (分, 1/100 yuan): whole numbers, never negative.
    CREATE TABLE council.funding_source (
      id uuid PRIMARY KEY,
      decision_id uuid NOT NULL REFERENCES council.decision (id) ON DELETE CASCADE,
      kind council.funding_kind NOT NULL,
      description text,
      amount_fen integer NOT NULL CHECK (amount_fen >= 0),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX funding_source_decision_idx ON council.funding_source (decision_id);
  `,
};
