import type { Migration } from '@gongzhi/core';

/**
 * Indexes for the keyset pages of the lists that became connections: a community's accounts by
 * name, an account's bookings by start (replacing the plain index on account_id, its prefix) and
 * a venue's bookings by start (no index covered a venue's bookings of every status).
 */
export const connectionIndexes: Migration = {
  name: '0002_connection_indexes',
  up: `
    CREATE INDEX account_community_name_idx ON moral_bank.account (community_id, name, id);
    CREATE INDEX booking_account_starts_idx ON moral_bank.booking (account_id, starts_at, id);
    DROP INDEX moral_bank.booking_account_idx;
    CREATE INDEX booking_venue_starts_idx ON moral_bank.booking (venue_id, starts_at, id);
  `,
};
