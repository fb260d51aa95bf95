import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../context.js';
import { executeRead } from '../graphql/loaders.js';
import { DEFAULT_TIME_ZONE, localDate } from '../calendar.js';
import { presetAccess } from './preset-access.js';
import { ACT_ONLY_ROLES, ALL_PERMISSIONS, Permission, type PermissionName } from './permission.js';
import { coreMessages } from '../i18n/core-messages.js';

/**
 * What one caller may see and do, worked out once per operation: the place subtrees it
 * sees (materialized paths), and the permissions it holds in each.
 */
export class Access {
  private constructor(
    /** True for the system and for keys scoped to everything. */
    readonly everywhere: boolean,
    /**
     * Materialized paths of the subtrees the caller acts in, each with the permissions held there;
     * `sees: false` for a grant that lets the caller act there without reading what is there.
     */
    readonly grants: readonly { path: string; permissions: ReadonlySet<PermissionName>; sees: boolean }[],
    /** The signed-in person, if the caller is one (they always see themselves). */
    readonly personId: string | null,
    /** The API key, if the caller is one (it sees the rows it owns, such as its webhooks). */
    readonly keyId: string | null = null,
  ) {}

  static readonly NONE = new Access(false, [], null);
  static readonly SYSTEM = new Access(true, [{ path: '', permissions: new Set([ALL_PERMISSIONS]), sees: true }], null);

  /** A grant sees its subtree unless it says `sees: false` (see {@link ACT_ONLY_ROLES}). */
  static of(
    grants: { path: string; permissions: Iterable<PermissionName>; sees?: boolean }[],
    personId: string | null = null,
    keyId: string | null = null,
  ): Access {
    const everywhere = grants.some((g) => g.path === '' && g.sees !== false);
    return new Access(
      everywhere,
      grants.map((g) => ({ path: g.path, permissions: new Set(g.permissions), sees: g.sees !== false })),
      personId,
      keyId,
    );
  }

  /** The person or API key calling, as row owners name them (`PlaceRule.owners`). */
  get ownerId(): string | null {
    return this.personId ?? this.keyId;
  }

  /** The distinct subtree roots the caller sees (for SQL filters: `path LIKE root || '%'`). */
  get paths(): string[] {
    return [...new Set(this.grants.filter((g) => g.sees).map((g) => g.path))];
  }

  /** Whether a row at `path` (a place's materialized path) is inside the caller's places. */
  sees(path: string | null | undefined): boolean {
    if (this.everywhere) return true;
    if (!path) return false;
    return this.grants.some((g) => g.sees && path.startsWith(g.path));
  }

  /** Whether `path` lies in a place where the caller may act without seeing (an act-only role's place). */
  actsAt(path: string): boolean {
    return this.grants.some((g) => !g.sees && path.startsWith(g.path));
  }

  /** Whether the place at `path` is an ancestor of one of the caller's places (its name may be shown). */
  seesAbove(path: string): boolean {
    return this.grants.some((g) => g.sees && g.path.startsWith(path));
  }

  /** Whether the caller holds `permission` at the place `path` (anywhere, when no path is given). */
  can(permission: PermissionName, path?: string | null): boolean {
    return this.grants.some(
      (g) =>
        (g.permissions.has(permission) || g.permissions.has(ALL_PERMISSIONS)) &&
        (path === undefined || this.everywhere || (path !== null && path.startsWith(g.path))),
    );
  }
}

/** Maps a person's roles to permissions: core's table plus the plugins'. */
export type RolePermissions = (role: string) => readonly PermissionName[];

/**
 * Works out a caller's access from the database: an API key's scopes and permissions, or
 * a person's roles that hold today (each at its place's subtree) plus their own household.
 * "Today" is the calendar day at `now` in the district's `timeZone`.
 */
export async function resolveAccess(
  em: EntityManager,
  caller: Caller | null,
  now: Date,
  rolePermissions: RolePermissions,
  timeZone: string = DEFAULT_TIME_ZONE,
): Promise<Access> {
  if (!caller) return Access.NONE;
  if (caller.kind === 'system') return Access.SYSTEM;
  // Grants read with the credential serve one operation (its first access()), never a
  // long-lived connection's later ones: those ask the database, and see a revocation.
  const preset = presetAccess.get(caller);
  if (preset) {
    presetAccess.delete(caller);
    if (preset.until > Date.now()) return preset.access;
  }
  // Prepared statements (fixed texts): planned once per connection, not for every credential's first operation.
  if (caller.kind === 'api-key') {
    const rows = await executeRead<{ path: string | null; permissions: string[]; everywhere: boolean }[]>(
      em,
      `SELECT p.path, k.permissions, cardinality(k.place_ids) = 0 AS everywhere
         FROM api_key k LEFT JOIN place p ON p.id = ANY (k.place_ids)
        WHERE k.id = ? AND k.revoked_at IS NULL`,
      [caller.id],
      { byKey: true },
    );
    const [key] = rows;
    if (!key) return Access.NONE;
    if (key.everywhere) return Access.of([{ path: '', permissions: key.permissions }], null, caller.id);
    return Access.of(
      rows.filter((r) => r.path).map((r) => ({ path: r.path!, permissions: r.permissions })),
      null,
      caller.id,
    );
  }
  const day = localDate(now, timeZone);
  const rows = await executeRead<{ path: string | null; role: string | null; erased: boolean }[]>(
    em,
    `SELECT pl.path, r.role::text AS role, false AS erased
       FROM person_role r JOIN place pl ON pl.id = r.place_id
      WHERE r.person_id = ? AND r.starts_on <= ? AND (r.ends_on IS NULL OR r.ends_on >= ?)
     UNION ALL
     SELECT h.path, NULL, false FROM person p JOIN place h ON h.id = p.household_id WHERE p.id = ?
     UNION ALL
     SELECT NULL, NULL, true FROM person WHERE id = ? AND erased_at IS NOT NULL`,
    [caller.id, day, day, caller.id, caller.id],
    { byKey: true },
  );
  // Whoever had their personal data erased no longer signs in: nothing is recorded as done by them.
  if (rows.some((r) => r.erased)) throw coreMessages.erasedPersonSignsIn.topLevel();
  // At home, everybody may submit a request about their own household.
  return Access.of(
    rows.map((r) => ({
      path: r.path!,
      permissions: r.role ? rolePermissions(r.role) : [Permission.REQUEST_SUBMIT],
      sees: !r.role || !ACT_ONLY_ROLES.has(r.role),
    })),
    caller.id,
  );
}

/**
 * A query condition keeping rows under the caller's places, for list resolvers that page
 * in SQL: `undefined` when the caller sees everywhere (no condition), `null` when it sees
 * nothing (answer empty without asking the database).
 */
export function scopeCondition<C>(access: Access, under: (pathPattern: string) => C, ...also: C[]): { $or: C[] } | undefined | null {
  if (access.everywhere) return undefined;
  const conditions = [...access.paths.map((path) => under(`${path}%`)), ...also];
  return conditions.length ? { $or: conditions } : null;
}

/**
 * The same for a hand-written statement: a condition keeping rows whose `column` (a materialized
 * path) lies under the caller's places, and its one parameter, the places' path patterns as one
 * array (an empty one matches nothing), so the text is the same whatever their number and the
 * statement stays prepared (`executeRead(…, { fixedShape: true })`); `undefined` when the caller
 * sees everywhere.
 */
export function scopeSql(access: Access, column: string): { sql: string; params: [string[]] } | undefined {
  if (access.everywhere) return undefined;
  return { sql: `${column} LIKE ANY (?::text[])`, params: [access.paths.map((path) => `${path}%`)] };
}
