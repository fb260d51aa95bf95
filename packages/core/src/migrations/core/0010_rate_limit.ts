import type { Migration } from '../migration.js';

/**
 * The gateway's rate-limit buckets, shared by every gateway process on this database: one row
 * per caller (API key, person or anonymous address) holding the operations counted in the
 * current window and when the window ends (epoch milliseconds). The columns are those
 * `rate-limiter-flexible`'s PostgreSQL store reads and writes. UNLOGGED: a bucket is not worth a
 * WAL write per operation, and losing the counts in a crash only forgives one window.
 */
export const rateLimit: Migration = {
  name: '0010_rate_limit',
  up: `
    CREATE UNLOGGED TABLE rate_limit (
      key varchar(255) PRIMARY KEY,
      points integer NOT NULL DEFAULT 0,
      expire bigint
    );
    CREATE INDEX rate_limit_expire_idx ON rate_limit (expire);
  `,
};
