import { pluginTables } from '@gongzhi/core';

/** The database schema of this plugin's tables: the one place it is written (the plugin definition and its SQL use it). */
export const DB_SCHEMA = 'moral_bank';

/** This plugin's table `name` in its schema, quoted, for its SQL: `${t('booking')}`. */
export const t = pluginTables(DB_SCHEMA);
