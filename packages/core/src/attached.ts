/** The one hidden property an owner gets: its values by {@link Attached} instance. */
const HELD = Symbol('gongzhi.attached');

type Owner = { [HELD]?: Map<symbol, unknown> };

/**
 * A value kept with an object for as long as the object lives (an operation's context or
 * loaders, an EntityManager, a request's headers): a WeakMap's interface, the value held by the
 * object itself (one non-enumerable property holding every `Attached` value of that object).
 *
 * Why not a WeakMap: V8's young-generation collector does not clear a WeakMap's entry whose key
 * died young; it keeps the value until the next full collection. A module's WeakMap outlives
 * every operation, so what it kept per operation (the rows read, the places checked) was all
 * promoted to the old generation, which then filled and was compacted every half second under
 * load (bench/README.md, "Per-operation state in WeakMaps; V8's pretenuring"). Held by the object,
 * a value dies with it in the young generation. Keep WeakMaps for keys that live long (a schema, a
 * pooled connection, a parsed document).
 *
 * @internal
 */
export class Attached<O extends object, V> {
  private readonly key: symbol;

  /** @param description names the value when debugging (the symbol's description). */
  constructor(description: string) {
    this.key = Symbol(description);
  }

  /** The value kept with `owner`, if any. */
  get(owner: O): V | undefined {
    return (owner as Owner)[HELD]?.get(this.key) as V | undefined;
  }

  /** Whether a value is kept with `owner`. */
  has(owner: O): boolean {
    return (owner as Owner)[HELD]?.has(this.key) ?? false;
  }

  /** Keeps `value` with `owner` (an owner that cannot take a property, a frozen object, throws). */
  set(owner: O, value: V): this {
    let held = (owner as Owner)[HELD];
    if (!held) {
      held = new Map();
      // Not enumerable: a spread or JSON of the owner leaves it out, as a WeakMap's entry would be.
      Object.defineProperty(owner, HELD, { value: held, enumerable: false, writable: false, configurable: false });
    }
    held.set(this.key, value);
    return this;
  }

  /** Lets go of the value kept with `owner`. */
  delete(owner: O): boolean {
    return (owner as Owner)[HELD]?.delete(this.key) ?? false;
  }
}
