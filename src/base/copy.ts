/**
 * A shallow copy of an object (same prototype, every own field shared by reference) with some own fields
 * replaced: how the per-check recording views of the index and its tables are made.
 *
 * Not `Object.create(value)`, though that is one allocation fewer: V8 gives an object that becomes a prototype a
 * map of its own in the old generation, pointing back at it, and the young-generation collector treats everything
 * in the old generation as alive. A short-lived index (an admission request's preview) used as a prototype, and
 * all it holds, then survived every scavenge until the next full collection: measured on the 10k-object webhook
 * bench, this promoted about 65 KB of garbage per request and made the scavenges several times longer.
 */
export function copyWith<T extends object>(value: T, fields: Record<string, unknown>): T {
  return Object.assign(Object.create(Object.getPrototypeOf(value) as object) as T, value, fields);
}
