import type { Migration } from '../migration.js';

/**
 * Every change of what a signed-in person may see and do is announced on the board channel, as an
 * API key's revocation is (`{"revoked":"<person uuid>"}`, delivered on commit): a role given, ended
 * or removed, a person moved to another household. Processes that keep a person's grants for a
 * few seconds drop them at once. A statement that changes the roles of more than 100 people (a
 * bulk import) and a place moved elsewhere in the tree (its path, and so everybody's grants under
 * it) announce `{"revoked":"*"}`: every cached grant goes.
 */
export const personGrantsNotice: Migration = {
  name: '0024_person_grants_notice',
  up: `
    CREATE FUNCTION person_role_grants_notice() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      people uuid[];
    BEGIN
      IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT person_id) INTO people FROM added;
      ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT person_id) INTO people FROM removed;
      ELSE
        SELECT array_agg(DISTINCT person_id) INTO people FROM (SELECT person_id FROM added UNION SELECT person_id FROM removed) changed;
      END IF;
      IF cardinality(people) > 100 THEN
        PERFORM pg_notify('gongzhi_board', '{"revoked":"*"}');
      ELSIF people IS NOT NULL THEN
        PERFORM pg_notify('gongzhi_board', json_build_object('revoked', person)::text) FROM unnest(people) person;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER person_role_added AFTER INSERT ON person_role REFERENCING NEW TABLE AS added
      FOR EACH STATEMENT EXECUTE FUNCTION person_role_grants_notice();
    CREATE TRIGGER person_role_changed AFTER UPDATE ON person_role REFERENCING NEW TABLE AS added OLD TABLE AS removed
      FOR EACH STATEMENT EXECUTE FUNCTION person_role_grants_notice();
    CREATE TRIGGER person_role_removed AFTER DELETE ON person_role REFERENCING OLD TABLE AS removed
      FOR EACH STATEMENT EXECUTE FUNCTION person_role_grants_notice();

    CREATE FUNCTION person_household_notice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('gongzhi_board', json_build_object('revoked', NEW.id)::text);
      RETURN NULL;
    END $$;
    CREATE TRIGGER person_household_changed AFTER UPDATE OF household_id ON person
      FOR EACH ROW WHEN (OLD.household_id IS DISTINCT FROM NEW.household_id) EXECUTE FUNCTION person_household_notice();

    CREATE FUNCTION place_moved_notice() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('gongzhi_board', '{"revoked":"*"}');
      RETURN NULL;
    END $$;
    CREATE TRIGGER place_moved AFTER UPDATE OF path ON place
      FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path) EXECUTE FUNCTION place_moved_notice();
  `,
};
