/**
 * A map that answers from its own entries first and then from the map it was derived from, so that a changed copy
 * of a large table costs only what changed. Chains are flattened once they grow deep, so a long series of changes
 * keeps lookups short.
 */
export class LayeredMap<K, V> {
  private readonly own = new Map<K, V | typeof REMOVED>();
  private readonly depth: number;

  private constructor(private readonly parent: LayeredMap<K, V> | undefined) {
    this.depth = parent ? parent.depth + 1 : 0;
  }

  static of<K, V>(entries: Map<K, V>): LayeredMap<K, V> {
    const map = new LayeredMap<K, V>(undefined);
    for (const [k, v] of entries) map.own.set(k, v);
    return map;
  }

  /** A copy to change; the original stays as it is. */
  derive(): LayeredMap<K, V> {
    return this.depth >= MAX_DEPTH ? LayeredMap.of(new Map(this.entries())) : new LayeredMap<K, V>(this);
  }

  get(key: K): V | undefined {
    const v = this.own.get(key);
    if (v !== undefined) return v === REMOVED ? undefined : (v as V);
    return this.parent?.get(key);
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  set(key: K, value: V): void {
    this.own.set(key, value);
  }

  delete(key: K): void {
    if (this.parent) this.own.set(key, REMOVED);
    else this.own.delete(key);
  }

  /** Every live entry, the nearest layer winning. */
  *entries(): IterableIterator<[K, V]> {
    const seen = new Set<K>();
    for (const layer of this.layers()) {
      for (const [k, v] of layer) {
        if (seen.has(k)) continue;
        seen.add(k);
        if (v !== REMOVED) yield [k, v as V];
      }
    }
  }

  /** Own entries first, then each ancestor's. */
  private layers(): Map<K, V | typeof REMOVED>[] {
    return this.parent ? [this.own, ...this.parent.layers()] : [this.own];
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }
}

const REMOVED: unique symbol = Symbol("removed");
const MAX_DEPTH = 12;
