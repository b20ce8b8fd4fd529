/** Appends to the list kept under `key`, creating it; in place, so that building a large index stays linear. */
export function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
