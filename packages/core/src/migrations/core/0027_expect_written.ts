import type { Migration } from '../migration.js';

/**
 * `expect_written(count, what)` fails the statement that calls it (SQLSTATE GZ409, DETAIL `what`)
 * when `count` is 0. A conditional write that ends with it (`writeOrUndo` in
 * `command/held-write.ts`) can go to the server with the transaction's COMMIT instead of
 * answering on its own first: when it wrote nothing the transaction cannot commit, and the
 * command says why after the rollback.
 */
export const expectWritten: Migration = {
  name: '0027_expect_written',
  up: `
    CREATE FUNCTION expect_written(written bigint, what text) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF written = 0 THEN
        RAISE EXCEPTION 'nothing written: %', what USING ERRCODE = 'GZ409', DETAIL = what,
          HINT = 'The row changed since it was read; read it again.';
      END IF;
    END $$;
  `,
};
