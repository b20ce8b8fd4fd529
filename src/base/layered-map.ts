/**
 * A map that answers from its own entries first and then from the map it was derived from, so that a changed copy
 * of a large table costs only what changed. Chains are flattened once they grow deep, so a long series of changes
 * keeps lookups short.
 */
export class LayeredMap<K, V> {
  private readonly depth: number;

  private constructor(
    private readonly parent: LayeredMap<K, V> | undefined,
    /** This layer's entries; the bottom layer (no parent) never holds REMOVED. */
    private readonly own: Map<K, V | typeof REMOVED> = new Map(),
  ) {
    this.depth = parent ? parent.depth + 1 : 0;
  }

  static of<K, V>(entries: Map<K, V>): LayeredMap<K, V> {
    return new LayeredMap<K, V>(undefined, new Map(entries));
  }

  /** A copy to change; the original stays as it is. */
  derive(): LayeredMap<K, V> {
    // Every map of an index reaches the depth at the same change, so flattening is the cost of that change: done
    // with native Map copies rather than key by key (it was most of the language server's slowest edits).
    return this.depth >= MAX_DEPTH ? new LayeredMap<K, V>(undefined, this.flat()) : new LayeredMap<K, V>(this);
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

  /** Every live entry, the nearest layer winning; in the order keys first appeared, oldest layer first. */
  entries(): IterableIterator<[K, V]> {
    return (this.parent ? this.flat() : (this.own as Map<K, V>)).entries();
  }

  /** The live entries as one new map: the bottom layer copied, then each newer layer's sets and deletions applied. */
  private flat(): Map<K, V> {
    const layers = [this.own];
    for (let layer = this.parent; layer; layer = layer.parent) layers.push(layer.own);
    const out = new Map(layers.pop() as Map<K, V>);
    for (let i = layers.length - 1; i >= 0; i--) {
      for (const [k, v] of layers[i]!) {
        if (v === REMOVED) out.delete(k);
        else out.set(k, v as V);
      }
    }
    return out;
  }

  values(): IterableIterator<V> {
    return (this.parent ? this.flat() : (this.own as Map<K, V>)).values();
  }
}

const REMOVED: unique symbol = Symbol("removed");
const MAX_DEPTH = 12;
