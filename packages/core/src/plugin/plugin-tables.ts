const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`${what} "${name}" is not a plain lower-case SQL identifier (letters, digits and _, not starting with a digit).`);
  }
  return `"${name}"`;
}

/**
 * How a plugin's SQL names its own tables: `const t = pluginTables('moral_bank')` in one
 * module of the plugin, then `` `SELECT … FROM ${t('booking')}` `` reads `"moral_bank"."booking"`.
 * The schema is written once per plugin, never in its queries; core's tables are never named
 * by a plugin (use core's read functions: `placeSummary`, `personSummary`, …).
 */
export function pluginTables(schema: string): (table: string) => string {
  const quotedSchema = identifier(schema, 'Schema');
  return (table) => `${quotedSchema}.${identifier(table, 'Table')}`;
}
