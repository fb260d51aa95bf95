import { type ConnectionOrder, pluginTables } from '@gongzhi/core';

/** The database schema of this plugin's tables: the one place it is written (the plugin definition and its SQL use it). */
export const DB_SCHEMA = 'council';

/** This plugin's table `name` in its schema, quoted, for its SQL: `${t('member')}`. */
export const t = pluginTables(DB_SCHEMA);

/** Rows in the order they were written, the uuid breaking ties: the order of most of this plugin's connections (any entity's). */
export const EARLIEST_FIRST = { keys: ['createdAt', 'uuid'], direction: 'asc' } as const satisfies ConnectionOrder<{
  createdAt: Date;
  uuid: string;
}>;
