import { isObjectType, type GraphQLSchema } from 'graphql';
import { PluginCompositionError } from '../errors.js';
import { isUuid, toGlobalId } from '../relay/global-id.js';
import type { GongzhiEvents } from './event-bus.js';

/**
 * A payload field holding the id of an object clients can fetch, or a list of such ids: the
 * GraphQL type it names (`node: 'Request'`). Listeners get the row's uuid; webhooks deliver the
 * type's global id instead, which `node(id:)` and every id argument take.
 */
export interface EventIdFieldDescription {
  /**
   * The GraphQL object type (implementing Node) whose global id clients get; for an id whose type
   * another field says (`scope: 'grid' | 'community'`), that field and the type of each of its
   * values: `{ by: 'scope', types: { grid: 'Grid', community: 'Place' } }`; null for an id clients
   * cannot fetch (delivered as it is).
   */
  readonly node: string | { readonly by: string; readonly types: Readonly<Record<string, string>> } | null;
  /** What it names. */
  readonly description: string;
}

/** A payload field's description: a sentence, or for an id field (`…Id`, `…Ids`) its node type and a sentence. */
export type EventFieldDescription = string | EventIdFieldDescription;

/**
 * What one event means: when it is emitted, and each field of its payload (what a webhook's `data`
 * and a listener's `event.payload` carry).
 */
export interface EventDescription<Payload = Record<string, unknown>> {
  /** A sentence saying when the event is emitted and what it means. */
  readonly description: string;
  /** Each payload field, described (its meaning, and its form where that is not plain: an ISO time, a list of ids). */
  readonly payload: {
    readonly [F in PayloadField<Payload>]-?: F extends `${string}Id` | `${string}Ids` ? EventIdFieldDescription : string;
  };
}

/** Every field name of a payload type, of each member of a union too. */
type PayloadField<P> = P extends unknown ? Extract<keyof P, string> : never;

/**
 * Every event a module emits, described: `{ 'noticeboard.posted': { description: 'A notice was posted
 * on a place’s board.', payload: { noticeId: 'The notice.', placePath: 'Where it is posted.' } } }`.
 * The host lists them (`eventTypes`), refuses listeners and webhooks naming an event no catalog
 * holds, and in tests refuses to emit one, or a payload with a field its description lacks.
 */
export type EventCatalog = Readonly<
  Record<string, { readonly description: string; readonly payload: Readonly<Record<string, EventFieldDescription>> }>
>;

/**
 * The catalog of plugin `Id`: exactly the events it declares on {@link GongzhiEvents} (those named
 * `<Id>.…`), each described with every field of its payload. Write `satisfies
 * PluginEventCatalog<'noticeboard'>` after the object and TypeScript names any event declared but
 * not described, or described but not declared, and any payload field left out or made up.
 */
export type PluginEventCatalog<Id extends string> = {
  readonly [K in keyof GongzhiEvents as K extends `${Id}.${string}` ? K : never]: EventDescription<GongzhiEvents[K]>;
};

/** One field of an event's payload, as `eventTypes` lists it. */
export interface EventPayloadField {
  name: string;
  description: string;
  /** True when webhooks deliver it as a global id (or a list of them), for `node(id:)`. */
  globalId: boolean;
}

/** One event the platform may emit, as `eventTypes` lists it. */
export interface EventType {
  name: string;
  description: string;
  /** `core`, or the id of the plugin that emits it. */
  owner: string;
  /** The payload's fields, in the order the catalog gives them. */
  payload: EventPayloadField[];
}

/** What an event name looks like: `<namespace>.<kebab-case>`. */
export const EVENT_NAME = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

/** The events of core and the plugins that declare theirs, by name. */
export class EventTypes {
  private readonly byName = new Map<string, EventType>();
  /** Namespaces whose owner declared a catalog: a name there not in it is unknown. Others are not checked. */
  private readonly declared = new Set<string>();
  /** Per event, its fields holding ids of fetchable objects, and who declares it (for error messages). */
  private readonly idFields = new Map<
    string,
    { owner: string; ids: { field: string; node: NonNullable<EventIdFieldDescription['node']> }[] }
  >();

  constructor(modules: readonly { owner: string; namespaces: readonly string[]; catalog: EventCatalog | undefined }[]) {
    for (const { owner, namespaces, catalog } of modules) {
      if (!catalog) continue;
      for (const namespace of namespaces) this.declared.add(namespace);
      for (const [name, entry] of Object.entries(catalog)) {
        const who = owner === 'core' ? 'Core' : `Plugin "${owner}"`;
        const namespace = name.split('.')[0] ?? '';
        if (!EVENT_NAME.test(name) || !namespaces.includes(namespace)) {
          throw new PluginCompositionError(
            `${who} declares the event "${name}" in its events, outside its namespace. Fix: name it "${namespaces[0]}.<what-happened>" in kebab-case, as it is emitted.`,
          );
        }
        if (typeof entry?.description !== 'string' || !entry.description.trim()) {
          throw new PluginCompositionError(
            `${who} declares the event "${name}" without a description. Fix: give it { description: '<when it is emitted and what it means>', payload: { <field>: '<what it holds>' } }; district apps read it in eventTypes.`,
          );
        }
        const fields = Object.entries(entry.payload ?? {}).map(([field, spec]) => ({
          field,
          text: typeof spec === 'string' ? spec : spec?.description,
          node: typeof spec === 'string' ? null : (spec?.node ?? null),
        }));
        const blank = fields.find(({ text }) => typeof text !== 'string' || !text.trim())?.field;
        if (!entry.payload || typeof entry.payload !== 'object' || blank) {
          throw new PluginCompositionError(
            `${who} declares the event "${name}" without ${blank ? `a description of its payload field "${blank}"` : 'its payload'}. Fix: describe every field it carries, payload: { <field>: '<what it holds>' }; webhook receivers read them in eventTypes.`,
          );
        }
        this.byName.set(name, {
          name,
          description: entry.description.trim(),
          owner,
          payload: fields.map(({ field, text, node }) => ({ name: field, description: (text ?? '').trim(), globalId: node !== null })),
        });
        const ids = fields
          .filter((f) => f.node !== null)
          .map((f) => ({ field: f.field, node: f.node as NonNullable<EventIdFieldDescription['node']> }));
        if (ids.length) this.idFields.set(name, { owner: who, ids });
      }
    }
  }

  /** Every declared event, by name. */
  list(): EventType[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Checks at start that every id field names a GraphQL type of `schema` implementing Node (a global id
   * of another type, or of none, would be one that `node(id:)` refuses).
   */
  checkNodeTypes(schema: GraphQLSchema): void {
    for (const [name, { owner, ids }] of this.idFields) {
      for (const { field, node } of ids) {
        for (const type of typeof node === 'string' ? [node] : Object.values(node.types)) {
          const found = schema.getType(type);
          if (!isObjectType(found) || !found.getInterfaces().some((i) => i.name === 'Node')) {
            const nodes = Object.values(schema.getTypeMap())
              .filter((t) => isObjectType(t) && t.getInterfaces().some((i) => i.name === 'Node'))
              .map((t) => t.name);
            const near = nodes.sort((a, b) => distance(a, type) - distance(b, type)).slice(0, 3);
            throw new PluginCompositionError(
              `${owner} describes the payload field "${field}" of "${name}" as an id of "${type}", which is not a type of the schema implementing Node. Fix: name the GraphQL type whose global id clients should get (nearest: ${near.join(', ')}), or node: null for an id clients cannot fetch.`,
            );
          }
        }
      }
    }
  }

  /**
   * The payload as clients receive it (a webhook's `data`): each id field's uuid as its type's
   * global id, lists of them too; every other field as it is. A value that is not a uuid (a
   * global id already) stays as it is, so a payload given twice comes out the same.
   */
  forClients(name: string, payload: unknown): unknown {
    const fields = this.idFields.get(name);
    if (!fields || typeof payload !== 'object' || payload === null) return payload;
    const out: Record<string, unknown> = { ...(payload as Record<string, unknown>) };
    for (const { field, node } of fields.ids) {
      const type = typeof node === 'string' ? node : node.types[String(out[node.by])];
      const value = out[field];
      if (type === undefined) continue;
      const global = (v: unknown) => (typeof v === 'string' && isUuid(v) ? toGlobalId(type, v) : v);
      if (Array.isArray(value)) out[field] = value.map(global);
      else if (typeof value === 'string') out[field] = global(value);
    }
    return out;
  }

  /**
   * The fields of `payload` that the description of event `name` does not list (none for an event
   * not checked). Only tests check this, on every emit: an undescribed field is one a webhook
   * receiver cannot know of.
   */
  undescribedFields(name: string, payload: unknown): string[] {
    const type = this.byName.get(name);
    if (!type || typeof payload !== 'object' || payload === null) return [];
    return Object.keys(payload).filter((field) => !type.payload.some((f) => f.name === field));
  }

  /** False for a name in a declared namespace that its catalog does not hold; true otherwise (known, or not checked). */
  allows(name: string): boolean {
    return this.byName.has(name) || !this.declared.has(name.split('.')[0] ?? '');
  }

  /** Null when {@link allows} `name`; otherwise the declared names nearest to it. */
  unknown(name: string): string[] | null {
    return this.allows(name) ? null : this.near(name);
  }

  /** The declared names closest to `name` (same namespace first), for an error message. */
  near(name: string, count = 3): string[] {
    const namespace = name.split('.')[0];
    const same = this.list().filter((e) => e.name.startsWith(`${namespace}.`));
    return (same.length ? same : this.list())
      .map((e) => ({ name: e.name, d: distance(e.name, name) }))
      .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
      .slice(0, count)
      .map((e) => e.name);
  }
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}
