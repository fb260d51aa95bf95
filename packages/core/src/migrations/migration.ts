import type { PoolClient } from 'pg';

/**
 * One forward-only schema change. Migrations are listed statically, in order, by the
 * package that owns them; an applied migration must never change (its checksum is kept).
 */
export interface Migration {
  /** Unique within its owner and sortable, e.g. `0001_init`. */
  name: string;
  /** SQL to run, or a function given the transaction's connection. */
  up: string | ((db: PoolClient) => Promise<void>);
}

/** The migrations of one owner (core or a plugin), applied in list order. */
export interface MigrationSource {
  /** `core` or the plugin's id. */
  owner: string;
  migrations: readonly Migration[];
}
