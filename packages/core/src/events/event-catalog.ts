import { PluginCompositionError } from '../errors.js';
import type { GongzhiEvents } from './event-bus.js';

/**
 * Every event a module emits, each with a sentence saying when it is emitted and what it means:
 * `{ 'noticeboard.posted': 'A notice was posted on a place’s board.' }`. The host lists them
 * (`eventTypes`), refuses listeners and webhooks naming an event no catalog holds, and in tests
 * refuses to emit one.
 */
export type EventCatalog = Readonly<Record<string, string>>;

/**
 * The catalog of plugin `Id`: exactly the events it declares on {@link GongzhiEvents} (those named
 * `<Id>.…`), each described. Write `satisfies PluginEventCatalog<'noticeboard'>` after the object
 * and TypeScript names any event declared but not described, or described but not declared.
 */
export type PluginEventCatalog<Id extends string> = {
  readonly [K in keyof GongzhiEvents as K extends `${Id}.${string}` ? K : never]: string;
};

/** One event the platform may emit, as `eventTypes` lists it. */
export interface EventType {
  name: string;
  description: string;
  /** `core`, or the id of the plugin that emits it. */
  owner: string;
}

/** What an event name looks like: `<namespace>.<kebab-case>`. */
export const EVENT_NAME = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

/** The events of core and the plugins that declare theirs, by name. */
export class EventTypes {
  private readonly byName = new Map<string, EventType>();
  /** Namespaces whose owner declared a catalog: a name there not in it is unknown. Others are not checked. */
  private readonly declared = new Set<string>();

  constructor(modules: readonly { owner: string; namespaces: readonly string[]; catalog: EventCatalog | undefined }[]) {
    for (const { owner, namespaces, catalog } of modules) {
      if (!catalog) continue;
      for (const namespace of namespaces) this.declared.add(namespace);
      for (const [name, description] of Object.entries(catalog)) {
        const namespace = name.split('.')[0] ?? '';
        if (!EVENT_NAME.test(name) || !namespaces.includes(namespace)) {
          throw new PluginCompositionError(
            `${owner === 'core' ? 'Core' : `Plugin "${owner}"`} declares the event "${name}" in its events, outside its namespace. Fix: name it "${namespaces[0]}.<what-happened>" in kebab-case, as it is emitted.`,
          );
        }
        if (typeof description !== 'string' || !description.trim()) {
          throw new PluginCompositionError(
            `${owner === 'core' ? 'Core' : `Plugin "${owner}"`} declares the event "${name}" without a description. Fix: say in a sentence when it is emitted and what it means; district apps read it in eventTypes.`,
          );
        }
        this.byName.set(name, { name, description: description.trim(), owner });
      }
    }
  }

  /** Every declared event, by name. */
  list(): EventType[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
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
