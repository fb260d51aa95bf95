import type { GongzhiContext } from '../context.js';
import type { ClassType } from '../plugin/plugin.js';

/** A place a row belongs to: a place uuid, or a materialized path when the row carries one. */
export type PlaceKey = string | { path: string } | null | undefined;

/**
 * Says which place a row belongs to, so that a caller sees the row only when the place is
 * inside the caller's places. Every entity that is also a GraphQL object type needs one (the
 * host refuses to start otherwise): this is how scoping reaches every path to a row (lists,
 * `node(id:)`, nested and plugin fields, subscription payloads) without each resolver
 * remembering it.
 *
 * ```ts
 * placeRules: [
 *   { entity: Grid, place: (grid) => refId(grid.community) },
 *   { entity: GridVisit, place: (visit) => refId(visit.household), owners: (visit) => [refId(visit.worker)] },
 * ]
 * ```
 *
 * `T` is the row type; annotate the parameters (`(grid: Grid) => …`). A list of rules
 * (`PlaceRule[]`) holds rules of every row type, and the host calls each rule only with rows
 * of its `entity`.
 */
export interface PlaceRule<T = never> {
  /**
   * The entity the rule is for. Several rules may name one entity, a row being visible when
   * any of them says so: a plugin may add places to core's Person (the home of a volunteer
   * team the person belongs to), never take visibility away.
   */
  entity: ClassType;
  /** The place(s) the row belongs to; it is visible when any of them is in scope. Batch lookups through loaders. */
  place?: (row: T, ctx: GongzhiContext) => PlaceKey | readonly PlaceKey[] | Promise<PlaceKey | readonly PlaceKey[]>;
  /**
   * Person uuids who see the row wherever their places are (the person themself, a request's
   * requester, the members of a council), or the uuid of an API key that owns the row (its
   * webhooks). Asked only when the place does not already decide.
   */
  owners?: (row: T, ctx: GongzhiContext) => readonly (string | null | undefined)[] | Promise<readonly (string | null | undefined)[]>;
  /**
   * The row's properties that `place` and `owners` read (`['placePath', 'requester']`). With it,
   * a page of the entity may read only the columns its fields and its rules need (`pageColumns`);
   * without it, such a page reads whole rows. The host refuses to start when one names no column of
   * the entity's rows; a narrow row throws when asked for a property it did not read, so a list
   * that misses one fails where the rule runs, never silently. `reads: []` says the rule reads only
   * the row's key (`uuid`); an entity's first rule declared so is also started when its row is
   * asked by id, beside the row, so checking the row costs no round trip of its own.
   */
  reads?: readonly string[];
  /** Rows anyone, even anonymous, may see (reference data without personal information). */
  public?: boolean;
  /** Also visible to callers whose places lie below it (a place's ancestors: where one's community sits). */
  visibleFromBelow?: boolean;
  /**
   * Also visible to callers who may act at its place without seeing what is there (roles in
   * `ACT_ONLY_ROLES`): the map a little bee reports on, never the people and requests on it.
   */
  visibleToActors?: boolean;
}
