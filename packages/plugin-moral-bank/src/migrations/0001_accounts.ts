import type { Migration } from '@gongzhi/core';

/**
 * The whole moral-bank schema: accounts, the double-entry ledger, community rates, venue
 * policies and bookings. (0001 was never released, so it was rewritten rather than followed
 * by a 0002.) The ledger's rules live in the database, not only in code:
 *
 * - every transaction has ≥ 2 entries summing to zero, and its `minutes` equal the sum of its
 *   credits (a deferred constraint trigger, checked at commit);
 * - entries and transactions are append-only (UPDATE and DELETE raise);
 * - an account's cached `balance` changes only through its entries (the entry trigger adds
 *   each amount; a direct change raises), and a CHECK keeps it at or above `min_balance`;
 * - two active bookings of one venue never overlap (an exclusion constraint).
 */
export const accounts: Migration = {
  name: '0001_accounts',
  up: `
    CREATE EXTENSION IF NOT EXISTS btree_gist;
    CREATE SCHEMA IF NOT EXISTS moral_bank;

    CREATE TYPE moral_bank.holder_kind AS ENUM ('person', 'team', 'organization', 'bank');
    CREATE TYPE moral_bank.transaction_kind AS ENUM ('earn', 'transfer', 'gift', 'booking', 'refund', 'reversal');
    CREATE TYPE moral_bank.booking_status AS ENUM ('requested', 'confirmed', 'cancelled', 'no_show', 'declined');

    -- The exchange rate of each community's bank (venue minutes per service minute).
    CREATE TABLE moral_bank.community_settings (
      community_id uuid PRIMARY KEY REFERENCES public.place (id) ON DELETE RESTRICT,
      rate integer NOT NULL CHECK (rate BETWEEN 1 AND 100),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE moral_bank.account (
      id uuid PRIMARY KEY,
      community_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      holder_kind moral_bank.holder_kind NOT NULL,
      person_id uuid REFERENCES public.person (id) ON DELETE RESTRICT,
      organization_id uuid REFERENCES public.organization (id) ON DELETE RESTRICT,
      -- Teams belong to the volunteer plugin: an id, deliberately without a foreign key.
      team_id uuid,
      -- Who may spend a team's hours (the person who opened the account).
      keeper_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      balance integer NOT NULL DEFAULT 0,
      -- The lowest balance allowed; NULL means no floor (only the bank's issuance account).
      min_balance integer DEFAULT 0,
      in_rankings boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT account_balance_floor CHECK (min_balance IS NULL OR balance >= min_balance),
      CHECK ((holder_kind = 'person') = (person_id IS NOT NULL)),
      CHECK ((holder_kind = 'organization') = (organization_id IS NOT NULL)),
      CHECK ((holder_kind = 'team') = (team_id IS NOT NULL)),
      CHECK ((holder_kind = 'bank') = (min_balance IS NULL))
    );
    CREATE UNIQUE INDEX account_person_uq ON moral_bank.account (community_id, person_id) WHERE person_id IS NOT NULL;
    CREATE UNIQUE INDEX account_organization_uq ON moral_bank.account (community_id, organization_id) WHERE organization_id IS NOT NULL;
    CREATE UNIQUE INDEX account_team_uq ON moral_bank.account (community_id, team_id) WHERE team_id IS NOT NULL;
    CREATE UNIQUE INDEX account_bank_uq ON moral_bank.account (community_id) WHERE holder_kind = 'bank';
    CREATE INDEX account_person_idx ON moral_bank.account (person_id);
    CREATE INDEX account_organization_idx ON moral_bank.account (organization_id);

    CREATE TABLE moral_bank.ledger_transaction (
      id uuid PRIMARY KEY,
      community_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      kind moral_bank.transaction_kind NOT NULL,
      -- Minutes moved: the sum of the transaction's credits.
      minutes integer NOT NULL CHECK (minutes > 0),
      -- Earnings: the rate applied, the service minutes (negative for a correction), the
      -- verified service entry (idempotency by source) and the team it was done for.
      rate integer CHECK (rate BETWEEN 1 AND 100),
      service_minutes integer,
      source_id uuid,
      team_id uuid,
      idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 200),
      request_hash text,
      reverses_id uuid REFERENCES moral_bank.ledger_transaction (id),
      booking_id uuid,
      memo text CHECK (length(memo) <= 500),
      actor_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      occurred_at timestamptz NOT NULL,
      CHECK ((kind = 'earn') = (source_id IS NOT NULL AND rate IS NOT NULL AND service_minutes IS NOT NULL)),
      CHECK ((kind = 'reversal') = (reverses_id IS NOT NULL)),
      CHECK ((idempotency_key IS NULL) = (request_hash IS NULL))
    );
    CREATE UNIQUE INDEX ledger_transaction_source_uq ON moral_bank.ledger_transaction (source_id) WHERE source_id IS NOT NULL;
    CREATE UNIQUE INDEX ledger_transaction_idempotency_uq ON moral_bank.ledger_transaction (idempotency_key) WHERE idempotency_key IS NOT NULL;
    CREATE UNIQUE INDEX ledger_transaction_reverses_uq ON moral_bank.ledger_transaction (reverses_id) WHERE reverses_id IS NOT NULL;
    CREATE INDEX ledger_transaction_community_idx ON moral_bank.ledger_transaction (community_id, occurred_at);
    CREATE INDEX ledger_transaction_team_idx ON moral_bank.ledger_transaction (team_id) WHERE team_id IS NOT NULL;

    CREATE TABLE moral_bank.entry (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      transaction_id uuid NOT NULL REFERENCES moral_bank.ledger_transaction (id),
      account_id uuid NOT NULL REFERENCES moral_bank.account (id),
      amount integer NOT NULL CHECK (amount <> 0),
      occurred_at timestamptz NOT NULL
    );
    CREATE INDEX entry_account_seq_idx ON moral_bank.entry (account_id, seq);
    CREATE INDEX entry_transaction_idx ON moral_bank.entry (transaction_id);

    -- Double entry: checked at commit, once every entry of the transaction is in.
    CREATE FUNCTION moral_bank.check_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      tx uuid; total bigint; credits bigint; n integer; declared integer;
    BEGIN
      IF TG_TABLE_NAME = 'entry' THEN tx := NEW.transaction_id; ELSE tx := NEW.id; END IF;
      SELECT coalesce(sum(amount), 0), coalesce(sum(amount) FILTER (WHERE amount > 0), 0), count(*)
        INTO total, credits, n FROM moral_bank.entry WHERE transaction_id = tx;
      SELECT minutes INTO declared FROM moral_bank.ledger_transaction WHERE id = tx;
      IF n < 2 OR total <> 0 OR credits <> declared THEN
        RAISE EXCEPTION 'ledger transaction % is unbalanced: % entries summing to %, credits % for % minutes', tx, n, total, credits, declared
          USING ERRCODE = 'check_violation', CONSTRAINT = 'ledger_balanced';
      END IF;
      RETURN NULL;
    END $$;
    CREATE CONSTRAINT TRIGGER entry_balanced AFTER INSERT ON moral_bank.entry
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION moral_bank.check_transaction_balanced();
    CREATE CONSTRAINT TRIGGER transaction_balanced AFTER INSERT ON moral_bank.ledger_transaction
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION moral_bank.check_transaction_balanced();

    -- The ledger is a record of what happened: corrections are reversing transactions.
    CREATE FUNCTION moral_bank.append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'moral_bank.% is append-only: % is not allowed; post a reversing transaction instead', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
    END $$;
    CREATE TRIGGER entry_append_only BEFORE UPDATE OR DELETE ON moral_bank.entry
      FOR EACH ROW EXECUTE FUNCTION moral_bank.append_only();
    CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON moral_bank.ledger_transaction
      FOR EACH ROW EXECUTE FUNCTION moral_bank.append_only();

    -- The cached balance follows the entries, and nothing else may move it.
    CREATE FUNCTION moral_bank.apply_entry() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE moral_bank.account SET balance = balance + NEW.amount WHERE id = NEW.account_id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER entry_apply AFTER INSERT ON moral_bank.entry
      FOR EACH ROW EXECUTE FUNCTION moral_bank.apply_entry();
    CREATE FUNCTION moral_bank.guard_balance() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'moral_bank.account.balance changes only through ledger entries' USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER account_guard_balance BEFORE UPDATE ON moral_bank.account
      FOR EACH ROW EXECUTE FUNCTION moral_bank.guard_balance();
    CREATE FUNCTION moral_bank.guard_new_balance() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.balance <> 0 THEN
        RAISE EXCEPTION 'a moral-bank account opens with balance 0; fund it with a transaction' USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER account_guard_new_balance BEFORE INSERT ON moral_bank.account
      FOR EACH ROW EXECUTE FUNCTION moral_bank.guard_new_balance();

    -- Venues are core places of type venue; their booking policy lives here.
    CREATE TABLE moral_bank.venue_policy (
      venue_id uuid PRIMARY KEY REFERENCES public.place (id) ON DELETE RESTRICT,
      community_id uuid NOT NULL REFERENCES public.place (id) ON DELETE RESTRICT,
      time_zone text NOT NULL,
      opening_hours jsonb NOT NULL,
      max_minutes integer NOT NULL CHECK (max_minutes BETWEEN 15 AND 1440),
      refund_cutoff_minutes integer NOT NULL CHECK (refund_cutoff_minutes BETWEEN 0 AND 43200),
      no_show_forfeit_percent integer NOT NULL CHECK (no_show_forfeit_percent BETWEEN 0 AND 100),
      priority_windows jsonb NOT NULL DEFAULT '[]',
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE moral_bank.booking (
      id uuid PRIMARY KEY,
      venue_id uuid NOT NULL REFERENCES moral_bank.venue_policy (venue_id) ON DELETE RESTRICT,
      account_id uuid NOT NULL REFERENCES moral_bank.account (id) ON DELETE RESTRICT,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      during tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
      minutes integer NOT NULL CHECK (minutes > 0),
      status moral_bank.booking_status NOT NULL,
      in_priority_window boolean NOT NULL DEFAULT false,
      priority_points integer NOT NULL DEFAULT 0,
      purpose text CHECK (length(purpose) <= 200),
      booked_by_id uuid REFERENCES public.person (id) ON DELETE SET NULL,
      debit_transaction_id uuid REFERENCES moral_bank.ledger_transaction (id),
      refund_transaction_id uuid REFERENCES moral_bank.ledger_transaction (id),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      CHECK (ends_at > starts_at),
      CONSTRAINT booking_no_overlap EXCLUDE USING gist (venue_id WITH =, during WITH &&)
        WHERE (status IN ('confirmed', 'no_show'))
    );
    CREATE INDEX booking_account_idx ON moral_bank.booking (account_id);
    CREATE INDEX booking_venue_requested_idx ON moral_bank.booking (venue_id, priority_points DESC, created_at) WHERE status = 'requested';
    ALTER TABLE moral_bank.ledger_transaction ADD FOREIGN KEY (booking_id) REFERENCES moral_bank.booking (id);
  `,
};
