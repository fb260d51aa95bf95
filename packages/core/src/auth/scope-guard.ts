import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GongzhiContext } from '../context.js';
import { PluginCompositionError } from '../errors.js';
import { placeSummary, placeSummaryIfRead } from '../place/place.queries.js';
import { ConnectionPage } from '../relay/connection.js';
import { isPromiseLike } from '../graphql/field-resolvers.js';
import { keyOnlyRow } from '../graphql/loaders.js';
import type { Access } from './access.js';
import type { PlaceKey, PlaceRule } from './place-rule.js';
import type { ClassType } from '../plugin/plugin.js';
import { coreMessages } from '../i18n/core-messages.js';
import { Attached } from '../attached.js';

/** The access of each operation's context once the guard has awaited it (so later fields need not). */
const knownAccess = new Attached<GongzhiContext, Access>('core.knownAccess');

/**
 * The materialized path of a place uuid, batched per operation: through the place summaries, so
 * that a command that checks a place and then names it (a transfer's bank for its event) reads
 * the place once.
 */
export async function placePath(ctx: GongzhiContext, placeUuid: string): Promise<string | null> {
  return (await placeSummary(ctx, placeUuid))?.path ?? null;
}

function rulesFor(rules: ReadonlyMap<ClassType, readonly PlaceRule[]>, value: object): readonly PlaceRule[] | undefined {
  for (let proto = prototypeOf(value); proto && proto !== Object.prototype; proto = prototypeOf(proto)) {
    const found = rules.get(proto.constructor as ClassType);
    if (found) return found;
  }
  return undefined;
}

const prototypeOf = (value: object): object | null => Object.getPrototypeOf(value) as object | null;

/**
 * Whether a caller with `access` sees `value` by the place rules: a boolean when the rules could
 * tell at once (a row carrying its path, places this operation has read), a promise only when
 * one must wait for a read. A page of a scoped caller checks hundreds of rows, and an async
 * function per check (with its promises) was most of what the checks cost and allocated.
 */
function isVisible(
  value: unknown,
  rules: ReadonlyMap<ClassType, readonly PlaceRule[]>,
  ctx: GongzhiContext,
  access: Access,
): boolean | Promise<boolean> {
  if (value === null || typeof value !== 'object') return true;
  const found = rulesFor(rules, value);
  if (!found || access.everywhere) return true;
  return visibleByRules(found, 0, value, ctx, access);
}

/** Whether any of `rules` from the `from`th on shows `value`, asked in order (a rule after one that shows it is not asked). */
function visibleByRules(
  rules: readonly PlaceRule[],
  from: number,
  value: object,
  ctx: GongzhiContext,
  access: Access,
): boolean | Promise<boolean> {
  for (let i = from; i < rules.length; i++) {
    const rule = rules[i];
    if (!rule) continue;
    const seen = visibleBy(rule, value, ctx, access);
    if (seen === true) return true;
    if (seen !== false) return seen.then((shown) => shown || visibleByRules(rules, i + 1, value, ctx, access));
  }
  return false;
}

/** Whether `rule` shows `value`, a row of the rule's entity (which is why `value` may be passed as the rule's row type). */
function visibleBy(rule: PlaceRule, value: object, ctx: GongzhiContext, access: Access): boolean | Promise<boolean> {
  if (rule.public) return true;
  if (!rule.place) return owned(rule, value, ctx, access);
  const found = rule.place(value as never, ctx);
  return isPromiseLike(found)
    ? Promise.resolve(found).then((known) => shownAt(rule, known, value, ctx, access))
    : shownAt(rule, found, value, ctx, access);
}

/**
 * Whether `rule` shows `value`, whose places by the rule are `found`: one of them in scope, or
 * the caller among its owners. At once when every place's path is known (no list or promise is
 * made for the one place most rows have).
 */
function shownAt(
  rule: PlaceRule,
  found: PlaceKey | readonly PlaceKey[],
  value: object,
  ctx: GongzhiContext,
  access: Access,
): boolean | Promise<boolean> {
  if (!Array.isArray(found)) {
    const path = pathIfRead(found as PlaceKey, ctx);
    if (path === undefined) return placePath(ctx, found as string).then((read) => shownAtPaths(rule, [read], value, ctx, access));
    return (!!path && inScope(rule, path, access)) || owned(rule, value, ctx, access);
  }
  let waiting: Promise<string | null>[] | undefined;
  for (const key of found as readonly PlaceKey[]) {
    const path = pathIfRead(key, ctx);
    if (path === undefined) (waiting ??= []).push(placePath(ctx, key as string));
    else if (path && inScope(rule, path, access)) return true;
  }
  return waiting ? Promise.all(waiting).then((read) => shownAtPaths(rule, read, value, ctx, access)) : owned(rule, value, ctx, access);
}

function shownAtPaths(
  rule: PlaceRule,
  paths: readonly (string | null)[],
  value: object,
  ctx: GongzhiContext,
  access: Access,
): boolean | Promise<boolean> {
  return paths.some((path) => !!path && inScope(rule, path, access)) || owned(rule, value, ctx, access);
}

/** The path of a place key: at once for a path, or a place uuid this operation has read (null: no place); undefined when it must be read. */
function pathIfRead(key: PlaceKey, ctx: GongzhiContext): string | null | undefined {
  if (!key) return null;
  if (typeof key !== 'string') return key.path;
  const known = placeSummaryIfRead(ctx, key);
  return known === undefined ? undefined : (known?.path ?? null);
}

/** Whether a place at `path` shows a row of `rule` to a caller with `access`. */
function inScope(rule: PlaceRule, path: string, access: Access): boolean {
  return access.sees(path) || (!!rule.visibleFromBelow && access.seesAbove(path)) || (!!rule.visibleToActors && access.actsAt(path));
}

/** Whether the caller is among the row's owners by `rule` (asked only when no place decided). */
function owned(rule: PlaceRule, value: object, ctx: GongzhiContext, access: Access): boolean | Promise<boolean> {
  const me = access.ownerId;
  if (!me || !rule.owners) return false;
  const owners = rule.owners(value as never, ctx);
  return isPromiseLike(owners) ? Promise.resolve(owners).then((known) => known.includes(me)) : owners.includes(me);
}

/** The materialized paths of the places `rule` gives `row` (place ids resolved together: one batch); at once when nothing is to be read. */
function pathsByRule(rule: PlaceRule, row: object, ctx: GongzhiContext): string[] | Promise<string[]> {
  if (!rule.place) return [];
  const found = rule.place(row as never, ctx);
  return isPromiseLike(found) ? Promise.resolve(found).then((known) => pathsOfKeys(known, ctx)) : pathsOfKeys(found, ctx);
}

/** The paths of place keys (paths, or place uuids whose paths this operation may have read already), in their order. */
function pathsOfKeys(found: PlaceKey | readonly PlaceKey[], ctx: GongzhiContext): string[] | Promise<string[]> {
  const keys: readonly PlaceKey[] = Array.isArray(found) ? found : [found as PlaceKey];
  const paths: (string | Promise<string | null>)[] = [];
  let waiting = false;
  for (const key of keys) {
    const path = pathIfRead(key, ctx);
    if (path) paths.push(path);
    else if (path === undefined) {
      paths.push(placePath(ctx, key as string));
      waiting = true;
    }
  }
  if (!waiting) return paths as string[];
  return Promise.all(paths.map((path) => Promise.resolve(path))).then((read) => read.filter((path): path is string => !!path));
}

/**
 * Whether the caller may see `row` by the place rules (for resolvers that must decide before
 * returning). Inside a transaction, pass its EntityManager as `em`: the rules then ask through
 * it (with loaders of their own) instead of taking a second connection from the pool, which
 * many such transactions at once could exhaust.
 */
export async function canSee(ctx: GongzhiContext, row: object, em?: EntityManager): Promise<boolean> {
  const access = await ctx.access();
  const within: GongzhiContext = !em || em === ctx.em ? ctx : { ...ctx, em, loaders: new Map() };
  return isVisible(row, ctx.placeRules, within, access);
}

/** Whether a caller with `access` may see `row`, the rules asking through `ctx` (a unit of work's, inside its transaction). */
export async function canSeeWith(ctx: GongzhiContext, row: object, access: Access): Promise<boolean> {
  return isVisible(row, ctx.placeRules, ctx, access);
}

/** The materialized paths of the places `row` belongs to by its place rules (not its owners), for linking rules. */
export async function placePathsByRules(ctx: GongzhiContext, row: object): Promise<string[]> {
  const paths: string[] = [];
  for (const rule of rulesFor(ctx.placeRules, row) ?? []) paths.push(...(await pathsByRule(rule, row, ctx)));
  return [...new Set(paths)];
}

/**
 * Whether one of the places `row` belongs to by its place rules passes `test`: true, false, or
 * null when the rules give it no place at all. The rules are asked in order and the first place
 * that passes ends it, so a linking check reads what it needs (a person's household and roles)
 * and not every rule's places. `test` may still be on its way (a promise): the first rule's
 * places are then read in the same turn as what it waits for, in one round trip.
 */
export async function somePlaceByRules(
  ctx: GongzhiContext,
  row: object,
  test: ((path: string) => boolean) | Promise<(path: string) => boolean>,
): Promise<boolean | null> {
  let placeless = true;
  for (const rule of rulesFor(ctx.placeRules, row) ?? []) {
    const [paths, passes] = await Promise.all([pathsByRule(rule, row, ctx), test]);
    if (paths.some(passes)) return true;
    if (paths.length) placeless = false;
  }
  return placeless ? null : false;
}

/**
 * Starts, for a row known so far only by its key (`keyOnly`: an object of its entity's class
 * holding the key, under a query by id), its entity's first place rule when that rule declares it
 * reads nothing but the key (`reads: []`, as core's rule for a person does): the rule's loaders then
 * read in the row's own round trip, and the guard's check of the row, one round trip later, finds
 * them answered. It decides nothing (the row is checked as always) and starts nothing for a caller
 * who sees everywhere. Only the first rule: the next ones are asked only when it does not show the
 * row, and starting them all would read what most checks never ask for.
 */
export function startKeyOnlyRule(ctx: GongzhiContext, keyOnly: object): void {
  if (knownAccess.get(ctx)?.everywhere) return;
  const rule = keyOnlyRule(ctx, keyOnly);
  if (rule) startRule(ctx, rule, [keyOnly]);
}

/**
 * {@link startKeyOnlyRule} for rows of `entity` that a page reads ahead by their keys (its rows'
 * requesters and assignees): their checks then find the places read in the rows' round trip.
 */
export function startKeyOnlyRules(ctx: GongzhiContext, entity: object, uuids: readonly string[]): void {
  if (!uuids.length || typeof entity !== 'function' || knownAccess.get(ctx)?.everywhere) return;
  const prototype = entity.prototype as object;
  const rule = keyOnlyRule(ctx, Object.create(prototype) as object);
  if (rule) startRule(ctx, rule, () => [...new Set(uuids)].map((uuid) => keyOnlyRow(prototype, uuid)));
}

/** The first rule of `row`'s entity when it reads only the key (`reads: []`). */
function keyOnlyRule(ctx: GongzhiContext, row: object): PlaceRule | undefined {
  const [first] = rulesFor(ctx.placeRules, row) ?? [];
  return first?.place && first.reads?.length === 0 ? first : undefined;
}

/** Asks `rule` for the places of `rows` once the caller's access is known, unless it sees everywhere; its answers wait in the loaders. */
function startRule(ctx: GongzhiContext, rule: PlaceRule, rows: readonly object[] | (() => readonly object[])): void {
  ctx
    .access()
    .then((access) => {
      if (access.everywhere) return;
      for (const row of typeof rows === 'function' ? rows() : rows) {
        const paths = pathsByRule(rule, row, ctx);
        if (isPromiseLike(paths)) paths.then(undefined, () => undefined);
      }
    })
    .catch(() => undefined); // the guard's own check reports what went wrong
}

/**
 * Checks at start-up that every entity a client can reach through GraphQL has a place
 * rule, so a plugin cannot forget to scope its rows.
 */
export function checkPlaceRules(
  entities: readonly ClassType[],
  rules: ReadonlyMap<ClassType, readonly PlaceRule[]>,
  ownerOf: (entity: ClassType) => string,
): void {
  const objectTypes = new Set(getMetadataStorage().objectTypes.map((o) => o.target));
  for (const entity of entities) {
    if (!objectTypes.has(entity)) continue;
    if (!rules.has(entity)) {
      throw new PluginCompositionError(
        `Entity ${entity.name} of ${ownerOf(entity)} is a GraphQL type but has no place rule, so its rows could be seen outside a caller's places. Fix: add { entity: ${entity.name}, place: (row) => … } to the plugin's placeRules (or public: true for reference data without personal information).`,
      );
    }
  }
}

/**
 * Checks at start-up that every place rule's `reads` names properties its entity's plain rows
 * carry as columns (`isColumn`): a misspelt name would quietly make every page of the entity read
 * whole rows (`pageColumns`), and a rule that reads a relation's row rather than its reference
 * cannot be served by a narrow row at all.
 */
export function checkPlaceRuleReads(
  declared: readonly { owner: string; rule: PlaceRule }[],
  isColumn: (entity: ClassType, property: string) => boolean,
): void {
  for (const { owner, rule } of declared) {
    const wrong = (rule.reads ?? []).filter((property) => !isColumn(rule.entity, property));
    if (wrong.length)
      throw new PluginCompositionError(
        `The place rule for ${rule.entity.name} of ${owner} declares reads ${wrong.map((p) => `"${p}"`).join(', ')}, which ${wrong.length === 1 ? 'is not a column' : 'are not columns'} of ${rule.entity.name}'s rows. Fix: name the entity's own properties that the rule reads (a scalar, or a many-to-one reference read with refId), or leave reads out.`,
      );
  }
}

/**
 * Wraps every field that returns objects so rows outside the caller's places never leave
 * the server: a list or a connection page drops them, a nullable field answers null, a
 * non-null one NOT_FOUND.
 * Resolvers still filter in SQL where they page (so pages stay full); this is the guard
 * that holds when one forgets.
 */
export function guardSchema(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (!isObjectType(named) && !isAbstractType(named)) continue;
      const nullable = getNullableType(field.type);
      const list = isListType(nullable);
      const nonNull = isNonNullType(field.type);
      const resolve: GraphQLFieldResolver<unknown, GongzhiContext> = field.resolve ?? defaultFieldResolver;
      const hidden = (info: GraphQLResolveInfo): null => {
        if (nonNull) throw coreMessages.outsidePlacesYouMay.error({ parentTypeName: info.parentType.name, fieldName: info.fieldName });
        return null;
      };
      // What the caller may see of `value`: at once when every row's rules could tell at once.
      const checkWith = (access: Access, value: unknown, ctx: GongzhiContext, info: GraphQLResolveInfo): unknown => {
        if (access.everywhere) return value;
        if (value instanceof ConnectionPage || (list && Array.isArray(value))) {
          const items: readonly unknown[] = value instanceof ConnectionPage ? value.nodes : (value as unknown[]);
          const keep = (shown: readonly boolean[]) =>
            value instanceof ConnectionPage
              ? value.filter((_node, i) => shown[i])
              : items.filter((item, i) => shown[i] && item !== undefined);
          const seen: (boolean | Promise<boolean>)[] = items.map((item) => isVisible(item, ctx.placeRules, ctx, access));
          if (!seen.some(isPromiseLike)) return keep(seen as boolean[]);
          return Promise.all(seen.map((shown) => Promise.resolve(shown))).then(keep);
        }
        const seen = isVisible(value, ctx.placeRules, ctx, access);
        if (seen === true) return value;
        if (seen === false) return hidden(info);
        return seen.then((shown) => (shown ? value : hidden(info)));
      };
      const check = (value: unknown, ctx: GongzhiContext, info: GraphQLResolveInfo): unknown => {
        const known = knownAccess.get(ctx);
        if (known) return checkWith(known, value, ctx, info);
        return ctx.access().then((access) => {
          knownAccess.set(ctx, access);
          return checkWith(access, value, ctx, info);
        });
      };
      // Synchronous where it can be (no value, or a caller already known to see everywhere): a page
      // of rows has hundreds of object fields, and a promise for each is most of their cost.
      const guardValue = (value: unknown, ctx: GongzhiContext, info: GraphQLResolveInfo): unknown =>
        value === null || value === undefined || knownAccess.get(ctx)?.everywhere ? value : check(value, ctx, info);
      const guarded: GraphQLFieldResolver<unknown, GongzhiContext> = (source, args, ctx, info) => {
        const value: unknown = resolve(source, args, ctx, info);
        // Nothing to check for a caller known to see everywhere: no promise of ours on its value.
        if (knownAccess.get(ctx)?.everywhere) return value;
        return isPromiseLike(value) ? value.then((resolved) => guardValue(resolved, ctx, info)) : guardValue(value, ctx, info);
      };
      field.resolve = guarded;
    }
  }
}
